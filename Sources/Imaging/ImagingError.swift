/// Every failure of the Imaging module: what went wrong and with which file (or argument), in one
/// line. `description` is what a lesson prints, e.g.
/// `Data/cat.png: not a PNG file (the first 8 bytes are not the PNG signature)`.
public struct ImagingError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        case fileNotFound, isDirectory, emptyFile, notPNG, truncated, tooLarge
        case decodeFailed, encodeFailed, readFailed, writeFailed, invalidArgument
    }

    public let kind: Kind
    /// The file concerned, or an empty string when the error is not about a file.
    public let path: String
    public let message: String

    public init(_ kind: Kind, path: String = "", _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
