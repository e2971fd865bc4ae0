// Matrix product through sgemm (Kernels/GEMM.swift: our AVX-512 kernel or OpenBLAS, see `Engine.gemm`).
// Shapes: op(a) [..., m, k] · op(b) [..., k, n], where op transposes the last two axes when asked.
// Leading (batch) axes must match, or one side may be a plain matrix shared by the whole batch (a
// layer's weight).
//
// VJPs, with G the upstream gradient and C = op(A)·op(B):
//   dA = G·op(B)ᵀ      (or, if A entered transposed, op(B)·Gᵀ)
//   dB = op(A)ᵀ·G      (or, if B entered transposed, Gᵀ·op(A))
// expressed with the same transpose flags, so no transposed copies are made.

public func matmul(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2, "matmul needs matrices, got \(a.shape) and \(b.shape)")
    let (m, k) = transA ? (a.shape[a.rank - 1], a.shape[a.rank - 2]) : (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (kb, n) = transB ? (b.shape[b.rank - 1], b.shape[b.rank - 2]) : (b.shape[b.rank - 2], b.shape[b.rank - 1])
    precondition(k == kb, "matmul: inner sizes differ, \(a.shape)\(transA ? "ᵀ" : "") · \(b.shape)\(transB ? "ᵀ" : "")")
    let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
    precondition(batchA == batchB || batchA.isEmpty || batchB.isEmpty,
                 "matmul: batch shapes \(batchA) and \(batchB) differ")
    let batch = batchA.isEmpty ? batchB : batchA
    let count = batch.reduce(1, *)
    let out = a.data.withUnsafeBufferPointer { pa in
        b.data.withUnsafeBufferPointer { pb in
            uninitialisedFloats(count * m * n) { pc in   // sgemm with β = 0 writes every element
                let strideA = batchA.isEmpty ? 0 : m * k, strideB = batchB.isEmpty ? 0 : k * n
                for i in 0..<count {
                    sgemm(transA, transB, m, n, k, pa.baseAddress! + i * strideA, pb.baseAddress! + i * strideB,
                          pc.baseAddress! + i * m * n)
                }
            }
        }
    }
    return Tensor.make(batch + [m, n], out, [
        (a, { g, _ in transA ? matmul(b, g, transA: transB, transB: true) : matmul(g, b, transB: !transB) }),
        (b, { g, _ in transB ? matmul(g, a, transA: true, transB: transA) : matmul(a, g, transA: !transA) }),
    ])
}
