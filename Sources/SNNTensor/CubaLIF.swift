// Current-based LIF neurons through time (Xylo Audio 2's neuron in float: a synaptic current,
// several spikes per step with a subtractive reset, and a delay), with an ATan surrogate.

/// Constants of a current-based LIF layer.
public struct CubaLIFParameters: Sendable, Equatable, Hashable {
    /// Synaptic time constant τs ≥ 1 in steps (the current keeps 1 − 1/τs per step).
    public var tauSyn: Float
    /// Membrane time constant τm ≥ 1 in steps.
    public var tauMem: Float
    /// Firing threshold θ > 0.
    public var vThreshold: Float
    /// Spikes a neuron sends at most per step (Xylo's hidden neurons: 31).
    public var maxSpikes: Int
    /// Steps between a spike and the output (0 or 1).
    public var delay: Int
    /// Sharpness α of the ATan surrogate gradient.
    public var surrogateAlpha: Float

    /// - Precondition: `tauSyn ≥ 1`, `tauMem ≥ 1`, `vThreshold > 0`, `maxSpikes ≥ 1`, `delay` 0 or 1.
    public init(
        tauSyn: Float, tauMem: Float, vThreshold: Float = 1, maxSpikes: Int = 31, delay: Int = 1, surrogateAlpha: Float = 2
    ) {
        precondition(tauSyn >= 1 && tauMem >= 1, "CUBA-LIF time constants must be at least 1 step")
        precondition(vThreshold > 0 && maxSpikes >= 1 && (0...1).contains(delay) && surrogateAlpha > 0)
        self.tauSyn = tauSyn
        self.tauMem = tauMem
        self.vThreshold = vThreshold
        self.maxSpikes = maxSpikes
        self.delay = delay
        self.surrogateAlpha = surrogateAlpha
    }
}

/// What `cubaLIFForward` keeps for `cubaLIFBackward`: the pre-spike membrane H of every step.
public struct CubaLIFCache: Sendable, Equatable {
    /// Number of time steps T.
    public let timeSteps: Int
    /// Shape of the forward input.
    public let shape: [Int]
    /// Layer constants used by the forward.
    public let parameters: CubaLIFParameters
    /// H, `[T, M]` flattened, time-major.
    public let membrane: [Float]
}

/// Current-based LIF forward through T steps (input time-major, element count T·M). With
/// I[−1] = V[−1] = 0, d_s = 1 − 1/τs, d_m = 1 − 1/τm and N = maxSpikes:
///
///     I[t] = d_s · (I[t−1] + X[t])
///     H[t] = d_m · V[t−1] + I[t]
///     n[t] = H[t] ≥ θ ? min(N, ⌊H[t]/θ⌋) : 0
///     V[t] = H[t] − n[t]·θ
///     Y[t] = n[t − delay]   (0 for t < delay)
///
/// - returns the spike counts Y with the input's shape and the cache for `cubaLIFBackward`.
/// - Precondition: the element count is divisible by `timeSteps`.
public func cubaLIFForward(input: Tensor, timeSteps: Int, parameters p: CubaLIFParameters) -> (spikes: Tensor, cache: CubaLIFCache) {
    precondition(timeSteps >= 1 && input.count % timeSteps == 0, "CUBA-LIF input \(input.shape) does not split into T = \(timeSteps) steps")
    let m = input.count / timeSteps
    let ds = 1 - 1 / p.tauSyn
    let dm = 1 - 1 / p.tauMem
    let vth = p.vThreshold
    let limit = Float(p.maxSpikes)
    var membrane = [Float](repeating: 0, count: input.count)
    var counts = [Float](repeating: 0, count: input.count)
    input.scalars.withUnsafeBufferPointer { xb in
        membrane.withUnsafeMutableBufferPointer { hb in
            counts.withUnsafeMutableBufferPointer { yb in
                let xs = SharedPointer(xb.baseAddress!)
                let hs = SharedPointer(hb.baseAddress!)
                let ys = SharedPointer(yb.baseAddress!)
                let parts = elementwiseParts(input.count)
                forEachPart(parts) { part in
                    for j in slice(m, part: part, of: parts) {
                        var current: Float = 0
                        var v: Float = 0
                        for t in 0..<timeSteps {
                            current = ds * (current + xs.base[t * m + j])
                            let h = dm * v + current
                            let n = h >= vth ? min(limit, (h / vth).rounded(.down)) : 0
                            hs.base[t * m + j] = h
                            v = h - n * vth
                            if t + p.delay < timeSteps { ys.base[(t + p.delay) * m + j] = n }
                        }
                    }
                }
            }
        }
    }
    return (
        Tensor(shape: input.shape, scalars: counts),
        CubaLIFCache(timeSteps: timeSteps, shape: input.shape, parameters: p, membrane: membrane)
    )
}

/// Current-based LIF backward through time with a detached reset.
///
/// The count's derivative is the sum of the ATan surrogate at each of its N steps,
/// `n'(H) = Σ_{k=1…N} (α/2) / (1 + (π/2·α·(H − kθ))²)`, and the reset treats n as a constant
/// (`∂V[t]/∂H[t] = 1`). With dn[t] = dY[t + delay] (0 past the last step), gV[T−1] = 0 and
/// gI[T] = 0, for t = T−1 … 0:
///
///     dH[t]   = dn[t] · n'(H[t]) + gV[t]
///     gI[t]   = dH[t] + d_s · gI[t+1]        (the gradient reaching I[t])
///     dX[t]   = d_s · gI[t]
///     gV[t−1] = d_m · dH[t]
public func cubaLIFBackward(dSpikes: Tensor, cache: CubaLIFCache) -> Tensor {
    precondition(dSpikes.shape == cache.shape, "CUBA-LIF dSpikes \(dSpikes.shape) does not match the forward input \(cache.shape)")
    let p = cache.parameters
    let steps = cache.timeSteps
    let m = dSpikes.count / steps
    let ds = 1 - 1 / p.tauSyn
    let dm = 1 - 1 / p.tauMem
    let vth = p.vThreshold
    let k = Float.pi / 2 * p.surrogateAlpha
    let peak = p.surrogateAlpha / 2
    var dx = [Float](repeating: 0, count: dSpikes.count)
    dSpikes.scalars.withUnsafeBufferPointer { db in
        cache.membrane.withUnsafeBufferPointer { hb in
            dx.withUnsafeMutableBufferPointer { xb in
                let dys = SharedPointer(db.baseAddress!)
                let hs = SharedPointer(hb.baseAddress!)
                let dxs = SharedPointer(xb.baseAddress!)
                let parts = elementwiseParts(dSpikes.count)
                forEachPart(parts) { part in
                    for j in slice(m, part: part, of: parts) {
                        var gV: Float = 0
                        var gI: Float = 0
                        for t in stride(from: steps - 1, through: 0, by: -1) {
                            let h = hs.base[t * m + j]
                            let dn = t + p.delay < steps ? dys.base[(t + p.delay) * m + j] : 0
                            var slope: Float = 0
                            if dn != 0 {
                                for level in 1...p.maxSpikes {
                                    let u = k * (h - Float(level) * vth)
                                    slope += peak / (1 + u * u)
                                }
                            }
                            let dh = dn * slope + gV
                            gI = dh + ds * gI
                            dxs.base[t * m + j] = ds * gI
                            gV = dm * dh
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: cache.shape, scalars: dx)
}
