import CBLAS
import CKernels

// The one sgemm behind every matrix product and convolution: our AVX-512 kernel (CKernels/gemm.c)
// or OpenBLAS's, as `Engine.gemm` says; either way the engine's threads split the product.

/// C[m×n] = op(A)·op(B), all row-major and contiguous.
@inline(__always)
func sgemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
           _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) {
    sgemm(transA, transB, m, n, k, a, lda: transA ? m : k, b, ldb: transB ? k : n, c, ldc: n, beta: 0)
}

/// C[m×n] = op(A)·op(B) + β·C with row strides lda, ldb, ldc (sub-matrices of larger ones), on
/// `threads` threads (nil: the engine's count).
@inline(__always)
func sgemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int,
           _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float,
           threads: Int? = nil) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta != 1 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } } }
        return
    }
    // Below ~2 MFLOP a second thread costs more than it saves.
    splitSGEMM(transA, transB, m, n, k, a, lda: lda, b, ldb: ldb, c, ldc: ldc, beta: beta,
               parts: m * n * k < 1 << 20 ? 1 : threads ?? Engine.threads)
}

/// C split into `parts` blocks along its longer side, in whole panels of 32 columns or 12 rows,
/// computed in parallel, each by one single-threaded call of `Engine.gemm` (OpenBLAS is kept at
/// one thread: see `Engine.openblasSingleThreaded`). With our kernel each element's sum runs in
/// the same order in any block, so the bits do not depend on `parts`; OpenBLAS picks kernels by
/// block size, so its last digits can (both tested in SplitGEMM).
func splitSGEMM(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int,
                _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float, parts: Int) {
    let (panel, extent) = n >= m ? (32, n) : (12, m)
    let panels = (extent + panel - 1) / panel, own = Engine.gemm == .avx512
    if !own { Engine.openblasSingleThreaded }
    func block(_ t: Int) {
        let lo = min(extent, panels * t / parts * panel), hi = min(extent, panels * (t + 1) / parts * panel)
        let (rows, cols) = n >= m ? (0..<m, lo..<hi) : (lo..<hi, 0..<n)
        if rows.isEmpty || cols.isEmpty { return }
        if own {
            cgemm_block(transA ? 1 : 0, transB ? 1 : 0, k, a, lda, b, ldb, beta, c, ldc,
                        rows.lowerBound, rows.upperBound, cols.lowerBound, cols.upperBound)
            return
        }
        let (i, j) = (rows.lowerBound, cols.lowerBound)
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(rows.count), Int32(cols.count), Int32(k), 1, a + (transA ? i : i * lda), Int32(lda),
                    b + (transB ? j * ldb : j), Int32(ldb), beta, c + i * ldc + j, Int32(ldc))
    }
    parallelFor(parts, threads: parts, block)
}
