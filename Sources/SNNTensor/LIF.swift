// Leaky integrate-and-fire neurons through time (SpikingJelly LIFNode, multi-step,
// decay_input=True, detach_reset=True, ATan surrogate; hard reset v_reset=0 or soft reset
// v_reset=None).

/// What a spike does to the membrane potential (SpikingJelly: `v_reset = 0` or `v_reset = None`).
public enum SpikeReset: Sendable, Equatable, Hashable {
    /// Hard reset: V = 0 after a spike.
    case toZero
    /// Soft reset: V = H − threshold after a spike.
    case subtractThreshold
}

/// Constants of a LIF layer.
public struct LIFParameters: Sendable, Equatable, Hashable {
    /// Membrane time constant τ > 1 (each step keeps 1 − 1/τ of the membrane potential).
    public var tau: Float
    /// Firing threshold.
    public var vThreshold: Float
    /// Sharpness α of the ATan surrogate gradient.
    public var surrogateAlpha: Float
    /// What a spike does to the membrane.
    public var reset: SpikeReset

    /// - Precondition: `tau > 0`, `surrogateAlpha > 0`.
    public init(tau: Float = 4.0 / 3.0, vThreshold: Float = 1, surrogateAlpha: Float = 2, reset: SpikeReset = .toZero) {
        self.reset = reset
        precondition(tau > 0, "LIF tau must be positive, got \(tau)")
        precondition(surrogateAlpha > 0, "surrogate alpha must be positive, got \(surrogateAlpha)")
        self.tau = tau
        self.vThreshold = vThreshold
        self.surrogateAlpha = surrogateAlpha
    }
}

/// Neurons per block in `lifForward` and `lifBackward`: a block runs through all T steps before
/// the next, so the state carried between steps (H[t − 1], gV) is read back from L1 (a few
/// floats per neuron and step: 16 KiB per step at 1,024).
let lifBlock = 1024

/// What `lifForward` keeps for `lifBackward`: the pre-spike membrane potential H of every
/// step (spikes are recomputed as `H ≥ vThreshold`, so no spike tensor is stored), and the
/// number of spikes.
public struct LIFCache: Sendable, Equatable {
    /// Number of time steps T.
    public let timeSteps: Int
    /// Shape of the forward input (`[T·B, …]` or `[T, M]`).
    public let shape: [Int]
    /// Layer constants used by the forward.
    public let parameters: LIFParameters
    /// H, `[T, M]` flattened, time-major.
    public let membrane: [Float]
    /// Number of spikes the forward emitted (nonzero elements of S), counted as they were written.
    public let spikeCount: Int
}

/// LIF forward through T steps.
///
/// The input holds all steps time-major: element count T·M, step t at offsets `t·M ..< (t+1)·M`
/// (e.g. `[T·B, C, H, W]` with M = B·C·H·W). With V[−1] = 0, for t in 0..<T:
///
///     H[t] = V[t−1] + (X[t] − V[t−1]) / τ          (charge, decay_input)
///     S[t] = H[t] ≥ vThreshold ? 1 : 0              (fire)
///     V[t] = H[t] · (1 − S[t])                      (hard reset to 0)
///     V[t] = H[t] − S[t] · vThreshold               (or soft reset)
///
/// With `normalizedBy`, X is a batch norm's input `[T·B, C, …]` and each value is normalised as
/// it is read, `(x − center[u])·scale[u] + shift[c]` (u = g·C + c, g = 0 for one statistics group,
/// g = t for one per step): the same Float as `batchNormForwardTraining`'s output, so the same
/// spikes and H, without writing and reading that output.
///
/// - returns spikes S with the input's shape and the cache (H and the spike count) for `lifBackward`.
/// - Precondition: the element count is divisible by `timeSteps`; `normalizedBy` has C channels
///   and 1 or `timeSteps` groups.
public func lifForward(
    input: Tensor, timeSteps: Int, parameters: LIFParameters = LIFParameters(),
    normalizedBy norm: BatchNormAffine? = nil
)
    -> (spikes: Tensor, cache: LIFCache)
{
    precondition(
        timeSteps >= 1 && input.count % timeSteps == 0,
        "LIF input \(input.shape) does not split into T = \(timeSteps) steps")
    let channels = input.shape.count > 1 ? input.shape[1] : 0
    let p = input.shape.dropFirst(2).reduce(1, *)
    if let norm {
        precondition(
            norm.channels == channels && channels > 0 && (norm.groups == 1 || norm.groups == timeSteps)
                && input.shape[0] % timeSteps == 0,
            "LIF input \(input.shape) cannot take a batch norm of \(norm.channels) channels in \(norm.groups) groups")
    }
    let m = input.count / timeSteps
    let tau = parameters.tau
    let vth = parameters.vThreshold
    let subtract = parameters.reset == .subtractThreshold
    let count = input.count
    var membrane: [Float] = []
    // Neurons are independent: split them over threads, each running all T steps.
    let parts = elementwiseParts(count)
    let partSpikes = UnsafeMutablePointer<Int>.allocate(capacity: parts)
    partSpikes.initialize(repeating: 0, count: parts)
    defer { partSpikes.deallocate() }
    let spikes = Tensor(shape: input.shape) { out in
        // Every element of H is written below, so skip the zero fill.
        membrane = [Float](unsafeUninitializedCapacity: count) { hb, initialized in
            initialized = count
            input.scalars.withUnsafeBufferPointer { xb in
                let xs = SharedPointer(xb.baseAddress!)
                let hs = SharedPointer(hb.baseAddress!)
                let ss = SharedPointer(out.baseAddress!)
                let counts = SharedPointer(partSpikes)
                forEachPart(parts) { part in
                    let range = slice(m, part: part, of: parts)
                    let first = range.lowerBound
                    let x = xs.base + first
                    let h = hs.base + first
                    let s = ss.base + first
                    let n = range.count
                    let normalized = norm != nil
                    let tauV = SIMD16<Float>(repeating: tau)
                    let vthV = SIMD16<Float>(repeating: vth)
                    let zero = SIMD16<Float>()
                    let one = SIMD16<Float>(repeating: 1)
                    var fired = 0  // this part's spikes
                    // A block of neurons runs through all T steps before the next block, so
                    // H[t − 1] is still in L1 when step t reads it (the same operations per
                    // element in any order: the same bits).
                    for block in stride(from: 0, to: n, by: lifBlock) {
                        let end = min(block + lifBlock, n)
                        for t in 0..<timeSteps {
                            let xt = x + t * m
                            let ht = h + t * m
                            let st = s + t * m
                            // V[t−1] after the reset; V[−1] = 0 (then H = 0 + (X − 0)/τ, same bits as X/τ).
                            let hPrev: UnsafePointer<Float>? = t == 0 ? nil : UnsafePointer(h + (t - 1) * m)
                            var i = block
                            var firedLanes = SIMD16<Int32>()  // at most lifBlock / 16 per lane
                            while i < end {
                                // Without a batch norm the whole block at once; with one, a
                                // row (one image's channel) at a time, with that row's map.
                                var stop = end
                                var (mu, a, b): (Float, Float, Float) = (0, 1, 0)
                                if let norm {
                                    let row = (first + i) / p
                                    let ch = row % channels
                                    let u = (norm.groups == 1 ? 0 : t) * channels + ch
                                    stop = min(end, (row + 1) * p - first)
                                    (mu, a, b) = (norm.center[u], norm.scale[u], norm.shift[ch])
                                }
                                let (muV, aV, bV) = (SIMD16(repeating: mu), SIMD16(repeating: a), SIMD16(repeating: b))
                                while i + 16 <= stop {
                                    var v = zero
                                    if let hPrev {
                                        let hp = load16(hPrev, i)
                                        v = hp.replacing(with: subtract ? hp - vthV : zero, where: hp .>= vthV)
                                    }
                                    var xv = load16(xt, i)
                                    if normalized { xv = (xv - muV) * aV + bV }
                                    let hv = v + (xv - v) / tauV
                                    store16(hv, ht, i)
                                    let spiked = hv .>= vthV
                                    store16(zero.replacing(with: one, where: spiked), st, i)
                                    firedLanes &+= SIMD16<Int32>().replacing(with: 1, where: spiked)
                                    i += 16
                                }
                                while i < stop {
                                    var v: Float = 0
                                    if let hPrev { v = hPrev[i] >= vth ? (subtract ? hPrev[i] - vth : 0) : hPrev[i] }
                                    var xi = xt[i]
                                    if normalized { xi = (xi - mu) * a + b }
                                    let hv = v + (xi - v) / tau
                                    ht[i] = hv
                                    let spiked = hv >= vth
                                    st[i] = spiked ? 1 : 0
                                    if spiked { fired += 1 }
                                    i += 1
                                }
                            }
                            fired += Int(firedLanes.wrappedSum())
                        }
                    }
                    counts.base[part] = fired
                }
            }
        }
    }
    return (
        spikes,
        LIFCache(
            timeSteps: timeSteps, shape: input.shape, parameters: parameters,
            membrane: membrane, spikeCount: (0..<parts).reduce(0) { $0 + partSpikes[$1] })
    )
}

/// LIF backward through time (BPTT) with the ATan surrogate and a detached reset.
///
/// The spike's derivative is replaced by the ATan surrogate
/// `σ'(H) = (α/2) / (1 + (π/2 · α · (H − vth))²)` (for α = 2: `1 / (1 + (π(H − vth))²)`), and
/// the reset treats S as a constant (`∂V[t]/∂H[t] = 1 − S[t]` for the hard reset, 1 for the soft
/// one), so gradient reaches S only from the loss. With gV[T−1] = 0 (gradient w.r.t. V[t] from later steps), for t = T−1 … 0:
///
///     dH[t]    = dS[t] · σ'(H[t]) + gV[t] · (1 − S[t])      (soft reset: + gV[t])
///     dX[t]    = dH[t] / τ
///     gV[t−1]  = dH[t] · (1 − 1/τ)                  (computed as dH − dH/τ)
///
/// - dSpikes: gradient w.r.t. the spikes, same shape as the forward input
/// - cache: from `lifForward`
/// - returns dInput (freshly assigned), same shape.
public func lifBackward(dSpikes: Tensor, cache: LIFCache) -> Tensor {
    lifBackward(dSpikes: dSpikes, cache: cache, summing: nil).dInput
}

/// `lifBackward` for a LIF layer whose input X is a training-mode batch norm's output, which
/// also returns that batch norm's backward sums over each row of dX (`BatchNormRowSums`), taken
/// while dX is still in cache, for `batchNormBackward(…, rowSums:)`: the same dInput and the same
/// sums as computing them afterwards, without reading dX back from memory (a row longer than a
/// block, or straddling two, is summed after its last block, its start read back from L2).
///
/// - batchNormInput, batchNormCache: the batch norm's input and forward cache (its shape is the
///   LIF input's, `[T·B, C, …]`).
public func lifBackward(
    dSpikes: Tensor, cache: LIFCache, batchNormInput: Tensor, batchNormCache: BatchNormCache
) -> (dInput: Tensor, rowSums: BatchNormRowSums) {
    precondition(
        batchNormInput.shape == cache.shape && batchNormCache.shape == cache.shape && cache.shape.count >= 2,
        "LIF input \(cache.shape), batch norm input \(batchNormInput.shape) and cache \(batchNormCache.shape) differ")
    precondition(
        cache.shape[0] % cache.timeSteps == 0,
        "LIF input \(cache.shape) is not [T·B, C, …] with T = \(cache.timeSteps): rows would straddle steps")
    let result = lifBackward(dSpikes: dSpikes, cache: cache, summing: (batchNormInput, batchNormCache))
    return (result.dInput, result.rowSums!)
}

/// The LIF backward kernel; with `summing`, also batch norm's row sums of dInput (see above).
private func lifBackward(
    dSpikes: Tensor, cache: LIFCache, summing: (input: Tensor, cache: BatchNormCache)?
) -> (dInput: Tensor, rowSums: BatchNormRowSums?) {
    precondition(
        dSpikes.shape == cache.shape,
        "LIF dSpikes \(dSpikes.shape) does not match the forward input \(cache.shape)")
    let steps = cache.timeSteps
    let m = dSpikes.count / steps
    let tau = cache.parameters.tau
    let vth = cache.parameters.vThreshold
    let alpha = cache.parameters.surrogateAlpha
    let subtract = cache.parameters.reset == .subtractThreshold
    let k = Float.pi / 2 * alpha
    let peak = alpha / 2
    // With `summing`, parts hold whole planes (rows of the batch norm: one image's channel), and
    // each row's sums are taken over all its values at once, in `runSum` order, after the block
    // in which the row ends (a row may begin in an earlier block, or span several).
    let channels = summing == nil ? 1 : cache.shape[1]
    let plane = summing == nil ? 1 : max(1, cache.shape.dropFirst(2).reduce(1, *))
    let planes = m / plane  // per step
    let rows = summing == nil ? 0 : steps * planes
    let rowsPerGroup = summing.map { rows / channels / $0.cache.groups } ?? 1  // images per statistics group
    // Without `summing` the three are empty and no part touches them.
    var rowSumDy = [Float](repeating: 0, count: rows)
    var rowSumDyCentered = rowSumDy
    let bnScalars = summing?.input.scalars ?? []
    let dInput = Tensor(shape: cache.shape) { out in
        dSpikes.scalars.withUnsafeBufferPointer { dsb in
            cache.membrane.withUnsafeBufferPointer { hb in
                bnScalars.withUnsafeBufferPointer { xb in
                    rowSumDy.withUnsafeMutableBufferPointer { sdb in
                        rowSumDyCentered.withUnsafeMutableBufferPointer { sxb in
                            let dss = SharedPointer(dsb.baseAddress!)
                            let hs = SharedPointer(hb.baseAddress!)
                            let dxs = SharedPointer(out.baseAddress!)
                            let bnInput = xb.baseAddress.map { SharedPointer($0) }
                            let sumsDy = sdb.baseAddress.map { SharedPointer($0) }
                            let sumsDyCentered = sxb.baseAddress.map { SharedPointer($0) }
                            precondition(
                                summing == nil || (bnInput != nil && sumsDy != nil && sumsDyCentered != nil),
                                "LIF backward: no storage for batch norm's row sums")
                            let parts = elementwiseParts(m * steps)
                            forEachPart(parts) { part in
                                let partPlanes = slice(planes, part: part, of: parts)
                                let range = (partPlanes.lowerBound * plane)..<(partPlanes.upperBound * plane)
                                let ds = dss.base + range.lowerBound
                                let h = hs.base + range.lowerBound
                                let dx = dxs.base + range.lowerBound
                                let n = range.count
                                let kV = SIMD16<Float>(repeating: k)
                                let peakV = SIMD16<Float>(repeating: peak)
                                let vthV = SIMD16<Float>(repeating: vth)
                                let tauV = SIMD16<Float>(repeating: tau)
                                let oneV = SIMD16<Float>(repeating: 1)
                                // A block of neurons runs through all T steps before the next, so gV — the
                                // gradient reaching V[t] from step t + 1, one float per neuron of the block —
                                // lives in L1 (the same operations per element in any order: the same bits).
                                withUnsafeTemporaryAllocation(of: Float.self, capacity: lifBlock) { carried in
                                    let gV = carried.baseAddress!
                                    for block in stride(from: 0, to: n, by: lifBlock) {
                                        let end = min(block + lifBlock, n)
                                        gV.update(repeating: 0, count: end - block)  // gV[T − 1] = 0
                                        for t in stride(from: steps - 1, through: 0, by: -1) {
                                            let dst = ds + t * m
                                            let ht = h + t * m
                                            let dxt = dx + t * m
                                            var i = block
                                            while i + 16 <= end {
                                                let hv = load16(ht, i)
                                                let u = kV * (hv - vthV)
                                                let surrogate = peakV / (oneV + u * u)
                                                let carried = load16(gV, i - block)
                                                let fromReset = subtract ? carried : carried.replacing(with: 0, where: hv .>= vthV)
                                                let dh = load16(dst, i) * surrogate + fromReset
                                                let dxv = dh / tauV
                                                store16(dxv, dxt, i)
                                                store16(dh - dxv, gV, i - block)
                                                i += 16
                                            }
                                            while i < end {
                                                let hv = ht[i]
                                                let u = k * (hv - vth)
                                                let surrogate = peak / (1 + u * u)
                                                let fromReset = hv >= vth && !subtract ? 0 : gV[i - block]
                                                let dh = dst[i] * surrogate + fromReset
                                                let dxv = dh / tau
                                                dxt[i] = dxv
                                                gV[i - block] = dh - dxv
                                                i += 1
                                            }
                                        }
                                        if let summing, let xs = bnInput, let sumsDy, let sumsDyCentered {
                                            // The rows that end in this block, while their dX is in cache: what
                                            // `batchNormBackward` would sum over them.
                                            for t in 0..<steps {
                                                for q in (range.lowerBound + block) / plane..<(range.lowerBound + end) / plane {
                                                    let row = t * planes + q
                                                    let u = row / channels / rowsPerGroup * channels + q % channels
                                                    let at = row * plane
                                                    let sums = batchNormRowSum(
                                                        dxs.base + at, xs.base + at, plane, center: summing.cache.mean[u])
                                                    sumsDy.base[row] = sums.dy
                                                    sumsDyCentered.base[row] = sums.dyCentered
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    guard summing != nil else { return (dInput, nil) }
    return (dInput, BatchNormRowSums(dy: rowSumDy, dyCentered: rowSumDyCentered))
}
