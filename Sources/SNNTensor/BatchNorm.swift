// Batch normalisation with PyTorch semantics, shared by BatchNorm1d ([N, C] or [N, C, L]) and
// BatchNorm2d ([N, C, H, W]): statistics per channel C over every other axis — or, with
// `groups` > 1, per channel within each of `groups` consecutive blocks of images (one block per
// SNN time step in a time-major `[T·B, …]` batch), exactly as if each block went through its
// own call in order.

/// What the training-mode forward keeps for the backward: the batch statistics.
///
/// The backward also needs the forward's `input`, which the caller keeps (storing `x̂` here
/// would cost a second activation-sized buffer).
public struct BatchNormCache: Sendable, Equatable {
    /// Shape of the forward input, `[N, C, …]`.
    public let shape: [Int]
    /// Number of statistics groups (consecutive blocks of N / groups images).
    public let groups: Int
    /// Batch mean per group and channel, `[groups·C]` (group-major).
    public let mean: [Float]
    /// `1 / sqrt(biasedVariance + eps)` per group and channel, `[groups·C]`.
    public let invStd: [Float]
}

/// The per-channel map a batch norm applies, `y = (x − center[u])·scale[u] + shift[ch]`, with
/// u = group·C + ch (group-major, one group per block of N / groups consecutive images):
/// training mode's batch statistics (`batchNormStatisticsTraining`), so that a consumer can apply
/// it while it reads x (LIF does: `lifForward(…, normalizedBy:)`) instead of a pass that writes y.
public struct BatchNormAffine: Sendable, Equatable {
    /// Statistics groups.
    public let groups: Int
    /// Channels C.
    public let channels: Int
    /// The batch mean per group and channel, `[groups·C]`.
    public let center: [Float]
    /// γ·invStd per group and channel, `[groups·C]`.
    public let scale: [Float]
    /// β per channel, `[C]`.
    public let shift: [Float]
}

/// Batch norm backward's sums over each row (one image's channel, P values) of the output
/// gradient dy, each a Float as `runSum` and `runDotCentered` return it, `[N·C]` row-major:
/// `dy[i·C + c] = Σ dy`, `dyCentered[i·C + c] = Σ dy·(x − μ)` over row (i, c), μ its group's mean.
/// A producer of dy takes them while dy is in cache (`lifBackward(…, batchNormInput:…)`) and
/// `batchNormBackward(…, rowSums:)` adds them up instead of reading dy for them.
public struct BatchNormRowSums: Sendable, Equatable {
    /// Σ dy per row.
    public let dy: [Float]
    /// Σ dy·(x − μ) per row.
    public let dyCentered: [Float]
}

/// Splits `[N, C, …]` into (N, C, P = product of the trailing extents).
private func bnDims(_ shape: [Int]) -> (n: Int, c: Int, p: Int) {
    precondition(shape.count >= 2, "batch norm input must be [N, C, ...], got \(shape)")
    return (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
}

/// Threads for a loop over `units` (group, channel) pairs covering `elements` values.
@inline(__always)
private func unitParts(_ elements: Int, units: Int) -> Int {
    min(elementwiseParts(elements), units)
}

private func checkChannelVector(_ t: Tensor, _ c: Int, _ name: String) {
    precondition(t.shape == [c], "batch norm \(name) must be [\(c)], got \(t.shape)")
}

private func checkGroups(_ n: Int, _ groups: Int) -> Int {
    precondition(groups >= 1 && n % groups == 0, "batch norm: \(n) images do not split into \(groups) groups")
    return n / groups
}

/// Applies `y = (x − center[u]) · scale[u] + shift[ch]` over an `[N, C, P]` block, where
/// u = group·C + ch and images `g·rows ..< (g+1)·rows` form group g.
private func applyAffine(
    _ input: Tensor, n: Int, c: Int, p: Int, groups: Int,
    center: [Float], scale: [Float], shift: [Float]
) -> Tensor {
    let rows = n / groups
    return Tensor(shape: input.shape) { out in
        input.scalars.withUnsafeBufferPointer { xb in
            let xs = SharedPointer(xb.baseAddress!)
            let ys = SharedPointer(out.baseAddress!)
            let parts = unitParts(n * c * p, units: groups * c)
            forEachPart(parts) { part in
                let x = xs.base
                let y = ys.base
                for u in slice(groups * c, part: part, of: parts) {
                    let g = u / c
                    let ch = u % c
                    let mu = center[u]
                    let a = scale[u]
                    let b = shift[ch]
                    for i in (g * rows)..<((g + 1) * rows) {
                        // Row pointers keep the inner loop free of checked index arithmetic, so
                        // it vectorises (the same operations per element, the same bits).
                        let base = (i * c + ch) * p
                        let xr = x + base
                        let yr = y + base
                        for j in 0..<p { yr[j] = (xr[j] - mu) * a + b }
                    }
                }
            }
        }
    }
}

/// Batch norm forward in training mode (PyTorch `BatchNorm1d/2d.train()`).
///
/// - input: `[N, C]`, `[N, C, L]` or `[N, C, H, W]`; statistics per channel over the
///   M = (N / groups)·(trailing extents) values of that channel in each group
/// - gamma, beta: `[C]` affine weight and bias
/// - runningMean, runningVar: `[C]`, updated in place once per group, in group order:
///   `running = (1 − momentum)·running + momentum·batchStat`, where the variance used is the
///   **unbiased** one, `Σ(x − μ)² / (M − 1)`
/// - groups: consecutive blocks of images with their own statistics (default 1)
/// - returns `y = γ·(x − μ)/sqrt(σ² + eps) + β` with the **biased** batch variance
///   `σ² = Σ(x − μ)² / M`, and the cache for `batchNormBackward`.
/// - Precondition: M > 1 (PyTorch refuses one value per channel in training mode too).
public func batchNormForwardTraining(
    input: Tensor, gamma: Tensor, beta: Tensor,
    runningMean: inout Tensor, runningVar: inout Tensor,
    momentum: Float = 0.1, eps: Float = 1e-5, groups: Int = 1
)
    -> (output: Tensor, cache: BatchNormCache)
{
    let (affine, cache) = batchNormStatisticsTraining(
        input: input, gamma: gamma, beta: beta, runningMean: &runningMean, runningVar: &runningVar,
        momentum: momentum, eps: eps, groups: groups)
    return (batchNormApply(input, affine), cache)
}

/// `y = (x − center[u])·scale[u] + shift[ch]` over `input` `[N, C, …]` (the map's groups split N).
public func batchNormApply(_ input: Tensor, _ map: BatchNormAffine) -> Tensor {
    let (n, c, p) = bnDims(input.shape)
    precondition(c == map.channels, "batch norm map of \(map.channels) channels for input \(input.shape)")
    _ = checkGroups(n, map.groups)
    return applyAffine(
        input, n: n, c: c, p: p, groups: map.groups, center: map.center, scale: map.scale, shift: map.shift)
}

/// The statistics half of `batchNormForwardTraining` (same arguments and preconditions): the batch
/// statistics, the running statistics updated, and the affine map the forward would apply, without
/// applying it — `batchNormForwardTraining`'s output is exactly `affine` applied to `input`.
public func batchNormStatisticsTraining(
    input: Tensor, gamma: Tensor, beta: Tensor,
    runningMean: inout Tensor, runningVar: inout Tensor,
    momentum: Float = 0.1, eps: Float = 1e-5, groups: Int = 1
)
    -> (affine: BatchNormAffine, cache: BatchNormCache)
{
    let (n, c, p) = bnDims(input.shape)
    for (t, name) in [
        (gamma, "gamma"), (beta, "beta"), (runningMean, "runningMean"),
        (runningVar, "runningVar"),
    ] { checkChannelVector(t, c, name) }
    let rows = checkGroups(n, groups)
    let m = rows * p
    precondition(m > 1, "batch norm training needs more than one value per channel, got shape \(input.shape) in \(groups) groups")

    // Two passes per (group, channel): mean, then centred sum of squares (stable). Units are
    // independent, so they are split over threads; each sums its images in order, so the
    // result does not depend on the split.
    let units = groups * c
    var mean = [Float](repeating: 0, count: units)
    var squares = [Double](repeating: 0, count: units)
    input.scalars.withUnsafeBufferPointer { xb in
        mean.withUnsafeMutableBufferPointer { meanB in
            squares.withUnsafeMutableBufferPointer { squaresB in
                let xs = SharedPointer(xb.baseAddress!)
                let means = SharedPointer(meanB.baseAddress!)
                let sq = SharedPointer(squaresB.baseAddress!)
                let parts = unitParts(n * c * p, units: units)
                forEachPart(parts) { part in
                    let x = xs.base
                    for u in slice(units, part: part, of: parts) {
                        let g = u / c
                        let ch = u % c
                        let images = (g * rows)..<((g + 1) * rows)
                        var sum = 0.0
                        for i in images { sum += Double(runSum(x + (i * c + ch) * p, p)) }
                        let mu = Float(sum / Double(m))
                        means.base[u] = mu
                        var squared = 0.0
                        for i in images { squared += Double(runSumSquaredDeviation(x + (i * c + ch) * p, p, from: mu)) }
                        sq.base[u] = squared
                    }
                }
            }
        }
    }
    var invStd = [Float](repeating: 0, count: units)
    var scale = invStd
    for g in 0..<groups {
        for ch in 0..<c {
            let u = g * c + ch
            let biased = squares[u] / Double(m)
            invStd[u] = Float(1 / (biased + Double(eps)).squareRoot())
            let unbiased = Float(squares[u] / Double(m - 1))
            runningMean.scalars[ch] = (1 - momentum) * runningMean.scalars[ch] + momentum * mean[u]
            runningVar.scalars[ch] = (1 - momentum) * runningVar.scalars[ch] + momentum * unbiased
            scale[u] = gamma.scalars[ch] * invStd[u]
        }
    }
    return (
        BatchNormAffine(groups: groups, channels: c, center: mean, scale: scale, shift: beta.scalars),
        BatchNormCache(shape: input.shape, groups: groups, mean: mean, invStd: invStd)
    )
}

/// Batch norm forward in evaluation mode: `y = γ·(x − runningMean)/sqrt(runningVar + eps) + β`.
///
/// Shapes as in `batchNormForwardTraining`; running statistics are only read.
public func batchNormForwardEval(
    input: Tensor, gamma: Tensor, beta: Tensor,
    runningMean: Tensor, runningVar: Tensor,
    eps: Float = 1e-5
) -> Tensor {
    let (n, c, p) = bnDims(input.shape)
    for (t, name) in [
        (gamma, "gamma"), (beta, "beta"), (runningMean, "runningMean"),
        (runningVar, "runningVar"),
    ] { checkChannelVector(t, c, name) }
    var scale = [Float](repeating: 0, count: c)
    for ch in 0..<c { scale[ch] = gamma.scalars[ch] / (runningVar.scalars[ch] + eps).squareRoot() }
    return applyAffine(
        input, n: n, c: c, p: p, groups: 1, center: runningMean.scalars, scale: scale,
        shift: beta.scalars)
}

/// Batch norm backward's two sums over one row of `p` values: Σ dy and Σ dy·(x − μ), each in
/// `runSum` / `runDotCentered` order (one helper for every producer of `BatchNormRowSums`, so that
/// sums taken anywhere have the same bits).
@inline(__always)
func batchNormRowSum(
    _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ p: Int, center: Float
) -> (dy: Float, dyCentered: Float) {
    (runSum(dy, p), runDotCentered(dy, x, p, center: center))
}

/// `BatchNormRowSums` of `dOutput` read back from memory, rows in parallel: what
/// `batchNormBackward` sums when no producer handed the sums in.
private func batchNormRowSumsReadBack(dOutput: Tensor, input: Tensor, cache: BatchNormCache) -> BatchNormRowSums {
    precondition(
        dOutput.shape == input.shape && input.shape == cache.shape,
        "batch norm row sums: dOutput \(dOutput.shape), input \(input.shape) and cache \(cache.shape) differ")
    let (n, c, p) = bnDims(input.shape)
    let rows = checkGroups(n, cache.groups)  // images per group
    var dy = [Float](repeating: 0, count: n * c)
    var dyCentered = dy
    dOutput.scalars.withUnsafeBufferPointer { dyb in
        input.scalars.withUnsafeBufferPointer { xb in
            dy.withUnsafeMutableBufferPointer { sdb in
                dyCentered.withUnsafeMutableBufferPointer { sxb in
                    let dys = SharedPointer(dyb.baseAddress!)
                    let xs = SharedPointer(xb.baseAddress!)
                    let sd = SharedPointer(sdb.baseAddress!)
                    let sx = SharedPointer(sxb.baseAddress!)
                    let parts = unitParts(n * c * p, units: n * c)
                    forEachPart(parts) { part in
                        for row in slice(n * c, part: part, of: parts) {
                            let u = row / c / rows * c + row % c
                            let base = row * p
                            let sums = batchNormRowSum(dys.base + base, xs.base + base, p, center: cache.mean[u])
                            sd.base[row] = sums.dy
                            sx.base[row] = sums.dyCentered
                        }
                    }
                }
            }
        }
    }
    return BatchNormRowSums(dy: dy, dyCentered: dyCentered)
}

/// Checks batch norm backward's arguments, adds dγ and dβ, and returns dx's coefficients per
/// (group, channel): dx = a·dy + b·(x − μ) + k.
private func batchNormBackwardCoefficients(
    dOutput: Tensor, input: Tensor, gamma: Tensor, cache: BatchNormCache,
    rowSums: BatchNormRowSums?, dGamma: inout Tensor, dBeta: inout Tensor
) -> (a: [Float], b: [Float], k: [Float]) {
    let (n, c, p) = bnDims(input.shape)
    precondition(
        input.shape == cache.shape && dOutput.shape == input.shape,
        "batch norm backward shapes differ: dOutput \(dOutput.shape), input \(input.shape), cache \(cache.shape)")
    for (t, name) in [(gamma, "gamma"), (dGamma, "dGamma"), (dBeta, "dBeta")] {
        checkChannelVector(t, c, name)
    }
    let groups = cache.groups
    let rows = checkGroups(n, groups)
    let units = groups * c
    let m = Double(rows * p)
    let sums = rowSums ?? batchNormRowSumsReadBack(dOutput: dOutput, input: input, cache: cache)
    precondition(
        sums.dy.count == n * c && sums.dyCentered.count == n * c,
        "batch norm row sums hold \(sums.dy.count) and \(sums.dyCentered.count) rows, not \(n)·\(c)")
    // Σdy and Σdy·(x − μ) per (group, channel): its rows' Float sums added in Double, image by image.
    var sumDy = [Double](repeating: 0, count: units)
    var sumDyXc = sumDy
    for u in 0..<units {
        let (g, ch) = (u / c, u % c)
        for i in (g * rows)..<((g + 1) * rows) {
            sumDy[u] += Double(sums.dy[i * c + ch])
            sumDyXc[u] += Double(sums.dyCentered[i * c + ch])
        }
    }
    // dx = a·dy + b·(x − μ) + k per (group, channel), with
    //   a = γ·invStd, b = −γ·invStd³·Σ(dy·(x−μ))/M, k = −a·Σdy/M.
    var a = [Float](repeating: 0, count: units)
    var b = a
    var k = a
    for g in 0..<groups {
        for ch in 0..<c {
            let u = g * c + ch
            let inv = Double(cache.invStd[u])
            let gm = Double(gamma.scalars[ch])
            dBeta.scalars[ch] += Float(sumDy[u])
            dGamma.scalars[ch] += Float(sumDyXc[u] * inv)
            let ad = gm * inv
            a[u] = Float(ad)
            b[u] = Float(-gm * inv * inv * inv * sumDyXc[u] / m)
            k[u] = Float(-ad * sumDy[u] / m)
        }
    }
    return (a, b, k)
}

/// Batch norm backward for the training-mode forward (gradients flow through the batch
/// mean and variance of each group).
///
/// With x̂ = (x − μ)·invStd and sums over the M values of channel c in group g:
/// - `dβ[c] += Σ dy`, `dγ[c] += Σ dy·x̂` (both **accumulated** into the inout tensors, group
///   by group in order)
/// - returns `dx = γ·invStd·(dy − Σdy/M − x̂·Σ(dy·x̂)/M)`, freshly assigned, shape of `input`.
///
/// - dOutput, input: the forward's output gradient and input, same shape `[N, C, …]`
/// - gamma: `[C]`; cache: from `batchNormForwardTraining`; dGamma, dBeta: `[C]`.
/// - rowSums: the sums of this `dOutput` over each row, with this `input` and `cache`'s means,
///   taken by its producer (the same bits as without them, one pass over `dOutput` fewer; only
///   their counts are checked).
public func batchNormBackward(
    dOutput: Tensor, input: Tensor, gamma: Tensor, cache: BatchNormCache,
    rowSums: BatchNormRowSums? = nil, dGamma: inout Tensor, dBeta: inout Tensor
) -> Tensor {
    let (n, c, p) = bnDims(input.shape)
    let rows = checkGroups(n, cache.groups)
    let units = cache.groups * c
    let (a0, b0, k0) = batchNormBackwardCoefficients(
        dOutput: dOutput, input: input, gamma: gamma, cache: cache, rowSums: rowSums, dGamma: &dGamma, dBeta: &dBeta)
    return Tensor(shape: input.shape) { out in
        dOutput.scalars.withUnsafeBufferPointer { dyb in
            input.scalars.withUnsafeBufferPointer { xb in
                let dys = SharedPointer(dyb.baseAddress!)
                let xs = SharedPointer(xb.baseAddress!)
                let dxs = SharedPointer(out.baseAddress!)
                let parts = unitParts(n * c * p, units: units)
                forEachPart(parts) { part in
                    let dy = dys.base
                    let x = xs.base
                    let dx = dxs.base
                    for u in slice(units, part: part, of: parts) {
                        let g = u / c
                        let ch = u % c
                        let ac = a0[u]
                        let bc = b0[u]
                        let kc = k0[u]
                        let mu = cache.mean[u]
                        for i in (g * rows)..<((g + 1) * rows) {
                            // Row pointers: the inner loop vectorises (see applyAffine).
                            let base = (i * c + ch) * p
                            let dyr = dy + base
                            let xr = x + base
                            let dxr = dx + base
                            for j in 0..<p { dxr[j] = ac * dyr[j] + bc * (xr[j] - mu) + kc }
                        }
                    }
                }
            }
        }
    }
}

/// `batchNormBackward` writing dx as the convolution that produced `input` reads its output
/// gradient (`ChannelBlockedGradient`, blocks of `channelBlock` channels, the channels past C
/// zero), with each row's sum taken as dx is formed: the same dx values (and dγ, dβ), placed
/// where oneDNN's reorder would put them, and the same row sums as `runSum` over the plain dx.
public func batchNormBackward(
    dOutput: Tensor, input: Tensor, gamma: Tensor, cache: BatchNormCache,
    rowSums: BatchNormRowSums? = nil, channelBlock block: Int, dGamma: inout Tensor, dBeta: inout Tensor
) -> ChannelBlockedGradient {
    precondition(block == 8 || block == 16, "a channel block is 8 or 16 channels, got \(block)")
    let (n, c, p) = bnDims(input.shape)
    precondition(input.shape.count == 4, "blocked batch norm backward needs [N, C, H, W], got \(input.shape)")
    let rows = checkGroups(n, cache.groups)
    let (a0, b0, k0) = batchNormBackwardCoefficients(
        dOutput: dOutput, input: input, gamma: gamma, cache: cache, rowSums: rowSums, dGamma: &dGamma, dBeta: &dBeta)
    let blocks = (c + block - 1) / block
    var rowSum = [Float](repeating: 0, count: n * c)
    let scalars = [Float](unsafeUninitializedCapacity: n * blocks * p * block) { out, initialized in
        initialized = n * blocks * p * block
        dOutput.scalars.withUnsafeBufferPointer { dyb in
            input.scalars.withUnsafeBufferPointer { xb in
                rowSum.withUnsafeMutableBufferPointer { sb in
                    let dys = SharedPointer(dyb.baseAddress!)
                    let xs = SharedPointer(xb.baseAddress!)
                    let dxs = SharedPointer(out.baseAddress!)
                    let sums = SharedPointer(sb.baseAddress!)
                    // One (image, channel block) per unit: its rows' dx land in one contiguous
                    // [P][b] region, which stays in cache while its b rows are written across it.
                    let units = n * blocks
                    let parts = unitParts(n * c * p, units: units)
                    forEachPart(parts) { part in
                        for unit in slice(units, part: part, of: parts) {
                            let (i, cb) = unit.quotientAndRemainder(dividingBy: blocks)
                            let region = dxs.base + unit * p * block
                            for lane in 0..<block {
                                let ch = cb * block + lane
                                let dst = region + lane
                                guard ch < c else {
                                    for j in 0..<p { dst[j * block] = 0 }
                                    continue
                                }
                                let u = i / rows * c + ch
                                let (ac, bc, kc, mu) = (a0[u], b0[u], k0[u], cache.mean[u])
                                let (aV, bV, kV, muV) = (
                                    SIMD16(repeating: ac), SIMD16(repeating: bc), SIMD16(repeating: kc), SIMD16(repeating: mu)
                                )
                                let dyr = dys.base + (i * c + ch) * p
                                let xr = xs.base + (i * c + ch) * p
                                var acc = SIMD16<Float>()
                                var j = 0
                                while j + 16 <= p {
                                    let v = aV * load16(dyr, j) + bV * (load16(xr, j) - muV) + kV
                                    acc += v
                                    for l in 0..<16 { dst[(j + l) * block] = v[l] }
                                    j += 16
                                }
                                var s = acc.sum()
                                while j < p {
                                    let v = ac * dyr[j] + bc * (xr[j] - mu) + kc
                                    s += v
                                    dst[j * block] = v
                                    j += 1
                                }
                                sums.base[i * c + ch] = s
                            }
                        }
                    }
                }
            }
        }
    }
    return ChannelBlockedGradient(shape: input.shape, block: block, scalars: scalars, rowSums: rowSum)
}
