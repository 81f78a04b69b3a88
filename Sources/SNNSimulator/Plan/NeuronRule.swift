import SNNIR

/// The integer LIF step of one neuron group, prepared for the event simulator's update loop.
///
/// Implements `QuantizedNeurons` exactly:
///
///     h = saturate(decay.apply(v) + i)    // to [−2^(stateBits−1), 2^(stateBits−1) − 1]
///     spike = h >= threshold  (or h > threshold)
///     v = spike ? reset : h          (hard reset; soft reset: v = spike ? h − amount : h)
///
/// The sum `decay(v) + i` saturates instead of wrapping when it leaves `Int64` (only possible
/// with 64-bit state). The dense reference uses SNNIR's own helpers instead of this type, so
/// the two simulators implement the rule independently.
struct NeuronRule: Sendable, Equatable {
    /// The leak, with its constant precomputed.
    enum Leak: Sendable, Equatable {
        /// `v >> k`.
        case shift(Int64)
        /// `sign(v) · ((|v| · m) >> 12)`.
        case multiply(UInt64)
    }

    let leak: Leak
    let minState: Int64
    let maxState: Int64
    let threshold: Int64
    let fireOnEqual: Bool
    /// The membrane after a spike: `.toValue(r)` or `.subtract(amount)`.
    let reset: Reset
    /// The synaptic current of current-based neurons (Xylo's); nil for the rule above.
    let current: CurrentRule?

    /// What a spike does, with its constant widened.
    enum Reset: Sendable, Equatable {
        /// `v = value`.
        case toValue(Int64)
        /// `v = h − amount`.
        case subtract(Int64)
    }

    /// Prepares the rule of `neurons`.
    /// - Throws: `SimulatorError.unsupported` when a parameter is outside what the IR allows
    ///   (state bits outside 1…64, a shift outside 0…63, a multiplier outside 0…4096).
    init(_ neurons: QuantizedNeurons, layer: String) throws {
        guard (1...64).contains(neurons.stateBits) else {
            throw SimulatorError.unsupported(layer: layer, reason: "state bits \(neurons.stateBits) outside 1…64")
        }
        switch neurons.decay {
        case .none:
            leak = .shift(0)
        case .shift(let k):
            guard (0...63).contains(k) else {
                throw SimulatorError.unsupported(layer: layer, reason: "leak shift \(k) outside 0…63")
            }
            leak = .shift(Int64(k))
        case .multiply12(let d):
            guard (0...4096).contains(d) else {
                throw SimulatorError.unsupported(layer: layer, reason: "leak decrement \(d) outside 0…4096")
            }
            leak = .multiply(UInt64(4096 - d))
        case .decrementShift(let k):
            guard neurons.current != nil, (0...62).contains(k) else {
                throw SimulatorError.unsupported(
                    layer: layer, reason: "a decrement-shift leak (\(k)) needs a synaptic current and a shift in 0…62")
            }
            leak = .shift(Int64(k))
        }
        current = try neurons.current.map { try CurrentRule($0, neurons: neurons, layer: layer) }
        if neurons.stateBits == 64 {
            (minState, maxState) = (.min, .max)
        } else {
            maxState = (Int64(1) << Int64(neurons.stateBits - 1)) - 1
            minState = -maxState - 1
        }
        threshold = Int64(neurons.threshold)
        fireOnEqual = neurons.compare == .greaterOrEqual
        switch neurons.reset {
        case .toValue(let value):
            reset = .toValue(Int64(value))
        case .subtract(let amount):
            guard amount > 0 else {
                throw SimulatorError.unsupported(layer: layer, reason: "subtractive reset by \(amount) (must be positive)")
            }
            reset = .subtract(Int64(amount))
        }
    }

    /// True when a neuron at rest (v = 0) with no input fires: then every neuron must be
    /// updated every step, because "no input, no change" does not hold.
    var firesAtRest: Bool { fires(clamp(0)) }

    /// The leaked state.
    @inline(__always)
    func decay(_ v: Int64) -> Int64 {
        switch leak {
        case .shift(let k):
            return v &>> k
        case .multiply(let m):
            let magnitude = Int64(bitPattern: (v.magnitude &* m) &>> 12)
            return v < 0 ? -magnitude : magnitude
        }
    }

    /// `value` clamped to the state range.
    @inline(__always)
    func clamp(_ value: Int64) -> Int64 { min(max(value, minState), maxState) }

    /// Whether state `h` fires.
    @inline(__always)
    func fires(_ h: Int64) -> Bool { fireOnEqual ? h >= threshold : h > threshold }

    /// One step: the new state and whether the neuron spiked.
    @inline(__always)
    func step(_ v: Int64, input: Int64) -> (state: Int64, spike: Bool) {
        let (sum, overflow) = decay(v).addingReportingOverflow(input)
        let h = overflow ? (input > 0 ? maxState : minState) : clamp(sum)
        guard fires(h) else { return (h, false) }
        switch reset {
        case .toValue(let value): return (value, true)
        case .subtract(let amount): return (h - amount, true)
        }
    }
}
