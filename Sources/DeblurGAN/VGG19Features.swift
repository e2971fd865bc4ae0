import Autograd
import Foundation
import NN

/// The front of torchvision's `vgg19().features`, with its layer indices and state_dict names
/// (`features.0.weight`, `features.2.bias`, …, `features.14.weight`), for DeblurGAN's perceptual
/// loss:
///
///     0 conv1_1 3→64 · 1 ReLU · 2 conv1_2 64→64 · 3 ReLU · 4 MaxPool 2×2
///     5 conv2_1 64→128 · 6 ReLU · 7 conv2_2 128→128 · 8 ReLU · 9 MaxPool 2×2
///     10 conv3_1 128→256 · 11 ReLU · 12 conv3_2 · 13 ReLU · 14 conv3_3 · (15 ReLU)
///
/// All convolutions are 3×3, padding 1, with bias. The paper takes conv3_3 *after* its ReLU
/// (`.afterReLU`, ends at index 15); the official code takes `features[0…14]`, i.e. *before* it
/// (`.beforeReLU`, the default here, as the released weights were trained with it).
///
/// Weights: ImageNet weights cannot be downloaded here. A user who has torchvision converts them
/// once with (see `DeblurGAN.docc/VGG19-weights.md`)
///
///     python -c "import torch, torchvision; from safetensors.torch import save_file; m=torchvision.models.vgg19(weights='IMAGENET1K_V1'); save_file({k: v.contiguous() for k, v in m.state_dict().items() if k.startswith('features.')}, 'vgg19.safetensors')"
///
/// and loads the file with `VGG19Features(contentsOf:)`. The parameters never train: they are
/// created without `requiresGrad`, so gradients flow through the network to its input only.
public final class VGG19Features: Module {
    /// Where the features are taken: conv3_3 before (index 14, official code) or after (15, paper) its ReLU.
    public enum Cut: String, Sendable {
        case beforeReLU, afterReLU
    }

    public let features: Sequential
    public let cut: Cut
    /// Maps [−1, 1] images to ImageNet statistics first: (x + 1)/2, then (x − mean)/std. The
    /// official code feeds the [−1, 1] images directly (`false`).
    public let imagenetNormalisation: Bool

    public static let imagenetMean: [Float] = [0.485, 0.456, 0.406]
    public static let imagenetStd: [Float] = [0.229, 0.224, 0.225]

    /// A VGG19 front with random weights (torchvision's own init is irrelevant: real use loads a file).
    public init(cut: Cut = .beforeReLU, imagenetNormalisation: Bool = false, using rng: inout RandomGenerator) {
        func conv(_ i: Int, _ o: Int) -> Conv2d { Conv2d(i, o, kernelSize: 3, padding: 1, using: &rng) }
        var layers: [Module] = [
            conv(3, 64), ReLU(), conv(64, 64), ReLU(), MaxPool2d(2),
            conv(64, 128), ReLU(), conv(128, 128), ReLU(), MaxPool2d(2),
            conv(128, 256), ReLU(), conv(256, 256), ReLU(), conv(256, 256),
        ]
        if cut == .afterReLU { layers.append(ReLU()) }
        features = Sequential(layers)
        self.cut = cut
        self.imagenetNormalisation = imagenetNormalisation
        super.init()
        for p in parameters() { p.requiresGrad = false }
    }

    /// Loads the layers it uses from a safetensors file with torchvision's names. Strict on those
    /// (every `features.N.weight/bias` up to conv3_3 must be present with torchvision's shape);
    /// every other tensor in the file (deeper features, the classifier) is ignored.
    public convenience init(contentsOf path: String, cut: Cut = .beforeReLU, imagenetNormalisation: Bool = false) throws {
        var rng = RandomGenerator(seed: 0)
        self.init(cut: cut, imagenetNormalisation: imagenetNormalisation, using: &rng)
        let wanted = Set(namedParameters().map(\.name))
        let file = try SafeTensors.read(path, including: { wanted.contains($0) })
        do {
            try Checkpoint.assign(file.tensors, to: self, source: path)
        } catch let error as CheckpointError {
            throw DeblurGANError(.vggWeights, source: path, "not torchvision VGG19 features weights — \(error.problem)")
        }
    }

    public override var children: [(name: String, module: Module)] { [("features", features)] }

    /// x: [N, 3, H, W] in [−1, 1] → conv3_3 features [N, 256, H/4, W/4].
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        guard imagenetNormalisation else { return features(x) }
        let mean = Tensor(shape: [1, 3, 1, 1], data: Self.imagenetMean)
        let std = Tensor(shape: [1, 3, 1, 1], data: Self.imagenetStd)
        return features(((x + 1) * 0.5 - mean) / std)
    }
}
