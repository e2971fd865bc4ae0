import Autograd
import NN
import Testing
@testable import DeblurGAN
@testable import Pix2Pix

/// The conditional-gan lesson's trainer meets an absurd learning rate: it stops at the step whose
/// loss is not a number, names it and its value, and records only the good steps before it.
/// (DeblurGAN's trainer has the same test with its checkpoint in TrainingTests.)
@Suite struct Pix2PixDivergence {
    @Test func absurdLearningRateStopsAtTheStepWithTheValue() {
        var rng = RandomGenerator(seed: 9)
        let g = UNetGenerator(channels: 3, ngf: 4, depth: 2, dropoutLayers: 0, using: &rng)
        var config = Pix2PixConfig(name: "l1+gan")
        (config.ndf, config.discriminatorLayers, config.learningRate) = (4, 2, 1e30)
        let trainer = Pix2PixTrainer(config: config, generator: g, channels: 3, seed: 1, batches: syntheticBatches())
        let error = #expect(throws: TrainingDiverged.self) { try trainer.train(steps: 30) }
        guard let error else { return }
        #expect(!error.value.isFinite && error.step >= 1 && error.step <= 30)
        #expect(error.description.hasPrefix("training diverged at step \(error.step): \(error.what) = "))
        #expect(trainer.history.map(\.step) == Array(1..<error.step))
        #expect(trainer.history.allSatisfy { $0.l1.isFinite })
    }
}
