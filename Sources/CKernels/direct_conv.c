// Convolutions with 1 to 4 output channels, straight on the image (no im2col): the generator's
// last 7×7 layer (3 channels) and the PatchGAN critic's last layer (1). Written as plain loops
// that the compiler vectorises; each is compiled twice, for AVX2 + FMA and for the baseline CPU,
// and the first call picks one. `o` is a constant inside each instantiation, so the o × 16
// accumulators of the forward loop live in registers.
//
// Geometry as im2col's: row r = (ci, ky, kx) of the weights w[o][R], output (oy, ox) reads input
// (oy·s − p + ky, ox·s − p + kx). "Interior" columns [lo, hi) read inside the image for every kx
// and are summed in registers, 16 at a time; the columns left over (the zero-padded edges, the
// tail, and whole rows narrower than 16) are added straight to their result over each kx's valid
// range. Every sum runs in a fixed order (documented per kernel), whatever the thread count.

#include "vectors.h"
#include <stdlib.h>

enum { B = 16 };   // output columns per register block: two vectors of 8

/// Output columns [lo, hi) whose every window column lies inside the image.
static inline void interior(const conv_geometry *g, long *lo, long *hi) {
    long l0, h0, l1, h1;
    valid_columns(g, 0, &l0, &h0);
    valid_columns(g, g->kw - 1, &l1, &h1);
    *lo = l0 > l1 ? l0 : l1;
    *hi = h0 < h1 ? h0 : h1;
    if (*hi < *lo) *hi = *lo;
}

/// The part of [a, b) that lies in [lo, hi), as [*from, *to).
static inline void clip(long a, long b, long lo, long hi, long *from, long *to) {
    *from = a > lo ? a : lo;
    *to = b < hi ? b : hi;
    if (*to < *from) *to = *from;
}

/// y[oc][oy][ox] += Σ_r w[oc][r] · x[r at (oy, ox)] for oy in [oy0, oy1): each sum in r order,
/// started from zero and then added to y (which holds the bias or zero).
INLINE void forward_body(const conv_geometry *g, const float *restrict x, const float *restrict w, float *restrict y,
                  const long o, const long s, long oy0, long oy1) {
    const long R = g->c * g->kh * g->kw, L = g->oh * g->ow;
    long lo, hi;
    interior(g, &lo, &hi);
    for (long oy = oy0; oy < oy1; oy++) {
        long ox0 = lo;
        for (; ox0 + B <= hi; ox0 += B) {
            v8 acc[4][2] = {{0}};
            for (long ci = 0; ci < g->c; ci++)
                for (long ky = 0; ky < g->kh; ky++) {
                    const long iy = oy * s - g->pad + ky;
                    if (iy < 0 || iy >= g->h) continue;
                    const float *row = x + (ci * g->h + iy) * g->w + ox0 * s - g->pad;
                    const float *wr = w + (ci * g->kh + ky) * g->kw;
                    for (long kx = 0; kx < g->kw; kx++) {
                        const v8 x0 = load_strided(row + kx, s), x1 = load_strided(row + kx + 8 * s, s);
                        for (long oc = 0; oc < o; oc++) {
                            const v8 a = splat(wr[oc * R + kx]);
                            acc[oc][0] += a * x0;
                            acc[oc][1] += a * x1;
                        }
                    }
                }
            for (long oc = 0; oc < o; oc++) {
                add_to(y + oc * L + oy * g->ow + ox0, acc[oc][0]);
                add_to(y + oc * L + oy * g->ow + ox0 + 8, acc[oc][1]);
            }
        }
        // The other columns, [0, lo) and [ox0, ow): straight into y, in r order.
        const long edges[2][2] = {{0, lo}, {ox0, g->ow}};
        for (long ci = 0; ci < g->c; ci++)
            for (long ky = 0; ky < g->kh; ky++) {
                const long iy = oy * s - g->pad + ky;
                if (iy < 0 || iy >= g->h) continue;
                const float *row = x + (ci * g->h + iy) * g->w;
                for (long kx = 0; kx < g->kw; kx++) {
                    long vlo, vhi;
                    valid_columns(g, kx, &vlo, &vhi);
                    for (int e = 0; e < 2; e++) {
                        long from, to;
                        clip(edges[e][0], edges[e][1], vlo, vhi, &from, &to);
                        for (long oc = 0; oc < o; oc++) {
                            const float a = w[oc * R + (ci * g->kh + ky) * g->kw + kx];
                            float *out = y + oc * L + oy * g->ow;
                            for (long ox = from; ox < to; ox++) out[ox] += a * row[ox * s - g->pad + kx];
                        }
                    }
                }
            }
    }
}

/// dx[r at (oy, ox)] += Σ_oc w[oc][r] · gy[oc][oy][ox] for oy in [oy0, oy1): r outer, then oy,
/// each term summed over oc first.
INLINE void input_grad_body(const conv_geometry *g, const float *restrict gy, const float *restrict w, float *restrict dx,
                     const long o, const long s, long oy0, long oy1) {
    const long R = g->c * g->kh * g->kw, L = g->oh * g->ow;
    for (long r = 0; r < R; r++) {
        const long ci = r / (g->kh * g->kw), ky = (r / g->kw) % g->kh, kx = r % g->kw;
        float a[4] = {0};
        for (long oc = 0; oc < o; oc++) a[oc] = w[oc * R + r];
        long lo, hi;
        valid_columns(g, kx, &lo, &hi);
        for (long oy = oy0; oy < oy1; oy++) {
            const long iy = oy * s - g->pad + ky;
            if (iy < 0 || iy >= g->h) continue;
            float *row = dx + (ci * g->h + iy) * g->w;
            const float *grow = gy + oy * g->ow;
            for (long ox = lo; ox < hi; ox++) {
                float t = 0;
                for (long oc = 0; oc < o; oc++) t += a[oc] * grow[oc * L + ox];
                row[ox * s - g->pad + kx] += t;
            }
        }
    }
}

/// dw[oc][r] += Σ_(oy, ox) gy[oc][oy][ox] · x[r at (oy, ox)] for oy in [oy0, oy1): for each r, the
/// interior columns in 16 lanes (lane j: columns ≡ j mod 16 from lo, oy ascending), lanes added
/// in order, then the edge columns in (oy, left edge then right, ox) order.
INLINE void weight_grad_body(const conv_geometry *g, const float *restrict x, const float *restrict gy, float *restrict dw,
                      const long o, const long s, long oy0, long oy1) {
    const long R = g->c * g->kh * g->kw, L = g->oh * g->ow;
    long lo, hi;
    interior(g, &lo, &hi);
    const long blocked = lo + (hi - lo) / B * B;
    const long edges[2][2] = {{0, lo}, {blocked, g->ow}};
    for (long r = 0; r < R; r++) {
        const long ci = r / (g->kh * g->kw), ky = (r / g->kw) % g->kh, kx = r % g->kw;
        long vlo, vhi;
        valid_columns(g, kx, &vlo, &vhi);
        v8 acc[4][2] = {{0}};
        float edge[4] = {0};
        for (long oy = oy0; oy < oy1; oy++) {
            const long iy = oy * s - g->pad + ky;
            if (iy < 0 || iy >= g->h) continue;
            const float *row = x + (ci * g->h + iy) * g->w;
            const float *grow = gy + oy * g->ow;
            for (long ox0 = lo; ox0 < blocked; ox0 += B) {
                const float *in = row + ox0 * s - g->pad + kx;
                const v8 x0 = load_strided(in, s), x1 = load_strided(in + 8 * s, s);
                for (long oc = 0; oc < o; oc++) {
                    acc[oc][0] += load(grow + oc * L + ox0) * x0;
                    acc[oc][1] += load(grow + oc * L + ox0 + 8) * x1;
                }
            }
            for (int e = 0; e < 2; e++) {
                long from, to;
                clip(edges[e][0], edges[e][1], vlo, vhi, &from, &to);
                for (long oc = 0; oc < o; oc++)
                    for (long ox = from; ox < to; ox++) edge[oc] += grow[oc * L + ox] * row[ox * s - g->pad + kx];
            }
        }
        for (long oc = 0; oc < o; oc++) {
            float sum = 0;
            for (int j = 0; j < B; j++) sum += acc[oc][j / 8][j % 8];
            dw[oc * R + r] += sum + edge[oc];
        }
    }
}

// Many input channels on narrow rows — the critic's last layer, 128 channels of 10 × 10 at 64²
// crops — would leave the loops above in their scalar edge path for every column. Turned
// channels-last, t[iy][ix][ci] = x[ci][iy][ix], each window offset is instead a dot product over
// the channels: contiguous and c long. Per output, the sums run in (ky, kx) order, each over ci.

/// t[(iy − iy0)·w + ix][ci] = x[ci][iy][ix] for the input rows [iy0, iy1).
INLINE void channels_last(const conv_geometry *g, const float *restrict x, long iy0, long iy1, float *restrict t) {
    for (long ci = 0; ci < g->c; ci++)
        for (long iy = iy0; iy < iy1; iy++)
            for (long ix = 0; ix < g->w; ix++) t[((iy - iy0) * g->w + ix) * g->c + ci] = x[(ci * g->h + iy) * g->w + ix];
}

/// wt[oc][ky·kw + kx][ci] = w[oc][(ci, ky, kx)].
INLINE void weights_channels_last(const conv_geometry *g, const float *restrict w, long o, float *restrict wt) {
    const long K = g->kh * g->kw;
    for (long oc = 0; oc < o; oc++)
        for (long ci = 0; ci < g->c; ci++)
            for (long k = 0; k < K; k++) wt[(oc * K + k) * g->c + ci] = w[(oc * g->c + ci) * K + k];
}

INLINE float dot(const float *restrict a, const float *restrict b, long n) {
    v8 acc = splat(0);
    long i = 0;
    for (; i + 8 <= n; i += 8) acc += load(a + i) * load(b + i);
    float sum = 0;
    for (int j = 0; j < 8; j++) sum += acc[j];
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

/// y[0..<n] += a · x[0..<n].
INLINE void axpy(float a, const float *restrict x, float *restrict y, long n) {
    const v8 va = splat(a);
    long i = 0;
    for (; i + 8 <= n; i += 8) add_to(y + i, va * load(x + i));
    for (; i < n; i++) y[i] += a * x[i];
}

/// The input rows [*iy0, *iy1) that output rows [oy0, oy1) read; false if none.
static inline int input_rows(const conv_geometry *g, long oy0, long oy1, long *iy0, long *iy1) {
    *iy0 = oy0 * g->stride - g->pad;
    *iy1 = (oy1 - 1) * g->stride - g->pad + g->kh;
    if (*iy0 < 0) *iy0 = 0;
    if (*iy1 > g->h) *iy1 = g->h;
    return *iy1 > *iy0;
}

static float *floats(long n) {
    float *p = malloc(sizeof(float) * (size_t)(n > 0 ? n : 1));
    if (!p) abort();
    return p;
}

/// Calls body with k = ky·kw + kx and the channels-last offset of (iy, ix) for every window
/// offset of output (oy, ox) that reads inside the image.
#define FOR_EACH_TAP(g, oy, ox, iy0, body)                                                    \
    for (long ky = 0; ky < (g)->kh; ky++) {                                                   \
        const long iy = (oy) * (g)->stride - (g)->pad + ky;                                   \
        if (iy < 0 || iy >= (g)->h) continue;                                                 \
        for (long kx = 0; kx < (g)->kw; kx++) {                                               \
            const long ix = (ox) * (g)->stride - (g)->pad + kx;                               \
            if (ix < 0 || ix >= (g)->w) continue;                                             \
            const long k = ky * (g)->kw + kx, at = ((iy - (iy0)) * (g)->w + ix) * (g)->c;     \
            body                                                                              \
        }                                                                                     \
    }

INLINE void forward_channels_last(const conv_geometry *g, const float *x, const float *w, float *y,
                                  long o, long oy0, long oy1) {
    const long C = g->c, K = g->kh * g->kw, L = g->oh * g->ow;
    long iy0, iy1;
    if (!input_rows(g, oy0, oy1, &iy0, &iy1)) return;
    float *t = floats(C * (iy1 - iy0) * g->w), *wt = floats(o * K * C);
    channels_last(g, x, iy0, iy1, t);
    weights_channels_last(g, w, o, wt);
    for (long oy = oy0; oy < oy1; oy++)
        for (long ox = 0; ox < g->ow; ox++) {
            float sum[4] = {0};
            FOR_EACH_TAP(g, oy, ox, iy0, {
                for (long oc = 0; oc < o; oc++) sum[oc] += dot(wt + (oc * K + k) * C, t + at, C);
            })
            for (long oc = 0; oc < o; oc++) y[oc * L + oy * g->ow + ox] += sum[oc];
        }
    free(t);
    free(wt);
}

/// Per input element: the terms in (oy, ox, ky, kx, oc) order, summed channels-last, then added to dx.
INLINE void input_grad_channels_last(const conv_geometry *g, const float *gy, const float *w, float *dx,
                                     long o, long oy0, long oy1) {
    const long C = g->c, K = g->kh * g->kw, L = g->oh * g->ow;
    long iy0, iy1;
    if (!input_rows(g, oy0, oy1, &iy0, &iy1)) return;
    float *dt = floats(C * (iy1 - iy0) * g->w), *wt = floats(o * K * C);
    for (long i = 0; i < C * (iy1 - iy0) * g->w; i++) dt[i] = 0;
    weights_channels_last(g, w, o, wt);
    for (long oy = oy0; oy < oy1; oy++)
        for (long ox = 0; ox < g->ow; ox++)
            FOR_EACH_TAP(g, oy, ox, iy0, {
                for (long oc = 0; oc < o; oc++) axpy(gy[oc * L + oy * g->ow + ox], wt + (oc * K + k) * C, dt + at, C);
            })
    for (long ci = 0; ci < C; ci++)
        for (long iy = iy0; iy < iy1; iy++)
            for (long ix = 0; ix < g->w; ix++) dx[(ci * g->h + iy) * g->w + ix] += dt[((iy - iy0) * g->w + ix) * C + ci];
    free(dt);
    free(wt);
}

/// Per weight: the terms in (oy, ox) order, summed channels-last, then added to dw.
INLINE void weight_grad_channels_last(const conv_geometry *g, const float *x, const float *gy, float *dw,
                                      long o, long oy0, long oy1) {
    const long C = g->c, K = g->kh * g->kw, L = g->oh * g->ow;
    long iy0, iy1;
    if (!input_rows(g, oy0, oy1, &iy0, &iy1)) return;
    float *t = floats(C * (iy1 - iy0) * g->w), *dwt = floats(o * K * C);
    for (long i = 0; i < o * K * C; i++) dwt[i] = 0;
    channels_last(g, x, iy0, iy1, t);
    for (long oy = oy0; oy < oy1; oy++)
        for (long ox = 0; ox < g->ow; ox++)
            FOR_EACH_TAP(g, oy, ox, iy0, {
                for (long oc = 0; oc < o; oc++) axpy(gy[oc * L + oy * g->ow + ox], t + at, dwt + (oc * K + k) * C, C);
            })
    for (long oc = 0; oc < o; oc++)
        for (long ci = 0; ci < C; ci++)
            for (long k = 0; k < K; k++) dw[(oc * C + ci) * K + k] += dwt[(oc * K + k) * C + ci];
    free(t);
    free(dwt);
}

/// Channels-last where rows are too narrow for the row kernels' 16-column blocks to do most of
/// the work and there are channels enough to fill vectors (measured: the critics' last layers).
static inline int channels_last_pays(const conv_geometry *g) { return g->c >= 32 && g->ow < 2 * B; }

// One instantiation per output-channel count, and for stride 1 apart, so that `o` (and `s`) are
// constants in the loops above.
#define DISPATCH(body, g, a, b, out, o, oy0, oy1)                                            \
    switch ((o) * 2 + ((g)->stride == 1)) {                                                  \
        case 3: body(g, a, b, out, 1, 1, oy0, oy1); break;                                   \
        case 5: body(g, a, b, out, 2, 1, oy0, oy1); break;                                   \
        case 7: body(g, a, b, out, 3, 1, oy0, oy1); break;                                   \
        case 9: body(g, a, b, out, 4, 1, oy0, oy1); break;                                   \
        case 2: body(g, a, b, out, 1, (g)->stride, oy0, oy1); break;                         \
        case 4: body(g, a, b, out, 2, (g)->stride, oy0, oy1); break;                         \
        case 6: body(g, a, b, out, 3, (g)->stride, oy0, oy1); break;                         \
        default: body(g, a, b, out, 4, (g)->stride, oy0, oy1); break;                        \
    }

#define KERNELS(suffix, attributes)                                                                              \
    attributes static void forward_##suffix(const conv_geometry *g, const float *x, const float *w, float *y,   \
                                            long o, long oy0, long oy1) {                                       \
        if (channels_last_pays(g)) { forward_channels_last(g, x, w, y, o, oy0, oy1); return; }                   \
        DISPATCH(forward_body, g, x, w, y, o, oy0, oy1)                                                          \
    }                                                                                                            \
    attributes static void input_grad_##suffix(const conv_geometry *g, const float *gy, const float *w,         \
                                               float *dx, long o, long oy0, long oy1) {                         \
        if (channels_last_pays(g)) { input_grad_channels_last(g, gy, w, dx, o, oy0, oy1); return; }              \
        DISPATCH(input_grad_body, g, gy, w, dx, o, oy0, oy1)                                                     \
    }                                                                                                            \
    attributes static void weight_grad_##suffix(const conv_geometry *g, const float *x, const float *gy,        \
                                                float *dw, long o, long oy0, long oy1) {                        \
        if (channels_last_pays(g)) { weight_grad_channels_last(g, x, gy, dw, o, oy0, oy1); return; }             \
        DISPATCH(weight_grad_body, g, x, gy, dw, o, oy0, oy1)                                                    \
    }

BOTH_BUILDS(KERNELS)

void cdirect_forward(const conv_geometry *g, const float *x, const float *w, float *y, long o, long oy0, long oy1) {
    PICK(forward)(g, x, w, y, o, oy0, oy1);
}

void cdirect_input_grad(const conv_geometry *g, const float *gy, const float *w, float *dx, long o, long oy0, long oy1) {
    PICK(input_grad)(g, gy, w, dx, o, oy0, oy1);
}

void cdirect_weight_grad(const conv_geometry *g, const float *x, const float *gy, float *dw, long o, long oy0, long oy1) {
    PICK(weight_grad)(g, x, gy, dw, o, oy0, oy1);
}
