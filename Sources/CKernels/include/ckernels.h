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

/// A convolution's shape: input c × h × w, kernel kh × kw, stride, zero padding, output oh × ow.
typedef struct { long c, h, w, kh, kw, stride, pad, oh, ow; } conv_geometry;

/// Convolutions with 1 ≤ o ≤ 4 output channels straight on one image, for output rows
/// oy0..<oy1 (direct_conv.c); each adds to its result. Weights w are [o][c·kh·kw].
/// y [o][oh][ow] += w ⊛ x [c][h][w].
void cdirect_forward(const conv_geometry *g, const float *x, const float *w, float *y, long o, long oy0, long oy1);
/// dx [c][h][w] += the adjoint of the forward map applied to gy [o][oh][ow].
void cdirect_input_grad(const conv_geometry *g, const float *gy, const float *w, float *dx, long o, long oy0, long oy1);
/// dw [o][c·kh·kw] += Σ over the rows' outputs of gy × the windows of x.
void cdirect_weight_grad(const conv_geometry *g, const float *x, const float *gy, float *dw, long o, long oy0, long oy1);

/// im2col rows [r0, r1) of one image for output rows oy0..<oy1 (im2col.c): cols [c·kh·kw][(oy1 − oy0)·ow],
/// row r = (ci, ky, kx), zeros where a window reads the padding.
void cunfold(const conv_geometry *g, const float *x, long oy0, long oy1, float *cols, long r0, long r1);
/// unfold's adjoint for channels [c0, c1): dx [c][h][w] += the columns of their rows.
void cfold(const conv_geometry *g, const float *cols, long oy0, long oy1, float *dx, long c0, long c1);

/// A depthwise convolution's shape (depthwise.c): `planes` = N·C planes, each filtered as one
/// channel of `conv` (its c, h, w, k × k window, stride 1, padding, output); taps read mirrored
/// when `flipped`.
typedef struct { conv_geometry conv; long planes; int flipped; } dw_geometry;

/// y [planes][oh][ow] += each plane of x filtered by its channel's taps w [c][k·k], planes p0..<p1.
void cdepthwise_forward(const dw_geometry *g, const float *x, const float *w, float *y, long p0, long p1);
/// dw [c][k·k] += Σ over images and output positions of x (shifted by the tap) · gy, channels c0..<c1.
void cdepthwise_weight_grad(const dw_geometry *g, const float *x, const float *gy, float *dw, long c0, long c1);

/// A job of `ck_parallel_for`: runs index `index` with the caller's `context`.
typedef void (*ck_body)(void *context, long index);
/// body(context, i) for every i in 0..<count, on up to `threads` threads (the caller's and the
/// pool's workers: pool.c); returns when all have run. Called with threads ≤ 1, or from inside a
/// job, or while another thread's job runs, it runs them in order on the calling thread.
void ck_parallel_for(int threads, long count, ck_body body, void *context);

#endif
