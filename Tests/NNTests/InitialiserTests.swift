import Autograd
import Testing
@testable import NN

extension NNTests {
    @Suite struct Initialisers {
        /// Values fill ±bound: inside it, and reaching close to both ends (within 20/count of the
        /// range, which n uniform draws miss with probability about e⁻¹⁰).
        func expectUniform(_ t: Tensor, bound: Float) {
            let (lo, hi) = (t.data.min()!, t.data.max()!)
            let near = bound * (1 - 20 / Float(t.count))
            #expect(lo >= -bound && hi <= bound)
            #expect(lo < -near && hi > near)
        }

        @Test func pytorchDefaultBoundsFollowFanIn() {
            var rng = RandomGenerator(seed: 1)
            let linear = Linear(64, 200, using: &rng)
            expectUniform(linear.weight, bound: 1 / 8)
            expectUniform(linear.bias!, bound: 1 / 8)
            let conv = Conv2d(4, 100, kernelSize: 3, using: &rng)  // fan-in 4·3·3 = 36
            expectUniform(conv.weight, bound: 1 / 6)
            expectUniform(conv.bias!, bound: 1 / 6)
            // PyTorch takes a transposed convolution's fan-in from weight.shape[1] = out channels:
            // 4·2·2 = 16, bound 1/4 (the input channels would give 100·4, bound 0.05).
            let transposed = ConvTranspose2d(100, 4, kernelSize: 2, using: &rng)
            expectUniform(transposed.weight, bound: 1 / 4)
            let (mean, std) = meanAndStd(linear.weight.data)
            #expect(abs(mean) < 0.003)
            #expect(abs(std - 0.125 / 3.0.squareRoot()) < 0.002)  // U(−b, b) has std b/√3
        }

        @Test func normalInitialiserHasStd002AndZeroBias() {
            var rng = RandomGenerator(seed: 2)
            let conv = Conv2d(64, 64, kernelSize: 5, initialiser: .normal(std: 0.02), using: &rng)
            let (mean, std) = meanAndStd(conv.weight.data)  // 102 400 values
            #expect(abs(mean) < 0.0003)
            #expect(abs(std - 0.02) < 0.0003)
            #expect(conv.bias!.data.allSatisfy { $0 == 0 })
        }

        @Test func oneSeedOneNetwork() {
            func make() -> Linear { var rng = RandomGenerator(seed: 7); return Linear(5, 3, using: &rng) }
            #expect(make().weight.data == make().weight.data)
        }
    }
}
