import Autograd
import NN
import Testing
@testable import GANKit

@Suite struct Training {
    func config(_ loss: GANLoss, steps: Int) -> GANConfig {
        var c = GANConfig(loss: loss, steps: steps)
        c.width = 16; c.depth = 2; c.batchSize = 32; c.criticSteps = 2
        c.snapshotSteps = [0, 2]
        return c
    }

    @Test func clippingHoldsAfterEveryCriticStep() throws {
        let trainer = GANTrainer(config(.wgan(clip: 0.01), steps: 4), data: .eightGaussians, seed: 1)
        try trainer.train { _ in
            for p in trainer.discriminator.parameters() { #expect(p.data.allSatisfy { abs($0) <= 0.01 }) }
        }
        #expect(trainer.history.count == 4)
        #expect(trainer.snapshots.map(\.step) == [0, 2, 4])
        #expect(trainer.history.last?.discriminator["critic_estimate"] != nil)
    }

    @Test func sameSeedSameNumbers() throws {
        func run() throws -> [Float] {
            let t = GANTrainer(config(.wganGP(lambda: 10), steps: 3), data: .eightGaussians, seed: 7)
            try t.train()
            return t.history.map(\.generatorLoss) + t.samples().data
        }
        let (a, b) = (try run(), try run())
        #expect(a == b)
    }

    @Test func absurdLearningRateIsReportedAsDivergence() {
        var c = config(.nonSaturating, steps: 50)
        c.dOptimiser = .sgd(learningRate: 1e30, momentum: 0)
        c.gOptimiser = .sgd(learningRate: 1e30, momentum: 0)
        let trainer = GANTrainer(c, data: .eightGaussians, seed: 2)
        #expect(throws: TrainingDiverged.self) { try trainer.train() }
    }

    @Test func everyVariantTrainsAFewSteps() throws {
        for name in GANLoss.allNames {
            let t = GANTrainer(config(GANLoss(name: name)!, steps: 2), data: .twentyFiveGaussians, seed: 3)
            try t.train()
            #expect(t.samples().data.allSatisfy { $0.isFinite }, "\(name)")
        }
    }
}
