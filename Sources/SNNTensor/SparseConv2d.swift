// Stride-1 convolution over the kept weights of a pruned layer (`SparseConvPattern`), with no
// im2col: the work is proportional to the number of kept weights.
//
// Wide layout. With the input zero-padded (Hp = H + 2·pH, Wp = W + 2·pW) and the padded
// planes of all images of one channel laid end to end, padded pixel (h, w) of image n sits at
//     q = (n·Hp + h)·Wp + w.
// Output pixel (oh, ow) of image n is kept at the same q with (h, w) = (oh, ow) — valid where
// oh < Ho and ow < Wo, unused elsewhere — so a kept weight w[co, ci, kh, kw] contributes
//     out[co][q] += w · in[ci][q + kh·Wp + kw]
// for every q: one shifted, contiguous multiply–add per kept weight, computed in register
// blocks of `wideBlock` floats. The wide layout spends Hp·Wp / (Ho·Wo) positions per output
// pixel (1.15 at 28×28, 1.65 at 7×7) instead of copying the input kH·kW times (im2col).
//
// Backward spreads the output gradient into a zeroed wide buffer (zero at unused positions):
//     dW[co, ci, kh, kw] = Σ_q dYwide[co][q] · in[ci][q + kh·Wp + kw]   (one dot per kept weight)
//     dIn[ci][r]         = Σ over kept weights of input ci of  w · dYwide[co][r − kh·Wp − kw]
// and the input gradient is the interior of dIn.
//
// Determinism: each output element sums its kept weights in ascending flat order, and each
// weight gradient adds fixed blocks of positions in a fixed order, whatever the thread count.
// The output and the input gradient do not depend on the image chunking either; the weight
// gradient's blocks do (they follow the chunk's length), and the chunking depends only on the
// shapes and `ConvWorkspace.maxColumnBytes`.
// The results differ from the dense kernels' only by float rounding (another summation order).

/// Floats per register block; wide buffers carry this much zero slack so the last block of a
/// row range may run past its end.
let wideBlock = 32
/// Wide positions per unit of work (a chunk of rows for the forward pass and the input
/// gradient, a run of positions for the weight gradient): a few L1-sized rows.
let wideChunkPositions = 2048
/// Fixed number of partial sums per weight gradient, independent of the thread count.
let wideGradientGroups = 16

/// Geometry of one stride-1 convolution in the wide layout, for a chunk of `images` images.
struct WideGeometry {
    let channels: Int, height: Int, width: Int
    let padH: Int, padW: Int, kernelH: Int, kernelW: Int
    /// Padded plane size and output size.
    let paddedH: Int, paddedW: Int, outH: Int, outW: Int
    let images: Int

    init(channels: Int, height: Int, width: Int, window: Window2d, images: Int) {
        precondition(SparseConvPattern.supports(window), "sparse convolution needs stride 1, got \(window)")
        self.channels = channels
        self.height = height
        self.width = width
        self.padH = window.padH
        self.padW = window.padW
        self.kernelH = window.kernelH
        self.kernelW = window.kernelW
        self.paddedH = height + 2 * window.padH
        self.paddedW = width + 2 * window.padW
        self.outH = window.outputHeight(height)
        self.outW = window.outputWidth(width)
        self.images = images
    }

    /// Wide positions of the chunk: images·Hp·Wp.
    var length: Int { images * paddedH * paddedW }
    /// Largest kernel offset, (kH − 1)·Wp + kW − 1.
    var halo: Int { (kernelH - 1) * paddedW + kernelW - 1 }
    /// Floats per channel of a wide buffer: `halo` zeros, `length` positions, then
    /// `halo + wideBlock` zeros, so that shifted blocks in either direction stay inside.
    var channelStride: Int { 2 * halo + length + wideBlock }
    /// Wide rows of the chunk, images·Hp.
    var rows: Int { images * paddedH }
    /// Rows per unit of work.
    var rowsPerChunk: Int { max(1, wideChunkPositions / paddedW) }
    /// Offset of kernel tap (kh, kw) in the wide layout.
    @inline(__always) func offset(kh: Int, kw: Int) -> Int { kh * paddedW + kw }
}

/// Images per wide chunk: as many as fit `maxBytes` in one wide buffer of `channels` channels
/// (at least one).
private func wideImagesPerChunk(
    batch: Int, channels: Int, height: Int, width: Int,
    window: Window2d, maxBytes: Int
) -> Int {
    let perImage = max(
        1,
        channels * (height + 2 * window.padH) * (width + 2 * window.padW)
            * MemoryLayout<Float>.stride)
    return max(1, min(batch, maxBytes / perImage))
}

/// Fills wide channels `channelRange` of `buffer` (layout of `g`) with zeros and copies
/// `src` (`[images, channels, rows, cols]`, NCHW) in, each plane at padded row `rowOffset`,
/// column `colOffset`.
///
/// Each padded plane is zeroed just before its rows are copied in, so it is still in L1 when
/// they overwrite it; zeroing a whole channel (often larger than L2) first and copying into it
/// afterwards moved every position through memory twice. The buffer's contents are the same.
private func spreadWide(
    _ src: UnsafePointer<Float>, channels: Int, rows: Int, cols: Int,
    rowOffset: Int, colOffset: Int, geometry g: WideGeometry,
    into buffer: UnsafeMutablePointer<Float>, channelRange: Range<Int>
) {
    let plane = g.paddedH * g.paddedW
    for c in channelRange {
        let base = buffer + c * g.channelStride
        base.update(repeating: 0, count: g.halo)
        let first = base + g.halo
        for n in 0..<g.images {
            let dst = first + n * plane + rowOffset * g.paddedW + colOffset
            let planeSource = src + (n * channels + c) * rows * cols
            (first + n * plane).update(repeating: 0, count: plane)
            for r in 0..<rows {
                (dst + r * g.paddedW).update(from: planeSource + r * cols, count: cols)
            }
        }
        (first + g.length).update(repeating: 0, count: g.channelStride - g.halo - g.length)
    }
}

/// `spreadWide` over all channels, split over `threads` threads by channel.
private func spreadWideParallel(
    _ src: UnsafePointer<Float>, channels: Int, rows: Int, cols: Int,
    rowOffset: Int, colOffset: Int, geometry g: WideGeometry,
    into buffer: UnsafeMutablePointer<Float>, threads: Int
) {
    let parts = copyParts(threads: threads, units: channels, elements: channels * g.channelStride)
    let s = SharedPointer(src)
    let b = SharedPointer(buffer)
    forEachPart(parts) { part in
        spreadWide(
            s.base, channels: channels, rows: rows, cols: cols, rowOffset: rowOffset,
            colOffset: colOffset, geometry: g, into: b.base,
            channelRange: slice(channels, part: part, of: parts))
    }
}

/// Spreads images `first ..< first + images` of the NCHW input `x` into `buffer`, padded as
/// `window` pads them, and returns the chunk's geometry.
private func spreadInputChunk(
    _ x: UnsafePointer<Float>, from first: Int, images: Int, channels: Int,
    height: Int, width: Int, window: Window2d,
    into buffer: UnsafeMutablePointer<Float>, threads: Int
) -> WideGeometry {
    let g = WideGeometry(channels: channels, height: height, width: width, window: window, images: images)
    spreadWideParallel(
        x + first * channels * height * width, channels: channels, rows: height, cols: width,
        rowOffset: g.padH, colOffset: g.padW, geometry: g, into: buffer, threads: threads)
    return g
}

@inline(__always)
private func loadBlock(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func storeBlock(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// `out[i] = Σ_{k ∈ terms} weights[k] · source[offsets[k] + i]` for `i` in `0..<count`
/// rounded up to `wideBlock` (so `out` and every shifted source need that much slack).
/// Terms are added in ascending `k`, each element independently.
@inline(__always)
private func shiftedSum(
    count: Int, terms: Range<Int>, source: UnsafePointer<Float>,
    offsets: UnsafePointer<Int>, weights: UnsafePointer<Float>,
    out: UnsafeMutablePointer<Float>
) {
    var i = 0
    while i < count {
        var a0 = SIMD16<Float>()
        var a1 = SIMD16<Float>()
        for k in terms {
            let p = source + offsets[k] + i
            let w = weights[k]
            a0 += w * loadBlock(p)
            a1 += w * loadBlock(p + 16)
        }
        storeBlock(a0, out + i)
        storeBlock(a1, out + i + 16)
        i += wideBlock
    }
}

/// `Σ_i a[i] · b[i]` for `i` in `0..<count` rounded up to `wideBlock`, in a fixed order.
@inline(__always)
private func blockDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var s0 = SIMD16<Float>()
    var s1 = SIMD16<Float>()
    var i = 0
    while i < count {
        s0 += loadBlock(a + i) * loadBlock(b + i)
        s1 += loadBlock(a + i + 16) * loadBlock(b + i + 16)
        i += wideBlock
    }
    return (s0 + s1).sum()
}

/// Parts for `units` chunks of work worth `work` multiply–adds.
private func computeParts(threads: Int, units: Int, work: Int) -> Int {
    work >= 1 << 16 ? max(1, min(threads, units)) : 1
}

/// Wide-buffer offsets of the kept weights in `order` (flat weight indices): for a term that
/// reads the input (forward, weight gradient) `ci · stride + (kh·Wp + kw)`, for one that reads
/// the output gradient (input gradient) `co · stride − (kh·Wp + kw)`.
private func wideOffsets(_ order: [Int], shape: [Int], geometry g: WideGeometry, readsInput: Bool) -> [Int] {
    let (cin, kH, kW) = (shape[1], shape[2], shape[3])
    return order.map { flat in
        let kw = flat % kW
        let kh = (flat / kW) % kH
        let ci = (flat / (kW * kH)) % cin
        let co = flat / (kW * kH * cin)
        let shift = g.offset(kh: kh, kw: kw)
        return readsInput ? ci * g.channelStride + shift : co * g.channelStride - shift
    }
}

/// Sparse stride-1 Conv2d forward: the same result as `conv2dForward` with the weights outside
/// `pattern` taken as zero (up to float rounding), in work proportional to the kept weights.
///
/// - input `[N, Cin, H, W]`, weight `[Cout, Cin, kH, kW]`, bias `[Cout]` or nil
/// - pattern: the kept weights (`pattern.weightShape == weight.shape`); weights outside it are
///   not read
/// - window: stride 1 (`SparseConvPattern.supports`)
/// - returns `[N, Cout, Ho, Wo]`
public func sparseConv2dForward(
    input: Tensor, weight: Tensor, bias: Tensor?, window: Window2d,
    pattern: SparseConvPattern, workspace: inout ConvWorkspace
) -> Tensor {
    let (g0, batch, cout) = convShapes(input: input, weight: weight, window: window)
    precondition(
        pattern.weightShape == weight.shape,
        "sparse pattern \(pattern.weightShape) does not match weight \(weight.shape)")
    if let bias { precondition(bias.shape == [cout], "conv2d bias must be [\(cout)], got \(bias.shape)") }
    let (cin, H, W) = (g0.channels, g0.height, g0.width)
    let outShape = [batch, cout, g0.outH, g0.outW]
    if batch == 0 || cout == 0 || g0.outputPixels == 0 { return Tensor.zeros(outShape) }
    if pattern.keptCount == 0 {
        // Every weight pruned: the output is the bias.
        let pixels = g0.outputPixels
        return Tensor(shape: outShape) { out in
            for n in 0..<batch {
                for co in 0..<cout {
                    (out.baseAddress! + (n * cout + co) * pixels).update(repeating: bias?.scalars[co] ?? 0, count: pixels)
                }
            }
        }
    }
    let chunk = wideImagesPerChunk(
        batch: batch, channels: cin, height: H, width: W, window: window,
        maxBytes: workspace.maxColumnBytes)
    let full = WideGeometry(channels: cin, height: H, width: W, window: window, images: chunk)
    workspace.reserve(columns: cin * full.channelStride, product: 0)
    let biasScalars = bias?.scalars ?? [Float](repeating: 0, count: cout)
    let values = pattern.byOutput.map { weight.scalars[$0] }
    let threads = workspace.threads

    return Tensor(shape: outShape) { out in
        input.scalars.withUnsafeBufferPointer { xb in
            workspace.columns.withUnsafeMutableBufferPointer { wideB in
                let x = xb.baseAddress!
                let wide = wideB.baseAddress!
                var n0 = 0
                while n0 < batch {
                    let g = spreadInputChunk(
                        x, from: n0, images: min(chunk, batch - n0), channels: cin,
                        height: H, width: W, window: window, into: wide, threads: threads)
                    let offsets = wideOffsets(pattern.byOutput, shape: weight.shape, geometry: g, readsInput: true)
                    let y = SharedPointer(out.baseAddress! + n0 * cout * g.outH * g.outW)
                    biasScalars.withUnsafeBufferPointer { bb in
                        let bias = SharedPointer(bb.baseAddress!)
                        forEachShiftedSum(
                            g, groups: pattern.outputStart, work: pattern.keptCount * g.length,
                            threads: threads, source: wide + g.halo, offsets: offsets,
                            weights: values
                        ) { co, rows, sum in
                            let b = bias.base[co]
                            for row in rows {
                                let (n, h) = row.quotientAndRemainder(dividingBy: g.paddedH)
                                if h >= g.outH { continue }
                                let dst = y.base + ((n * cout + co) * g.outH + h) * g.outW
                                let src = sum + (row - rows.lowerBound) * g.paddedW
                                for w in 0..<g.outW { dst[w] = src[w] + b }
                            }
                        }
                    }
                    n0 += g.images
                }
            }
        }
    }
}

/// Sparse stride-1 Conv2d backward, the counterpart of `conv2dBackward` for the weights in
/// `pattern`: adds the weight gradient **only at kept positions** (the others are left as
/// they are — pruned weights get no gradient), adds the bias gradient, and returns the input
/// gradient (assigned) when `computeInputGradient`. Arguments as for `conv2dBackward` plus
/// the pattern given to `sparseConv2dForward`.
public func sparseConv2dBackward(
    dOutput: Tensor, input: Tensor, weight: Tensor, window: Window2d,
    pattern: SparseConvPattern, dWeight: inout Tensor, dBias: inout Tensor?,
    computeInputGradient: Bool = true,
    workspace: inout ConvWorkspace
) -> Tensor? {
    // Not zero-filled: the kernels write every element of the input gradient (every row of every
    // input channel of every image, channels without kept weights as zeros).
    var storage =
        computeInputGradient
        ? [Float](unsafeUninitializedCapacity: input.count) { _, count in count = input.count } : nil
    return sparseConv2dBackward(
        dOutput: dOutput, input: input, weight: weight, window: window, pattern: pattern,
        dWeight: &dWeight, dBias: &dBias, inputGradientStorage: &storage, workspace: &workspace)
}

/// `sparseConv2dBackward` writing the input gradient over `inputGradientStorage` (`input.count`
/// floats, whatever they hold; nil: no input gradient), which it takes (leaves nil) so the
/// returned tensor owns the floats without a copy. Tests hand it NaNs to show that every element
/// is written.
func sparseConv2dBackward(
    dOutput: Tensor, input: Tensor, weight: Tensor, window: Window2d,
    pattern: SparseConvPattern, dWeight: inout Tensor, dBias: inout Tensor?,
    inputGradientStorage: inout [Float]?,
    workspace: inout ConvWorkspace
) -> Tensor? {
    let computeInputGradient = inputGradientStorage != nil
    let (g0, batch, cout) = convShapes(input: input, weight: weight, window: window)
    precondition(
        pattern.weightShape == weight.shape,
        "sparse pattern \(pattern.weightShape) does not match weight \(weight.shape)")
    precondition(
        dOutput.shape == [batch, cout, g0.outH, g0.outW],
        "conv2d dOutput \(dOutput.shape) does not match output [\(batch), \(cout), \(g0.outH), \(g0.outW)]")
    precondition(
        dWeight.shape == weight.shape,
        "conv2d dWeight \(dWeight.shape) does not match weight \(weight.shape)")
    if let dBias { precondition(dBias.shape == [cout], "conv2d dBias must be [\(cout)], got \(dBias.shape)") }
    let (cin, H, W) = (g0.channels, g0.height, g0.width)
    let (outH, outW) = (g0.outH, g0.outW)

    addBiasGradient(dOutput, into: &dBias)
    if batch == 0 || cout == 0 || g0.outputPixels == 0 || pattern.keptCount == 0 {
        return computeInputGradient ? Tensor.zeros(input.shape) : nil
    }
    if let inputGradientStorage {
        precondition(
            inputGradientStorage.count == input.count,
            "input gradient storage has \(inputGradientStorage.count) floats for \(input.count)")
    }
    var dxScalars = inputGradientStorage ?? []
    inputGradientStorage = nil  // dxScalars holds the only reference: written in place, not copied
    let chunk = wideImagesPerChunk(
        batch: batch, channels: max(cin, cout), height: H, width: W,
        window: window, maxBytes: workspace.maxColumnBytes)
    let full = WideGeometry(channels: cin, height: H, width: W, window: window, images: chunk)
    workspace.reserve(columns: cin * full.channelStride, product: cout * full.channelStride)
    let kept = pattern.keptCount
    // partials[group · kept + k]: the weight gradient of kept weight k from one group of positions.
    var partials = [Float](repeating: 0, count: wideGradientGroups * kept)
    let threads = workspace.threads

    input.scalars.withUnsafeBufferPointer { xb in
        weight.scalars.withUnsafeBufferPointer { wb in
            dOutput.scalars.withUnsafeBufferPointer { dyb in
                dxScalars.withUnsafeMutableBufferPointer { dxb in
                    partials.withUnsafeMutableBufferPointer { pb in
                        workspace.columns.withUnsafeMutableBufferPointer { wideInB in
                            workspace.product.withUnsafeMutableBufferPointer { wideGradB in
                                let x = xb.baseAddress!
                                let dy = dyb.baseAddress!
                                let w = wb.baseAddress!
                                let wideIn = wideInB.baseAddress!
                                let wideGrad = wideGradB.baseAddress!
                                var n0 = 0
                                while n0 < batch {
                                    let g = spreadInputChunk(
                                        x, from: n0, images: min(chunk, batch - n0), channels: cin,
                                        height: H, width: W, window: window, into: wideIn,
                                        threads: threads)
                                    spreadWideParallel(
                                        dy + n0 * cout * outH * outW, channels: cout,
                                        rows: outH, cols: outW, rowOffset: 0, colOffset: 0,
                                        geometry: g, into: wideGrad, threads: threads)
                                    accumulateWeightGradient(
                                        pattern: pattern, weightShape: weight.shape, geometry: g,
                                        wideInput: wideIn, wideGradient: wideGrad,
                                        partials: pb.baseAddress!, threads: threads)
                                    if computeInputGradient {
                                        inputGradient(
                                            pattern: pattern, weight: w, weightShape: weight.shape, geometry: g,
                                            wideGradient: wideGrad, dx: dxb.baseAddress! + n0 * cin * H * W,
                                            threads: threads)
                                    }
                                    n0 += g.images
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    dWeight.scalars.withUnsafeMutableBufferPointer { dw in
        for (k, flat) in pattern.byOutput.enumerated() {
            var sum: Float = 0
            for group in 0..<wideGradientGroups { sum += partials[group * kept + k] }
            dw[flat] += sum
        }
    }
    return computeInputGradient ? Tensor(shape: input.shape, scalars: dxScalars) : nil
}

/// Adds, for every kept weight k (in `pattern.byOutput` order), the dot products of its
/// output channel's wide gradient with its shifted wide input over each group of positions to
/// `partials[group · kept + k]`. Groups are fixed runs of `wideChunkPositions`-position
/// chunks, so the sums do not depend on `threads`.
private func accumulateWeightGradient(
    pattern: SparseConvPattern, weightShape: [Int], geometry g: WideGeometry,
    wideInput: UnsafeMutablePointer<Float>,
    wideGradient: UnsafeMutablePointer<Float>,
    partials: UnsafeMutablePointer<Float>, threads: Int
) {
    let kept = pattern.keptCount
    let cout = weightShape[0]
    let offsets = wideOffsets(pattern.byOutput, shape: weightShape, geometry: g, readsInput: true)
    let chunks = (g.length + wideChunkPositions - 1) / wideChunkPositions
    let groups = min(wideGradientGroups, chunks)
    let parts = computeParts(threads: threads, units: groups, work: kept * g.length)
    let input = SharedPointer(wideInput + g.halo)
    let grad = SharedPointer(wideGradient + g.halo)
    let out = SharedPointer(partials)
    offsets.withUnsafeBufferPointer { ob in
        let offs = SharedPointer(ob.baseAddress!)
        forEachPart(parts) { part in
            for group in slice(groups, part: part, of: parts) {
                let row = out.base + group * kept
                for c in slice(chunks, part: group, of: groups) {
                    let q0 = c * wideChunkPositions
                    let count = min(wideChunkPositions, g.length - q0)
                    for co in 0..<cout {
                        let dyChunk = grad.base + co * g.channelStride + q0
                        for k in pattern.outputStart[co]..<pattern.outputStart[co + 1] {
                            row[k] += blockDot(dyChunk, input.base + offs.base[k] + q0, count: count)
                        }
                    }
                }
            }
        }
    }
}

/// Writes the input gradient of `g.images` images at `dx` (`[images, Cin, H, W]`): for each
/// input channel, the sum of its kept weights times the shifted wide output gradient, whose
/// interior is copied out.
private func inputGradient(
    pattern: SparseConvPattern, weight: UnsafePointer<Float>, weightShape: [Int],
    geometry g: WideGeometry, wideGradient: UnsafeMutablePointer<Float>,
    dx: UnsafeMutablePointer<Float>, threads: Int
) {
    let offsets = wideOffsets(pattern.byInput, shape: weightShape, geometry: g, readsInput: false)
    let values = pattern.byInput.map { weight[$0] }
    let cin = g.channels
    let out = SharedPointer(dx)
    forEachShiftedSum(
        g, groups: pattern.inputStart, work: pattern.keptCount * g.length, threads: threads,
        source: wideGradient + g.halo, offsets: offsets, weights: values
    ) { ci, rows, sum in
        for row in rows {
            let (n, hp) = row.quotientAndRemainder(dividingBy: g.paddedH)
            let h = hp - g.padH
            if h < 0 || h >= g.height { continue }
            let dst = out.base + ((n * cin + ci) * g.height + h) * g.width
            dst.update(from: sum + (row - rows.lowerBound) * g.paddedW + g.padW, count: g.width)
        }
    }
}

/// The loop both passes share: the wide rows are cut into chunks of `g.rowsPerChunk`, the
/// chunks split over `threads`; for each chunk and each group `k` (kept weights
/// `groups[k]..<groups[k + 1]` of `offsets` / `weights`) the shifted sum over the chunk is
/// formed in a per-thread buffer and handed to `emit(k, rows, sum)`, `sum` holding row
/// `rows.lowerBound` first, one row every `g.paddedW` floats. A group's sums never depend on how
/// the rows are chunked or threaded.
private func forEachShiftedSum(
    _ g: WideGeometry, groups: [Int], work: Int, threads: Int,
    source: UnsafePointer<Float>, offsets: [Int], weights: [Float],
    emit: @Sendable (Int, Range<Int>, UnsafePointer<Float>) -> Void
) {
    let chunks = (g.rows + g.rowsPerChunk - 1) / g.rowsPerChunk
    let parts = computeParts(threads: threads, units: chunks, work: work)
    let src = SharedPointer(source)
    offsets.withUnsafeBufferPointer { ob in
        weights.withUnsafeBufferPointer { wb in
            let offs = SharedPointer(ob.baseAddress!)
            let vals = SharedPointer(wb.baseAddress!)
            forEachPart(parts) { part in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: g.rowsPerChunk * g.paddedW + wideBlock) { tmp in
                    let t = tmp.baseAddress!
                    for c in slice(chunks, part: part, of: parts) {
                        let rows = c * g.rowsPerChunk..<min(g.rows, (c + 1) * g.rowsPerChunk)
                        for k in 0..<(groups.count - 1) {
                            shiftedSum(
                                count: rows.count * g.paddedW, terms: groups[k]..<groups[k + 1],
                                source: src.base + rows.lowerBound * g.paddedW, offsets: offs.base,
                                weights: vals.base, out: t)
                            emit(k, rows, t)
                        }
                    }
                }
            }
        }
    }
}
