// Event-driven convolution kernels: the work follows the non-zero inputs (spikes), not the
// pixels. For a layer whose input is mostly zeros (spikes: 3-12% non-zero in VGG16), the forward
// and the weight gradient touch only the weights and output rows that a non-zero input reaches,
// instead of all of them as a dense kernel does. Plain C, compiled once per instruction set
// (AVX-512, AVX2 + FMA, generic) and picked at run time; every path does the same fused
// multiply-adds in the same order, so all give the same bits, on any CPU and thread count.
#ifndef SNNC_EVENT_CONV_H
#define SNNC_EVENT_CONV_H

#include <stdint.h>

#include "dnnl_shim.h"

#ifdef __cplusplus
extern "C" {
#endif

/// dst[c][r] = src[r][c] for a rows x cols matrix.
void snnc_transpose(const float *src, int64_t rows, int64_t cols, float *dst);

/// The forward for images [n0, n1) of x [N, Cin, H, W]: y [N, Cout, Ho, Wo] = bias + conv(x, w),
/// with the weights given transposed as wt [Cin][kH][kW][Cout]. For every non-zero input, in the
/// order (channel, row, column, kernel row, kernel column), the output rows it reaches get
/// value * weight row added (fused). scratch: Ho * Wo * Cout floats, overwritten.
void snnc_event_conv_forward(
    const snnc_conv_shape *shape, const float *x, const float *wt, const float *bias, float *y,
    int64_t n0, int64_t n1, float *scratch);

/// The weight gradient of input channels [c0, c1), assigned to dwt [Cin][kH][kW][Cout] (those
/// channels' rows only): dwt[c][kh][kw][:] = sum over images n, then non-zero inputs
/// x[n][c][h][w] in row-major order, of x * dyt[n][oh][ow][:], where dyt is the output gradient
/// transposed to [N][Ho][Wo][Cout].
void snnc_event_conv_weight_gradient(
    const snnc_conv_shape *shape, const float *x, const float *dyt, float *dwt, int64_t c0, int64_t c1);

/// The instruction set the kernels run with on this CPU: "avx512", "avx2" or "generic".
const char *snnc_event_conv_isa(void);

#ifdef __cplusplus
}
#endif
#endif
