// 2-D convolution (cross-correlation, PyTorch's Conv2d) via im2col + one GEMM per chunk of images.

/// Reusable scratch memory for `conv2dForward` / `conv2dBackward`.
///
/// Holds the column matrix `[Cin·kH·kW, chunk·Ho·Wo]` and the GEMM product
/// `[Cout, chunk·Ho·Wo]`. Buffers grow to the largest size requested and are then reused, so a
/// training loop that keeps one workspace allocates nothing per call.
///
/// The chunk (images per GEMM) gathers enough images that each GEMM has at least
/// `targetColumns` columns — small feature maps (Ho·Wo = 16, 64, …) are batched instead of
/// running one skinny GEMM per image — but no more than needed, so the column matrix tends to
/// stay in cache between im2col and the GEMM; it never exceeds `maxColumnBytes` (at least one
/// image per chunk). The copies around the GEMMs (im2col, col2im, scatter/gather) are split
/// over `threads` threads by channel with disjoint writes, so results do not depend on the
/// thread count. A workspace is a value: give each thread its own.
public struct ConvWorkspace: Sendable {
    /// Upper bound on the column buffer, in bytes (default 32 MiB).
    public let maxColumnBytes: Int
    /// Desired GEMM width `chunk·Ho·Wo` (default 2048 columns).
    public let targetColumns: Int
    /// Threads for the copies around the GEMMs (BLAS has its own setting, `setBLASThreads`).
    public let threads: Int
    /// Column matrix (im2col output, later reused for the column gradient).
    var columns: [Float] = []
    /// GEMM product / gathered output gradient, `[Cout, chunk·P]`.
    var product: [Float] = []

    /// A workspace whose column buffer stays within `maxColumnBytes`, whose GEMMs aim for
    /// `targetColumns` columns and whose copies use `threads` threads (default: the current
    /// BLAS thread count).
    /// - Precondition: all positive.
    public init(maxColumnBytes: Int = 32 << 20, targetColumns: Int = 2048, threads: Int? = nil) {
        let threads = threads ?? blasThreads()
        precondition(
            maxColumnBytes > 0 && targetColumns > 0 && threads > 0,
            "workspace limits must be positive")
        self.maxColumnBytes = maxColumnBytes
        self.targetColumns = targetColumns
        self.threads = threads
    }

    /// Images per GEMM for a batch of `batch` images whose column matrix has `columnRows`
    /// rows and `pixels` columns per image:
    /// `max(1, min(batch, ⌈targetColumns / pixels⌉, ⌊maxColumnBytes / (4·rows·pixels)⌋))`.
    public func chunkSize(batch: Int, columnRows: Int, pixels: Int) -> Int {
        let perImage = max(1, columnRows * pixels * MemoryLayout<Float>.stride)
        let wanted = (targetColumns + max(pixels, 1) - 1) / max(pixels, 1)
        return max(1, min(batch, wanted, maxColumnBytes / perImage))
    }

    /// Bytes currently held by the scratch buffers.
    public var allocatedBytes: Int { (columns.count + product.count) * MemoryLayout<Float>.stride }

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
    let (n, c) = (dOutput.shape[0], dOutput.shape[1])
    let sums = dOutput.scalars.withUnsafeBufferPointer {
        channelSums($0.baseAddress!, n: n, c: c, p: dOutput.shape[2] * dOutput.shape[3])
    }
    for co in 0..<c { dBias!.scalars[co] += Float(sums[co]) }
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
/// One GEMM `[Cout, K]·[K, chunk·Ho·Wo]` (K = Cin·kH·kW) per chunk of images; see `ConvWorkspace`.
public func conv2dForward(
    input: Tensor, weight: Tensor, bias: Tensor?, window: Window2d,
    workspace: inout ConvWorkspace
) -> Tensor {
    let (g, batch, cout) = convShapes(input: input, weight: weight, window: window)
    if let bias { precondition(bias.shape == [cout], "conv2d bias must be [\(cout)], got \(bias.shape)") }
    let K = g.columnRows
    let P = g.outputPixels
    let outShape = [batch, cout, g.outH, g.outW]
    if batch == 0 || cout == 0 || P == 0 { return Tensor.zeros(outShape) }
    let chunk = workspace.chunkSize(batch: batch, columnRows: K, pixels: P)
    workspace.reserve(columns: K * chunk * P, product: chunk > 1 ? cout * chunk * P : 0)
    let biasScalars = bias?.scalars ?? []

    return Tensor(shape: outShape) { out in
        input.scalars.withUnsafeBufferPointer { xb in
            weight.scalars.withUnsafeBufferPointer { wb in
                biasScalars.withUnsafeBufferPointer { bb in
                    workspace.columns.withUnsafeMutableBufferPointer { colsB in
                        workspace.product.withUnsafeMutableBufferPointer { prodB in
                            let x = xb.baseAddress!
                            let w = wb.baseAddress!
                            let y = out.baseAddress!
                            let cols = colsB.baseAddress!
                            let biasPtr: UnsafePointer<Float>? = bias == nil ? nil : bb.baseAddress
                            let threads = workspace.threads
                            var n0 = 0
                            while n0 < batch {
                                let c = min(chunk, batch - n0)
                                let ld = c * P
                                im2colParallel(
                                    x + n0 * g.inputImageSize, images: c, geometry: g,
                                    cols: cols, ld: ld, threads: threads)
                                let yChunk = y + n0 * cout * P
                                // One image: the GEMM writes the NCHW block directly.
                                let product = c == 1 ? yChunk : prodB.baseAddress!
                                sgemmKernel(
                                    transA: false, transB: false, m: cout, n: ld, k: K,
                                    alpha: 1, a: w, lda: K, b: cols, ldb: ld,
                                    beta: 0, c: product, ldc: ld)
                                // [Cout, c·P] → [c, Cout, P], adding the bias.
                                scatterProduct(
                                    product, ld: ld, images: c, outChannels: cout, pixels: P,
                                    bias: biasPtr, into: yChunk, threads: threads)
                                n0 += c
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Conv2d backward.
///
/// - dOutput: `[N, Cout, Ho, Wo]`, gradient of the loss w.r.t. the forward output
/// - input, weight, window: exactly as given to `conv2dForward`
/// - dWeight: `[Cout, Cin, kH, kW]`; the weight gradient is **added** to it
///   (`dW += Σ_n dY_n · cols_nᵀ`), so zero it before the first backward of a step
/// - dBias: `[Cout]` or nil; if non-nil the bias gradient `Σ_{n, oh, ow} dY` is **added** to it
/// - computeInputGradient: pass false for the first layer to skip the col2im work
/// - returns dInput `[N, Cin, H, W]` (freshly **assigned**), or nil when not requested.
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
    precondition(
        dWeight.shape == weight.shape,
        "conv2d dWeight \(dWeight.shape) does not match weight \(weight.shape)")
    if let dBias { precondition(dBias.shape == [cout], "conv2d dBias must be [\(cout)], got \(dBias.shape)") }
    let K = g.columnRows
    let P = g.outputPixels

    addBiasGradient(dOutput, into: &dBias)
    // col2im accumulates, so the input gradient starts from zero.
    var dxScalars = [Float](repeating: 0, count: computeInputGradient ? input.count : 0)
    if batch == 0 || cout == 0 || P == 0 || K == 0 {
        return computeInputGradient ? Tensor(shape: input.shape, scalars: dxScalars) : nil
    }

    let chunk = workspace.chunkSize(batch: batch, columnRows: K, pixels: P)
    workspace.reserve(columns: K * chunk * P, product: chunk > 1 ? cout * chunk * P : 0)

    input.scalars.withUnsafeBufferPointer { xb in
        weight.scalars.withUnsafeBufferPointer { wb in
            dOutput.scalars.withUnsafeBufferPointer { dyb in
                dWeight.scalars.withUnsafeMutableBufferPointer { dwb in
                    dxScalars.withUnsafeMutableBufferPointer { dxb in
                        workspace.columns.withUnsafeMutableBufferPointer { colsB in
                            workspace.product.withUnsafeMutableBufferPointer { prodB in
                                let x = xb.baseAddress!
                                let w = wb.baseAddress!
                                let dy = dyb.baseAddress!
                                let dw = dwb.baseAddress!
                                let cols = colsB.baseAddress!
                                let threads = workspace.threads
                                var n0 = 0
                                while n0 < batch {
                                    let c = min(chunk, batch - n0)
                                    let ld = c * P
                                    // dY for this chunk as a [Cout, c·P] matrix.
                                    let dyChunk: UnsafePointer<Float>
                                    if c == 1 {
                                        dyChunk = dy + n0 * cout * P
                                    } else {
                                        let prod = prodB.baseAddress!
                                        gatherOutputGradient(
                                            dy + n0 * cout * P, images: c, outChannels: cout,
                                            pixels: P, into: prod, ld: ld, threads: threads)
                                        dyChunk = UnsafePointer(prod)
                                    }
                                    im2colParallel(
                                        x + n0 * g.inputImageSize, images: c, geometry: g,
                                        cols: cols, ld: ld, threads: threads)
                                    // dW[Cout, K] += dY[Cout, c·P] · colsᵀ[c·P, K]
                                    sgemmKernel(
                                        transA: false, transB: true, m: cout, n: K, k: ld,
                                        alpha: 1, a: dyChunk, lda: ld, b: cols, ldb: ld,
                                        beta: 1, c: dw, ldc: K)
                                    if computeInputGradient {
                                        // dCols[K, c·P] = Wᵀ[K, Cout] · dY[Cout, c·P], reusing cols.
                                        sgemmKernel(
                                            transA: true, transB: false, m: K, n: ld, k: cout,
                                            alpha: 1, a: w, lda: K, b: dyChunk, ldb: ld,
                                            beta: 0, c: cols, ldc: ld)
                                        col2imParallel(
                                            cols, ld: ld, images: c, geometry: g,
                                            dx: dxb.baseAddress! + n0 * g.inputImageSize,
                                            threads: threads)
                                    }
                                    n0 += c
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return computeInputGradient ? Tensor(shape: input.shape, scalars: dxScalars) : nil
}
