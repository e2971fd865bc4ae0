import Testing
@testable import Autograd

// Every fast convolution path of Kernels/ against the reference convolution (im2col + matmul +
// bias), values and gradients to second order; the reference itself against plain loops.

/// A convolution layer's shape: input [n, c, h, w], kernel k × k, o outputs.
struct ConvCase: CustomTestStringConvertible, Sendable {
    let path: String
    let n, c, h, w, o, k, stride, padding: Int
    var transposed = false
    var testDescription: String { path }

    var window: Window { Window(kernel: k, stride: stride, padding: padding) }
    /// convTranspose2d's output size (output padding stride − 1, as the generator's upsampling).
    var transposedOutput: (h: Int, w: Int) {
        ((h - 1) * stride - 2 * padding + k + stride - 1, (w - 1) * stride - 2 * padding + k + stride - 1)
    }

    func tensors() -> (x: Tensor, w: Tensor, b: Tensor) {
        var rng = RandomGenerator(seed: 5)
        let x = Tensor.normal([n, c, h, w], using: &rng)
        let wt = Tensor.normal(transposed ? [c, o, k, k] : [o, c, k, k], std: 0.3, using: &rng)
        let b = Tensor.normal([o], using: &rng)
        for t in [x, wt, b] { t.requiresGrad = true }
        return (x, wt, b)
    }

    /// The fast op (what conv2d / convTranspose2d run) or the reference.
    func apply(_ x: Tensor, _ w: Tensor, _ b: Tensor, reference: Bool) -> Tensor {
        switch (transposed, reference) {
        case (false, false): return conv2d(x, weight: w, bias: b, stride: stride, padding: padding)
        case (false, true): return referenceConv2d(x, weight: w, bias: b, window)
        case (true, false):
            return convTranspose2d(x, weight: w, bias: b, stride: stride, padding: padding, outputPadding: stride - 1)
        case (true, true): return referenceConvTranspose2d(x, weight: w, bias: b, window, output: transposedOutput)
        }
    }
}

let convCases: [ConvCase] = [
    ConvCase(path: "tiled im2col + GEMM, 7×7 (the generator's first layer)", n: 2, c: 3, h: 9, w: 11, o: 5, k: 7, stride: 1, padding: 3),
    ConvCase(path: "stride-2 4×4 with the vector unfold (the critic)", n: 2, c: 3, h: 6, w: 38, o: 4, k: 4, stride: 2, padding: 1),
    ConvCase(path: "stride-2 3×3 (the generator's downsampling)", n: 1, c: 4, h: 9, w: 8, o: 6, k: 3, stride: 2, padding: 1),
    ConvCase(path: "one output channel, direct (the critic's last layer)", n: 2, c: 4, h: 8, w: 7, o: 1, k: 4, stride: 1, padding: 1),
    ConvCase(path: "three output channels, direct 7×7 in 16-column blocks (the generator's last layer)", n: 2, c: 4, h: 9, w: 22,
             o: 3, k: 7, stride: 1, padding: 0),
    ConvCase(path: "Winograd 3×3 (a ResBlock)", n: 1, c: 16, h: 32, w: 32, o: 16, k: 3, stride: 1, padding: 1),
    ConvCase(path: "transposed 3×3 stride 2 (the generator's upsampling)", n: 2, c: 4, h: 5, w: 6, o: 3, k: 3, stride: 2, padding: 1,
             transposed: true),
]

@Suite struct ReferenceConvolution {
    @Test(arguments: convCases.filter { !$0.transposed })
    func referenceMatchesLoops(_ cc: ConvCase) {
        let (x, w, b) = cc.tensors()
        expectClose(referenceConv2d(x, weight: w, bias: b, cc.window).data,
                    naiveConv(x, w, b, stride: cc.stride, padding: cc.padding), "\(cc.path): reference against loops")
    }

    @Test func transposedReferenceMatchesScatter() {
        let cc = convCases.first { $0.transposed }!
        let (x, w, b) = cc.tensors()
        expectClose(referenceConvTranspose2d(x, weight: w, bias: b, cc.window, output: cc.transposedOutput).data,
                    naiveConvTranspose(x, w, b, stride: cc.stride, padding: cc.padding, outputPadding: cc.stride - 1),
                    "reference transposed convolution against the scatter loops")
    }

    /// Values; first-order gradients of Σ y²·r in x, w and b; and, as the gradient penalty does,
    /// the gradients in x and w of ‖∂/∂x Σ y²·r‖², which run each kernel's derivatives again.
    @Test(arguments: convCases)
    func fastPathMatchesReference(_ cc: ConvCase) {
        func run(reference: Bool) -> [[Float]] {
            let (x, w, b) = cc.tensors()
            let y = cc.apply(x, w, b, reference: reference)
            var rng = RandomGenerator(seed: 9)
            let r = Tensor.uniform(y.shape, low: -1, high: 1, using: &rng)
            let loss = (y.square() * r).sum()
            let first = grad(of: loss, wrt: [x, w, b], createGraph: true)
            let second = grad(of: first[0].square().sum(), wrt: [x, w])
            return [y.data] + first.map(\.data) + second.map(\.data)
        }
        let (fast, reference) = (run(reference: false), run(reference: true))
        for (i, what) in ["values", "∂/∂x", "∂/∂w", "∂/∂b", "second order ∂/∂x", "second order ∂/∂w"].enumerated() {
            // normwise: the largest difference against the largest value (sums of squares grow large)
            let scale = reference[i].map(Swift.abs).max() ?? 1
            let worst = zip(fast[i], reference[i]).map { Swift.abs($0 - $1) }.max() ?? 0
            #expect(fast[i].count == reference[i].count && worst <= 1e-5 * scale, "\(cc.path): \(what), \(worst) against \(scale)")
        }
    }

    /// The switch routes conv2d through the reference: bit for bit its result, where the Winograd
    /// kernel's rounding differs.
    @Test func switchRunsTheReference() {
        let cc = convCases.first { $0.path.hasPrefix("Winograd") }!
        let (x, w, b) = cc.tensors()
        let fast = conv2d(x, weight: w, bias: b, padding: 1).data
        let switched = Engine.withReferenceConvolution { conv2d(x, weight: w, bias: b, padding: 1).data }
        #expect(switched == referenceConv2d(x, weight: w, bias: b, cc.window).data)
        #expect(switched != fast, "Winograd and the reference round differently, so the switch is visible")
    }
}
