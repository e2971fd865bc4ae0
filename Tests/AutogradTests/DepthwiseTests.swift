import Testing
@testable import Autograd

/// depthwiseConv2d against its definition: a full conv2d whose weight is zero off the diagonal
/// (channel c sees only channel c), values and gradients, then finite differences to second order.
@Suite struct Depthwise {
    /// The [C, C, k, k] weight that is `w` [C, 1, k, k] on the diagonal and zero elsewhere.
    func blockDiagonal(_ w: Tensor) -> Tensor {
        let (c, kk) = (w.shape[0], w.shape[2] * w.shape[3])
        var full = [Float](repeating: 0, count: c * c * kk)
        for ch in 0..<c { for t in 0..<kk { full[(ch * c + ch) * kk + t] = w.data[ch * kk + t] } }
        return Tensor(shape: [c, c, w.shape[2], w.shape[3]], data: full)
    }

    @Test(arguments: [(3, 0), (3, 1), (3, 2), (5, 2), (1, 0)])
    func matchesFullConvolutionWithDiagonalWeight(k: Int, padding: Int) {
        let t = randomInputs([[2, 3, 6, 5], [3, 1, k, k]], seed: UInt64(k * 10 + padding))
        let (x, w) = (t[0], t[1])
        let y = depthwiseConv2d(x, weight: w, padding: padding)
        let full = blockDiagonal(w)
        full.requiresGrad = true
        let reference = conv2d(x, weight: full, padding: padding)
        #expect(y.shape == reference.shape)
        #expect(zip(y.data, reference.data).allSatisfy { abs($0 - $1) < 1e-5 })

        var rng = RandomGenerator(seed: 5)
        let r = Tensor.uniform(y.shape, low: -1, high: 1, using: &rng)
        let g = grad(of: (y * r).sum(), wrt: [x, w])
        let gr = grad(of: (conv2d(x, weight: full, padding: padding) * r).sum(), wrt: [x, full])
        #expect(zip(g[0].data, gr[0].data).allSatisfy { abs($0 - $1) < 1e-4 })
        // The depthwise weight's gradient is the diagonal of the full one's.
        #expect(zip(g[1].data, blockDiagonalDiagonal(gr[1], c: 3, kk: k * k)).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    func blockDiagonalDiagonal(_ full: Tensor, c: Int, kk: Int) -> [Float] {
        (0..<c).flatMap { ch in (0..<kk).map { full.data[(ch * c + ch) * kk + $0] } }
    }

    /// Threads split planes (forward) and channels (weight gradient); each value's sum keeps its order.
    @Test func bitIdenticalAtOneAndTwoThreads() {
        let t = randomInputs([[4, 80, 16, 16], [80, 1, 3, 3]], seed: 11)
        func run() -> [[Float]] {
            let y = depthwiseConv2d(t[0], weight: t[1], padding: 1)
            return [y.data] + grad(of: (y * y).sum(), wrt: t).map(\.data)
        }
        #expect(Engine.withThreads(1, run) == Engine.withThreads(2, run))
    }

    @Test func firstOrder() {
        checkGradient([[2, 2, 4, 5], [2, 1, 3, 3]]) { depthwiseConv2d($0[0], weight: $0[1], padding: 1) }
    }

    /// Input gradients differentiated in both arguments (the transposed op and its weight gradient).
    @Test func secondOrderThroughTheInputGradient() {
        checkGradient([[1, 2, 4, 4], [2, 1, 3, 3]]) { t in gradientOf { depthwiseConv2d($0, weight: t[1], padding: 1).square() }(t[0]) }
    }

    /// Weight gradients differentiated in both arguments (the weight-gradient op's own gradients).
    @Test func secondOrderThroughTheWeightGradient() {
        checkGradient([[1, 2, 4, 4], [2, 1, 3, 3]]) { t in gradientOf { depthwiseConv2d(t[0], weight: $0, padding: 2).square() }(t[1]) }
    }
}
