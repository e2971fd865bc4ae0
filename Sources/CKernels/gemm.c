// Single-precision GEMM with an AVX-512 micro-kernel, in the layout of BLIS/GotoBLAS:
//
//   for each NC-wide column block of C            (jc)
//     for each KC-deep slice of the inner sum     (pc)  pack op(B)[pc, jc] into NR-wide panels
//       for each MC-tall row block                (ic)  pack op(A)[ic, pc] into MR-tall panels
//         for each panel pair (jr, ir): the MR×NR micro-kernel, accumulators in registers
//
// The micro-kernel holds a 12×32 tile of C in 24 zmm registers; each step of the inner sum loads
// two vectors of B, broadcasts twelve values of A and issues 24 fused multiply-adds (8- and 4-row
// variants serve matrices with 16, 64 or 1 to 3 rows, which 12-row tiles would pad). Packing puts
// both operands in the order the kernel reads them (contiguous, 64-byte aligned, zero-padded at
// the edges), which also absorbs the transposes. Why our own: OpenBLAS may be pinned to its AVX2
// kernels (OPENBLAS_CORETYPE=Haswell), which run at half of what this CPU can do.
//
// Every element of C is summed in the same order (KC slices in turn, within a slice k ascending),
// so splitting C into blocks over threads never changes a result.

#include "ckernels.h"
#include <pthread.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <immintrin.h>

enum { MR = 12, NR = 32, KC = 256, MC = 120, NC = 1024 };   // MC: a multiple of 12, 8 and 4

#define AVX512 __attribute__((target("avx512f,fma")))

int cgemm_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

/// Lanes of a 16-wide vector that hold one of the first `count` columns (count may be ≤ 0 or > 16).
static inline __mmask16 lanes(long count) {
    return count >= 16 ? 0xFFFF : count <= 0 ? 0 : (__mmask16)((1u << count) - 1);
}

/// dst[p·mr + r] = op(A)[i0 + r, p0 + p] for r < rows, 0 for the padding rows.
static void pack_a(int trans, const float *a, long lda, long i0, long rows, long p0, long kc, long mr,
                   float *restrict dst) {
    for (long r = rows; r < mr; r++)
        for (long p = 0; p < kc; p++) dst[p * mr + r] = 0;
    if (trans) {
        for (long p = 0; p < kc; p++)
            for (long r = 0; r < rows; r++) dst[p * mr + r] = a[(p0 + p) * lda + i0 + r];
    } else {
        for (long r = 0; r < rows; r++)
            for (long p = 0; p < kc; p++) dst[p * mr + r] = a[(i0 + r) * lda + p0 + p];
    }
}

/// Transposes the 16×16 block v[row][column] in registers: after it, v[c] holds column c.
AVX512 static inline void transpose16(__m512 v[16]) {
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {        // pairs of rows interleaved within each 128-bit lane
        t[i] = _mm512_unpacklo_ps(v[i], v[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(v[i], v[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {        // v[i + c], lane L: rows i..i+3 of column 4L + c
        v[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        v[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
        v[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        v[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int c = 0; c < 4; c++) {            // a 4×4 transpose of 128-bit lanes for each c
        const __m512 x0 = _mm512_shuffle_f32x4(v[c], v[4 + c], 0x88), x1 = _mm512_shuffle_f32x4(v[c], v[4 + c], 0xDD);
        const __m512 y0 = _mm512_shuffle_f32x4(v[8 + c], v[12 + c], 0x88), y1 = _mm512_shuffle_f32x4(v[8 + c], v[12 + c], 0xDD);
        t[c] = _mm512_shuffle_f32x4(x0, y0, 0x88);
        t[4 + c] = _mm512_shuffle_f32x4(x1, y1, 0x88);
        t[8 + c] = _mm512_shuffle_f32x4(x0, y0, 0xDD);
        t[12 + c] = _mm512_shuffle_f32x4(x1, y1, 0xDD);
    }
    for (int i = 0; i < 16; i++) v[i] = t[i];
}

/// dst[p·NR + j] = op(B)[p0 + p, j0 + j] for j < cols, 0 for the padding columns. A transposed B
/// is read a row at a time and turned in 16×16 blocks in registers (element-wise, the strided
/// writes made packing as slow as the products it feeds when M is small).
AVX512 static void pack_b(int trans, const float *b, long ldb, long p0, long kc, long j0, long cols,
                          float *restrict dst) {
    if (trans) {
        for (long half = 0; half < NR; half += 16) {
            for (long p = 0; p < kc; p += 16) {
                const __mmask16 depth = lanes(kc - p);
                __m512 v[16];
                for (long r = 0; r < 16; r++)
                    v[r] = half + r < cols ? _mm512_maskz_loadu_ps(depth, b + (j0 + half + r) * ldb + p0 + p)
                                           : _mm512_setzero_ps();
                transpose16(v);
                for (long q = 0; q < 16 && p + q < kc; q++) _mm512_store_ps(dst + (p + q) * NR + half, v[q]);
            }
        }
    } else {
        const __mmask16 m0 = lanes(cols), m1 = lanes(cols - 16);
        for (long p = 0; p < kc; p++) {
            const float *src = b + (p0 + p) * ldb + j0;
            _mm512_store_ps(dst + p * NR, _mm512_maskz_loadu_ps(m0, src));
            _mm512_store_ps(dst + p * NR + 16, _mm512_maskz_loadu_ps(m1, src + 16));
        }
    }
}

/// C tile (rows × cols of at most mr × NR) = acc, or beta·C + acc, or C + acc (`mode` 0, 1, 2).
/// Inlined into one function per row count below, so mr is a constant and the loops unroll.
AVX512 static inline __attribute__((always_inline))
void tile(const int mr, long kc, const float *restrict ap, const float *restrict bp,
          float *c, long ldc, long rows, long cols, int mode, float beta) {
    __m512 c0[MR], c1[MR];
    for (int r = 0; r < mr; r++) c0[r] = c1[r] = _mm512_setzero_ps();
    for (long p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_load_ps(bp + p * NR), b1 = _mm512_load_ps(bp + p * NR + 16);
        for (int r = 0; r < mr; r++) {
            const __m512 a = _mm512_set1_ps(ap[p * mr + r]);
            c0[r] = _mm512_fmadd_ps(a, b0, c0[r]);
            c1[r] = _mm512_fmadd_ps(a, b1, c1[r]);
        }
    }
    const __mmask16 m0 = lanes(cols), m1 = lanes(cols - 16);
    const __m512 vbeta = _mm512_set1_ps(mode == 1 ? beta : 1);
    for (int r = 0; r < mr; r++) {
        if (r >= rows) break;
        float *row = c + r * ldc;
        __m512 v0 = c0[r], v1 = c1[r];
        if (mode != 0) {
            v0 = _mm512_fmadd_ps(vbeta, _mm512_maskz_loadu_ps(m0, row), v0);
            v1 = _mm512_fmadd_ps(vbeta, _mm512_maskz_loadu_ps(m1, row + 16), v1);
        }
        _mm512_mask_storeu_ps(row, m0, v0);
        _mm512_mask_storeu_ps(row + 16, m1, v1);
    }
}

typedef void kernel_fn(long, const float *, const float *, float *, long, long, long, int, float);
#define KERNEL(n) AVX512 static void kernel##n(long kc, const float *restrict ap, const float *restrict bp, \
        float *c, long ldc, long rows, long cols, int mode, float beta) { tile(n, kc, ap, bp, c, ldc, rows, cols, mode, beta); }
KERNEL(12)
KERNEL(8)
KERNEL(4)

/// The tile height for a block of m rows that pads the least, 12 on a near tie: e.g. 8 for 16 or
/// 64 channels (12-row tiles would compute 24 or 72), 4 for the 1 to 3 channels of an output layer.
static long tile_rows(long m) {
    const long heights[] = {12, 8, 4};
    const double cost[] = {1.0, 1.02, 1.15};   // time per row computed, relative (gemm1024: 246, 251, 214 GFLOP/s)
    long best = 12;
    double best_cost = 1e300;
    for (int i = 0; i < 3; i++) {
        const double c = cost[i] * (double)((m + heights[i] - 1) / heights[i] * heights[i]);
        if (c < best_cost) best = heights[i], best_cost = c;
    }
    return best;
}

/// Each thread's packing buffers (MC·KC floats for A, then KC·NC for B: 1.1 MB), allocated on
/// its first product and freed when the thread ends.
static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;
static void make_buffers_key(void) { pthread_key_create(&buffers_key, free); }

static float *buffers(void) {
    pthread_once(&buffers_once, make_buffers_key);
    float *p = pthread_getspecific(buffers_key);
    if (!p) {
        if (!(p = aligned_alloc(64, sizeof(float) * (MC * KC + KC * NC)))) abort();
        pthread_setspecific(buffers_key, p);
    }
    return p;
}

void cgemm_block(int transA, int transB, long k,
                 const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
                 long m0, long m1, long n0, long n1) {
    float *packed_a = buffers(), *packed_b = packed_a + MC * KC;
    const long mr = tile_rows(m1 - m0);
    kernel_fn *kernel = mr == 12 ? kernel12 : mr == 8 ? kernel8 : kernel4;
    for (long jc = n0; jc < n1; jc += NC) {
        const long nc = n1 - jc < NC ? n1 - jc : NC;
        for (long pc = 0; pc < k; pc += KC) {
            const long kc = k - pc < KC ? k - pc : KC;
            const int mode = pc > 0 ? 2 : beta != 0;
            for (long jr = 0; jr < nc; jr += NR)
                pack_b(transB, b, ldb, pc, kc, jc + jr, nc - jr < NR ? nc - jr : NR, packed_b + jr * kc);
            for (long ic = m0; ic < m1; ic += MC) {
                const long mc = m1 - ic < MC ? m1 - ic : MC;
                for (long ir = 0; ir < mc; ir += mr)
                    pack_a(transA, a, lda, ic + ir, mc - ir < mr ? mc - ir : mr, pc, kc, mr, packed_a + ir * kc);
                for (long jr = 0; jr < nc; jr += NR)
                    for (long ir = 0; ir < mc; ir += mr)
                        kernel(kc, packed_a + ir * kc, packed_b + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc,
                               mc - ir < mr ? mc - ir : mr, nc - jr < NR ? nc - jr : NR, mode, beta);
            }
        }
    }
}

#else

int cgemm_available(void) { return 0; }

void cgemm_block(int transA, int transB, long k,
                 const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
                 long m0, long m1, long n0, long n1) {
    abort();  // never called: cgemm_available() is 0 here, and callers use OpenBLAS
}

#endif
