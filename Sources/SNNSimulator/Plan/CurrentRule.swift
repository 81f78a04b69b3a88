import SNNIR

/// The integer step of current-based neurons (Xylo Audio 2's), prepared for the event simulator.
///
/// Implements `QuantizedCurrent` (SNNIR) on its own, so that the dense reference, which calls
/// SNNIR's version, checks it:
///
///     i = sat(i + (x << inputShift));  i −= dec(i, synapticShift)
///     dv = sat(i − dec(v, membraneShift));  v = sat(v + dv)
///     n = 0; while v ≥ θ and n < maxSpikes { n += 1; v −= θ }
///
/// where `dec(v, k) = v >> k`, or `sign(v)` when that is 0 (the decrement is never 0 for v ≠ 0).
struct CurrentRule: Sendable, Equatable {
    let synapticShift: Int64
    let membraneShift: Int64
    let inputShift: Int64
    let maxSpikes: Int
    let delay: Int
    let minState: Int64
    let maxState: Int64
    /// The lowest membrane that fires (θ for `>=`, θ + 1 for `>`).
    let fireAt: Int64
    /// What a spike subtracts from the membrane (> 0).
    let amount: Int64

    /// Prepares the rule of `current`, the synaptic current of `neurons`.
    /// - Throws: `SimulatorError.unsupported` for parameters outside what the rule allows.
    init(_ current: QuantizedCurrent, neurons: QuantizedNeurons, layer: String) throws {
        guard case .decrementShift(let ks) = current.decay, (0...62).contains(ks),
            case .decrementShift(let km) = neurons.decay, (0...62).contains(km)
        else {
            throw SimulatorError.unsupported(
                layer: layer, reason: "current-based neurons need decrement-shift decays of current and membrane")
        }
        guard case .subtract(let amount) = neurons.reset, amount > 0, neurons.threshold >= 1 else {
            throw SimulatorError.unsupported(
                layer: layer, reason: "current-based neurons need a positive threshold and a subtractive reset by a positive amount")
        }
        guard (2...32).contains(neurons.stateBits), (0...15).contains(current.inputShift), current.maxSpikes >= 1,
            (0...1).contains(current.delay)
        else {
            throw SimulatorError.unsupported(
                layer: layer,
                reason: "current-based neurons with \(neurons.stateBits) state bits, input shift \(current.inputShift), "
                    + "\(current.maxSpikes) spikes per step and delay \(current.delay) (allowed: 2…32 bits, 0…15, ≥ 1, 0 or 1)")
        }
        synapticShift = Int64(ks)
        membraneShift = Int64(km)
        inputShift = Int64(current.inputShift)
        maxSpikes = current.maxSpikes
        delay = current.delay
        maxState = (Int64(1) << Int64(neurons.stateBits - 1)) - 1
        minState = -maxState - 1
        fireAt = Int64(neurons.threshold) + (neurons.compare == .greater ? 1 : 0)
        self.amount = Int64(amount)
    }

    @inline(__always)
    private func clamp(_ value: Int64) -> Int64 { min(max(value, minState), maxState) }

    /// The decrement of `v` for shift `k`: `v >> k`, at least 1 toward 0.
    @inline(__always)
    private func decrement(_ v: Int64, _ k: Int64) -> Int64 {
        let d = v &>> k
        return d == 0 ? v.signum() : d
    }

    /// One step of one neuron with this step's summed input `x`: new current, membrane and spikes.
    /// States stay within 32 bits, so no sum below can overflow `Int64` once `x` is clamped.
    @inline(__always)
    func step(current i: Int64, membrane v: Int64, input x: Int64) -> (current: Int64, membrane: Int64, spikes: Int) {
        // |x| beyond 2^40 saturates the current whatever the shift (shift ≤ 15, state ≤ 32 bits).
        let bounded = min(max(x, -(Int64(1) << 40)), Int64(1) << 40)
        var current = clamp(i &+ (bounded &<< inputShift))
        current &-= decrement(current, synapticShift)
        var membrane = clamp(v &+ clamp(current &- decrement(v, membraneShift)))
        var spikes = 0
        while membrane >= fireAt && spikes < maxSpikes {
            spikes &+= 1
            membrane &-= amount
        }
        return (current, membrane, spikes)
    }
}
