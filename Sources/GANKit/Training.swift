import Autograd
import Foundation
import NN

/// Everything that defines a GAN training run on toy data, so comparisons differ in one field.
public struct GANConfig: Sendable {
    public var loss: GANLoss
    public var steps: Int                    // generator steps
    public var criticSteps: Int = 5          // discriminator steps per generator step (n_critic)
    public var batchSize: Int = 256
    public var noiseDim: Int = 2             // the toy code draws z ~ N(0, I₂)
    public var width: Int = 512
    public var depth: Int = 3                // hidden layers
    public var dOptimiser: OptimiserChoice
    public var gOptimiser: OptimiserChoice
    /// Generator steps after which generated samples are recorded (the last step always is).
    public var snapshotSteps: [Int] = []
    public var snapshotSize: Int = 512

    public init(loss: GANLoss, steps: Int) {
        self.loss = loss
        self.steps = steps
        dOptimiser = .reference(for: loss)
        gOptimiser = .reference(for: loss)
    }
}

/// One generator step's record.
public struct GANStep: Sendable {
    public let step: Int
    public let generatorLoss: Float
    /// The last discriminator step's loss parts (d_loss, critic_estimate, gradient_penalty, …).
    public let discriminator: [String: Float]
}

/// A generator and a discriminator on toy data, trained with one of the loss variants.
public final class GANTrainer {
    public let config: GANConfig
    public let data: ToyData
    public let generator: Sequential
    public let discriminator: Sequential
    public private(set) var history: [GANStep] = []
    /// (step, samples [snapshotSize, 2]) in step order, drawn from one fixed batch of noise.
    public private(set) var snapshots: [(step: Int, samples: Tensor)] = []

    private var rng: RandomGenerator
    private let fixedNoise: Tensor
    private let dOptimiser: Optimiser
    private let gOptimiser: Optimiser

    public init(_ config: GANConfig, data: ToyData, seed: UInt64) {
        precondition(config.steps >= 0 && config.criticSteps >= 1 && config.batchSize >= 1,
                     "steps, critic steps and batch size must be positive")
        self.config = config
        self.data = data
        var rng = RandomGenerator(seed: seed)
        let hidden = Array(repeating: config.width, count: config.depth)
        generator = mlp([config.noiseDim] + hidden + [2], using: &rng)
        discriminator = mlp([2] + hidden + [1], using: &rng)
        fixedNoise = Tensor.normal([config.snapshotSize, config.noiseDim], using: &rng)
        dOptimiser = config.dOptimiser.make(discriminator.parameters())
        gOptimiser = config.gOptimiser.make(generator.parameters())
        self.rng = rng
    }

    /// Generated samples for the fixed snapshot noise.
    public func samples() -> Tensor { withNoGrad { generator(fixedNoise) } }

    /// Runs `config.steps` generator steps; `onStep` sees each and may throw to stop (e.g. on interrupt).
    public func train(onStep: (GANStep) throws -> Void = { _ in }) throws {
        let snapshotAt = Set(config.snapshotSteps + [config.steps])
        if snapshotAt.contains(0) && snapshots.isEmpty { snapshots.append((0, samples())) }
        while history.count < config.steps {
            let step = history.count + 1
            var parts: [String: Float] = [:]
            for _ in 0..<config.criticSteps {
                let real = data.sample(config.batchSize, using: &rng)
                let fake = withNoGrad { generator(noise()) }
                let (loss, p) = config.loss.discriminatorLoss({ self.discriminator($0) }, real: real, fake: fake, using: &rng)
                try TrainingDiverged.check(loss.item, "discriminator loss", step: step)
                dOptimiser.zeroGrad()
                loss.backward()
                dOptimiser.step()
                if case .wgan(let c) = config.loss { dOptimiser.clipParameters(to: c) }
                parts = p
            }
            let gLoss = config.loss.generatorLoss(fakeScores: discriminator(generator(noise())))
            try TrainingDiverged.check(gLoss.item, "generator loss", step: step)
            gOptimiser.minimise(gLoss)
            let record = GANStep(step: step, generatorLoss: gLoss.item, discriminator: parts)
            history.append(record)
            if snapshotAt.contains(step) { snapshots.append((step, samples())) }
            try onStep(record)
        }
    }

    private func noise() -> Tensor { Tensor.normal([config.batchSize, config.noiseDim], using: &rng) }
}
