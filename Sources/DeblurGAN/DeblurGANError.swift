import Foundation

/// A problem with a file the DeblurGAN module was given: VGG weights that are not torchvision's
/// VGG19, a dataset folder that does not have the expected layout, an unusable training checkpoint.
/// The message names the file or folder and everything wrong with it.
public struct DeblurGANError: Error, CustomStringConvertible, LocalizedError, Equatable {
    public enum Kind: Sendable, Equatable {
        case vggWeights
        case dataset
        case checkpoint
    }

    public let kind: Kind
    public let source: String
    public let problem: String

    public init(_ kind: Kind, source: String, _ problem: String) {
        self.kind = kind
        self.source = source
        self.problem = problem
    }

    public var description: String { "\(source): \(problem)" }
    public var errorDescription: String? { description }
}
