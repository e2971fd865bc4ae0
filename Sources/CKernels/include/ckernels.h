#ifndef CKERNELS_H
#define CKERNELS_H

/// 1 when this CPU can run the AVX-512 kernel below (x86-64 with AVX-512F), else 0.
int cgemm_available(void);

/// The block rows m0..<m1, columns n0..<n1 of C = op(A)·op(B) + beta·C, all row-major with row
/// strides lda, ldb, ldc; op(A) is m×k (A is k×m when transA), op(B) is k×n (B is n×k when
/// transB). With beta = 0, C is only written, never read. Single-threaded: callers split C into
/// blocks, and each element is summed in the same order whatever the split.
void cgemm_block(int transA, int transB, long k,
                 const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
                 long m0, long m1, long n0, long n1);

#endif
