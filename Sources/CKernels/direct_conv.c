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

#include "ckernels.h"

enum { B = 16 };   // output columns per register block: two vectors of 8

typedef float v8 __attribute__((vector_size(32)));   // 2 SSE registers on the baseline CPU

// The helpers below are always inlined, so passing v8 by value never crosses a call boundary
// whose ABI would depend on the target (the warning clang gives for the baseline build).
#pragma clang diagnostic ignored "-Wpsabi"
#define INLINE static inline __attribute__((always_inline))

INLINE v8 splat(float a) { return (v8){a, a, a, a, a, a, a, a}; }
INLINE v8 load(const float *p) { v8 v; __builtin_memcpy(&v, p, sizeof v); return v; }
INLINE void add_to(float *p, v8 v) { v8 t = load(p) + v; __builtin_memcpy(p, &t, sizeof t); }

/// p[0], p[s], …, p[7s], reading nothing past p[7s].
INLINE v8 load_strided(const float *p, long s) {
    if (s == 1) return load(p);
    if (s == 2) return __builtin_shufflevector(load(p), load(p + 7), 0, 2, 4, 6, 9, 11, 13, 15);
    v8 v;
    for (int j = 0; j < 8; j++) v[j] = p[j * s];
    return v;
}

static inline long ceil_div(long a, long b) { return a <= 0 ? 0 : (a + b - 1) / b; }

/// Output columns [lo, hi) whose window column kx lies inside the image.
static inline void valid_columns(const conv_geometry *g, long kx, long *lo, long *hi) {
    *lo = ceil_div(g->pad - kx, g->stride);
    const long end = g->w + g->pad - kx;   // ox·s < end
    *hi = end <= 0 ? 0 : (end + g->stride - 1) / g->stride;
    if (*hi > g->ow) *hi = g->ow;
    if (*hi < *lo) *hi = *lo;
}

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
        DISPATCH(forward_body, g, x, w, y, o, oy0, oy1)                                                          \
    }                                                                                                            \
    attributes static void input_grad_##suffix(const conv_geometry *g, const float *gy, const float *w,         \
                                               float *dx, long o, long oy0, long oy1) {                         \
        DISPATCH(input_grad_body, g, gy, w, dx, o, oy0, oy1)                                                     \
    }                                                                                                            \
    attributes static void weight_grad_##suffix(const conv_geometry *g, const float *x, const float *gy,        \
                                                float *dw, long o, long oy0, long oy1) {                        \
        DISPATCH(weight_grad_body, g, x, gy, dw, o, oy0, oy1)                                                    \
    }

KERNELS(plain, )

#if defined(__x86_64__)
KERNELS(avx2, __attribute__((target("avx2,fma"))))

static int use_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}
#define PICK(name) (use_avx2() ? name##_avx2 : name##_plain)
#else
#define PICK(name) name##_plain
#endif

void cdirect_forward(const conv_geometry *g, const float *x, const float *w, float *y, long o, long oy0, long oy1) {
    PICK(forward)(g, x, w, y, o, oy0, oy1);
}

void cdirect_input_grad(const conv_geometry *g, const float *gy, const float *w, float *dx, long o, long oy0, long oy1) {
    PICK(input_grad)(g, gy, w, dx, o, oy0, oy1);
}

void cdirect_weight_grad(const conv_geometry *g, const float *x, const float *gy, float *dw, long o, long oy0, long oy1) {
    PICK(weight_grad)(g, x, gy, dw, o, oy0, oy1);
}
