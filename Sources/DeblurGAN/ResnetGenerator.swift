import Autograd
import NN

/// DeblurGAN's generator, `resnet_9blocks` of the official code, layer for layer, so that its
/// `namedParameters()` are the keys of the released state_dict (`model.1.weight`,
/// `model.10.conv_block.6.bias`, `model.26.weight`, …) and those weights load by name:
///
///     0 ReflectionPad(3) · 1 Conv 3→ngf k7 · 2 IN · 3 ReLU
///     4 Conv ngf→2ngf k3 s2 p1 · 5 IN · 6 ReLU · 7 Conv 2ngf→4ngf k3 s2 p1 · 8 IN · 9 ReLU
///     10 … 9+B  B ResBlocks(4ngf)
///     ConvTranspose 4ngf→2ngf k3 s2 p1 op1 · IN · ReLU · ConvTranspose 2ngf→ngf · IN · ReLU
///     ReflectionPad(3) · Conv ngf→3 k7 · Tanh
///
/// The indices after the blocks shift with the block count exactly as the official Sequential's
/// do (with 9 blocks the last conv is `model.26`). InstanceNorm has no affine parameters, every
/// convolution has a bias, weights start N(0, 0.02) and biases 0, as the official `weights_init`.
///
/// With `learnResidual` (the official README's setting) the network predicts a correction:
/// output = clamp(input + model(input), −1, 1). Images are in [−1, 1].
///
/// `zeroLastLayer` (not the paper's) starts the last convolution at zero weights and bias, so an
/// untrained residual generator returns its input exactly (tanh(0) = 0) instead of adding a large
/// random correction: small budgets then start from "do nothing" rather than 5–10 dB below it.
///
/// `norm` (not the paper's unless `.instance`) swaps every InstanceNorm for another normalisation
/// (`GeneratorNorm`); the layers keep their indices and names, since none of them has parameters.
///
/// `skips` (not the paper's) adds each encoder activation to the decoder activation of the same
/// size — after the first ReLU to after the last transposed conv's ReLU, and likewise at half
/// size — as U-Net's skips do, but by addition, so there are no new parameters and the names
/// stay the official ones. The decoder then only has to add the detail the blur removed instead
/// of rebuilding every full-resolution feature through the ¼-size bottleneck.
///
/// `scales` (not the paper's) runs the network coarse to fine, as the multi-scale deblurring of
/// Nah et al. (2017) and SRN-DeblurNet (Tao et al. 2018), with one set of weights for every scale
/// (SRN's sharing), so the names stay the official ones: first on the input averaged down to
/// 1/2^(scales−1) of its size, where a 30-px blur is 15 px or less; each finer pass then starts
/// from its own input plus the coarser pass's correction, upsampled bilinearly.
///
/// `downsamplings` (the paper's is 2) sets how many stride-2 convolutions lead to the ResBlocks,
/// each doubling the channels, with a transposed convolution for each on the way back — the
/// encoder–decoder depth of a U-Net or of DeblurGAN-v2's feature pyramid, with weights of its own
/// at every level. At 3 the blocks work at 1/8 size on 8·ngf channels: the same multiply-adds per
/// pixel as at 1/4 on 4·ngf, four times the block weights, and twice the reach in pixels. With
/// `skips`, every encoder size above the blocks' is added to the decoder.
///
/// `leakySlope` (not the paper's, which is 0) turns every ReLU into a LeakyReLU with that slope
/// below zero: a channel that stops firing still passes a gradient, so no layer can die.
///
/// `block` (the paper's is `.resnet`) swaps the ResBlocks for NAFNet's blocks (`NAFBlock`), which
/// have neither ReLU nor InstanceNorm; the encoder and decoder around them are unchanged.
public final class ResnetGenerator: Module {
    public let model: Sequential
    public let learnResidual: Bool
    public let skips: Bool
    public let scales: Int
    public let downsamplings: Int

    /// ngf 64 and 9 blocks is the paper's network (11,378,179 parameters).
    public init(ngf: Int = 64, blocks: Int = 9, channels: Int = 3, learnResidual: Bool = true,
                dropout: Float = 0.5, zeroLastLayer: Bool = false, norm: GeneratorNorm = .instance,
                skips: Bool = false, scales: Int = 1, downsamplings: Int = 2, leakySlope: Float = 0,
                block: GeneratorBlock = .resnet, using rng: inout RandomGenerator) {
        precondition(ngf > 0 && blocks >= 0, "ngf must be positive and the block count non-negative")
        precondition(scales >= 1, "the generator needs at least one scale")
        precondition(downsamplings >= 1, "the generator needs at least one downsampling")
        let mults = (0..<downsamplings).map { 1 << $0 }, bottom = ngf << downsamplings
        let activation = { () -> Module in leakySlope == 0 ? ReLU() : LeakyReLU(leakySlope) }
        let initialiser = norm.initialiser
        var layers: [Module] = [
            ReflectionPad2d(3),
            Conv2d(channels, ngf, kernelSize: 7, initialiser: initialiser, using: &rng),
            norm.layer(ngf), activation(),
        ]
        for mult in mults {
            layers += [Conv2d(ngf * mult, ngf * mult * 2, kernelSize: 3, stride: 2, padding: 1,
                              initialiser: initialiser, using: &rng),
                       norm.layer(ngf * mult * 2), activation()]
        }
        for _ in 0..<blocks {
            var blockRNG = rng.split()
            switch block {
            case .resnet: layers.append(ResnetBlock(channels: bottom, dropout: dropout, norm: norm, activation: activation(), using: &blockRNG))
            case .naf: layers.append(NAFBlock(channels: bottom, using: &blockRNG))
            }
        }
        for mult in mults.reversed().map({ $0 * 2 }) {
            layers += [ConvTranspose2d(ngf * mult, ngf * mult / 2, kernelSize: 3, stride: 2, padding: 1,
                                       outputPadding: 1, initialiser: initialiser, using: &rng),
                       norm.layer(ngf * mult / 2), activation()]
        }
        let last = Conv2d(ngf, channels, kernelSize: 7, initialiser: initialiser, using: &rng)
        if zeroLastLayer {
            for i in last.weight.data.indices { last.weight.data[i] = 0 }
            if let b = last.bias { for i in b.data.indices { b.data[i] = 0 } }
        }
        layers += [ReflectionPad2d(3), last, Tanh()]
        model = Sequential(layers)
        self.learnResidual = learnResidual
        self.skips = skips
        self.scales = scales
        self.downsamplings = downsamplings
    }

    /// The generator a training configuration describes.
    public convenience init(_ config: DeblurGANConfig, channels: Int = 3, using rng: inout RandomGenerator) {
        self.init(ngf: config.ngf, blocks: config.blocks, channels: channels, learnResidual: config.learnResidual,
                  dropout: config.dropout, zeroLastLayer: config.zeroLastLayer, norm: config.norm,
                  skips: config.skips ?? false, scales: config.scales ?? 1,
                  downsamplings: config.downsamplings ?? 2, leakySlope: config.leakySlope ?? 0,
                  block: config.block ?? .resnet, using: &rng)
    }

    public override var children: [(name: String, module: Module)] { [("model", model)] }

    /// What input sides must be multiples of: 2 for every stride-2 convolution, times 2 for
    /// every scale below the full one.
    public var sizeMultiple: Int { 1 << (downsamplings + scales - 1) }

    /// x: [N, C, H, W] in [−1, 1] with H and W multiples of `sizeMultiple`.
    public override func callAsFunction(_ x: Tensor) -> Tensor { coarseToFine(x)[scales - 1] }

    /// The restoration at every scale, coarsest first; the last is the output. The restoration
    /// at a scale is `pass(start)`, where `start` is that scale's input plus the coarser
    /// restoration's change to its own input, upsampled.
    public func coarseToFine(_ x: Tensor) -> [Tensor] {
        precondition(x.rank == 4 && x.shape[2] % sizeMultiple == 0 && x.shape[3] % sizeMultiple == 0,
                     "ResnetGenerator needs [N, C, H, W] with H and W multiples of \(sizeMultiple), got \(x.shape); `Deblurrer` pads any size")
        var inputs = [x]
        for _ in 1..<scales { inputs.append(downsampled2x(inputs[inputs.count - 1])) }
        var outputs: [Tensor] = []
        for (k, input) in inputs.enumerated().reversed() {
            let start = outputs.last.map { input + upsampled2xBilinear($0 - inputs[k + 1]) } ?? input
            outputs.append(pass(start))
        }
        return outputs
    }

    /// One pass of the network: the paper's generator.
    private func pass(_ x: Tensor) -> Tensor {
        let y = layers(x)
        return learnResidual ? (x + y).clamp(-1, 1) : y
    }

    /// The layers in order, each output shown to `observe`. With `skips`, the encoder activation
    /// at each size above the blocks' — after layer 3 (full size), 6 (half), … — is added after the
    /// ReLU of the transposed convolution of the same size: layer count − 4 for full size, − 7 for
    /// half, … (the last layer is the Tanh, after the pad and the last conv).
    private func layers(_ x: Tensor, observe: (Int, Tensor) -> Void = { _, _ in }) -> Tensor {
        let last = model.layers.count - 1
        // Encoder size k (0 is full size) ends at layer 3(k + 1), the decoder's at last − 3(k + 1).
        var h = x, encoder: [Int: Tensor] = [:]
        for (i, layer) in model.layers.enumerated() {
            h = layer(h)
            if skips {
                if i > 0 && i % 3 == 0 && i / 3 <= downsamplings { encoder[i / 3 - 1] = h }
                else if (last - i) % 3 == 0, let e = encoder[(last - i) / 3 - 1] { h = h + e }
            }
            observe(i, h)
        }
        return h
    }

    /// For each ReLU of the main path (`model.3`, `model.6`, …, the one before the last conv),
    /// how many of its channels fire (are above 0) somewhere on `x`. A channel that never fires
    /// passes no gradient to anything before it: it is dead, and with it the capacity it stood for.
    /// Without a normalisation, a high learning rate can kill every channel of the last ReLU in a
    /// few hundred steps; the generator is then stuck at a constant correction (the recipe search).
    public func liveChannels(on x: Tensor) -> [(layer: Int, live: Int, channels: Int)] {
        var counts: [(layer: Int, live: Int, channels: Int)] = []
        withNoGrad {
            _ = layers(x) { i, h in
                guard model.layers[i] is ReLU else { return }
                let (n, c, plane) = (h.shape[0], h.shape[1], h.shape[2] * h.shape[3])
                var fires = [Bool](repeating: false, count: c)
                h.data.withUnsafeBufferPointer { d in
                    for b in 0..<n { for ch in 0..<c where !fires[ch] {
                        let start = (b * c + ch) * plane
                        fires[ch] = d[start..<(start + plane)].contains { $0 > 0 }
                    } }
                }
                counts.append((i, fires.filter { $0 }.count, c))
            }
        }
        return counts
    }

    /// The dropout layers of every ResBlock, in order.
    public var dropouts: [Dropout] { namedModules().compactMap { $0.module as? Dropout } }

    /// Gives every dropout layer a fresh generator derived from `seed`. The trainer calls it once
    /// per step with a seed derived from (run seed, step), so a resumed run draws the very same
    /// dropout masks as an uninterrupted one.
    public func reseedDropout(_ seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        for d in dropouts { d.generator = rng.split() }
    }
}

/// `conv_block` of the official ResnetBlock: 0 ReflectionPad(1) · 1 Conv 3×3 · 2 IN · 3 ReLU ·
/// 4 Dropout(0.5) · 5 ReflectionPad(1) · 6 Conv 3×3 · 7 IN, and output x + conv_block(x).
/// (The released weights use this two-conv layout; a later commit of the repository collapsed
/// it to one conv by an operator-precedence slip.)
public final class ResnetBlock: Module {
    public let convBlock: Sequential

    public init(channels: Int, dropout: Float = 0.5, norm: GeneratorNorm = .instance, activation: Module = ReLU(),
                using rng: inout RandomGenerator) {
        let initialiser = norm.initialiser
        convBlock = Sequential(
            ReflectionPad2d(1),
            Conv2d(channels, channels, kernelSize: 3, initialiser: initialiser, using: &rng),
            norm.layer(channels), activation,
            Dropout(dropout, generator: rng.split()),
            ReflectionPad2d(1),
            Conv2d(channels, channels, kernelSize: 3, initialiser: initialiser, using: &rng),
            norm.layer(channels))
    }

    public override var children: [(name: String, module: Module)] { [("conv_block", convBlock)] }

    public override func callAsFunction(_ x: Tensor) -> Tensor { x + convBlock(x) }
}

/// The generator's residual blocks between encoder and decoder.
public enum GeneratorBlock: String, Sendable, Codable, CaseIterable {
    /// The paper's: two 3×3 convolutions with the generator's norm and ReLU (`ResnetBlock`).
    case resnet
    /// NAFNet's: LayerNorm, 1×1 and depthwise 3×3 convolutions, SimpleGate and channel attention (`NAFBlock`).
    case naf
}

/// The generator's normalisation layers. `.instance` is the paper's; the others are measured
/// alternatives for short CPU budgets (the deblurgan lesson's recipe table).
public enum GeneratorNorm: String, Sendable, Codable, CaseIterable {
    /// InstanceNorm without affine parameters, weights N(0, 0.02) (DeblurGAN, pix2pix).
    case instance
    /// One group: each image normalised as a whole over channels and pixels (`GroupNorm2d(groups: 1)`).
    case layer
    /// No normalisation (EDSR's choice for restoration).
    case none

    func layer(_ channels: Int) -> Module {
        switch self {
        case .instance: return InstanceNorm2d(channels)
        case .layer: return GroupNorm2d(groups: 1, channels)
        case .none: return Identity()
        }
    }

    /// N(0, 0.02) suits layers followed by a per-channel norm, which undoes any scale; without one,
    /// PyTorch's default (uniform, 1/√fan-in) keeps activations from shrinking 50× per layer.
    var initialiser: Initialiser {
        self == .instance ? .normal(std: 0.02) : .pytorchDefault
    }
}
