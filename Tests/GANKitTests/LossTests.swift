import Autograd
import Foundation
import Testing
@testable import GANKit

@Suite struct Losses {
    let log2 = Float(Foundation.log(2.0))

    /// Hand-computed values at scores 0 (D = ½) and at scores (2, −1).
    @Test func valuesAtKnownScores() {
        var rng = RandomGenerator(seed: 0)
        let zeros = Tensor.zeros([4, 1])
        func dLoss(_ l: GANLoss, _ sr: Float, _ sf: Float) -> Float {
            // D ignores its input and returns fixed scores: real batch rows are 1, fake rows are 0.
            let D: (Tensor) -> Tensor = { x in x * (sr - sf) + sf }
            return l.discriminatorLoss(D, real: .ones([4, 1]), fake: .zeros([4, 1]), using: &rng).loss.item
        }
        #expect(abs(dLoss(.minimax, 0, 0) - 2 * log2) < 1e-6)
        #expect(abs(GANLoss.minimax.generatorLoss(fakeScores: zeros).item + log2) < 1e-6)
        #expect(abs(GANLoss.nonSaturating.generatorLoss(fakeScores: zeros).item - log2) < 1e-6)
        #expect(abs(dLoss(.leastSquares, 0, 0) - 0.5) < 1e-6)
        #expect(abs(dLoss(.hinge, 0, 0) - 2) < 1e-6)
        #expect(abs(dLoss(.wgan(clip: 0.01), 2, -1) + 3) < 1e-6)
        // softplus(−2) + softplus(−1) = log(1 + e⁻²) + log(1 + e⁻¹)
        #expect(abs(dLoss(.nonSaturating, 2, -1) - Float(Foundation.log(1 + exp(-2.0)) + Foundation.log(1 + exp(-1.0)))) < 1e-6)
        #expect(abs(dLoss(.hinge, 2, -1) - 0) < 1e-6)
        #expect(abs(GANLoss.leastSquares.generatorLoss(fakeScores: .full([3, 1], 3)).item - 2) < 1e-6)
    }

    /// The saturating loss's gradient vanishes as D(G(z)) → 0, the non-saturating one does not.
    @Test func saturationOfTheMinimaxGeneratorLoss() {
        let s = Tensor([-10]); s.requiresGrad = true
        let gMinimax = grad(of: GANLoss.minimax.generatorLoss(fakeScores: s), wrt: [s])[0].item
        let gNS = grad(of: GANLoss.nonSaturating.generatorLoss(fakeScores: s), wrt: [s])[0].item
        #expect(abs(gMinimax) < 1e-4)        // −σ(s) ≈ −4.5e−5
        #expect(abs(gNS + 1) < 1e-4)         // −(1 − σ(s)) ≈ −1
    }

    /// For a linear critic D(x) = x·w the input gradient is w everywhere: penalty (‖w‖ − 1)².
    @Test func gradientPenaltyOfALinearCritic() {
        var rng = RandomGenerator(seed: 5)
        let w = Tensor(shape: [3, 1], data: [1, 2, 2]); w.requiresGrad = true   // ‖w‖ = 3
        let real = Tensor.normal([8, 3], using: &rng), fake = Tensor.normal([8, 3], using: &rng)
        let gp = gradientPenalty({ matmul($0, w) }, real: real, fake: fake, using: &rng)
        #expect(abs(gp.item - 4) < 1e-5)
        // d/dw (‖w‖ − 1)² = 2(‖w‖ − 1) w/‖w‖ = (4/3)·w
        let g = grad(of: gp, wrt: [w])[0]
        let expected: [Float] = [4.0 / 3, 8.0 / 3, 8.0 / 3]
        for (a, b) in zip(g.data, expected) { #expect(abs(a - b) < 1e-4) }
    }

    @Test func namesRoundTrip() {
        for name in GANLoss.allNames { #expect(GANLoss(name: name)?.name == name) }
        #expect(GANLoss(name: "nope") == nil)
    }
}
