import Autograd
import NN
import Testing
@testable import GANKit

/// A training loop that meets a loss that is not a number stops there, saying at which step and
/// with which value, and keeps everything it had before: forced with an absurd learning rate.
@Suite struct TrainingDivergence {
    @Test func ganTrainingStopsAtTheStepWithTheValue() {
        var config = GANConfig(loss: .nonSaturating, steps: 50)
        (config.width, config.depth, config.batchSize, config.criticSteps) = (16, 2, 32, 2)
        config.dOptimiser = .sgd(learningRate: 1e30, momentum: 0)
        config.gOptimiser = .sgd(learningRate: 1e30, momentum: 0)
        let trainer = GANTrainer(config, data: .eightGaussians, seed: 2)
        var seen: [Int] = []
        let error = #expect(throws: TrainingDiverged.self) { try trainer.train { seen.append($0.step) } }
        guard let error else { return }
        #expect(!error.value.isFinite)
        #expect(error.step >= 1 && error.step < 50)
        #expect(error.description.hasPrefix("training diverged at step \(error.step): \(error.what) = "))
        // Every step recorded before it is whole and finite; the diverging one is not recorded.
        #expect(seen == Array(1..<error.step) && trainer.history.count == error.step - 1)
        #expect(trainer.history.allSatisfy { $0.generatorLoss.isFinite && $0.discriminator.values.allSatisfy(\.isFinite) })
    }

    @Test func criticTrainingStopsAtTheStepWithTheValue() {
        var rng = RandomGenerator(seed: 4)
        let critic = mlp([2, 16, 16, 1], using: &rng)
        var seen: [Int] = []
        let error = #expect(throws: TrainingDiverged.self) {
            try trainCritic(critic, loss: .wganGP(lambda: 10), optimiser: .sgd(learningRate: 1e30, momentum: 0), steps: 50,
                            real: { ToyData.eightGaussians.sample(64, using: &$0) },
                            fake: { Tensor.normal([64, 2], using: &$0) }, using: &rng) { step, _ in seen.append(step) }
        }
        guard let error else { return }
        #expect(!error.value.isFinite && error.what == "critic loss")
        #expect(error.step >= 2 && seen == Array(1..<error.step))
    }
}
