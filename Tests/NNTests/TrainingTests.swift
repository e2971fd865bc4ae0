import Autograd
import Foundation
import Testing
@testable import NN

extension NNTests {
    @Suite struct Training {
        /// Linear–ReLU–Linear learns y = sin(2x) on [−1.5, 1.5] with Adam: the loss must fall by a
        /// large factor (a broken gradient path, optimiser or parameter list would stall it).
        @Test func mlpFitsAToyRegression() {
            var rng = RandomGenerator(seed: 42)
            let model = Sequential(Linear(1, 32, using: &rng), ReLU(), Linear(32, 1, using: &rng))
            let x = Tensor(shape: [64, 1], data: (0..<64).map { -1.5 + 3 * Float($0) / 63 })
            let y = Tensor(shape: [64, 1], data: x.data.map { sin(2 * $0) })
            let optimiser = Adam(parameters: model.parameters(), learningRate: 0.01)
            func loss() -> Tensor { (model(x) - y).square().mean() }
            let initial = withNoGrad { loss().item }
            for _ in 0..<400 {
                optimiser.zeroGrad()
                loss().backward()
                optimiser.step()
            }
            let final = withNoGrad { loss().item }
            #expect(final < initial / 20, "loss \(initial) → \(final)")
        }
    }
}
