// im2col and its adjoint, for the convolutions that go through a GEMM (ConvKernels.swift): unfold
// copies the windows of a tile of output rows into the GEMM's column buffer, row r = (ci, ky, kx),
// column (oy − oy0)·ow + ox; fold adds such a buffer back onto the image. Compiled for AVX2 + FMA
// and for the baseline CPU like direct_conv.c: what the wider build buys is the stride-2 gather
// and scatter of the critic's 4×4 layers, 8 columns per step instead of 4.
//
// fold adds to each element of dx in (ky, kx, oy) order for a fixed channel, whatever the split
// of channels over threads.

#include "vectors.h"
#include <string.h>

/// cols rows [r0, r1) for output rows [oy0, oy1): zeros where a window reads the padding.
INLINE void unfold_body(const conv_geometry *g, const float *restrict x, long oy0, long oy1,
                        float *restrict cols, long r0, long r1, const long s) {
    const long tile = (oy1 - oy0) * g->ow, plane = g->h * g->w, ow = g->ow;
    for (long r = r0; r < r1; r++) {
        const long ci = r / (g->kh * g->kw), ky = (r / g->kw) % g->kh, kx = r % g->kw;
        long lo, hi;
        valid_columns(g, kx, &lo, &hi);
        for (long oy = oy0; oy < oy1; oy++) {
            float *d = cols + r * tile + (oy - oy0) * ow;
            const long iy = oy * s - g->pad + ky;
            if (iy < 0 || iy >= g->h || lo == hi) { memset(d, 0, sizeof(float) * ow); continue; }
            for (long ox = 0; ox < lo; ox++) d[ox] = 0;   // a few columns: no call to memset
            for (long ox = hi; ox < ow; ox++) d[ox] = 0;
            const float *p = x + ci * plane + iy * g->w + lo * s - g->pad + kx;
            if (s == 1) { memcpy(d + lo, p, sizeof(float) * (hi - lo)); continue; }
            long ox = lo;
            for (; ox + 8 <= hi; ox += 8, p += 8 * s) store(d + ox, load_strided(p, s));
            for (; ox < hi; ox++, p += s) d[ox] = *p;
        }
    }
}

/// dx planes [c0, c1) += the columns of their rows, for output rows [oy0, oy1).
INLINE void fold_body(const conv_geometry *g, const float *restrict cols, long oy0, long oy1,
                      float *restrict dx, long c0, long c1, const long s) {
    const long tile = (oy1 - oy0) * g->ow, plane = g->h * g->w;
    const v8 zero = splat(0);
    for (long ci = c0; ci < c1; ci++)
        for (long ky = 0; ky < g->kh; ky++)
            for (long kx = 0; kx < g->kw; kx++) {
                long lo, hi;
                valid_columns(g, kx, &lo, &hi);
                const float *row = cols + ((ci * g->kh + ky) * g->kw + kx) * tile;
                for (long oy = oy0; oy < oy1; oy++) {
                    const long iy = oy * s - g->pad + ky;
                    if (iy < 0 || iy >= g->h) continue;
                    const float *src = row + (oy - oy0) * g->ow + lo;
                    float *d = dx + ci * plane + iy * g->w + lo * s - g->pad + kx;
                    const long n = hi - lo;
                    if (s == 1) {
                        for (long j = 0; j < n; j++) d[j] += src[j];
                        continue;
                    }
                    long j = 0;
                    if (s == 2)   // d[2j] for 8 j at once; the odd elements between get + 0
                        for (; j + 9 <= n; j += 8) {
                            const v8 v = load(src + j);
                            add_to(d + 2 * j, __builtin_shufflevector(v, zero, 0, 8, 1, 8, 2, 8, 3, 8));
                            add_to(d + 2 * j + 8, __builtin_shufflevector(v, zero, 4, 8, 5, 8, 6, 8, 7, 8));
                        }
                    for (; j < n; j++) d[j * s] += src[j];
                }
            }
}

// Stride 1 and 2 get their own instantiations, so the stride is a constant in their loops.
#define KERNELS(suffix, attributes)                                                                          \
    attributes static void unfold_##suffix(const conv_geometry *g, const float *x, long oy0, long oy1,      \
                                           float *cols, long r0, long r1) {                                  \
        switch (g->stride) {                                                                                 \
            case 1: unfold_body(g, x, oy0, oy1, cols, r0, r1, 1); break;                                     \
            case 2: unfold_body(g, x, oy0, oy1, cols, r0, r1, 2); break;                                     \
            default: unfold_body(g, x, oy0, oy1, cols, r0, r1, g->stride); break;                            \
        }                                                                                                    \
    }                                                                                                        \
    attributes static void fold_##suffix(const conv_geometry *g, const float *cols, long oy0, long oy1,     \
                                         float *dx, long c0, long c1) {                                      \
        switch (g->stride) {                                                                                 \
            case 1: fold_body(g, cols, oy0, oy1, dx, c0, c1, 1); break;                                      \
            case 2: fold_body(g, cols, oy0, oy1, dx, c0, c1, 2); break;                                      \
            default: fold_body(g, cols, oy0, oy1, dx, c0, c1, g->stride); break;                             \
        }                                                                                                    \
    }

BOTH_BUILDS(KERNELS)

void cunfold(const conv_geometry *g, const float *x, long oy0, long oy1, float *cols, long r0, long r1) {
    PICK(unfold)(g, x, oy0, oy1, cols, r0, r1);
}

void cfold(const conv_geometry *g, const float *cols, long oy0, long oy1, float *dx, long c0, long c1) {
    PICK(fold)(g, cols, oy0, oy1, dx, c0, c1);
}
