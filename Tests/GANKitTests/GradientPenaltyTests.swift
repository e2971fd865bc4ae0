import Autograd
import NN
import Testing
@testable import GANKit

/// The gradient penalty differentiated with respect to the critic's weights goes through a
/// double backward (the gradient of ‖∇ₓD(x̂)‖). Checked against central finite differences
/// through MLP critics with kinks (ReLU, LeakyReLU), where a wrong second-order rule would show.
@Suite struct GradientPenaltyGradients {
    @Test(arguments: [Activation.relu, .leakyRelu(0.2)])
    func penaltyGradientMatchesFiniteDifferences(_ activation: Activation) {
        var rng = RandomGenerator(seed: 11)
        let critic = mlp([2, 16, 16, 1], activation: activation, using: &rng)
        let real = ToyData.eightGaussians.sample(12, using: &rng)
        let fake = Tensor.normal([12, 2], using: &rng)
        let epsState = rng   // every evaluation draws the same ε
        func penalty() -> Double {
            var r = epsState
            return Double(gradientPenalty({ critic($0) }, real: real, fake: fake, using: &r).item)
        }
        var r = epsState
        let analytic = grad(of: gradientPenalty({ critic($0) }, real: real, fake: fake, using: &r), wrt: critic.parameters())
        #expect(penalty() > 0.01, "a penalty of zero would make the check vacuous")
        var checked = 0, largest = 0.0
        for (p, g) in zip(critic.parameters(), analytic) {
            for i in stride(from: 0, to: p.data.count, by: max(1, p.data.count / 8)) {
                let w = p.data[i], h: Float = 2e-4   // small: a larger step can flip a unit and jump ∇f
                p.data[i] = w + h; let up = penalty()
                p.data[i] = w - h; let down = penalty()
                p.data[i] = w
                let numeric = (up - down) / Double(2 * h)
                largest = max(largest, abs(numeric))
                #expect(abs(numeric - Double(g.data[i])) <= 2e-3 + 2e-2 * abs(numeric),
                        "parameter \(p.shape) [\(i)]: analytic \(g.data[i]), numeric \(numeric)")
                checked += 1
            }
        }
        #expect(checked > 40)
        #expect(largest > 1e-2, "some weight must move the penalty")
    }

    /// The penalty is zero exactly when every interpolate has a unit gradient: a linear critic with ‖w‖ = 1.
    @Test func unitSlopeCriticIsNotPenalised() {
        var rng = RandomGenerator(seed: 3)
        let w = Tensor(shape: [2, 1], data: [0.6, 0.8])
        let gp = gradientPenalty({ matmul($0, w) }, real: .normal([32, 2], using: &rng), fake: .normal([32, 2], using: &rng), using: &rng)
        #expect(abs(gp.item) < 1e-6)
    }
}
