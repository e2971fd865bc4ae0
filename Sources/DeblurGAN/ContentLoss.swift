import Autograd
import Foundation

/// The content term of DeblurGAN's generator loss, one switchable type so the lesson can compare
/// them on the same run.
///
/// - `perceptual`: the paper's choice — mean squared error between VGG19 conv3_3 features of the
///   restored image and of the sharp image (the sharp features detached, as the official code).
/// - `l2`, `l1`: the pixel losses, mean over all values.
///
/// Fallback when the VGG19 weights are absent: **L1 on pixels** (`ContentLoss.standard(vggWeights:)`
/// says so in its message). L1 rather than L2 because, with the same weight 100, it is pix2pix's
/// pairing of a conditional GAN with a pixel loss and it blurs less than L2. A randomly
/// initialised VGG is never used silently as a "perceptual" loss.
public enum ContentLoss {
    case perceptual(VGG19Features)
    case l2
    case l1

    /// A short name for tables, logs and checkpoint metadata.
    public var name: String {
        switch self {
        case .perceptual(let vgg): return "perceptual-vgg19-conv3_3-\(vgg.cut == .beforeReLU ? "before" : "after")-relu"
        case .l2: return "l2"
        case .l1: return "l1"
        }
    }

    /// The loss of `restored` against `sharp` (both [N, 3, H, W] in [−1, 1]); differentiable in `restored`.
    public func callAsFunction(_ restored: Tensor, _ sharp: Tensor) -> Tensor {
        switch self {
        case .perceptual(let vgg):
            let target = withNoGrad { vgg(sharp) }
            return (vgg(restored) - target).square().mean()
        case .l2:
            return (restored - sharp.detach()).square().mean()
        case .l1:
            return (restored - sharp.detach()).abs().mean()
        }
    }

    /// The paper's perceptual loss when `vggWeights` names a readable VGG19 file, otherwise the L1
    /// fallback — with a message saying plainly which one is in use and why.
    public static func standard(vggWeights path: String?) -> (loss: ContentLoss, message: String) {
        guard let path, FileManager.default.fileExists(atPath: path) else {
            return (.l1, "VGG19 weights not found\(path.map { " at \($0)" } ?? ""): content loss is L1 on pixels instead of the paper's perceptual loss (see Sources/DeblurGAN/DeblurGAN.docc/VGG19-weights.md to convert them)")
        }
        do {
            let vgg = try VGG19Features(contentsOf: path)
            return (.perceptual(vgg), "content loss: perceptual, VGG19 conv3_3 (before ReLU, as the official code) from \(path)")
        } catch {
            return (.l1, "VGG19 weights at \(path) are unusable (\(error)): content loss is L1 on pixels instead")
        }
    }
}
