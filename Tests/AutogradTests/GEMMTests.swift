import Testing
@testable import Autograd

// The AVX-512 sgemm kernel (Sources/CKernels/gemm.c) against plain loops and against OpenBLAS:
// every transpose, the edges of its tiles (12, 8 or 4 rows by 32 columns) and of its 256/120/1024
// blocks, sub-matrices (strides wider than the rows), all three kinds of β; and the split over
// threads, for both kernels.

@Suite(.enabled(if: Engine.hasAVX512, "this CPU has no AVX-512: OpenBLAS does every product"))
struct OwnGEMM {
    /// (m, n, k): one element; below and above one tile; k over two 256-deep slices; m over the
    /// 120-row block; n over the 1024-column block. Their heights pick tiles of 4, 12, 8, 4, 8, 8 rows.
    static let shapes = [(1, 1, 1), (11, 31, 7), (13, 33, 257), (25, 70, 513), (121, 40, 9), (7, 1030, 5)]

    struct Case {
        let m, n, k: Int, transA, transB: Bool
        var lda: Int { (transA ? m : k) + 3 }
        var ldb: Int { (transB ? k : n) + 5 }
        var ldc: Int { n + 2 }
        let a, b: [Float]

        init(_ shape: (Int, Int, Int), transA: Bool, transB: Bool) {
            (m, n, k) = shape
            (self.transA, self.transB) = (transA, transB)
            var rng = RandomGenerator(seed: UInt64(m * 1_000_003 + n * 1_009 + k))
            let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 5
            a = Tensor.normal([(transA ? k : m) * lda], using: &rng).data
            b = Tensor.normal([(transB ? n : k) * ldb], using: &rng).data
        }

        func opA(_ i: Int, _ t: Int) -> Float { transA ? a[t * lda + i] : a[i * lda + t] }
        func opB(_ t: Int, _ j: Int) -> Float { transB ? b[j * ldb + t] : b[t * ldb + j] }

        /// C as `start`, then the product with β by loops (in Double), leaving the padding columns alone.
        func reference(beta: Float, start: [Float]) -> [Float] {
            var c = start
            for i in 0..<m { for j in 0..<n {
                var s = 0.0
                for t in 0..<k { s += Double(opA(i, t)) * Double(opB(t, j)) }
                c[i * ldc + j] = Float(s) + (beta == 0 ? 0 : beta * start[i * ldc + j])
            } }
            return c
        }

        func run(beta: Float, start: [Float], parts: Int? = nil, gemm: Engine.GEMM = .avx512) -> [Float] {
            var c = start
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                Engine.withGEMM(gemm) {
                    if let parts {
                        splitSGEMM(transA, transB, m, n, k, pa.baseAddress!, lda: lda, pb.baseAddress!, ldb: ldb,
                                   pc.baseAddress!, ldc: ldc, beta: beta, parts: parts)
                    } else {
                        sgemm(transA, transB, m, n, k, pa.baseAddress!, lda: lda, pb.baseAddress!, ldb: ldb,
                              pc.baseAddress!, ldc: ldc, beta: beta)
                    }
                }
            } } }
            return c
        }

        /// C before the product: NaN where β = 0 must overwrite, else values (padding: a marker).
        func start(beta: Float) -> [Float] {
            (0..<(m * ldc)).map { i in i % ldc >= n ? -7 : beta == 0 ? .nan : Float(i % 13) - 6 }
        }
    }

    static let transposes = [(false, false), (true, false), (false, true), (true, true)]

    @Test(arguments: shapes, transposes)
    func matchesLoops(_ shape: (Int, Int, Int), _ trans: (Bool, Bool)) {
        let c = Case(shape, transA: trans.0, transB: trans.1)
        for beta: Float in [0, 1, 0.5] {
            let start = c.start(beta: beta)
            let what = "\(shape) transA \(trans.0) transB \(trans.1) β \(beta)"
            expectClose(c.run(beta: beta, start: start, parts: 1), c.reference(beta: beta, start: start), what)
        }
    }

    @Test(arguments: shapes, transposes)
    func agreesWithOpenBLAS(_ shape: (Int, Int, Int), _ trans: (Bool, Bool)) {
        let c = Case(shape, transA: trans.0, transB: trans.1)
        let start = c.start(beta: 0.5)
        expectClose(c.run(beta: 0.5, start: start, gemm: .avx512), c.run(beta: 0.5, start: start, gemm: .openblas),
                    "\(shape) \(trans)")
    }
}

/// Threads split C into blocks, each computed by one single-threaded call of the kernel. Every
/// block must be the right sub-product (its pointers and strides); with our kernel each element's
/// sum runs in the same order in any block, so the bits do not depend on the split. OpenBLAS's do:
/// its kernels for smaller products round differently (measured here: 40×300×70 in 2 parts).
@Suite struct SplitGEMM {
    static let kernels: [Engine.GEMM] = Engine.hasAVX512 ? [.openblas, .avx512] : [.openblas]

    @Test(arguments: [(40, 300, 70), (300, 40, 70), (1, 1030, 3)], kernels)
    func blocksMakeTheProduct(_ shape: (Int, Int, Int), _ gemm: Engine.GEMM) {
        for (transA, transB) in OwnGEMM.transposes {
            let c = OwnGEMM.Case(shape, transA: transA, transB: transB)
            let start = c.start(beta: 1), what = "\(gemm) \(shape) transA \(transA) transB \(transB)"
            let one = c.run(beta: 1, start: start, parts: 1, gemm: gemm), reference = c.reference(beta: 1, start: start)
            expectClose(one, reference, what)
            for parts in [2, 3, 7] {
                let split = c.run(beta: 1, start: start, parts: parts, gemm: gemm)
                expectClose(split, reference, "\(what) in \(parts) parts")
                if gemm == .avx512 {
                    #expect(zip(one, split).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(what): bits differ in \(parts) parts")
                }
            }
        }
    }
}

/// Convolutions, their gradients and a WGAN-GP-style second derivative agree whether OpenBLAS
/// does the products (what CPUs without AVX-512 run, through the same tiles) or our kernel.
@Suite(.enabled(if: Engine.hasAVX512, "this CPU has no AVX-512: only OpenBLAS runs"))
struct ConvolutionOnEitherGEMM {
    @Test func sameResultsWithEitherGEMM() {
        func run() -> [[Float]] {
            var rng = RandomGenerator(seed: 23)
            let x = Tensor.normal([3, 4, 12, 11], using: &rng), w3 = Tensor.normal([6, 4, 3, 3], using: &rng)
            let w4 = Tensor.normal([5, 6, 4, 4], using: &rng)
            x.requiresGrad = true; w3.requiresGrad = true; w4.requiresGrad = true
            let h = conv2d(x, weight: w3, padding: 1).leakyRelu(0.2)
            let y = conv2d(h, weight: w4, stride: 2, padding: 2)
            let grads = grad(of: (y * y).sum(), wrt: [x, w3, w4], createGraph: true)
            let penalty = grad(of: (grads[0] * grads[0]).sum(), wrt: [w3, w4])   // second order, as WGAN-GP
            return [y.data] + grads.map(\.data) + penalty.map(\.data)
        }
        let own = Engine.withGEMM(.avx512, run), blas = Engine.withGEMM(.openblas, run)
        for (name, (a, b)) in zip(["y", "dx", "dw3", "dw4", "d²w3", "d²w4"], zip(own, blas)) {
            expectClose(a, b, tol: 1e-3, name)
        }
    }
}
