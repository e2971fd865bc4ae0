// What the convolution kernels (direct_conv.c, im2col.c) share: an 8-lane float vector the
// compiler maps to one AVX2 register or two SSE ones, its helpers, the valid columns of a
// window offset, and the run-time choice between a kernel's AVX2 + FMA and baseline builds.
#ifndef CKERNELS_VECTORS_H
#define CKERNELS_VECTORS_H

#include "ckernels.h"

typedef float v8 __attribute__((vector_size(32)));   // 2 SSE registers on the baseline CPU

// The helpers below are always inlined, so passing v8 by value never crosses a call boundary
// whose ABI would depend on the target (the warning clang gives for the baseline build).
#pragma clang diagnostic ignored "-Wpsabi"
#define INLINE static inline __attribute__((always_inline))

INLINE v8 splat(float a) { return (v8){a, a, a, a, a, a, a, a}; }
INLINE v8 load(const float *p) { v8 v; __builtin_memcpy(&v, p, sizeof v); return v; }
INLINE void store(float *p, v8 v) { __builtin_memcpy(p, &v, sizeof v); }
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

#if defined(__x86_64__)
/// Defines `name##_avx2` and `name##_plain` from one body: KERNELS(suffix, attributes) must
/// define each kernel as `attributes static … name##_##suffix`.
#define BOTH_BUILDS(KERNELS) KERNELS(plain, ) KERNELS(avx2, __attribute__((target("avx2,fma"))))

static inline int use_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}
#define PICK(name) (use_avx2() ? name##_avx2 : name##_plain)
#else
#define BOTH_BUILDS(KERNELS) KERNELS(plain, )
#define PICK(name) name##_plain
#endif

#endif
