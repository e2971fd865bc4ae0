import Autograd
import Foundation
import NN
import Testing
@testable import GANKit

@Suite struct Critics {
    @Test func clippingHoldsBeforeAndAfterEveryStep() throws {
        var rng = RandomGenerator(seed: 1)
        let critic = mlp([2, 32, 32, 1], using: &rng)
        let c: Float = 0.01
        var steps = 0
        try trainCritic(critic, loss: .wgan(clip: c), optimiser: .rmsprop(learningRate: 1e-2), steps: 6,
                        real: { ToyData.eightGaussians.sample(16, using: &$0) },
                        fake: { Tensor.normal([16, 2], using: &$0) }, using: &rng) { step, parts in
            steps = step
            #expect(parts["critic_estimate"] != nil)
            for p in critic.parameters() { #expect(p.data.allSatisfy { abs($0) <= c }, "step \(step)") }
        }
        #expect(steps == 6)
        // The clip binds: a learning rate this large pushes weights onto the boundary.
        #expect(critic.parameters().flatMap(\.data).contains { abs($0) == c })
    }

    @Test func aClippedCriticSeparatesShiftedDistributions() throws {
        var rng = RandomGenerator(seed: 2)
        let critic = mlp([1, 16, 1], using: &rng)
        try trainCritic(critic, loss: .wgan(clip: 0.1), optimiser: .rmsprop(learningRate: 1e-3), steps: 200,
                        real: { Tensor.normal([64, 1], using: &$0) },
                        fake: { Tensor.normal([64, 1], mean: 3, using: &$0) }, using: &rng)
        let real = Tensor.normal([512, 1], using: &rng), fake = Tensor.normal([512, 1], mean: 3, using: &rng)
        #expect(criticEstimate({ critic($0) }, real: real, fake: fake) > 0)
    }

    /// For f(x) = w·x + b the slope is ‖w‖ everywhere.
    @Test func gradientNormOfALinearCriticIsItsWeightNorm() {
        var rng = RandomGenerator(seed: 3)
        let layer = Linear(3, 1, using: &rng)
        let norms = criticGradientNorms({ layer($0) }, at: Tensor.normal([5, 3], using: &rng))
        let w = layer.weight.data.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(norms.count == 5 && norms.allSatisfy { abs($0 - w) < 1e-6 })
    }

    /// Without activations the gradients are closed-form: ∂L/∂score is ∓1/n per row (norm √(2/n)),
    /// and one layer down each row's gradient is ±W₃/n (norm √(2n)·‖W₃‖/n).
    @Test func activationGradientNormsOfALinearNetwork() {
        var rng = RandomGenerator(seed: 4)
        let (l1, l2, l3) = (Linear(2, 4, using: &rng), Linear(4, 3, using: &rng), Linear(3, 1, using: &rng))
        let net = Sequential([l1, l2, l3])
        let n = 8
        let norms = activationGradientNorms(net, real: Tensor.normal([n, 2], using: &rng), fake: Tensor.normal([n, 2], using: &rng))
        #expect(norms.count == 3)
        let w3 = l3.weight.data.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(norms[2] - (2.0 / Double(n)).squareRoot()) < 1e-6)
        #expect(abs(norms[1] - (2.0 * Double(n)).squareRoot() * w3 / Double(n)) < 1e-6)
    }
}
