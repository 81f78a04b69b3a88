/// Integer weights of one synaptic layer, as produced by `quantize`.
///
/// Scales relate integers to the float model: a weight `q` stands for `q · weightScale` in the
/// float weights, and one unit of the post neurons' membrane state is worth `stateScale`.
/// An input event carries an integer payload `p` (1 for a spike, a count after sum-pooling,
/// the quantised pixel for the encoder) worth `p · eventScale`, so
/// `weightScale · eventScale == stateScale` and an event adds `p · q` state units.
/// Rounding rules and ranges are in docs/FORMAT.md ("Quantisation").
public struct QuantizedSynapses: Sendable, Equatable {
    /// Integer weights, same shape and order as the float weights; pruned entries are 0.
    /// Each is within `[−(2^(bits−1) − 1), 2^(bits−1) − 1]`.
    public var values: [Int32]
    /// Integer bias per output channel / unit in state units, or nil; within the state range.
    public var bias: [Int32]?
    /// Bits per stored weight (the target's `weight_bits`).
    public var bits: Int
    /// Float value of one weight unit.
    public var weightScale: Double
    /// Float value of one input-event unit (1 for spikes and spike counts).
    public var eventScale: Double
    /// Float value of one state unit of the post neurons (`weightScale · eventScale`).
    public var stateScale: Double
    /// What rounding and clipping did.
    public var stats: QuantizationStats

    /// Creates quantised weights.
    public init(
        values: [Int32], bias: [Int32]?, bits: Int, weightScale: Double, eventScale: Double,
        stateScale: Double, stats: QuantizationStats
    ) {
        self.values = values
        self.bias = bias
        self.bits = bits
        self.weightScale = weightScale
        self.eventScale = eventScale
        self.stateScale = stateScale
        self.stats = stats
    }
}

/// Counts of what quantising one layer did; nothing is clipped without being counted here.
public struct QuantizationStats: Sendable, Equatable {
    /// Weights the mask keeps.
    public var keptWeights: Int
    /// Kept weights whose magnitude exceeded the largest integer and were clipped to it.
    public var clippedWeights: Int
    /// Kept non-zero weights that rounded to 0 (they are left out of the sparse tables).
    public var zeroedWeights: Int
    /// Bias entries clipped to the state range.
    public var clippedBias: Int
    /// Bias entries in total (0 without a bias).
    public var biasCount: Int
    /// Largest `|w − q·weightScale|` over kept weights (float units).
    public var maxWeightError: Double

    /// Creates the counts.
    public init(
        keptWeights: Int, clippedWeights: Int, zeroedWeights: Int, clippedBias: Int,
        biasCount: Int, maxWeightError: Double
    ) {
        self.keptWeights = keptWeights
        self.clippedWeights = clippedWeights
        self.zeroedWeights = zeroedWeights
        self.clippedBias = clippedBias
        self.biasCount = biasCount
        self.maxWeightError = maxWeightError
    }

    /// Clipped weights as a fraction of the kept weights (0 when none are kept).
    public var clippedFraction: Double { keptWeights == 0 ? 0 : Double(clippedWeights) / Double(keptWeights) }
}

/// Integer parameters of a LIF group, as produced by `quantize`.
///
/// One step for a neuron with state `v` (an integer of `stateBits` bits) and integer input `i`
/// (the sum of `payload · weight` over this step's events plus the bias):
///
///     h = saturate(decay.apply(v) + i)            // saturate to [−2^(stateBits−1), 2^(stateBits−1) − 1]
///     spike = compare(h, threshold)               // h >= threshold, or h > threshold
///     v = spike ? reset.after(h) : h              // a reset value, or h − amount
///
/// `v` starts at 0 for every inference.
public struct QuantizedNeurons: Sendable, Equatable {
    /// Float value of one state unit.
    public var stateScale: Double
    /// Bits of the membrane state (the target's `state_bits`).
    public var stateBits: Int
    /// Integer threshold, for `compare`.
    public var threshold: Int32
    /// The firing comparison the threshold is written for. The float model fires on `≥`; for a
    /// `>` target the threshold is lowered by one, which is the same test on integers.
    public var compare: ThresholdCompare
    /// What a spike does to the integer membrane.
    public var reset: IntegerReset
    /// The integer leak.
    public var decay: IntegerDecay
    /// `|decay − (1 − 1/τ)|`: how far the integer leak's factor is from the float model's.
    public var decayError: Double
    /// The integer synaptic current of current-based neurons (Xylo's); nil when the membrane
    /// integrates the input directly. With it, one step follows `QuantizedCurrent`, not the rule above.
    public var current: QuantizedCurrent?

    /// Creates integer neuron parameters.
    public init(
        stateScale: Double, stateBits: Int, threshold: Int32, compare: ThresholdCompare,
        reset: IntegerReset, decay: IntegerDecay, decayError: Double, current: QuantizedCurrent? = nil
    ) {
        self.stateScale = stateScale
        self.stateBits = stateBits
        self.threshold = threshold
        self.compare = compare
        self.reset = reset
        self.decay = decay
        self.decayError = decayError
        self.current = current
    }

    /// Whether integer state `h` fires.
    public func fires(_ h: Int64) -> Bool {
        switch compare {
        case .greaterOrEqual: h >= Int64(threshold)
        case .greater: h > Int64(threshold)
        }
    }
}

/// What a spike does to an integer membrane.
public enum IntegerReset: Sendable, Equatable {
    /// Hard reset: the membrane becomes this value.
    case toValue(Int32)
    /// Soft reset: this amount (the threshold in state units, in the float model's `≥` sense) is
    /// subtracted from the membrane.
    case subtract(Int32)

    /// The membrane after a spike at state `h` (no overflow: `h` has reached a positive threshold).
    public func after(_ h: Int64) -> Int64 {
        switch self {
        case .toValue(let value): Int64(value)
        case .subtract(let amount): h - Int64(amount)
        }
    }

    /// The float-model reset mode this integer reset implements.
    public var mode: ResetMode {
        switch self {
        case .toValue: .zero
        case .subtract: .subtract
        }
    }
}

/// The firing comparison of integer neurons.
public enum ThresholdCompare: String, Sendable, Equatable, CaseIterable {
    /// Fire when `h >= threshold`.
    case greaterOrEqual = ">="
    /// Fire when `h > threshold`.
    case greater = ">"
}

/// The integer leak applied to the membrane state at the start of every step.
public enum IntegerDecay: Sendable, Equatable {
    /// No leak: integrate-and-fire neurons keep their whole state.
    case none
    /// `v >> k`: arithmetic right shift (rounds toward −∞); keeps `2^−k` of `v`.
    case shift(Int)
    /// `sign(v) · ((|v| · m) >> 12)` with `m = 4096 − d`: keeps `m/4096` of `v`, rounding the
    /// magnitude down (toward zero), as Loihi does. The associated value is `d` in 0…4096.
    case multiply12(Int)
    /// `v − d` with `d = v >> k` (arithmetic), or `sign(v)` when that is 0 and `v ≠ 0`: keeps
    /// `1 − 2^−k` of `v` and loses at least 1 toward 0 per step, as Xylo Audio 2 does (`dash` = k,
    /// 0…15; k = 0 clears `v`).
    case decrementShift(Int)

    /// The fraction of `v` the leak keeps (`2^−k`, `(4096 − d)/4096` or `1 − 2^−k`).
    public var factor: Double {
        switch self {
        case .none: 1
        case .shift(let k): 1 / Double(1 << k)
        case .multiply12(let d): Double(4096 - d) / 4096
        case .decrementShift(let k): 1 - 1 / Double(1 << k)
        }
    }

    /// Applies the leak to state `v`, exactly as the chip does.
    public func apply(_ v: Int64) -> Int64 {
        switch self {
        case .none:
            return v
        case .shift(let k):
            return v >> Int64(k)
        case .multiply12(let d):
            let magnitude = (v.magnitude * UInt64(4096 - d)) >> 12
            return v < 0 ? -Int64(magnitude) : Int64(magnitude)
        case .decrementShift(let k):
            let d = v >> Int64(k)
            return v - (d == 0 ? v.signum() : d)
        }
    }
}

/// The integer synaptic current of a current-based LIF group: Xylo Audio 2's neuron step
/// (experiments/xylo-rockpool/README.md; checked against rockpool's XyloSim).
///
/// State per neuron: current `i` and membrane `v`, both saturating at the `stateBits` range
/// (`sat`). With this step's integer input `x` (the sum of `payload · weight` over the events
/// delivered, plus the encoder's current), `QuantizedNeurons.decay` = `.decrementShift(dash_mem)`
/// and threshold θ:
///
///     i = sat(i + (x << inputShift))            // the weight shift, applied to the step's sum
///     i = decay.apply(i)                         // .decrementShift(dash_syn)
///     dv = sat(i − (v − decayMem.apply(v)))      // −decrement of v, plus the current
///     v = sat(v + dv)
///     n = 0; while v ≥ θ and n < maxSpikes { n += 1; v −= θ }
///
/// The neuron sends `n` events (payload n), delivered `delay` steps later. Xylo saturates after
/// every single event; summing a step's events first gives the same state unless the partial sums
/// of one step cross the 16-bit bound and come back (events of mixed signs near saturation).
public struct QuantizedCurrent: Sendable, Equatable {
    /// The synaptic current's decay (`.decrementShift(dash_syn)` on Xylo).
    public var decay: IntegerDecay
    /// Left shift applied to the weighted input (Xylo's `weight_shift`, 0…7).
    public var inputShift: Int
    /// Spikes a neuron sends at most per step (Xylo's hidden neurons: 31).
    public var maxSpikes: Int
    /// Steps between a spike and its delivery (0 or 1).
    public var delay: Int

    /// Creates the synaptic current's constants.
    public init(decay: IntegerDecay, inputShift: Int, maxSpikes: Int, delay: Int) {
        self.decay = decay
        self.inputShift = inputShift
        self.maxSpikes = maxSpikes
        self.delay = delay
    }

    /// One step of one neuron of `neurons` (whose `current` this is): the new current and
    /// membrane, and the spikes sent. Written for clarity; the event simulator has its own copy.
    public func step(
        current i: Int64, membrane v: Int64, input x: Int64, neurons: QuantizedNeurons
    ) -> (current: Int64, membrane: Int64, spikes: Int) {
        let bits = neurons.stateBits
        let shifted = x.multipliedReportingOverflow(by: Int64(1) << Int64(inputShift))
        let charge = shifted.overflow ? (x > 0 ? Int64.max : Int64.min) : shifted.partialValue
        let charged = IntegerArithmetic.saturate(i.addingReportingOverflow(charge).overflow ? charge : i + charge, bits: bits)
        let nextCurrent = decay.apply(charged)
        let dv = IntegerArithmetic.saturate(nextCurrent - (v - neurons.decay.apply(v)), bits: bits)
        var membrane = IntegerArithmetic.saturate(v + dv, bits: bits)
        var spikes = 0
        while neurons.fires(membrane) && spikes < maxSpikes {
            spikes += 1
            membrane = neurons.reset.after(membrane)
        }
        return (nextCurrent, membrane, spikes)
    }
}

/// How the analog input is turned into integers for the encoder layer.
///
/// `q = clamp(roundHalfAwayFromZero(Double(x) / scale), −(2^(bits−1) − 1), 2^(bits−1) − 1)`
/// for a normalised float pixel `x`; with an `eventLimit` N (a chip whose inputs are event
/// counts, Xylo: 15 per channel and step) `q = clamp(…, 0, N)` instead.
public struct InputQuantization: Sendable, Equatable {
    /// Float value of one input unit.
    public var scale: Double
    /// Bits of an input value (signed).
    public var bits: Int
    /// When set, inputs are event counts 0…eventLimit (negative values become 0).
    public var eventLimit: Int32?

    /// Creates the input quantisation.
    public init(scale: Double, bits: Int, eventLimit: Int32? = nil) {
        self.scale = scale
        self.bits = bits
        self.eventLimit = eventLimit
    }

    /// The integer for normalised pixel `x`.
    public func quantize(_ x: Float) -> Int32 {
        let limit = Double((1 << (bits - 1)) - 1)
        let q = (Double(x) / scale).rounded(.toNearestOrAwayFromZero)
        if let eventLimit { return Int32(Swift.max(0, Swift.min(Double(eventLimit), q))) }
        return Int32(Swift.max(-limit, Swift.min(limit, q)))
    }
}

/// Integer helpers shared by the quantiser and the integer simulators, so both round and
/// saturate the same way.
public enum IntegerArithmetic {
    /// The largest value of a signed integer of `bits` bits: `2^(bits−1) − 1`.
    public static func maxSigned(bits: Int) -> Int64 { bits >= 64 ? .max : (Int64(1) << Int64(bits - 1)) - 1 }

    /// The smallest value of a signed integer of `bits` bits: `−2^(bits−1)`.
    public static func minSigned(bits: Int) -> Int64 { bits >= 64 ? .min : -(Int64(1) << Int64(bits - 1)) }

    /// `v` clamped to the signed range of `bits` bits.
    public static func saturate(_ v: Int64, bits: Int) -> Int64 {
        Swift.max(minSigned(bits: bits), Swift.min(maxSigned(bits: bits), v))
    }
}
