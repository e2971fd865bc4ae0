import Autograd
import Testing
@testable import NN

extension NNTests {
    @Suite struct Resampling {
        /// Each 2×2 block's mean.
        @Test func downsamplingAveragesBlocks() {
            let x = Tensor(shape: [1, 1, 2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8])
            #expect(downsampled2x(x).data == [3.5, 5.5])
        }

        /// Against the formula written out per pixel: along each axis, output 2i is ¾·x[i] + ¼·x[i−1]
        /// and 2i+1 is ¾·x[i] + ¼·x[i+1], with x[−1] = x[1] and x[n] = x[n−2] (mirrored edges).
        @Test func bilinearUpsamplingMatchesTheFormula() {
            var rng = RandomGenerator(seed: 4)
            let (n, c, h, w) = (2, 3, 5, 4)
            let x = Tensor.uniform([n, c, h, w], low: -1, high: 1, using: &rng)
            let y = upsampled2xBilinear(x)
            #expect(y.shape == [n, c, 2 * h, 2 * w])
            func taps(_ o: Int, _ size: Int) -> [(Int, Float)] {
                let i = o / 2, other = o % 2 == 0 ? i - 1 : i + 1
                let mirrored = other < 0 ? 1 : other >= size ? size - 2 : other
                return [(i, 0.75), (mirrored, 0.25)]
            }
            var expected = [Float]()
            for plane in 0..<(n * c) { for oy in 0..<(2 * h) { for ox in 0..<(2 * w) {
                var v: Float = 0
                for (iy, wy) in taps(oy, h) { for (ix, wx) in taps(ox, w) { v += wy * wx * x.data[(plane * h + iy) * w + ix] } }
                expected.append(v)
            } } }
            #expect(maxDifference(y.data, expected) < 1e-6)
            // A constant plane stays constant, edges included.
            #expect(upsampled2xBilinear(Tensor(shape: [1, 1, 2, 3], data: [Float](repeating: 0.3, count: 6))).data
                .allSatisfy { abs($0 - 0.3) < 1e-6 })
        }

        /// Both maps are linear, so the gradient of Σ f(x)·r is exact: against central differences.
        @Test(arguments: [true, false])
        func gradientsMatchFiniteDifferences(_ up: Bool) {
            var rng = RandomGenerator(seed: 5)
            let x = Tensor.uniform([1, 2, 4, 6], low: -1, high: 1, using: &rng)
            x.requiresGrad = true
            let f = { (t: Tensor) in up ? upsampled2xBilinear(t) : downsampled2x(t) }
            let r = Tensor.uniform(f(x).shape, low: -1, high: 1, using: &rng)
            (f(x) * r).sum().backward()
            let analytic = x.grad!.data
            func loss() -> Double { zip(f(x).data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
            for i in 0..<x.count {
                let saved = x.data[i]
                x.data[i] = saved + 0.01; let plus = loss()
                x.data[i] = saved - 0.01; let minus = loss()
                x.data[i] = saved
                #expect(abs(Double(analytic[i]) - (plus - minus) / 0.02) < 1e-3, "element \(i)")
            }
        }
    }
}
