// Event-driven convolution kernels (see include/event_conv.h).
//
// Each kernel's body is written once as an always-inline function and instantiated three times
// with different target attributes, so the compiler vectorises the inner fused multiply-add loop
// for AVX-512, for AVX2 + FMA and for the baseline; the variant is chosen per call from the CPU's
// features. fmaf() rounds once whatever the vector width, so all variants give the same bits.
#include "event_conv.h"

#include <math.h>
#include <string.h>

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/// d[o] = fma(v, s[o], d[o]) for o < n.
ALWAYS_INLINE void axpy(int64_t n, float v, const float *restrict s, float *restrict d) {
    for (int64_t o = 0; o < n; o++) d[o] = fmaf(v, s[o], d[o]);
}

/// The output coordinate a kernel tap at offset k takes an input coordinate i to, or -1.
ALWAYS_INLINE int64_t target(int64_t i, int64_t k, int64_t pad, int64_t stride, int64_t extent) {
    int64_t shifted = i + pad - k;
    if (stride == 1) return shifted >= 0 && shifted < extent ? shifted : -1;
    if (shifted < 0 || shifted % stride != 0) return -1;
    int64_t o = shifted / stride;
    return o < extent ? o : -1;
}

/// Walks one input plane: for every non-zero input v and every kernel tap t that takes it to an
/// output pixel p, one fused v * row multiply-add. `into_pixels` (a constant once inlined): the
/// forward, tap_rows[t] into pixel_rows[p]; otherwise the weight gradient, pixel_rows[p] into
/// tap_rows[t]. Rows are `Cout` floats.
ALWAYS_INLINE void walk_plane(
    const snnc_conv_shape *g, const float *plane, float *pixel_rows, float *tap_rows, int into_pixels)
{
    const int64_t cout = g->out_channels, h = g->height, w = g->width, kh = g->kernel_h, kw = g->kernel_w;
    for (int64_t i = 0; i < h; i++) {
        for (int64_t j = 0; j < w; j++) {
            const float v = plane[i * w + j];
            if (v == 0) continue;
            for (int64_t a = 0; a < kh; a++) {
                const int64_t r = target(i, a, g->pad_h, g->stride_h, g->out_h);
                if (r < 0) continue;
                for (int64_t b = 0; b < kw; b++) {
                    const int64_t q = target(j, b, g->pad_w, g->stride_w, g->out_w);
                    if (q < 0) continue;
                    float *pixel = pixel_rows + (r * g->out_w + q) * cout;
                    float *tap = tap_rows + (a * kw + b) * cout;
                    if (into_pixels) {
                        axpy(cout, v, tap, pixel);
                    } else {
                        axpy(cout, v, pixel, tap);
                    }
                }
            }
        }
    }
}

ALWAYS_INLINE void forward_body(
    const snnc_conv_shape *g, const float *x, const float *wt, const float *bias, float *y,
    int64_t n0, int64_t n1, float *scratch)
{
    const int64_t cin = g->in_channels, cout = g->out_channels, taps = g->kernel_h * g->kernel_w;
    const int64_t plane = g->height * g->width, pixels = g->out_h * g->out_w;
    for (int64_t n = n0; n < n1; n++) {
        memset(scratch, 0, (size_t)(pixels * cout) * sizeof(float));
        for (int64_t c = 0; c < cin; c++) {
            walk_plane(g, x + (n * cin + c) * plane, scratch, (float *)(wt + c * taps * cout), 1);
        }
        // [Ho*Wo][Cout] -> [Cout][Ho*Wo], adding the bias.
        float *out = y + n * cout * pixels;
        for (int64_t o = 0; o < cout; o++) {
            const float b = bias ? bias[o] : 0;
            float *row = out + o * pixels;
            for (int64_t p = 0; p < pixels; p++) row[p] = scratch[p * cout + o] + b;
        }
    }
}

ALWAYS_INLINE void weight_gradient_body(
    const snnc_conv_shape *g, const float *x, const float *dyt, float *dwt, int64_t c0, int64_t c1)
{
    const int64_t cin = g->in_channels, cout = g->out_channels, taps = g->kernel_h * g->kernel_w;
    const int64_t plane = g->height * g->width, pixels = g->out_h * g->out_w;
    memset(dwt + c0 * taps * cout, 0, (size_t)((c1 - c0) * taps * cout) * sizeof(float));
    for (int64_t n = 0; n < g->batch; n++) {
        for (int64_t c = c0; c < c1; c++) {
            walk_plane(g, x + (n * cin + c) * plane, (float *)(dyt + n * pixels * cout), dwt + c * taps * cout, 0);
        }
    }
}

#define VARIANTS(name, params, args)                                                 \
    __attribute__((target("avx512f,fma"))) static void name##_avx512 params {       \
        name##_body args;                                                            \
    }                                                                                \
    __attribute__((target("avx2,fma"))) static void name##_avx2 params { name##_body args; } \
    static void name##_generic params { name##_body args; }

VARIANTS(
    forward,
    (const snnc_conv_shape *g, const float *x, const float *wt, const float *bias, float *y, int64_t n0,
     int64_t n1, float *scratch),
    (g, x, wt, bias, y, n0, n1, scratch))
VARIANTS(
    weight_gradient,
    (const snnc_conv_shape *g, const float *x, const float *dyt, float *dwt, int64_t c0, int64_t c1),
    (g, x, dyt, dwt, c0, c1))

typedef enum { isa_generic, isa_avx2, isa_avx512 } isa;

static isa detect(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma")) return isa_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return isa_avx2;
    return isa_generic;
}

const char *snnc_event_conv_isa(void) {
    switch (detect()) {
    case isa_avx512: return "avx512";
    case isa_avx2: return "avx2";
    default: return "generic";
    }
}

void snnc_event_conv_forward(
    const snnc_conv_shape *g, const float *x, const float *wt, const float *bias, float *y,
    int64_t n0, int64_t n1, float *scratch)
{
    switch (detect()) {
    case isa_avx512: forward_avx512(g, x, wt, bias, y, n0, n1, scratch); break;
    case isa_avx2: forward_avx2(g, x, wt, bias, y, n0, n1, scratch); break;
    default: forward_generic(g, x, wt, bias, y, n0, n1, scratch); break;
    }
}

void snnc_event_conv_weight_gradient(
    const snnc_conv_shape *g, const float *x, const float *dyt, float *dwt, int64_t c0, int64_t c1)
{
    switch (detect()) {
    case isa_avx512: weight_gradient_avx512(g, x, dyt, dwt, c0, c1); break;
    case isa_avx2: weight_gradient_avx2(g, x, dyt, dwt, c0, c1); break;
    default: weight_gradient_generic(g, x, dyt, dwt, c0, c1); break;
    }
}

void snnc_transpose(const float *src, int64_t rows, int64_t cols, float *dst) {
    // In 16 x 16 tiles, so that both sides are read and written a cache line at a time.
    const int64_t tile = 16;
    for (int64_t r0 = 0; r0 < rows; r0 += tile) {
        const int64_t r1 = r0 + tile < rows ? r0 + tile : rows;
        for (int64_t c0 = 0; c0 < cols; c0 += tile) {
            const int64_t c1 = c0 + tile < cols ? c0 + tile : cols;
            for (int64_t r = r0; r < r1; r++) {
                for (int64_t c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c];
            }
        }
    }
}
