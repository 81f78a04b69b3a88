// The convolution doorway to oneDNN: one handle per convolution shape, holding the forward,
// backward-data and backward-weights primitives oneDNN chose for this CPU (JIT AVX-512 / AVX2 /
// SSE4.1 kernels, picked at run time) and the reorders between snnc's plain NCHW / OIHW arrays
// and the blocked layouts those kernels want. The only file in snnc that includes oneDNN.
#ifndef SNNC_DNNL_SHIM_H
#define SNNC_DNNL_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The geometry of one 2-D convolution (cross-correlation, zero padding) on a batch.
typedef struct {
    int64_t batch, in_channels, height, width;
    int64_t out_channels, kernel_h, kernel_w;
    int64_t stride_h, stride_w, pad_h, pad_w;
    int64_t out_h, out_w;
} snnc_conv_shape;

typedef struct snnc_conv snnc_conv;

/// Creates the primitives for `shape`; NULL with a message in `error` when oneDNN cannot.
snnc_conv *snnc_conv_create(const snnc_conv_shape *shape, char *error, size_t error_len);
void snnc_conv_destroy(snnc_conv *conv);

/// y[N, Cout, Ho, Wo] = conv(x[N, Cin, H, W], w[Cout, Cin, kH, kW]) + b[Cout].
/// Returns 0 on success, else a oneDNN status code.
int snnc_conv_forward(snnc_conv *conv, const float *x, const float *w, const float *b, float *y);
/// The gradients for the output gradient dy of the forward pass on x with weights w, both
/// assigned (not added): unless dw is NULL the weight gradient dw, and unless dx is NULL the
/// input gradient dx.
/// (The bias gradient, a plain sum of dy, is left to the caller.) Pass x_is_forward_input = 1
/// only when x holds exactly what the latest snnc_conv_forward call on this handle read: the
/// forward's copy of it in the kernel layout is then reused instead of reordered again.
int snnc_conv_backward(
    snnc_conv *conv, const float *x, const float *dy, const float *w, float *dx, float *dw, int x_is_forward_input);

/// The channel block (8 or 16) of the layout both backward kernels want dy in when it is
/// nChw8c / nChw16c (`[N][ceil(C/b)][H][W][b]`, channels past C zero), else 0.
int snnc_conv_diff_dst_block(const snnc_conv *conv);
/// `snnc_conv_backward` with dy already in that layout (no reorder of dy; oneDNN rewrites the
/// padding channels' zeros when it takes the pointer, so dy_blocked is writable). Returns a
/// oneDNN status (invalid arguments when `snnc_conv_diff_dst_block` is 0).
int snnc_conv_backward_blocked(
    snnc_conv *conv, const float *x, float *dy_blocked, const float *w, float *dx, float *dw,
    int x_is_forward_input);

/// Bytes of the reorder buffers allocated so far (each on its port's first use).
size_t snnc_conv_buffer_bytes(const snnc_conv *conv);

/// The name of the kernel oneDNN chose for each pass ("jit:avx512_core", "gemm:jit", ...).
const char *snnc_conv_implementation(const snnc_conv *conv, int pass);

/// Sets the number of OpenMP threads oneDNN uses on the calling thread (and later ones it starts).
void snnc_dnnl_set_threads(int threads);

#ifdef __cplusplus
}
#endif
#endif
