import Autograd
import Testing
@testable import NN

extension NNTests {
    /// Three steps of each optimiser on p₀ = [1, −2] with the gradients below, against values
    /// computed in float64 with numpy, straight from PyTorch's update rules:
    ///
    ///     sgd:  buf = 0.9*buf + g; p -= 0.1*buf
    ///     rms:  v = 0.99*v + 0.01*g*g; p -= 0.01*g/(sqrt(v) + 1e-8)
    ///     adam: m = 0.9*m + 0.1*g; v = 0.999*v + 0.001*g*g
    ///           p -= 0.1/(1 - 0.9**t) * m/(sqrt(v)/sqrt(1 - 0.999**t) + 1e-8)
    @Suite struct Optimisers {
        static let gradients: [[Float]] = [[0.5, -1], [0.1, 0.3], [-0.2, 0.4]]

        /// The parameter after each of the three steps.
        func run(_ make: ([Tensor]) -> Optimiser) -> [[Float]] {
            let p = Tensor(shape: [2], data: [1, -2], requiresGrad: true)
            let optimiser = make([p])
            return Self.gradients.map { g in
                optimiser.zeroGrad()
                p.grad = Tensor(g)
                optimiser.step()
                return p.data
            }
        }

        func expectClose(_ got: [[Float]], _ expected: [[Float]]) {
            for (g, e) in zip(got, expected) { #expect(maxDifference(g, e) < 2e-6, "\(g) vs \(e)") }
        }

        @Test func sgdWithMomentum() {
            expectClose(run { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) },
                        [[0.95, -1.9], [0.895, -1.84], [0.8655, -1.826]])
        }

        @Test func plainSGD() {
            expectClose(run { SGD(parameters: $0, learningRate: 0.1) }, [[0.95, -1.9], [0.94, -1.93], [0.96, -1.97]])
        }

        @Test func rmsProp() {
            expectClose(run { RMSProp(parameters: $0, learningRate: 0.01) },
                        [[0.90000002, -1.90000001], [0.88029344, -1.92886752], [0.9171211, -1.96494604]])
        }

        @Test func adam() {
            expectClose(run { Adam(parameters: $0, learningRate: 0.1) },
                        [[0.9, -1.9], [0.81969591, -1.85721514], [0.78526053, -1.84920924]])
        }

        @Test func parametersWithoutGradientAreLeftAlone() {
            let (a, b) = (Tensor(shape: [1], data: [1], requiresGrad: true), Tensor(shape: [1], data: [2], requiresGrad: true))
            let optimiser = Adam(parameters: [a, b])
            a.grad = Tensor([1])
            optimiser.step()
            #expect(a.data != [1] && b.data == [2])
        }

        @Test func clippingBoundsEveryParameterAfterAStep() {
            var rng = RandomGenerator(seed: 1)
            let critic = Sequential(Linear(4, 8, using: &rng), LeakyReLU(0.2), Linear(8, 1, using: &rng))
            let optimiser = RMSProp(parameters: critic.parameters(), learningRate: 5e-2)
            critic(Tensor.normal([16, 4], using: &rng)).mean().backward()
            optimiser.step()
            #expect(critic.parameters().contains { $0.data.contains { abs($0) > 0.01 } })
            optimiser.clipParameters(to: 0.01)
            #expect(critic.parameters().allSatisfy { $0.data.allSatisfy { abs($0) <= 0.01 } })
            #expect(critic.parameters().contains { $0.data.contains { abs($0) == 0.01 } })
        }

        @Test func stateRoundTripContinuesTheSameTrajectory() throws {
            let p = Tensor(shape: [2], data: [1, -2], requiresGrad: true)
            let first = Adam(parameters: [p], learningRate: 0.1)
            p.grad = Tensor(Self.gradients[0])
            first.step()
            let state = first.state()
            #expect(Set(state.keys) == ["step", "0.exp_avg", "0.exp_avg_sq"])
            #expect(state["step"]?.item == 1)

            let q = Tensor(shape: [2], data: p.data, requiresGrad: true)
            let second = Adam(parameters: [q], learningRate: 0.1)
            try second.load(state: state)
            #expect(second.stepCount == 1)
            for (optimiser, t) in [(first, p), (second, q)] {
                t.grad = Tensor(Self.gradients[1])
                optimiser.step()
            }
            #expect(p.data == q.data)
        }

        @Test func stateWithWrongNamesOrShapesIsRejected() {
            let optimiser = SGD(parameters: [Tensor.zeros([3])], learningRate: 0.1, momentum: 0.9)
            #expect(throws: CheckpointError.self) { try optimiser.load(state: ["step": Tensor(2)]) }
            #expect(throws: CheckpointError.self) {
                try optimiser.load(state: ["step": Tensor(2), "0.momentum_buffer": Tensor.zeros([4])])
            }
            #expect(throws: CheckpointError.self) {
                try optimiser.load(state: ["step": Tensor(.nan), "0.momentum_buffer": Tensor.zeros([3])])
            }
            #expect(optimiser.stepCount == 0)
        }
    }
}
