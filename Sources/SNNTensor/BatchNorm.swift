// Batch normalisation with PyTorch semantics, shared by BatchNorm1d ([N, C] or [N, C, L]) and
// BatchNorm2d ([N, C, H, W]): statistics per channel C over every other axis.

/// What the training-mode forward keeps for the backward: the per-channel batch statistics.
///
/// The backward also needs the forward's `input`, which the caller keeps (storing `x̂` here
/// would cost a second activation-sized buffer).
public struct BatchNormCache: Sendable, Equatable {
    /// Shape of the forward input, `[N, C, …]`.
    public let shape: [Int]
    /// Batch mean per channel, `[C]`.
    public let mean: [Float]
    /// `1 / sqrt(biasedVariance + eps)` per channel, `[C]`.
    public let invStd: [Float]
}

/// Splits `[N, C, …]` into (N, C, P = product of the trailing extents).
private func bnDims(_ shape: [Int]) -> (n: Int, c: Int, p: Int) {
    precondition(shape.count >= 2, "batch norm input must be [N, C, ...], got \(shape)")
    return (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
}

/// Threads for a per-channel loop over `elements` values.
@inline(__always)
private func channelParts(_ elements: Int, channels: Int) -> Int {
    min(elementwiseParts(elements), channels)
}

private func checkChannelVector(_ t: Tensor, _ c: Int, _ name: String) {
    precondition(t.shape == [c], "batch norm \(name) must be [\(c)], got \(t.shape)")
}

/// Applies `y = (x − center[c]) · scale[c] + shift[c]` over an `[N, C, P]` block.
private func applyChannelAffine(_ input: Tensor, n: Int, c: Int, p: Int,
                                center: [Float], scale: [Float], shift: [Float]) -> Tensor {
    Tensor(shape: input.shape) { out in
        input.scalars.withUnsafeBufferPointer { xb in
            let xs = SharedPointer(xb.baseAddress!), ys = SharedPointer(out.baseAddress!)
            let parts = channelParts(n * c * p, channels: c)
            forEachPart(parts) { part in
                let x = xs.base, y = ys.base
                for ch in slice(c, part: part, of: parts) {
                    let mu = center[ch], a = scale[ch], b = shift[ch]
                    for i in 0..<n {
                        let base = (i * c + ch) * p
                        for j in 0..<p { y[base + j] = (x[base + j] - mu) * a + b }
                    }
                }
            }
        }
    }
}

/// Batch norm forward in training mode (PyTorch `BatchNorm1d/2d.train()`).
///
/// - input: `[N, C]`, `[N, C, L]` or `[N, C, H, W]`; statistics per channel over the
///   M = N·(trailing extents) values of that channel
/// - gamma, beta: `[C]` affine weight and bias
/// - runningMean, runningVar: `[C]`, updated in place:
///   `running = (1 − momentum)·running + momentum·batchStat`, where the variance used is the
///   **unbiased** one, `Σ(x − μ)² / (M − 1)`
/// - returns `y = γ·(x − μ)/sqrt(σ² + eps) + β` with the **biased** batch variance
///   `σ² = Σ(x − μ)² / M`, and the cache for `batchNormBackward`.
/// - Precondition: M > 1 (PyTorch refuses one value per channel in training mode too).
public func batchNormForwardTraining(input: Tensor, gamma: Tensor, beta: Tensor,
                                     runningMean: inout Tensor, runningVar: inout Tensor,
                                     momentum: Float = 0.1, eps: Float = 1e-5)
    -> (output: Tensor, cache: BatchNormCache) {
    let (n, c, p) = bnDims(input.shape)
    for (t, name) in [(gamma, "gamma"), (beta, "beta"), (runningMean, "runningMean"),
                      (runningVar, "runningVar")] { checkChannelVector(t, c, name) }
    let m = n * p
    precondition(m > 1, "batch norm training needs more than one value per channel, got shape \(input.shape)")

    // Two passes per channel: mean, then centred sum of squares (stable).
    var mean = [Float](repeating: 0, count: c)
    var invStd = [Float](repeating: 0, count: c)
    var unbiasedVar = [Float](repeating: 0, count: c)
    // Channels are independent: split them over threads. Each channel sums its images in
    // order, so the result does not depend on the split.
    var squares = [Double](repeating: 0, count: c)
    input.scalars.withUnsafeBufferPointer { xb in
        mean.withUnsafeMutableBufferPointer { meanB in
            squares.withUnsafeMutableBufferPointer { squaresB in
                let xs = SharedPointer(xb.baseAddress!)
                let means = SharedPointer(meanB.baseAddress!), sq = SharedPointer(squaresB.baseAddress!)
                let parts = channelParts(n * c * p, channels: c)
                forEachPart(parts) { part in
                    let x = xs.base
                    for ch in slice(c, part: part, of: parts) {
                        var sum = 0.0
                        for i in 0..<n { sum += Double(runSum(x + (i * c + ch) * p, p)) }
                        let mu = Float(sum / Double(m))
                        means.base[ch] = mu
                        var squared = 0.0
                        for i in 0..<n { squared += Double(runSumSquaredDeviation(x + (i * c + ch) * p, p, from: mu)) }
                        sq.base[ch] = squared
                    }
                }
            }
        }
    }
    for ch in 0..<c {
        let biased = squares[ch] / Double(m)
        invStd[ch] = Float(1 / (biased + Double(eps)).squareRoot())
        unbiasedVar[ch] = Float(squares[ch] / Double(m - 1))
    }
    for ch in 0..<c {
        runningMean.scalars[ch] = (1 - momentum) * runningMean.scalars[ch] + momentum * mean[ch]
        runningVar.scalars[ch] = (1 - momentum) * runningVar.scalars[ch] + momentum * unbiasedVar[ch]
    }
    var scale = [Float](repeating: 0, count: c)
    for ch in 0..<c { scale[ch] = gamma.scalars[ch] * invStd[ch] }
    let y = applyChannelAffine(input, n: n, c: c, p: p, center: mean, scale: scale,
                               shift: beta.scalars)
    return (y, BatchNormCache(shape: input.shape, mean: mean, invStd: invStd))
}

/// Batch norm forward in evaluation mode: `y = γ·(x − runningMean)/sqrt(runningVar + eps) + β`.
///
/// Shapes as in `batchNormForwardTraining`; running statistics are only read.
public func batchNormForwardEval(input: Tensor, gamma: Tensor, beta: Tensor,
                                 runningMean: Tensor, runningVar: Tensor,
                                 eps: Float = 1e-5) -> Tensor {
    let (n, c, p) = bnDims(input.shape)
    for (t, name) in [(gamma, "gamma"), (beta, "beta"), (runningMean, "runningMean"),
                      (runningVar, "runningVar")] { checkChannelVector(t, c, name) }
    var scale = [Float](repeating: 0, count: c)
    for ch in 0..<c { scale[ch] = gamma.scalars[ch] / (runningVar.scalars[ch] + eps).squareRoot() }
    return applyChannelAffine(input, n: n, c: c, p: p, center: runningMean.scalars, scale: scale,
                              shift: beta.scalars)
}

/// Batch norm backward for the training-mode forward (gradients flow through the batch
/// mean and variance).
///
/// With x̂ = (x − μ)·invStd and sums over the M values of channel c:
/// - `dβ[c] += Σ dy`, `dγ[c] += Σ dy·x̂` (both **accumulated** into the inout tensors)
/// - returns `dx = γ·invStd·(dy − Σdy/M − x̂·Σ(dy·x̂)/M)`, freshly assigned, shape of `input`.
///
/// - dOutput, input: the forward's output gradient and input, same shape `[N, C, …]`
/// - gamma: `[C]`; cache: from `batchNormForwardTraining`; dGamma, dBeta: `[C]`.
public func batchNormBackward(dOutput: Tensor, input: Tensor, gamma: Tensor, cache: BatchNormCache,
                              dGamma: inout Tensor, dBeta: inout Tensor) -> Tensor {
    let (n, c, p) = bnDims(input.shape)
    precondition(input.shape == cache.shape && dOutput.shape == input.shape,
                 "batch norm backward shapes differ: dOutput \(dOutput.shape), input \(input.shape), cache \(cache.shape)")
    for (t, name) in [(gamma, "gamma"), (dGamma, "dGamma"), (dBeta, "dBeta")] {
        checkChannelVector(t, c, name)
    }
    let m = Double(n * p)
    var sumDy = [Double](repeating: 0, count: c), sumDyXc = sumDy  // Σdy, Σdy·(x − μ)
    dOutput.scalars.withUnsafeBufferPointer { dyb in
        input.scalars.withUnsafeBufferPointer { xb in
            sumDy.withUnsafeMutableBufferPointer { sdb in
                sumDyXc.withUnsafeMutableBufferPointer { sxb in
                    let dys = SharedPointer(dyb.baseAddress!), xs = SharedPointer(xb.baseAddress!)
                    let sd = SharedPointer(sdb.baseAddress!), sx = SharedPointer(sxb.baseAddress!)
                    let parts = channelParts(n * c * p, channels: c)
                    forEachPart(parts) { part in
                        let dy = dys.base, x = xs.base
                        for ch in slice(c, part: part, of: parts) {
                            var a = 0.0, b = 0.0
                            for i in 0..<n {
                                let base = (i * c + ch) * p
                                a += Double(runSum(dy + base, p))
                                b += Double(runDotCentered(dy + base, x + base, p, center: cache.mean[ch]))
                            }
                            sd.base[ch] = a
                            sx.base[ch] = b
                        }
                    }
                }
            }
        }
    }
    // dx = a·dy + b·(x − μ) + k per channel, with
    //   a = γ·invStd, b = −γ·invStd³·Σ(dy·(x−μ))/M, k = −a·Σdy/M.
    var a = [Float](repeating: 0, count: c), b = a, k = a
    for ch in 0..<c {
        let inv = Double(cache.invStd[ch]), g = Double(gamma.scalars[ch])
        let sumDyXhat = sumDyXc[ch] * inv
        dBeta.scalars[ch] += Float(sumDy[ch])
        dGamma.scalars[ch] += Float(sumDyXhat)
        let ad = g * inv
        let bd = -g * inv * inv * inv * sumDyXc[ch] / m
        a[ch] = Float(ad)
        b[ch] = Float(bd)
        k[ch] = Float(-ad * sumDy[ch] / m)
    }
    let (a0, b0, k0) = (a, b, k)
    return Tensor(shape: input.shape) { out in
        dOutput.scalars.withUnsafeBufferPointer { dyb in
            input.scalars.withUnsafeBufferPointer { xb in
                let dys = SharedPointer(dyb.baseAddress!), xs = SharedPointer(xb.baseAddress!)
                let dxs = SharedPointer(out.baseAddress!)
                let parts = channelParts(n * c * p, channels: c)
                forEachPart(parts) { part in
                    let dy = dys.base, x = xs.base, dx = dxs.base
                    for ch in slice(c, part: part, of: parts) {
                        let ac = a0[ch], bc = b0[ch], kc = k0[ch], mu = cache.mean[ch]
                        for i in 0..<n {
                            let base = (i * c + ch) * p
                            for j in 0..<p { dx[base + j] = ac * dy[base + j] + bc * (x[base + j] - mu) + kc }
                        }
                    }
                }
            }
        }
    }
}
