// 2-D convolution (cross-correlation, PyTorch's Conv2d) on oneDNN's kernels, and the scratch
// memory the convolutions (dense and sparse) reuse from call to call.

/// Reusable scratch memory for the convolutions.
///
/// Holds oneDNN's primitives for every convolution shape `conv2dForward` / `conv2dBackward` ran
/// (created on first use, with their buffers in the kernels' blocked layouts), and the wide
/// buffers of the sparse kernels (`sparseConv2dForward`), which grow to the largest size
/// requested and are then reused, never beyond `maxColumnBytes` (at least one image per chunk).
/// A training loop that keeps one workspace allocates no scratch per call. A workspace is a
/// value: a copy gets its own primitives on first use, so give each thread its own.
public struct ConvWorkspace: Sendable {
    /// Upper bound on the sparse kernels' wide buffer, in bytes (default 32 MiB).
    public let maxColumnBytes: Int
    /// Threads for the kernels (oneDNN's, and the sparse kernels' parts).
    public let threads: Int
    /// When `conv2dForward` / `conv2dBackward` follow the input's non-zeros (the event kernels)
    /// instead of running oneDNN's dense kernels.
    public var events = EventConvPolicy.measured
    /// The sparse kernels' wide input (and, backward, input-gradient) buffer.
    var columns: [Float] = []
    /// The sparse kernels' wide output-gradient buffer.
    var product: [Float] = []
    /// oneDNN primitives per convolution shape (see `primitives(_:)`).
    private var primitiveCache = ConvPrimitiveCache()
    /// Channel-blocked output gradients `conv2dBackward(blockedOutputGradient:)` has taken, and
    /// how many of them reached it copied: shared on their way from their producer, so that
    /// oneDNN's mutable access copied the array (a lost `consume`; costs time, not bits).
    public internal(set) var blockedGradients = (taken: 0, copied: 0)

    /// A workspace whose sparse buffers stay within `maxColumnBytes` and whose kernels use
    /// `threads` threads (default: the current BLAS thread count).
    /// - Precondition: both positive.
    public init(maxColumnBytes: Int = 32 << 20, threads: Int? = nil) {
        let threads = threads ?? blasThreads()
        precondition(maxColumnBytes > 0 && threads > 0, "workspace limits must be positive")
        self.maxColumnBytes = maxColumnBytes
        self.threads = threads
    }

    /// Bytes currently held by the sparse kernels' buffers.
    public var allocatedBytes: Int { (columns.count + product.count) * MemoryLayout<Float>.stride }

    /// The oneDNN primitives for `shape`. A copied workspace gets its own cache on first use,
    /// so two copies never share primitives (or their buffers) between threads.
    mutating func primitives(_ shape: ConvCallShape) -> ConvPrimitives {
        if !isKnownUniquelyReferenced(&primitiveCache) { primitiveCache = ConvPrimitiveCache() }
        return primitiveCache.primitives(shape)
    }

    mutating func reserve(columns c: Int, product p: Int) {
        if columns.count < c { columns = [Float](repeating: 0, count: c) }
        if product.count < p { product = [Float](repeating: 0, count: p) }
    }
}

/// Checks shapes and returns the geometry and output channel count of a convolution.
func convShapes(input: Tensor, weight: Tensor, window: Window2d)
    -> (g: ConvGeometry, batch: Int, outChannels: Int)
{
    precondition(input.rank == 4, "conv2d input must be [N, Cin, H, W], got \(input.shape)")
    precondition(weight.rank == 4, "conv2d weight must be [Cout, Cin, kH, kW], got \(weight.shape)")
    precondition(input.shape[1] >= 1, "conv2d needs at least one input channel, got \(input.shape)")
    precondition(
        weight.shape[1] == input.shape[1],
        "conv2d weight \(weight.shape) does not match input channels \(input.shape[1])")
    precondition(
        weight.shape[2] == window.kernelH && weight.shape[3] == window.kernelW,
        "conv2d weight \(weight.shape) does not match window \(window)")
    let g = ConvGeometry(
        channels: input.shape[1], height: input.shape[2], width: input.shape[3],
        window: window)
    return (g, input.shape[0], weight.shape[0])
}

/// Adds the bias gradient `Σ_{n, oh, ow} dY[n, co, oh, ow]` of `dOutput` `[N, Cout, Ho, Wo]` to
/// `dBias` (nothing when nil). Shared by the dense and the sparse backward.
func addBiasGradient(_ dOutput: Tensor, into dBias: inout Tensor?) {
    guard dBias != nil else { return }
    let sums = dOutput.scalars.withUnsafeBufferPointer {
        runSums($0.baseAddress!, rows: dOutput.shape[0] * dOutput.shape[1], length: dOutput.shape[2] * dOutput.shape[3])
    }
    addBiasGradient(rowSums: sums, into: &dBias)
}

/// Adds the bias gradient to `dBias` (nothing when nil) from the sums of dY's rows, (image i,
/// channel c) at `i·C + c` as `runSum` adds them: each channel's rows in Double, image by image.
/// The same bits whether the backward summed the rows or dY's producer did.
func addBiasGradient(rowSums: [Float], into dBias: inout Tensor?) {
    guard let channels = dBias?.count, channels > 0 else { return }
    precondition(rowSums.count % channels == 0, "\(rowSums.count) row sums are no whole images of \(channels) channels")
    var totals = [Double](repeating: 0, count: channels)
    for row in rowSums.indices { totals[row % channels] += Double(rowSums[row]) }
    for c in 0..<channels { dBias!.scalars[c] += Float(totals[c]) }
}

/// Checks the gradient slots of a convolution backward against its weight and output channels.
private func checkGradientShapes(dWeight: Tensor, dBias: Tensor?, weight: Tensor, outChannels cout: Int) {
    precondition(
        dWeight.shape == weight.shape,
        "conv2d dWeight \(dWeight.shape) does not match weight \(weight.shape)")
    if let dBias { precondition(dBias.shape == [cout], "conv2d dBias must be [\(cout)], got \(dBias.shape)") }
}

/// Output shape `[N, Cout, Ho, Wo]` of a convolution of `inputShape` `[N, Cin, H, W]` with
/// `outChannels` filters and geometry `window`.
public func conv2dOutputShape(inputShape: [Int], outChannels: Int, window: Window2d) -> [Int] {
    precondition(inputShape.count == 4, "conv2d input must be [N, Cin, H, W], got \(inputShape)")
    return [
        inputShape[0], outChannels, window.outputHeight(inputShape[2]),
        window.outputWidth(inputShape[3]),
    ]
}

/// Conv2d forward: `y[n, co, oh, ow] = b[co] + Σ_{ci, kh, kw} w[co, ci, kh, kw] ·
/// x[n, ci, oh·sH − pH + kh, ow·sW − pW + kw]` (zero padding).
///
/// - input:  `[N, Cin, H, W]`
/// - weight: `[Cout, Cin, kH, kW]` with `kH, kW == window.kernelH, window.kernelW`
/// - bias:   `[Cout]` or nil
/// - returns `[N, Cout, Ho, Wo]`, `Ho = (H + 2·pH − kH)/sH + 1`, `Wo` likewise.
///
/// Backward needs `input` and `weight` again; the caller keeps them (no cache is returned).
/// Runs oneDNN's kernel for this shape and CPU (see `ConvWorkspace`); the same inputs and thread
/// count give the same bits.
public func conv2dForward(
    input: Tensor, weight: Tensor, bias: Tensor?, window: Window2d,
    workspace: inout ConvWorkspace
) -> Tensor {
    let (g, batch, cout) = convShapes(input: input, weight: weight, window: window)
    if let bias { precondition(bias.shape == [cout], "conv2d bias must be [\(cout)], got \(bias.shape)") }
    let outShape = [batch, cout, g.outH, g.outW]
    if batch == 0 || cout == 0 || g.outputPixels == 0 { return Tensor.zeros(outShape) }
    let shape = ConvCallShape(
        batch: batch, inChannels: g.channels, height: g.height, width: g.width, outChannels: cout, window: window)
    let threads = workspace.threads
    if workspace.events.applies(to: input, outputChannels: cout) {
        return eventConv2dForward(input: input, weight: weight, bias: bias, shape: shape, threads: threads)
    }
    let primitives = workspace.primitives(shape)
    // The primitive always adds a bias (zeros when there is none): one primitive per shape.
    let biasScalars = bias?.scalars ?? [Float](repeating: 0, count: cout)
    let output = Tensor(shape: outShape) { out in
        input.scalars.withUnsafeBufferPointer { x in
            weight.scalars.withUnsafeBufferPointer { w in
                biasScalars.withUnsafeBufferPointer { b in
                    primitives.forward(
                        x: x.baseAddress!, w: w.baseAddress!, b: b.baseAddress!,
                        y: out.baseAddress!, threads: threads)
                }
            }
        }
    }
    primitives.rememberForwardInput(input.scalars)
    return output
}

/// Conv2d backward.
///
/// - dOutput: `[N, Cout, Ho, Wo]`, gradient of the loss w.r.t. the forward output
/// - input, weight, window: exactly as given to `conv2dForward`
/// - dWeight: `[Cout, Cin, kH, kW]`; the weight gradient is **added** to it, so zero it before
///   the first backward of a step
/// - dBias: `[Cout]` or nil; if non-nil the bias gradient `Σ_{n, oh, ow} dY` is **added** to it
/// - computeInputGradient: pass false for the first layer to skip that work
/// - returns dInput `[N, Cin, H, W]` (freshly **assigned**), or nil when not requested.
///
/// oneDNN computes the gradients; its weight-gradient reduction over the batch is split by
/// thread, so the bits depend on the thread count (not on scheduling).
public func conv2dBackward(
    dOutput: Tensor, input: Tensor, weight: Tensor, window: Window2d,
    dWeight: inout Tensor, dBias: inout Tensor?,
    computeInputGradient: Bool = true,
    workspace: inout ConvWorkspace
) -> Tensor? {
    let (g, batch, cout) = convShapes(input: input, weight: weight, window: window)
    precondition(
        dOutput.shape == [batch, cout, g.outH, g.outW],
        "conv2d dOutput \(dOutput.shape) does not match output [\(batch), \(cout), \(g.outH), \(g.outW)]")
    checkGradientShapes(dWeight: dWeight, dBias: dBias, weight: weight, outChannels: cout)
    if batch == 0 || cout == 0 || g.outputPixels == 0 || g.columnRows == 0 {
        return computeInputGradient ? Tensor.zeros(input.shape) : nil
    }
    let shape = ConvCallShape(
        batch: batch, inChannels: g.channels, height: g.height, width: g.width, outChannels: cout, window: window)
    // The bias gradient in Double, as the sparse backward does: the same bits for both.
    addBiasGradient(dOutput, into: &dBias)
    let events = workspace.events.applies(to: input, outputChannels: cout)
    if events {
        let threads = workspace.threads
        accumulate(eventConv2dWeightGradient(dOutput: dOutput, input: input, shape: shape, threads: threads), into: &dWeight)
        if !computeInputGradient { return nil }
    }
    return oneDNNConvBackward(
        workspace.primitives(shape), input: input, weight: weight, dWeight: &dWeight, weightGradient: !events,
        computeInputGradient: computeInputGradient, threads: workspace.threads
    ) { body in dOutput.scalars.withUnsafeBufferPointer { body(.plain($0.baseAddress!)) } }
}

/// oneDNN's backward of a convolution with `primitives`, reading dy where `lendOutputGradient`
/// lends it: returns the input gradient (written whole by oneDNN, so no zero fill) when
/// `computeInputGradient`, and adds the weight gradient to `dWeight` when `weightGradient`.
private func oneDNNConvBackward(
    _ primitives: ConvPrimitives, input: Tensor, weight: Tensor, dWeight: inout Tensor, weightGradient: Bool,
    computeInputGradient: Bool, threads: Int,
    lendOutputGradient: ((ConvBackwardOutputGradient) -> Void) -> Void
) -> Tensor? {
    var weightGradientScalars = [Float](repeating: 0, count: weightGradient ? weight.count : 0)
    let reuseInput = primitives.isLatestForwardInput(input.scalars)
    func run(dx: UnsafeMutablePointer<Float>?) {
        input.scalars.withUnsafeBufferPointer { x in
            weight.scalars.withUnsafeBufferPointer { w in
                weightGradientScalars.withUnsafeMutableBufferPointer { dw in
                    lendOutputGradient { dy in
                        primitives.backward(
                            x: x.baseAddress!, dy: dy, w: w.baseAddress!, dx: dx,
                            dw: weightGradient ? dw.baseAddress : nil, xIsForwardInput: reuseInput, threads: threads)
                    }
                }
            }
        }
    }
    let inputGradient = computeInputGradient ? Tensor(shape: input.shape) { run(dx: $0.baseAddress) } : nil
    if !computeInputGradient { run(dx: nil) }
    if weightGradient { accumulate(Tensor(shape: weight.shape, scalars: weightGradientScalars), into: &dWeight) }
    return inputGradient
}

/// A convolution's output gradient `[N, C, Ho, Wo]` laid out as oneDNN's backward kernels read it,
/// `[N][⌈C/b⌉][Ho·Wo][b]` (channels past C zero), with the sum of each (image, channel) row in
/// `runSum` order: written so by its producer (`batchNormBackward(…, channelBlock:)`), it reaches
/// `conv2dBackward(blockedOutputGradient:…)` without a reorder or a pass for the bias gradient.
public struct ChannelBlockedGradient: Sendable {
    /// The logical shape `[N, C, Ho, Wo]`.
    public let shape: [Int]
    /// The channel block b (8 or 16).
    public let block: Int
    /// `N·⌈C/b⌉·Ho·Wo·b` floats (mutable storage: oneDNN rewrites the padding channels' zeros
    /// when it takes the array, so `conv2dBackward(blockedOutputGradient:)` borrows it `inout`).
    public internal(set) var scalars: [Float]
    /// Σ over each row (image i, channel c) at `i·C + c`, as `runSum` adds them.
    public let rowSums: [Float]
    /// Where `scalars`' storage was when its producer made it: `conv2dBackward(blockedOutputGradient:)`
    /// finding it elsewhere means the array was shared and copied on its way (see
    /// `ConvWorkspace.blockedGradients`).
    let storageAddress: Int

    init(shape: [Int], block: Int, scalars: [Float], rowSums: [Float]) {
        self.shape = shape
        self.block = block
        self.scalars = scalars
        self.rowSums = rowSums
        storageAddress = scalars.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
    }
}

/// The channel block in which the backward of a convolution of `input` with `outChannels`
/// filters reads its output gradient (`ChannelBlockedGradient`), or nil when it reads it plain
/// (the event kernels, or a layout other than nChw8c / nChw16c).
public func conv2dOutputGradientBlock(
    input: Tensor, outChannels: Int, window: Window2d, workspace: inout ConvWorkspace
) -> Int? {
    guard input.rank == 4, input.shape[0] > 0, outChannels > 0 else { return nil }
    let g = ConvGeometry(channels: input.shape[1], height: input.shape[2], width: input.shape[3], window: window)
    guard g.outputPixels > 0, g.columnRows > 0, !workspace.events.applies(to: input, outputChannels: outChannels) else {
        return nil
    }
    let shape = ConvCallShape(
        batch: input.shape[0], inChannels: g.channels, height: g.height, width: g.width, outChannels: outChannels,
        window: window)
    let block = workspace.primitives(shape).diffDstChannelBlock
    return block > 0 ? block : nil
}

/// `conv2dBackward` with the output gradient in the layout its kernels read: the same gradients,
/// bit for bit, for a convolution whose `conv2dOutputGradientBlock` is `dOutput.block` (only then:
/// a convolution on the event kernels computes its weight gradient another way).
public func conv2dBackward(
    blockedOutputGradient dOutput: inout ChannelBlockedGradient, input: Tensor, weight: Tensor, window: Window2d,
    dWeight: inout Tensor, dBias: inout Tensor?, computeInputGradient: Bool = true, workspace: inout ConvWorkspace
) -> Tensor? {
    let (g, batch, cout) = convShapes(input: input, weight: weight, window: window)
    let blocks = (cout + dOutput.block - 1) / max(dOutput.block, 1)
    precondition(
        dOutput.shape == [batch, cout, g.outH, g.outW] && dOutput.rowSums.count == batch * cout
            && dOutput.scalars.count == batch * blocks * g.outputPixels * dOutput.block && g.outputPixels > 0
            && g.columnRows > 0,
        "conv2d blocked dOutput \(dOutput.shape) (\(dOutput.scalars.count) floats in blocks of \(dOutput.block)) "
            + "does not match output [\(batch), \(cout), \(g.outH), \(g.outW)]")
    checkGradientShapes(dWeight: dWeight, dBias: dBias, weight: weight, outChannels: cout)
    let shape = ConvCallShape(
        batch: batch, inChannels: g.channels, height: g.height, width: g.width, outChannels: cout, window: window)
    let primitives = workspace.primitives(shape)
    precondition(
        primitives.diffDstChannelBlock == dOutput.block,
        "conv2d backward reads dOutput in blocks of \(primitives.diffDstChannelBlock) channels, not \(dOutput.block)")
    addBiasGradient(rowSums: dOutput.rowSums, into: &dBias)
    var copied = false
    let inputGradient = oneDNNConvBackward(
        primitives, input: input, weight: weight, dWeight: &dWeight, weightGradient: true,
        computeInputGradient: computeInputGradient, threads: workspace.threads
    ) { body in
        dOutput.scalars.withUnsafeMutableBufferPointer {
            copied = copied || Int(bitPattern: $0.baseAddress) != dOutput.storageAddress
            body(.blocked($0.baseAddress!))
        }
    }
    workspace.blockedGradients.taken += 1
    if copied { workspace.blockedGradients.copied += 1 }
    return inputGradient
}
