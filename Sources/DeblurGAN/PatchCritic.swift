import Autograd
import NN

/// DeblurGAN's critic: the official `NLayerDiscriminator` (a PatchGAN) with n_layers 3, ndf 64,
/// kernel 4, padding 2, InstanceNorm without affine parameters, biases on every conv, and no
/// sigmoid (a WGAN-GP critic returns unbounded scores):
///
///     0 Conv 3→64 s2 · 1 LReLU(0.2) · 2 Conv 64→128 s2 · 3 IN · 4 LReLU · 5 Conv 128→256 s2 ·
///     6 IN · 7 LReLU · 8 Conv 256→512 s1 · 9 IN · 10 LReLU · 11 Conv 512→1 s1
///
/// It returns a map of scores [N, 1, h, w], one per overlapping patch, and sees only the sharp
/// or restored image (not the blurred input). ndf 64 has 2,764,737 parameters.
public final class PatchCritic: Module {
    public let model: Sequential

    public init(ndf: Int = 64, layers nLayers: Int = 3, channels: Int = 3, using rng: inout RandomGenerator) {
        precondition(ndf > 0 && nLayers >= 1, "ndf and the layer count must be positive")
        let initialiser = Initialiser.normal(std: 0.02)
        func conv(_ i: Int, _ o: Int, stride: Int) -> Conv2d {
            Conv2d(i, o, kernelSize: 4, stride: stride, padding: 2, initialiser: initialiser, using: &rng)
        }
        var layers: [Module] = [conv(channels, ndf, stride: 2), LeakyReLU(0.2)]
        var width = ndf
        for n in 1...nLayers {
            // n < nLayers: stride 2; the last of these keeps the size (stride 1). Widths ×2 up to 8·ndf.
            let next = ndf * min(1 << n, 8)
            layers += [conv(width, next, stride: n < nLayers ? 2 : 1), InstanceNorm2d(next), LeakyReLU(0.2)]
            width = next
        }
        layers.append(conv(width, 1, stride: 1))
        model = Sequential(layers)
    }

    public override var children: [(name: String, module: Module)] { [("model", model)] }

    /// x: [N, C, H, W] in [−1, 1] → patch scores [N, 1, h, w].
    public override func callAsFunction(_ x: Tensor) -> Tensor { model(x) }
}
