// The dense convolutions' kernels: oneDNN primitives (JIT code for this CPU, chosen at run time),
// one set per convolution shape, cached in the `ConvWorkspace`.
import DNNLShim

/// The shape of one convolution call, the key of the primitive cache.
struct ConvCallShape: Hashable {
    let batch: Int
    let inChannels: Int
    let height: Int
    let width: Int
    let outChannels: Int
    let window: Window2d
}

extension ConvCallShape {
    /// The shape as the C kernels take it.
    var geometry: snnc_conv_shape {
        let w = window
        return snnc_conv_shape(
            batch: Int64(batch), in_channels: Int64(inChannels), height: Int64(height),
            width: Int64(width), out_channels: Int64(outChannels), kernel_h: Int64(w.kernelH),
            kernel_w: Int64(w.kernelW), stride_h: Int64(w.strideH), stride_w: Int64(w.strideW),
            pad_h: Int64(w.padH), pad_w: Int64(w.padW), out_h: Int64(w.outputHeight(height)),
            out_w: Int64(w.outputWidth(width)))
    }
}

/// oneDNN's forward, backward-data and backward-weights primitives for one `ConvCallShape`,
/// with their reorder buffers. Owns a C handle; use from one thread at a time.
final class ConvPrimitives {
    private let handle: OpaquePointer
    let shape: ConvCallShape
    /// The input of the latest forward call, retained: while this reference lives, a caller's
    /// in-place change to that array copies it first, so storage identity with it proves that
    /// the forward's reordered copy of the input is still current (see `backward`).
    private var latestForwardInput: [Float] = []

    init(_ s: ConvCallShape) {
        var geometry = s.geometry
        var message = [CChar](repeating: 0, count: 512)
        guard let handle = snnc_conv_create(&geometry, &message, message.count) else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            preconditionFailure("oneDNN cannot run the convolution \(s): \(text)")
        }
        self.handle = handle
        self.shape = s
    }

    deinit { snnc_conv_destroy(handle) }

    /// The kernels oneDNN chose (forward, backward data, backward weights), e.g. "jit:avx512_core".
    var implementations: [String] {
        (0..<3).map { String(cString: snnc_conv_implementation(handle, Int32($0))) }
    }

    func forward(
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>, threads: Int
    ) {
        snnc_dnnl_set_threads(Int32(threads))
        check(snnc_conv_forward(handle, x, w, b, y), "forward")
    }

    /// Records the array the latest `forward` read (call right after it).
    func rememberForwardInput(_ scalars: [Float]) { latestForwardInput = scalars }

    /// Whether `scalars` is the very storage the latest `forward` read.
    func isLatestForwardInput(_ scalars: [Float]) -> Bool {
        guard !scalars.isEmpty, scalars.count == latestForwardInput.count else { return false }
        return scalars.withUnsafeBufferPointer { a in
            latestForwardInput.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress }
        }
    }

    /// The weight gradient when `dw` is not nil and the input gradient when `dx` is not nil,
    /// both assigned. `xIsForwardInput`: `x` is the storage the latest `forward` read
    /// (`isLatestForwardInput`).
    func backward(
        x: UnsafePointer<Float>, dy: ConvBackwardOutputGradient, w: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?, xIsForwardInput: Bool, threads: Int
    ) {
        snnc_dnnl_set_threads(Int32(threads))
        let reuse: Int32 = xIsForwardInput ? 1 : 0
        switch dy {
        case .plain(let dy): check(snnc_conv_backward(handle, x, dy, w, dx, dw, reuse), "backward")
        case .blocked(let dy): check(snnc_conv_backward_blocked(handle, x, dy, w, dx, dw, reuse), "backward")
        }
    }

    /// The channel block b of the layout `[N][⌈C/b⌉][Ho][Wo][b]` (8 or 16) in which both backward
    /// kernels read dy, or 0 when they want another layout (`ConvBackwardOutputGradient.blocked`).
    var diffDstChannelBlock: Int { Int(snnc_conv_diff_dst_block(handle)) }

    /// Bytes of the reorder buffers in the kernels' layouts allocated so far: each is allocated
    /// when its pass first runs, so a pass that never runs (inference's backward, or the reorder
    /// of a dy that comes already blocked) holds none.
    var bufferBytes: Int { Int(snnc_conv_buffer_bytes(handle)) }

    private func check(_ status: Int32, _ pass: String) {
        precondition(status == 0, "oneDNN convolution \(pass) of \(shape) failed with status \(status)")
    }
}

/// The output gradient dy a convolution's backward reads.
enum ConvBackwardOutputGradient {
    /// `[N, Cout, Ho, Wo]`, reordered into the kernels' layout inside.
    case plain(UnsafePointer<Float>)
    /// Already in the `diffDstChannelBlock` layout: no reorder. oneDNN (re)writes the padding
    /// channels' zeros when it takes the pointer.
    case blocked(UnsafeMutablePointer<Float>)
}

/// The primitives of every convolution shape a workspace has run, created on first use.
/// At most `limit` shapes are kept (a new shape past the limit empties the cache), so a loop
/// over ever-new batch sizes cannot grow it without bound.
final class ConvPrimitiveCache: @unchecked Sendable {
    private var entries: [ConvCallShape: ConvPrimitives] = [:]
    private let limit = 64

    func primitives(_ shape: ConvCallShape) -> ConvPrimitives {
        if let hit = entries[shape] { return hit }
        if entries.count >= limit { entries.removeAll() }
        let made = ConvPrimitives(shape)
        entries[shape] = made
        return made
    }
}

/// Sets the threads oneDNN uses for convolutions started from the calling thread.
func setConvolutionThreads(_ count: Int) {
    snnc_dnnl_set_threads(Int32(count))
}
