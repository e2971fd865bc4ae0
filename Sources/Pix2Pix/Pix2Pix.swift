import Autograd
import DeblurGAN
import GANKit
import NN

/// What a pix2pix-style (conditional GAN) training optimises, so that "L1 only", "cGAN only",
/// "L1 + cGAN" and "L1 + unconditional GAN" are one type with different settings:
///
///     G* = arg min_G max_D  L_GAN(G, D) + λ·E‖y − G(x, z)‖₁
///     conditional D:   L_GAN = E log D(x, y) + E log(1 − D(x, G(x, z)))
///     unconditional D: L_GAN = E log D(y)    + E log(1 − D(G(x, z)))
///
/// Defaults are pix2pix's: λ = 100, the non-saturating BCE loss (G maximises log D(x, G(x, z))),
/// D's objective halved, Adam lr 2e-4, β = (0.5, 0.999), one D step per G step.
public struct Pix2PixConfig: Sendable, Equatable {
    public var name: String
    /// λ, the weight of the L1 term (0: no L1 term).
    public var l1Weight: Float = 100
    /// The adversarial loss, or nil for a plain L1 regression (no discriminator).
    public var adversarial: GANLoss? = .nonSaturating
    /// Whether D sees the input x next to the image (a 2C-channel PatchGAN) or the image alone.
    public var conditionalDiscriminator = true
    public var learningRate: Float = 2e-4
    public var beta1: Float = 0.5
    public var beta2: Float = 0.999
    /// PatchGAN width and number of strided layers (pix2pix: ndf 64, n_layers 3).
    public var ndf = 64
    public var discriminatorLayers = 3
    /// A matching-aware conditional D (Reed et al. 2016, GAN-CLS): real targets paired with the
    /// wrong input, (x, y′) with y′ another sample's target, count as fake too, so D cannot call
    /// a pair real because its image is sharp — it has to check that the image belongs to x.
    /// D's loss becomes ½·[L(real, fake) + L(real, mismatched)].
    public var mismatchedNegatives = false

    public init(name: String, l1Weight: Float = 100, adversarial: GANLoss? = .nonSaturating,
                conditionalDiscriminator: Bool = true) {
        precondition(l1Weight > 0 || adversarial != nil, "a run needs an L1 term, an adversarial term, or both")
        self.name = name
        self.l1Weight = l1Weight
        self.adversarial = adversarial
        self.conditionalDiscriminator = conditionalDiscriminator
    }
}

/// One training step's record.
public struct Pix2PixStep: Sendable, Equatable {
    /// 1-based.
    public let step: Int
    /// mean |G(x) − y| on the training batch (images in [−1, 1]), before the weight λ.
    public let l1: Float
    /// G's adversarial loss (e.g. −log D(x, G(x)) averaged over patches); nil without a discriminator.
    public let generatorAdversarial: Float?
    /// D's loss before halving (for BCE: −log D(x, y) − log(1 − D(x, G(x))), 2 log 2 ≈ 1.386 at chance).
    public let discriminator: Float?
}

/// A pix2pix-style trainer for any image-to-image generator and a PatchGAN discriminator
/// (`PatchCritic`, which returns raw patch scores; the BCE goes through GANKit's stable
/// log-sigmoid). Each step: one batch, G(x) once, one D update on (x, y) vs (x, G(x)) detached,
/// one G update on λ·L1 + adversarial.
///
/// Determinism: the batch, the dropout masks (pix2pix's z) and any loss randomness of step s come
/// from a generator derived from (seed, s), so two trainers with one seed give the same weights.
public final class Pix2PixTrainer {
    public let config: Pix2PixConfig
    public let seed: UInt64
    public let generator: Module
    /// nil when the configuration has no adversarial term.
    public let discriminator: PatchCritic?
    public private(set) var step = 0
    public private(set) var history: [Pix2PixStep] = []

    private let generatorOptimiser: Adam
    private let discriminatorOptimiser: Adam?
    private let batches: BatchProvider

    /// `generator` maps [N, C, H, W] to the same shape; `channels` is C. The discriminator is
    /// built here from `seed`, with 2C input channels when it is conditional.
    public init(config: Pix2PixConfig, generator: Module, channels: Int, seed: UInt64,
                batches: @escaping BatchProvider) {
        self.config = config
        self.seed = seed
        self.generator = generator
        self.batches = batches
        let betas = (config.beta1, config.beta2)
        generatorOptimiser = Adam(parameters: generator.parameters(), learningRate: config.learningRate, betas: betas)
        precondition(!config.mismatchedNegatives || config.conditionalDiscriminator,
                     "mismatched pairs are negatives only for a conditional discriminator")
        if config.adversarial != nil {
            var rng = RandomGenerator(seed: seed ^ 0xD15C_0000)
            let d = PatchCritic(ndf: config.ndf, layers: config.discriminatorLayers,
                                channels: config.conditionalDiscriminator ? 2 * channels : channels, using: &rng)
            discriminator = d
            discriminatorOptimiser = Adam(parameters: d.parameters(), learningRate: config.learningRate, betas: betas)
        } else {
            discriminator = nil
            discriminatorOptimiser = nil
        }
    }

    /// D's view of an image y produced for input x: the channel concatenation [x, y] for a
    /// conditional D (pix2pix's `torch.cat((real_A, fake_B), 1)`), y alone otherwise.
    public func discriminatorInput(_ x: Tensor, _ y: Tensor) -> Tensor {
        config.conditionalDiscriminator ? Tensor.concat([x.detach(), y], axis: 1) : y
    }

    /// The batch with sample i replaced by sample i + 1 (cyclically): every target beside an input
    /// it does not belong to.
    static func shiftedBatch(_ y: Tensor) -> Tensor {
        let n = y.shape[0], m = y.count / n
        precondition(n >= 2, "mismatched pairs need a batch of at least 2")
        return Tensor(shape: y.shape, data: Array(y.data[m...] + y.data[..<m]))
    }

    /// Trains `steps` more steps; `onStep` sees each record (and may throw to stop).
    public func train(steps: Int, onStep: (Pix2PixStep) throws -> Void = { _ in }) throws {
        for _ in 0..<steps {
            let record = try trainStep()
            history.append(record)
            try onStep(record)
        }
    }

    public func trainStep() throws -> Pix2PixStep {
        let s = step + 1
        var streams = stepStreams(seed: seed, step: s)
        var batchRNG = streams.split(), lossRNG = streams.split()
        let (x, y) = try batches(&batchRNG)
        precondition(x.shape == y.shape && x.rank == 4, "batches must be two [N, C, H, W] tensors of one shape")
        generator.train()
        reseedDropout(streams.next())
        let fake = generator(x)

        var dValue: Float?, advValue: Float?
        var terms: [Tensor] = []
        if let gan = config.adversarial, let d = discriminator, let dOpt = discriminatorOptimiser {
            let D = { (image: Tensor) in d(self.discriminatorInput(x, image)) }
            var (dLoss, _) = gan.discriminatorLoss(D, real: y, fake: fake.detach(), using: &lossRNG)
            if config.mismatchedNegatives {
                let (mismatched, _) = gan.discriminatorLoss(D, real: y, fake: Self.shiftedBatch(y), using: &lossRNG)
                dLoss = 0.5 * (dLoss + mismatched)
            }
            try TrainingDiverged.check(dLoss.item, "discriminator loss", step: s)
            dOpt.zeroGrad()
            (0.5 * dLoss).backward()   // pix2pix: "we divide the objective by 2 while optimizing D"
            dOpt.step()
            let adversarial = gan.generatorLoss(fakeScores: D(fake))
            terms.append(adversarial)
            (dValue, advValue) = (dLoss.item, adversarial.item)
        }
        let l1 = (fake - y.detach()).abs().mean()
        if config.l1Weight > 0 { terms.append(config.l1Weight * l1) }
        let loss = terms.dropFirst().reduce(terms[0], +)
        try TrainingDiverged.check(loss.item, "generator loss", step: s)
        generatorOptimiser.minimise(loss)
        step = s
        return Pix2PixStep(step: s, l1: l1.item, generatorAdversarial: advValue, discriminator: dValue)
    }

    /// G(x) for evaluation, with dropout masks drawn from `noiseSeed` — pix2pix keeps dropout on
    /// at test time, so this is G(x, z) for one z — and without recording a graph.
    public func translate(_ x: Tensor, noiseSeed: UInt64) -> Tensor {
        generator.train()
        reseedDropout(noiseSeed)
        return withNoGrad { generator(x) }
    }

    /// Gives every dropout layer of G a generator derived from `seed`: the masks are z.
    private func reseedDropout(_ seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        for case let d as Dropout in generator.namedModules().map(\.module) { d.generator = rng.split() }
    }
}
