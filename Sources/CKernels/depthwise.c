// Depthwise convolution, stride 1, zero padding (Autograd/Depthwise.swift): each plane filtered by
// its channel's own k×k taps, the tap index mirrored when `flipped` (the input gradient is the
// convolution of the output gradient with the flipped kernel). Plain loops the compiler
// vectorises, built for AVX2 + FMA and for the baseline CPU as direct_conv.c's.
//
// Fixed summation orders, whatever the thread count (threads split planes, or channels):
// forward, each output value gets its taps in (i, j) order; weight gradient, each tap sums its
// images in order, and within one the rows in order, each row's products in 8 lanes, the lanes
// then added in order.

#include "vectors.h"

/// The weight index of tap (i, j), or of its mirror when the kernel is read flipped.
INLINE long tap_index(const dw_geometry *d, long i, long j) {
    const long kh = d->conv.kh, kw = d->conv.kw;
    return d->flipped ? (kh - 1 - i) * kw + (kw - 1 - j) : i * kw + j;
}

INLINE void forward_body(const dw_geometry *d, const float *restrict x, const float *restrict wt, float *restrict y,
                         long p0, long p1) {
    const conv_geometry *g = &d->conv;
    for (long plane = p0; plane < p1; plane++) {
        const float *xp = x + plane * g->h * g->w, *wc = wt + (plane % g->c) * g->kh * g->kw;
        for (long oy = 0; oy < g->oh; oy++) {
            float *restrict yr = y + (plane * g->oh + oy) * g->ow;
            for (long i = 0; i < g->kh; i++) {
                const long iy = oy + i - g->pad;
                if (iy < 0 || iy >= g->h) continue;
                const float *restrict xr = xp + iy * g->w;
                for (long j = 0; j < g->kw; j++) {
                    long lo, hi;
                    valid_columns(g, j, &lo, &hi);
                    const float wv = wc[tap_index(d, i, j)];
                    const long shift = j - g->pad;
                    for (long ox = lo; ox < hi; ox++) yr[ox] += wv * xr[ox + shift];
                }
            }
        }
    }
}

INLINE void weight_grad_body(const dw_geometry *d, const float *restrict x, const float *restrict gy,
                             float *restrict dw, long c0, long c1) {
    const conv_geometry *g = &d->conv;
    const long images = d->planes / g->c;
    for (long ch = c0; ch < c1; ch++)
        for (long n = 0; n < images; n++) {
            const long plane = n * g->c + ch;
            const float *xp = x + plane * g->h * g->w, *gp = gy + plane * g->oh * g->ow;
            for (long i = 0; i < g->kh; i++)
                for (long j = 0; j < g->kw; j++) {
                    long lo, hi;
                    valid_columns(g, j, &lo, &hi);
                    const long shift = j - g->pad;
                    v8 lanes = splat(0);
                    float tail = 0;
                    for (long oy = 0; oy < g->oh; oy++) {
                        const long iy = oy + i - g->pad;
                        if (iy < 0 || iy >= g->h) continue;
                        const float *xr = xp + iy * g->w, *gr = gp + oy * g->ow;
                        long ox = lo;
                        for (; ox + 8 <= hi; ox += 8) lanes += load(xr + ox + shift) * load(gr + ox);
                        for (; ox < hi; ox++) tail += xr[ox + shift] * gr[ox];
                    }
                    float sum = 0;
                    for (int l = 0; l < 8; l++) sum += lanes[l];
                    dw[ch * g->kh * g->kw + tap_index(d, i, j)] += sum + tail;
                }
        }
}

#define KERNELS(suffix, attributes)                                                                          \
    attributes static void forward_##suffix(const dw_geometry *g, const float *x, const float *w, float *y,   \
                                            long p0, long p1) { forward_body(g, x, w, y, p0, p1); }          \
    attributes static void weight_grad_##suffix(const dw_geometry *g, const float *x, const float *gy,        \
                                                float *dw, long c0, long c1) { weight_grad_body(g, x, gy, dw, c0, c1); }

BOTH_BUILDS(KERNELS)

void cdepthwise_forward(const dw_geometry *g, const float *x, const float *w, float *y, long p0, long p1) {
    PICK(forward)(g, x, w, y, p0, p1);
}

void cdepthwise_weight_grad(const dw_geometry *g, const float *x, const float *gy, float *dw, long c0, long c1) {
    PICK(weight_grad)(g, x, gy, dw, c0, c1);
}
