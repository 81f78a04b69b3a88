// oneDNN convolutions behind a small C API (see include/dnnl_shim.h).
//
// Each pass has "ports": a user array in plain NCHW / OIHW layout and the layout the chosen
// kernel wants. When they differ the port owns a buffer in the kernel's layout and a reorder
// primitive; otherwise the kernel reads or writes the user array directly. A port's buffer is
// allocated when the port is first used: training hands most convolutions dy already in the
// kernels' layout and reuses the forward's reordered x, and inference runs no backward, so the
// buffers of ports that are never used (activation-sized) are never allocated.
#include "dnnl_shim.h"

#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void omp_set_num_threads(int);

typedef struct {
    dnnl_memory_t user;      // plain layout; data handle set per call
    dnnl_memory_t kernel;    // the kernel's layout (== user when no reorder is needed)
    dnnl_primitive_t reorder;  // user -> kernel (inputs) or kernel -> user (outputs); NULL if none
    void *buffer;            // kernel's storage once allocated (see port_kernel); NULL before
} port;

struct snnc_conv {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dnnl_primitive_desc_t pd[3];  // forward, backward data, backward weights
    dnnl_primitive_t prim[3];
    port fwd_src, fwd_weights, fwd_dst;
    port bwd_diff_dst, bwd_weights, bwd_diff_src;
    port wgt_src, wgt_diff_dst, wgt_diff_weights;
    dnnl_memory_t fwd_bias;
    // dy handed in already in the backward kernels' layout (snnc_conv_backward_blocked); NULL
    // when that layout is not nChw8c / nChw16c or the two backward kernels want different ones.
    dnnl_memory_t given_diff_dst;
    int diff_dst_block;
};

#define TRY(call)                                                   \
    do {                                                            \
        dnnl_status_t status_ = (call);                             \
        if (status_ != dnnl_success) {                              \
            snprintf(error, error_len, "%s failed (oneDNN status %d)", #call, (int)status_); \
            goto fail;                                              \
        }                                                           \
    } while (0)

static dnnl_status_t port_init(
    port *p, dnnl_engine_t engine, const dnnl_memory_desc_t *user_md,
    const dnnl_memory_desc_t *kernel_md, int is_output)
{
    dnnl_status_t s = dnnl_memory_create(&p->user, user_md, engine, DNNL_MEMORY_NONE);
    if (s != dnnl_success) return s;
    if (dnnl_memory_desc_equal(user_md, kernel_md)) {
        p->kernel = p->user;
        p->reorder = NULL;
        return dnnl_success;
    }
    s = dnnl_memory_create(&p->kernel, kernel_md, engine, DNNL_MEMORY_NONE);
    if (s != dnnl_success) return s;
    dnnl_primitive_desc_t rpd;
    s = is_output ? dnnl_reorder_primitive_desc_create(&rpd, kernel_md, engine, user_md, engine, NULL)
                  : dnnl_reorder_primitive_desc_create(&rpd, user_md, engine, kernel_md, engine, NULL);
    if (s != dnnl_success) return s;
    s = dnnl_primitive_create(&p->reorder, rpd);
    dnnl_primitive_desc_destroy(rpd);
    return s;
}

static void port_destroy(port *p) {
    if (p->reorder) dnnl_primitive_destroy(p->reorder);
    if (p->kernel && p->kernel != p->user) dnnl_memory_destroy(p->kernel);
    if (p->user) dnnl_memory_destroy(p->user);
    free(p->buffer);
    memset(p, 0, sizeof(*p));
}

/// The memory the kernel reads or writes for port `p`, its buffer allocated on first use.
/// Setting the handle zero-fills the layout's padding, as allocating with the memory did.
static dnnl_status_t port_kernel(port *p, dnnl_memory_t *kernel) {
    if (p->reorder && !p->buffer) {
        const dnnl_memory_desc_t *md;
        dnnl_status_t s = dnnl_memory_get_memory_desc(p->kernel, &md);
        if (s != dnnl_success) return s;
        size_t bytes = dnnl_memory_desc_get_size(md);
        void *buffer = NULL;
        if (posix_memalign(&buffer, 64, bytes > 0 ? bytes : 64) != 0) return dnnl_out_of_memory;
        s = dnnl_memory_set_data_handle(p->kernel, buffer);
        if (s != dnnl_success) {
            free(buffer);
            return s;
        }
        p->buffer = buffer;
    }
    *kernel = p->kernel;
    return dnnl_success;
}

static dnnl_status_t run_reorder(snnc_conv *c, port *p, int is_output) {
    if (!p->reorder) return dnnl_success;
    dnnl_memory_t kernel;
    dnnl_status_t s = port_kernel(p, &kernel);
    if (s != dnnl_success) return s;
    dnnl_exec_arg_t args[2] = {
        {DNNL_ARG_SRC, is_output ? kernel : p->user},
        {DNNL_ARG_DST, is_output ? p->user : kernel},
    };
    return dnnl_primitive_execute(p->reorder, c->stream, 2, args);
}

/// Points the port at `data` and, for an input, brings it into the kernel's layout.
static dnnl_status_t port_in(snnc_conv *c, port *p, const float *data) {
    dnnl_status_t s = dnnl_memory_set_data_handle(p->user, (void *)data);
    return s != dnnl_success ? s : run_reorder(c, p, 0);
}

/// Points output port `p` at `data` and makes sure the kernel has its buffer to write.
static dnnl_status_t port_out(port *p, float *data) {
    dnnl_memory_t kernel;
    dnnl_status_t s = dnnl_memory_set_data_handle(p->user, data);
    return s != dnnl_success ? s : port_kernel(p, &kernel);
}

static const dnnl_memory_desc_t *query(dnnl_primitive_desc_t pd, dnnl_query_t what) {
    return dnnl_primitive_desc_query_md(pd, what, 0);
}

snnc_conv *snnc_conv_create(const snnc_conv_shape *g, char *error, size_t error_len) {
    snnc_conv *c = calloc(1, sizeof(snnc_conv));
    if (!c) {
        snprintf(error, error_len, "out of memory");
        return NULL;
    }
    dnnl_dims_t src_dims = {g->batch, g->in_channels, g->height, g->width};
    dnnl_dims_t weight_dims = {g->out_channels, g->in_channels, g->kernel_h, g->kernel_w};
    dnnl_dims_t bias_dims = {g->out_channels};
    dnnl_dims_t dst_dims = {g->batch, g->out_channels, g->out_h, g->out_w};
    dnnl_dims_t strides = {g->stride_h, g->stride_w};
    dnnl_dims_t pad_l = {g->pad_h, g->pad_w};
    // The right/bottom padding that gives exactly out_h x out_w outputs.
    dnnl_dims_t pad_r = {
        (g->out_h - 1) * g->stride_h + g->kernel_h - g->height - g->pad_h,
        (g->out_w - 1) * g->stride_w + g->kernel_w - g->width - g->pad_w,
    };
    dnnl_memory_desc_t src_plain, weight_plain, bias_md, dst_plain, src_any, weight_any, dst_any;
    TRY(dnnl_engine_create(&c->engine, dnnl_cpu, 0));
    TRY(dnnl_stream_create(&c->stream, c->engine, dnnl_stream_default_flags));
    TRY(dnnl_memory_desc_init_by_tag(&src_plain, 4, src_dims, dnnl_f32, dnnl_nchw));
    TRY(dnnl_memory_desc_init_by_tag(&weight_plain, 4, weight_dims, dnnl_f32, dnnl_oihw));
    TRY(dnnl_memory_desc_init_by_tag(&bias_md, 1, bias_dims, dnnl_f32, dnnl_x));
    TRY(dnnl_memory_desc_init_by_tag(&dst_plain, 4, dst_dims, dnnl_f32, dnnl_nchw));
    // Activations in 8-channel blocks when a side has 8 (or 24, 40...) channels: oneDNN would
    // otherwise pick 16-channel blocks on AVX-512 and pad 8 channels to 16 on both sides, four
    // times the work (VGG16 at width 1/8: conv 8->8 on 32x32 runs 1.7x faster in nChw8c).
    int eight = g->in_channels % 8 == 0 && g->out_channels % 8 == 0
        && (g->in_channels % 16 != 0 || g->out_channels % 16 != 0);
    dnnl_format_tag_t activations = eight ? dnnl_nChw8c : dnnl_format_tag_any;
    TRY(dnnl_memory_desc_init_by_tag(&src_any, 4, src_dims, dnnl_f32, activations));
    TRY(dnnl_memory_desc_init_by_tag(&weight_any, 4, weight_dims, dnnl_f32, dnnl_format_tag_any));
    TRY(dnnl_memory_desc_init_by_tag(&dst_any, 4, dst_dims, dnnl_f32, activations));

    dnnl_convolution_desc_t fwd, bwd, wgt;
    TRY(dnnl_convolution_forward_desc_init(
        &fwd, dnnl_forward_training, dnnl_convolution_direct, &src_any, &weight_any, &bias_md, &dst_any,
        strides, pad_l, pad_r));
    TRY(dnnl_primitive_desc_create(&c->pd[0], &fwd, NULL, c->engine, NULL));
    TRY(dnnl_convolution_backward_data_desc_init(
        &bwd, dnnl_convolution_direct, &src_any, &weight_any, &dst_any, strides, pad_l, pad_r));
    TRY(dnnl_primitive_desc_create(&c->pd[1], &bwd, NULL, c->engine, c->pd[0]));
    TRY(dnnl_convolution_backward_weights_desc_init(
        &wgt, dnnl_convolution_direct, &src_any, &weight_any, NULL, &dst_any, strides, pad_l, pad_r));
    TRY(dnnl_primitive_desc_create(&c->pd[2], &wgt, NULL, c->engine, c->pd[0]));
    for (int i = 0; i < 3; i++) TRY(dnnl_primitive_create(&c->prim[i], c->pd[i]));

    TRY(port_init(&c->fwd_src, c->engine, &src_plain, query(c->pd[0], dnnl_query_src_md), 0));
    TRY(port_init(&c->fwd_weights, c->engine, &weight_plain, query(c->pd[0], dnnl_query_weights_md), 0));
    TRY(port_init(&c->fwd_dst, c->engine, &dst_plain, query(c->pd[0], dnnl_query_dst_md), 1));
    TRY(port_init(&c->bwd_diff_dst, c->engine, &dst_plain, query(c->pd[1], dnnl_query_diff_dst_md), 0));
    TRY(port_init(&c->bwd_weights, c->engine, &weight_plain, query(c->pd[1], dnnl_query_weights_md), 0));
    TRY(port_init(&c->bwd_diff_src, c->engine, &src_plain, query(c->pd[1], dnnl_query_diff_src_md), 1));
    TRY(port_init(&c->wgt_src, c->engine, &src_plain, query(c->pd[2], dnnl_query_src_md), 0));
    TRY(port_init(&c->wgt_diff_dst, c->engine, &dst_plain, query(c->pd[2], dnnl_query_diff_dst_md), 0));
    TRY(port_init(
        &c->wgt_diff_weights, c->engine, &weight_plain, query(c->pd[2], dnnl_query_diff_weights_md), 1));
    TRY(dnnl_memory_create(&c->fwd_bias, &bias_md, c->engine, DNNL_MEMORY_NONE));
    {
        const dnnl_memory_desc_t *data = query(c->pd[1], dnnl_query_diff_dst_md);
        const dnnl_memory_desc_t *weights = query(c->pd[2], dnnl_query_diff_dst_md);
        dnnl_memory_desc_t blocked8, blocked16;
        TRY(dnnl_memory_desc_init_by_tag(&blocked8, 4, dst_dims, dnnl_f32, dnnl_nChw8c));
        TRY(dnnl_memory_desc_init_by_tag(&blocked16, 4, dst_dims, dnnl_f32, dnnl_nChw16c));
        if (dnnl_memory_desc_equal(data, weights)) {
            if (dnnl_memory_desc_equal(data, &blocked8)) c->diff_dst_block = 8;
            if (dnnl_memory_desc_equal(data, &blocked16)) c->diff_dst_block = 16;
        }
        if (c->diff_dst_block) TRY(dnnl_memory_create(&c->given_diff_dst, data, c->engine, DNNL_MEMORY_NONE));
    }
    return c;
fail:
    snnc_conv_destroy(c);
    return NULL;
}

void snnc_conv_destroy(snnc_conv *c) {
    if (!c) return;
    port *ports[] = {
        &c->fwd_src, &c->fwd_weights, &c->fwd_dst, &c->bwd_diff_dst, &c->bwd_weights,
        &c->bwd_diff_src, &c->wgt_src, &c->wgt_diff_dst, &c->wgt_diff_weights,
    };
    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) port_destroy(ports[i]);
    if (c->fwd_bias) dnnl_memory_destroy(c->fwd_bias);
    if (c->given_diff_dst) dnnl_memory_destroy(c->given_diff_dst);
    for (int i = 0; i < 3; i++) {
        if (c->prim[i]) dnnl_primitive_destroy(c->prim[i]);
        if (c->pd[i]) dnnl_primitive_desc_destroy(c->pd[i]);
    }
    if (c->stream) dnnl_stream_destroy(c->stream);
    if (c->engine) dnnl_engine_destroy(c->engine);
    free(c);
}

#define RUN(call)                                  \
    do {                                           \
        dnnl_status_t status_ = (call);            \
        if (status_ != dnnl_success) return (int)status_; \
    } while (0)

int snnc_conv_forward(snnc_conv *c, const float *x, const float *w, const float *b, float *y) {
    RUN(port_in(c, &c->fwd_src, x));
    RUN(port_in(c, &c->fwd_weights, w));
    RUN(port_out(&c->fwd_dst, y));
    dnnl_exec_arg_t args[4] = {
        {DNNL_ARG_SRC, c->fwd_src.kernel},
        {DNNL_ARG_WEIGHTS, c->fwd_weights.kernel},
        {DNNL_ARG_DST, c->fwd_dst.kernel},
        {DNNL_ARG_BIAS, c->fwd_bias},
    };
    RUN(dnnl_memory_set_data_handle(c->fwd_bias, (void *)b));
    RUN(dnnl_primitive_execute(c->prim[0], c->stream, 4, args));
    RUN(run_reorder(c, &c->fwd_dst, 1));
    RUN(dnnl_stream_wait(c->stream));
    return 0;
}

/// The weight gradient into dw; diff_dst_for_weights is dy in the backward-weights kernel's layout.
static int weight_gradient(snnc_conv *c, const float *x, dnnl_memory_t diff_dst, float *dw, int x_is_forward_input) {
    // x in the backward-weights kernel's layout: the forward's copy when it is still there.
    dnnl_memory_t src_for_weights;
    if (x_is_forward_input && c->fwd_src.reorder && c->fwd_src.buffer
        && dnnl_memory_desc_equal(query(c->pd[0], dnnl_query_src_md), query(c->pd[2], dnnl_query_src_md))) {
        src_for_weights = c->fwd_src.kernel;
    } else {
        RUN(port_in(c, &c->wgt_src, x));
        src_for_weights = c->wgt_src.kernel;
    }
    RUN(port_out(&c->wgt_diff_weights, dw));
    dnnl_exec_arg_t weight_args[3] = {
        {DNNL_ARG_SRC, src_for_weights},
        {DNNL_ARG_DIFF_DST, diff_dst},
        {DNNL_ARG_DIFF_WEIGHTS, c->wgt_diff_weights.kernel},
    };
    RUN(dnnl_primitive_execute(c->prim[2], c->stream, 3, weight_args));
    return (int)run_reorder(c, &c->wgt_diff_weights, 1);
}

int snnc_conv_backward(
    snnc_conv *c, const float *x, const float *dy, const float *w, float *dx, float *dw, int x_is_forward_input)
{
    if (dx) {
        RUN(port_in(c, &c->bwd_diff_dst, dy));
        if (dw) {
            // dy in the backward-data kernel's layout, reused by the backward-weights kernel when
            // that one wants the same layout (the usual case): one reorder instead of two.
            const dnnl_memory_desc_t *have = query(c->pd[1], dnnl_query_diff_dst_md);
            const dnnl_memory_desc_t *want = query(c->pd[2], dnnl_query_diff_dst_md);
            dnnl_memory_t diff_dst = c->bwd_diff_dst.kernel;
            if (!dnnl_memory_desc_equal(have, want)) {
                RUN(port_in(c, &c->wgt_diff_dst, dy));
                diff_dst = c->wgt_diff_dst.kernel;
            }
            RUN(weight_gradient(c, x, diff_dst, dw, x_is_forward_input));
        }
        RUN(port_in(c, &c->bwd_weights, w));
        RUN(port_out(&c->bwd_diff_src, dx));
        dnnl_exec_arg_t data_args[3] = {
            {DNNL_ARG_DIFF_DST, c->bwd_diff_dst.kernel},
            {DNNL_ARG_WEIGHTS, c->bwd_weights.kernel},
            {DNNL_ARG_DIFF_SRC, c->bwd_diff_src.kernel},
        };
        RUN(dnnl_primitive_execute(c->prim[1], c->stream, 3, data_args));
        RUN(run_reorder(c, &c->bwd_diff_src, 1));
    } else if (dw) {
        RUN(port_in(c, &c->wgt_diff_dst, dy));
        RUN(weight_gradient(c, x, c->wgt_diff_dst.kernel, dw, x_is_forward_input));
    }
    RUN(dnnl_stream_wait(c->stream));
    return 0;
}

int snnc_conv_diff_dst_block(const snnc_conv *c) { return c->diff_dst_block; }

size_t snnc_conv_buffer_bytes(const snnc_conv *c) {
    const port *ports[] = {
        &c->fwd_src, &c->fwd_weights, &c->fwd_dst, &c->bwd_diff_dst, &c->bwd_weights,
        &c->bwd_diff_src, &c->wgt_src, &c->wgt_diff_dst, &c->wgt_diff_weights,
    };
    size_t bytes = 0;
    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        const dnnl_memory_desc_t *md;
        if (ports[i]->buffer && dnnl_memory_get_memory_desc(ports[i]->kernel, &md) == dnnl_success)
            bytes += dnnl_memory_desc_get_size(md);
    }
    return bytes;
}

int snnc_conv_backward_blocked(
    snnc_conv *c, const float *x, float *dy_blocked, const float *w, float *dx, float *dw, int x_is_forward_input)
{
    if (!c->given_diff_dst) return (int)dnnl_invalid_arguments;
    RUN(dnnl_memory_set_data_handle(c->given_diff_dst, dy_blocked));
    if (dw) RUN(weight_gradient(c, x, c->given_diff_dst, dw, x_is_forward_input));
    if (dx) {
        RUN(port_in(c, &c->bwd_weights, w));
        RUN(port_out(&c->bwd_diff_src, dx));
        dnnl_exec_arg_t data_args[3] = {
            {DNNL_ARG_DIFF_DST, c->given_diff_dst},
            {DNNL_ARG_WEIGHTS, c->bwd_weights.kernel},
            {DNNL_ARG_DIFF_SRC, c->bwd_diff_src.kernel},
        };
        RUN(dnnl_primitive_execute(c->prim[1], c->stream, 3, data_args));
        RUN(run_reorder(c, &c->bwd_diff_src, 1));
    }
    RUN(dnnl_stream_wait(c->stream));
    return 0;
}

const char *snnc_conv_implementation(const snnc_conv *c, int pass) {
    const char *name = "";
    if (pass < 0 || pass > 2) return name;
    dnnl_primitive_desc_query(c->pd[pass], dnnl_query_impl_info_str, 0, &name);
    return name;
}

void snnc_dnnl_set_threads(int threads) {
    if (threads > 0) omp_set_num_threads(threads);
}
