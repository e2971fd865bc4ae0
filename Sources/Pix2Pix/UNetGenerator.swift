import Autograd
import NN

/// pix2pix's U-Net generator (Isola et al. 2017, `UnetGenerator` of the official code), with a
/// configurable depth so that it fits small patches and a CPU budget:
///
///     down 0:    Conv C→w₀ k4 s2 p1
///     down i:    LReLU(0.2) · Conv wᵢ₋₁→wᵢ k4 s2 p1 · IN        (no IN at the innermost level)
///     up d−1:    ReLU · ConvT w_{d−1}→w_{d−2} k4 s2 p1 · IN · [Dropout]
///     up i:      ReLU · ConvT 2wᵢ→wᵢ₋₁ · IN · [Dropout]           (input: [skip eᵢ, up output])
///     up 0:      ReLU · ConvT 2w₀→C · Tanh
///
/// with widths wᵢ = ngf · min(2ⁱ, 8). Each level halves the size, so H and W must be multiples of
/// 2^depth. The skips hand the encoder's fine detail straight to the decoder — the reason pix2pix
/// chose a U-Net: input and output share their low-level structure (edges stay where they are).
///
/// Differences from pix2pix, all for a small CPU budget: InstanceNorm (no affine) instead of
/// BatchNorm (pix2pix trains with batch 1, where BatchNorm *is* instance normalisation), a depth
/// chosen for the patch size (pix2pix: 8 levels for 256²), dropout on the `dropoutLayers` decoder
/// levels next to the bottleneck (pix2pix: 3), and — with `learnResidual`, as DeblurGAN —
/// output = clamp(x + U(x), −1, 1) and the last layer's weights starting at zero, so training
/// starts from the identity G(x) = x rather than from grey or noise.
/// Dropout is pix2pix's only noise "z"; it acts in training mode (pix2pix keeps it on at test time too).
public final class UNetGenerator: Module {
    public let downs: [Sequential]
    /// Decoder levels, outermost first (`ups[0]` makes the image).
    public let ups: [Sequential]
    public let learnResidual: Bool
    public let depth: Int

    public init(channels: Int = 3, ngf: Int = 32, depth: Int = 4, dropoutLayers: Int = 1, dropout: Float = 0.5,
                learnResidual: Bool = true, using rng: inout RandomGenerator) {
        precondition(depth >= 2 && ngf > 0 && channels > 0, "a U-Net needs depth ≥ 2 and positive widths")
        precondition((0..<depth).contains(dropoutLayers), "dropoutLayers must be in 0..<depth (the outermost level has none)")
        let initialiser = Initialiser.normal(std: 0.02)
        let width = (0..<depth).map { ngf * min(1 << $0, 8) }
        func conv(_ i: Int, _ o: Int) -> Conv2d {
            Conv2d(i, o, kernelSize: 4, stride: 2, padding: 1, initialiser: initialiser, using: &rng)
        }
        func convT(_ i: Int, _ o: Int) -> ConvTranspose2d {
            ConvTranspose2d(i, o, kernelSize: 4, stride: 2, padding: 1, initialiser: initialiser, using: &rng)
        }
        var downs = [Sequential(conv(channels, width[0]))]
        for i in 1..<depth {
            var layers: [Module] = [LeakyReLU(0.2), conv(width[i - 1], width[i])]
            if i < depth - 1 { layers.append(InstanceNorm2d(width[i])) }
            downs.append(Sequential(layers))
        }
        let output = convT(2 * width[0], channels)
        if learnResidual {
            // Start as the identity: with the residual output, a zero last layer gives G(x) = x.
            output.weight.data = [Float](repeating: 0, count: output.weight.count)
        }
        var ups = [Sequential(ReLU(), output, Tanh())]
        for i in 1..<depth {
            let input = i == depth - 1 ? width[i] : 2 * width[i]
            var layers: [Module] = [ReLU(), convT(input, width[i - 1]), InstanceNorm2d(width[i - 1])]
            if i >= depth - dropoutLayers { layers.append(Dropout(dropout, generator: rng.split())) }
            ups.append(Sequential(layers))
        }
        self.downs = downs
        self.ups = ups
        self.depth = depth
        self.learnResidual = learnResidual
    }

    public override var children: [(name: String, module: Module)] {
        downs.enumerated().map { ("down\($0.offset)", $0.element as Module) }
            + ups.enumerated().map { ("up\($0.offset)", $0.element as Module) }
    }

    /// x: [N, C, H, W] in [−1, 1], H and W multiples of 2^depth.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        let multiple = 1 << depth
        precondition(x.rank == 4 && x.shape[2] % multiple == 0 && x.shape[3] % multiple == 0,
                     "UNetGenerator(depth \(depth)) needs [N, C, H, W] with H and W multiples of \(multiple), got \(x.shape)")
        var skips: [Tensor] = []
        var h = x
        for down in downs {
            h = down(h)
            skips.append(h)
        }
        var u = ups[depth - 1](skips[depth - 1])
        for i in stride(from: depth - 2, through: 0, by: -1) {
            u = ups[i](Tensor.concat([skips[i], u], axis: 1))
        }
        return learnResidual ? (x + u).clamp(-1, 1) : u
    }
}
