// Integrate-and-fire neurons through time: no leak, hard reset to 0 or soft reset, ATan
// surrogate (SpikingJelly IFNode, multi-step, v_reset = 0 or None, detach_reset = True).

/// What `ifForward` keeps for `ifBackward`: the pre-spike membrane potential H of every step.
public struct IFCache: Sendable, Equatable {
    /// Number of time steps T.
    public let timeSteps: Int
    /// Shape of the forward input.
    public let shape: [Int]
    /// Firing threshold.
    public let threshold: Float
    /// Sharpness α of the ATan surrogate gradient.
    public let surrogateAlpha: Float
    /// What a spike does to the membrane.
    public let reset: SpikeReset
    /// H, `[T, M]` flattened, time-major.
    public let membrane: [Float]
}

/// IF forward through T steps (input time-major, element count T·M). With V[−1] = 0:
///
///     H[t] = V[t−1] + X[t];   S[t] = H[t] ≥ threshold
///     V[t] = H[t] · (1 − S[t])   (hard reset)   or   V[t] = H[t] − S[t] · threshold   (soft reset)
///
/// - Precondition: the element count is divisible by `timeSteps`.
public func ifForward(
    input: Tensor, timeSteps: Int, threshold: Float, surrogateAlpha: Float = 2, reset: SpikeReset = .toZero
)
    -> (spikes: Tensor, cache: IFCache)
{
    precondition(
        timeSteps >= 1 && input.count % timeSteps == 0,
        "IF input \(input.shape) does not split into T = \(timeSteps) steps")
    let m = input.count / timeSteps
    var membrane = [Float](repeating: 0, count: input.count)
    var spikes = [Float](repeating: 0, count: input.count)
    for i in 0..<m {
        var v: Float = 0
        for t in 0..<timeSteps {
            let h = v + input.scalars[t * m + i]
            membrane[t * m + i] = h
            if h >= threshold {
                spikes[t * m + i] = 1
                v = reset == .subtractThreshold ? h - threshold : 0
            } else {
                v = h
            }
        }
    }
    return (
        Tensor(shape: input.shape, scalars: spikes),
        IFCache(
            timeSteps: timeSteps, shape: input.shape, threshold: threshold,
            surrogateAlpha: surrogateAlpha, reset: reset, membrane: membrane)
    )
}

/// IF backward through time with the ATan surrogate and a detached reset:
///
///     dH[t] = dS[t] · σ'(H[t]) + gV[t] · (1 − S[t]);   dX[t] = dH[t];   gV[t−1] = dH[t]
///
/// (soft reset: `+ gV[t]`, since `∂V[t]/∂H[t] = 1` with S detached).
public func ifBackward(dSpikes: Tensor, cache: IFCache) -> Tensor {
    precondition(
        dSpikes.shape == cache.shape,
        "IF dSpikes \(dSpikes.shape) does not match the forward input \(cache.shape)")
    let steps = cache.timeSteps
    let m = dSpikes.count / steps
    let k = Float.pi / 2 * cache.surrogateAlpha
    let peak = cache.surrogateAlpha / 2
    var dx = [Float](repeating: 0, count: dSpikes.count)
    for i in 0..<m {
        var carried: Float = 0
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let h = cache.membrane[t * m + i]
            let u = k * (h - cache.threshold)
            let fromReset = h >= cache.threshold && cache.reset == .toZero ? 0 : carried
            let dh = dSpikes.scalars[t * m + i] * peak / (1 + u * u) + fromReset
            dx[t * m + i] = dh
            carried = dh
        }
    }
    return Tensor(shape: dSpikes.shape, scalars: dx)
}
