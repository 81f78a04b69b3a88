import Foundation
import SNNIR

/// How `quantize` picks each population's scale.
public struct QuantizeOptions: Sendable, Equatable {
    /// Which weight magnitude maps to the largest integer.
    public enum ScaleRule: Sendable, Equatable {
        /// The largest kept magnitude: no weight is clipped.
        case maxAbs
        /// This percentile (0 < p ≤ 100) of the kept magnitudes: finer steps, larger weights clipped
        /// (and counted).
        case percentile(Double)
    }

    /// The weight scale rule.
    public var scaleRule: ScaleRule
    /// Bits of a quantised input pixel (signed), for the encoder.
    public var inputBits: Int

    /// Creates options; the defaults are `maxAbs` and 8-bit inputs.
    public init(scaleRule: ScaleRule = .maxAbs, inputBits: Int = 8) {
        self.scaleRule = scaleRule
        self.inputBits = inputBits
    }
}

/// Quantises weights, biases, thresholds and leaks to the target's integers.
///
/// Per population P (a LIF group or the readout) one state scale `s` is chosen, shared by all
/// layers feeding P (residual branches must add in the same units):
///
///     s = max( max over feeders L of  A_L · e_L / Qw ,  θ / 2^(stateBits − 2) )   (second term: LIF only)
///
/// with `Qw = 2^(weightBits − 1) − 1`, `A_L` the scale rule's magnitude of L's kept float
/// weights, `e_L` L's event scale (1 for spikes and counts; the input scale for the encoder)
/// and θ the float threshold. The threshold term keeps the integer threshold within a quarter
/// of the state range, leaving headroom for the membrane to exceed it.
///
/// Then, with `round` = round half away from zero, in Double:
///
///     q_w = clamp(round(w · e_L / s), −Qw, Qw)              (pruned weights stay 0)
///     q_b = clamp(round(b / s), −2^(stateBits−1), 2^(stateBits−1) − 1)   (readout: 32-bit range)
///     q_θ = round(θ / s)   (≥ 1); for a target comparing with ">", q_θ − 1 (the same test)
///     decay: shift k if 1 − 1/τ = 2^−k; multiply12 d = round(4096/τ); subtract → error
///
/// The input scale is `s_in = maxAbs / (2^(inputBits−1) − 1)` from the graph's `inputRange`, or
/// `maxAbs / N` on a target whose inputs are 0…N events (`[numerics] max_input_events_per_step`).
/// Clipping is counted per layer in `QuantizationStats`; nothing is clipped silently.
///
/// - Throws: `CompileError` (`.quantization`) for a layer whose kept weights all round to zero,
///   weight widths below 2 bits, a missing input range; (`.leak`) for a decay the target cannot do.
public func quantize(
    _ graph: Graph, for profile: ChipProfile,
    options: QuantizeOptions = QuantizeOptions()
) throws(CompileError) -> Graph {
    try graph.require("foldBatchNorm", before: "quantize")
    try graph.require("foldInputGain", before: "quantize")
    let numerics = profile.numerics
    guard numerics.weightBits >= 2 || numerics.signsByAxonType else {
        throw CompileError(
            .quantization, limit: "[numerics] weight_bits = \(numerics.weightBits)",
            reason: "signed weights need at least 2 bits",
            hint: "a binary-synapse chip needs [numerics] axon_types ≥ 2 and axon_type_weight_bits (per-neuron weights "
                + "picked by axon type, as on TrueNorth)")
    }
    var g = graph
    let valueBits = numerics.signsByAxonType ? numerics.axonTypeWeightBits ?? 2 : numerics.weightBits
    let qw = Double(IntegerArithmetic.maxSigned(bits: valueBits))
    let thresholdLimit = Double(Int64(1) << Int64(numerics.stateBits - 2))

    // The input scale, if an encoder reads the analog image.
    var inputScale: Double?
    if g.layers.contains(where: { if case .conv(let c) = $0.op { c.encoder } else { false } }) {
        guard let range = g.inputRange, range.maxAbs > 0 else {
            throw CompileError(
                .quantization, layer: g.layers.first?.name,
                reason: "the range of the analog input is unknown, so the encoder's input scale cannot be chosen",
                hint: "export from a checkpoint of a known data set (fmnist, cifar10, cifar100)")
        }
        guard options.inputBits >= 2 else {
            throw CompileError(.quantization, reason: "input bits must be at least 2, got \(options.inputBits)")
        }
        if let events = numerics.maxInputEventsPerStep {
            // Event-count inputs (Xylo): 0…N events per channel and step, N = maxAbs.
            let bits = max(options.inputBits, Int(log2(Double(events))) + 2)
            let scale = range.maxAbs / Double(events)
            inputScale = scale
            g.inputQuantization = InputQuantization(scale: scale, bits: bits, eventLimit: Int32(events))
        } else {
            let scale = range.maxAbs / Double(IntegerArithmetic.maxSigned(bits: options.inputBits))
            inputScale = scale
            g.inputQuantization = InputQuantization(scale: scale, bits: options.inputBits)
        }
    }

    for population in try g.populations() {
        let lif: LIFGroup? = if case .lif(let l) = g.layers[population.index].op { l } else { nil }
        // Event scale and weight magnitude of each feeder.
        var eventScales: [Double] = []
        var scale = 0.0
        for f in population.feeders {
            guard let weights = g.weights(at: f) else { continue }
            let isEncoder: Bool = if case .conv(let c) = g.layers[f].op { c.encoder } else { false }
            let e = isEncoder ? (inputScale ?? 1) : 1
            eventScales.append(e)
            scale = max(scale, magnitude(weights, rule: options.scaleRule) * e / qw)
        }
        // Current-based groups (Xylo): the weight shift k lets the state unit be 2^k times finer
        // than the weights' (sums are shifted left by k), down to the threshold term.
        var weightShift = 0
        if let lif, lif.synapse != nil {
            try checkCurrentBased(lif, population: population, graph: g, profile: profile)
            let thresholdTerm = Double(lif.threshold) / thresholdLimit
            while weightShift < numerics.maxWeightShift ?? 0 && scale / Double(1 << (weightShift + 1)) >= thresholdTerm {
                weightShift += 1
            }
            scale /= Double(1 << weightShift)
        }
        if let lif { scale = max(scale, Double(lif.threshold) / thresholdLimit) }
        guard scale > 0, scale.isFinite else {
            throw CompileError(
                .quantization, layer: g.layers[population.feeders[0]].name,
                reason: "every kept weight is zero, so the layer cannot be quantised",
                hint: "the layer was pruned away entirely; keep some of its weights")
        }
        let biasBits = population.isReadout ? 32 : numerics.stateBits
        for (f, e) in zip(population.feeders, eventScales) {
            guard let weights = g.weights(at: f) else { continue }
            var updated = weights
            updated.quantized = try quantizeLayer(
                weights, name: g.layers[f].name, stateScale: scale * Double(1 << weightShift), eventScale: e,
                weightBits: valueBits, biasBits: biasBits, profile: profile)
            g.setWeights(updated, at: f)
        }
        if var lif {
            lif.quantized = try quantizeNeurons(
                lif, name: population.name, stateScale: scale, weightShift: weightShift, profile: profile)
            g.layers[population.index].op = .lif(lif)
        }
    }
    g.target = profile.name
    g.passes.append("quantize")
    return g
}

/// The magnitude that maps to the largest integer under `rule`, over kept weights.
private func magnitude(_ weights: SynapticWeights, rule: QuantizeOptions.ScaleRule) -> Double {
    var magnitudes: [Double] = []
    magnitudes.reserveCapacity(weights.weight.count)
    for (i, w) in weights.weight.values.enumerated() where weights.isKept(i) && w != 0 {
        magnitudes.append(abs(Double(w)))
    }
    guard !magnitudes.isEmpty else { return 0 }
    switch rule {
    case .maxAbs:
        return magnitudes.max() ?? 0
    case .percentile(let p):
        magnitudes.sort()
        let rank = Int((min(max(p, 0), 100) / 100 * Double(magnitudes.count - 1)).rounded(.up))
        return magnitudes[min(rank, magnitudes.count - 1)]
    }
}

private func quantizeLayer(
    _ weights: SynapticWeights, name: String, stateScale: Double, eventScale: Double,
    weightBits: Int, biasBits: Int, profile: ChipProfile
) throws(CompileError) -> QuantizedSynapses {
    let qw = IntegerArithmetic.maxSigned(bits: weightBits)
    let weightScale = stateScale / eventScale
    var values = [Int32](repeating: 0, count: weights.weight.count)
    var kept = 0
    var clipped = 0
    var zeroed = 0
    var nonZeroFloat = 0
    var maxError = 0.0
    let ternary = profile.numerics.signsByAxonType ? TernaryWeights(weights, weightScale: weightScale, limit: qw) : nil
    for (i, w) in weights.weight.values.enumerated() where weights.isKept(i) {
        kept += 1
        let exact = ternary?.value(at: i, w) ?? Double(w) / weightScale
        var q = Int64(exact.rounded(.toNearestOrAwayFromZero))
        if q > qw || q < -qw {
            clipped += 1
            q = max(-qw, min(qw, q))
        }
        if w != 0 { nonZeroFloat += 1 }
        if w != 0 && q == 0 { zeroed += 1 }
        values[i] = Int32(q)
        maxError = max(maxError, abs(Double(w) - Double(q) * weightScale))
    }
    if nonZeroFloat == 0 {
        throw CompileError(
            .quantization, layer: name, reason: "every kept weight is zero",
            hint: "the layer was pruned away entirely; keep some of its weights")
    }
    if zeroed == nonZeroFloat {
        throw CompileError(
            .quantization, layer: name, limit: "[numerics] weight_bits = \(weightBits)",
            reason:
                "all \(nonZeroFloat) kept weights round to 0 at this layer's scale \(stateScale) (the scale is shared with the "
                + "other inputs of its neurons and bounded by the threshold)",
            hint: "use a target with more weight bits or state bits")
    }
    var bias: [Int32]?
    var clippedBias = 0
    if let b = weights.bias {
        let low = IntegerArithmetic.minSigned(bits: biasBits)
        let high = IntegerArithmetic.maxSigned(bits: biasBits)
        bias = b.map { value in
            var q = Int64(max(-9e18, min(9e18, (Double(value) / stateScale).rounded(.toNearestOrAwayFromZero))))
            if q < low || q > high {
                clippedBias += 1
                q = max(low, min(high, q))
            }
            return Int32(q)
        }
    }
    let stats = QuantizationStats(
        keptWeights: kept, clippedWeights: clipped, zeroedWeights: zeroed,
        clippedBias: clippedBias, biasCount: weights.bias?.count ?? 0, maxWeightError: maxError)
    return QuantizedSynapses(
        values: values, bias: bias, bits: weightBits, weightScale: weightScale,
        eventScale: eventScale, stateScale: stateScale, stats: stats)
}

private func quantizeNeurons(
    _ lif: LIFGroup, name: String, stateScale: Double, weightShift: Int,
    profile: ChipProfile
) throws(CompileError) -> QuantizedNeurons {
    let numerics = profile.numerics
    let decay = lif.decay
    guard numerics.reset.supports(lif.resetMode) else {
        throw CompileError(
            .leak, layer: name, limit: "[numerics] reset = \"\(numerics.reset.rawValue)\"",
            reason: "the layer's neurons reset by "
                + (lif.resetMode == .subtract ? "subtracting the threshold" : "setting the membrane to 0")
                + ", which \(profile.name) cannot do",
            hint: "train with --reset \(numerics.reset == .subtract ? "subtract" : "zero") for this target, or choose a target whose "
                + "[numerics] reset allows \(lif.resetMode.rawValue)")
    }
    let integerDecay = try integerLeak(lif, name: name, profile: profile)
    let threshold = (Double(lif.threshold) / stateScale).rounded(.toNearestOrAwayFromZero)
    // The count as text: `threshold` may be beyond any Int (a large negative threshold over a fine state unit).
    let units = Int(exactly: threshold).map(String.init) ?? "\(threshold)"
    guard threshold >= 1 else {
        throw CompileError(.quantization, layer: name, reason: "the threshold rounds to \(units) state units")
    }
    let stateMax = Double(IntegerArithmetic.maxSigned(bits: numerics.stateBits))
    guard threshold <= stateMax else {
        throw CompileError(
            .quantization, layer: name, limit: "[numerics] state_bits = \(numerics.stateBits)",
            reason: "the threshold needs \(units) state units, more than the state holds")
    }
    let compare: ThresholdCompare = numerics.thresholdCompare == .greater ? .greater : .greaterOrEqual
    let q = Int32(threshold) - (compare == .greater ? 1 : 0)
    let reset: IntegerReset
    switch lif.resetMode {
    case .zero: reset = .toValue(Int32((Double(lif.reset) / stateScale).rounded(.toNearestOrAwayFromZero)))
    case .subtract: reset = .subtract(Int32(threshold))
    }
    var current: QuantizedCurrent?
    if let synapse = lif.synapse {
        current = QuantizedCurrent(
            decay: .decrementShift(try dash(synapse.tau, name: name, what: "tau_syn")), inputShift: weightShift,
            maxSpikes: synapse.maxSpikes, delay: synapse.delay)
    }
    return QuantizedNeurons(
        stateScale: stateScale, stateBits: numerics.stateBits, threshold: q, compare: compare,
        reset: reset, decay: integerDecay, decayError: abs(integerDecay.factor - decay), current: current)
}

/// The integer leak of a neuron group on `profile`: none for IF neurons, a shift or a 12-bit
/// multiplier for LIF neurons whose decay the target's arithmetic can do.
private func integerLeak(_ lif: LIFGroup, name: String, profile: ChipProfile) throws(CompileError) -> IntegerDecay {
    guard let tau = lif.tau else { return .none }
    if lif.synapse != nil { return .decrementShift(try dash(tau, name: name, what: "tau")) }
    let decay = lif.decay
    switch profile.numerics.leak {
    case .shift:
        let k = (-log2(decay)).rounded()
        guard decay > 0, k >= 1, k < Double(profile.numerics.stateBits), abs(1 / pow(2, k) - decay) <= 1e-6 else {
            throw CompileError(
                .leak, layer: name, limit: "[numerics] leak = \"shift\"",
                reason: "τ = \(tau) keeps \(decay) of the membrane per step, which is not a power of two, so a shift cannot do it",
                hint: "use a target with leak = \"multiply12\", or train with τ = 4/3 (decay 1/4) or τ = 2 (decay 1/2)")
        }
        return .shift(Int(k))
    case .multiply12:
        let d = Int((4096 / Double(tau)).rounded(.toNearestOrAwayFromZero))
        return .multiply12(max(0, min(4096, d)))
    case .subtract:
        throw CompileError(
            .leak, layer: name, limit: "[numerics] leak = \"subtract\"",
            reason: "\(profile.name) runs integrate-and-fire neurons (no decay; at most a constant is subtracted), "
                + "but this LIF group decays by a factor \(decay) per step",
            hint: "train integrate-and-fire neurons for this target (snnc train --neuron if --reset subtract), "
                + "or choose a target with leak = \"shift\" or \"multiply12\" (e.g. edge, loihi)")
    }
}

/// Ternary weights per output unit (conv output channel, linear output, identity unit) for chips
/// whose synapses are one bit and whose weight value is a per-neuron register picked by axon
/// type: unit j keeps `sign(w)·α_j` where `|w| > Δ_j` and 0 elsewhere (`TernaryRule`, SNNIR: the
/// rule `snnc train --ternary-weights` trains through), so each neuron needs two registers: +α_j
/// and −α_j.
struct TernaryWeights {
    /// Per output unit: the threshold Δ and the magnitude α in integer units (before rounding).
    private var threshold: [Double] = []
    private var magnitude: [Double] = []
    private let perUnit: Int

    init(_ weights: SynapticWeights, weightScale: Double, limit: Int64) {
        let units = max(weights.weight.shape.first ?? 1, 1)
        perUnit = max(weights.weight.count / units, 1)
        for j in 0..<units {
            let range = (j * perUnit)..<min((j + 1) * perUnit, weights.weight.count)
            let kept = range.filter { weights.isKept($0) && weights.weight.values[$0] != 0 }.map { abs(Double(weights.weight.values[$0])) }
            let (delta, alpha) = TernaryRule.unit(magnitudes: kept)
            threshold.append(delta)
            // At least one unit, so a neuron with weights keeps them; at most the register's range.
            magnitude.append(alpha == 0 ? 0 : min(max((alpha / weightScale).rounded(.toNearestOrAwayFromZero), 1), Double(limit)))
        }
    }

    /// The ternarised value of weight `i` (value `w`) in integer units.
    func value(at i: Int, _ w: Float) -> Double {
        let j = min(i / perUnit, threshold.count - 1)
        guard abs(Double(w)) > threshold[j] else { return 0 }
        return w < 0 ? -magnitude[j] : magnitude[j]
    }
}
