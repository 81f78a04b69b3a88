import SNNDiagnostics
import SNNIR

/// A rule of a deployment file (docs/HARDENING.md lists them with what each checks).
public enum DeploymentRule: String, Sendable, Hashable, CaseIterable {
    /// Sizes a reader may allocate: element counts, time steps.
    case resourceLimit = "resource limit"
    /// A layer's shape agrees with its inputs and its own geometry.
    case shape = "consistent shapes"
    /// Every synaptic layer and neuron group of a deployment carries its integer parameters.
    case quantised = "quantised layers"
    /// Every floating-point value (scales, biases, thresholds, τ, dt, estimates) is finite and,
    /// where it is a scale, positive.
    case finite = "finite numbers"
    /// Integer weights within ±(2^(bits−1) − 1) of the layer's weight bits.
    case weightRange = "weights within their bits"
    /// Integer biases within the state range of the neurons they drive.
    case biasRange = "biases within the state bits"
    /// Thresholds and reset values within the state range.
    case neuronRange = "neuron constants within the state bits"
    /// The leak agrees with the neuron model (IF: none; LIF: a shift 1 ≤ k < state bits or a
    /// 12-bit multiplier 0…4096).
    case decay = "decay in range"
    /// Quantisation counts, the core map and estimate counts are not negative.
    case counts = "non-negative counts"
    /// The NIR graph at the root is the one the `/snnc` tables give.
    case nirConsistency = "NIR root matches /snnc"
}

extension DeploymentRule: FileRule {
    /// Named in the refusal's hint.
    public static let fileKind = "deployment file"
    /// What the refusal's hint advises.
    public static let remedy = "export it again"
}

/// A deployment file that breaks a rule: names the object (HDF5 path), the rule and the value.
public typealias DeploymentValidationError = RuleViolation<DeploymentRule>

/// The rules a deployment graph must satisfy before anything uses it, checked on the graph the
/// reader built (`DeploymentFile.validate`). The reader itself already refuses what it cannot
/// build (unknown kinds, CSR arrays that break their invariants, tables of the wrong shape,
/// declared sizes above `DeploymentLimits`).
struct GraphValidator {
    let path: String
    let graph: Graph

    private func fail(_ object: String, _ rule: DeploymentRule, _ detail: String) -> DeploymentValidationError {
        DeploymentValidationError(path: path, object: object, rule: rule, detail: detail)
    }

    private func layerPath(_ name: String, _ suffix: String = "") -> String {
        "/snnc/layers/\(name)" + (suffix.isEmpty ? "" : "/" + suffix)
    }

    func validate() throws(DeploymentValidationError) {
        guard (1...DeploymentLimits.maxTimeSteps).contains(graph.timeSteps) else {
            throw fail("/snnc", .resourceLimit, "time_steps \(graph.timeSteps) outside 1…\(DeploymentLimits.maxTimeSteps)")
        }
        try input()
        var shapes: [String: [Int]] = [:]
        for layer in graph.layers {
            let inputShapes = layer.inputs.map { shapes[$0] ?? [] }
            try shape(layer, inputShapes)
            shapes[layer.name] = layer.shape
            try parameters(layer)
        }
        try counts()
    }

    private func input() throws(DeploymentValidationError) {
        if let q = graph.inputQuantization, !(q.scale.isFinite && q.scale > 0) {
            throw fail("/snnc/input", .finite, "input scale \(q.scale) is not a positive finite number")
        }
        if let r = graph.inputRange, !(r.maxAbs.isFinite && r.maxAbs >= 0) {
            throw fail("/snnc/input", .finite, "range_max_abs \(r.maxAbs) is not a finite non-negative number")
        }
    }

    // MARK: - Shapes

    private func shape(_ layer: Layer, _ inputs: [[Int]]) throws(DeploymentValidationError) {
        let object = layerPath(layer.name)
        func require(_ ok: Bool, _ detail: @autoclosure () -> String) throws(DeploymentValidationError) {
            if !ok { throw fail(object, .shape, detail()) }
        }
        let input = inputs.first ?? []
        switch layer.op {
        case .input, .batchNorm:
            return
        case .conv(let conv):
            try require(conv.inputShape == input, "declares input_shape \(conv.inputShape) but its input has shape \(input)")
            let out = conv.outputShape
            try require(out.allSatisfy { $0 >= 1 } && layer.shape == out, "shape \(layer.shape) but the convolution gives \(out)")
        case .linear(let linear):
            try require(
                linear.inFeatures == input.reduce(1, *), "in_features \(linear.inFeatures) but its input has shape \(input)")
            try require(layer.shape == [linear.outFeatures], "shape \(layer.shape) but out_features \(linear.outFeatures)")
        case .identity(let identity):
            try require(
                layer.shape == input && identity.units == layer.unitCount,
                "\(identity.units) units, shape \(layer.shape), input shape \(input)")
        case .lif:
            try require(layer.shape == input, "shape \(layer.shape) but its input has shape \(input)")
        case .pool(let pool):
            try require(input.count == 3, "a pool needs a (C, H, W) input, found \(input)")
            let g = pool.geometry
            let out = [input[0], g.outputHeight(input[1]), g.outputWidth(input[2])]
            try require(out.allSatisfy { $0 >= 1 } && layer.shape == out, "shape \(layer.shape) but pooling \(input) gives \(out)")
        case .flatten:
            try require(layer.shape == [input.reduce(1, *)], "shape \(layer.shape) but flattening \(input) gives \(input.reduce(1, *))")
        case .add:
            try require(inputs.count >= 2, "an add needs two or more inputs, has \(inputs.count)")
            try require(inputs.allSatisfy { $0 == layer.shape }, "shape \(layer.shape) but its inputs have shapes \(inputs)")
        }
    }

    // MARK: - Parameters

    private func parameters(_ layer: Layer) throws(DeploymentValidationError) {
        if let weights = layer.op.synapticWeights {
            try synapses(layer, weights)
        } else if case .lif(let lif) = layer.op {
            try neurons(layer.name, lif)
        }
    }

    private func synapses(_ layer: Layer, _ weights: SynapticWeights) throws(DeploymentValidationError) {
        guard let q = weights.quantized, let table = weights.fanout else {
            throw fail(layerPath(layer.name), .quantised, "the layer has no integer weights and fan-out table")
        }
        let quant = layerPath(layer.name, "quant")
        for (name, value) in [("weight_scale", q.weightScale), ("event_scale", q.eventScale), ("state_scale", q.stateScale)]
        where !(value.isFinite && value > 0) {
            throw fail(quant, .finite, "\(name) \(value) is not a positive finite number")
        }
        if !(q.stats.maxWeightError.isFinite && q.stats.maxWeightError >= 0) {
            throw fail(quant, .finite, "max_weight_error \(q.stats.maxWeightError) is not a finite non-negative number")
        }
        if let bias = weights.bias, let i = bias.firstIndex(where: { !$0.isFinite }) {
            throw fail(layerPath(layer.name, "bias_float"), .finite, "entry \(i) is \(bias[i])")
        }
        let limit = Int64(1) << (q.bits - 1) - 1
        if let i = table.values.firstIndex(where: { abs(Int64($0)) > limit }) {
            throw fail(
                layerPath(layer.name, "fanout/data"), .weightRange,
                "entry \(i) is \(table.values[i]), outside ±\(limit) for \(q.bits)-bit weights")
        }
        if let bias = q.bias, let bits = drivenStateBits(layer.name) {
            let range = IntegerRange(bits: bits)
            if let i = bias.firstIndex(where: { !range.contains(Int64($0)) }) {
                throw fail(
                    layerPath(layer.name, "bias"), .biasRange,
                    "entry \(i) is \(bias[i]), outside \(range) for the \(bits)-bit state it drives")
            }
        }
    }

    /// The state bits of the neuron group `name` drives (through adds and shortcuts), or nil for
    /// the readout.
    private func drivenStateBits(_ name: String) -> Int? {
        var current = name
        for _ in graph.layers.indices {
            guard let next = graph.layers.first(where: { $0.inputs.contains(current) }) else { return nil }
            if case .lif(let lif) = next.op { return lif.quantized?.stateBits }
            current = next.name
        }
        return nil
    }

    private func neurons(_ name: String, _ lif: LIFGroup) throws(DeploymentValidationError) {
        let object = layerPath(name)
        if let tau = lif.tau, !(tau.isFinite && tau > 0) { throw fail(object, .finite, "tau \(tau) is not a positive finite number") }
        for (key, value) in [("threshold", lif.threshold), ("reset", lif.reset)] where !value.isFinite {
            throw fail(object, .finite, "\(key) \(value) is not finite")
        }
        guard let n = lif.quantized else { throw fail(object, .quantised, "the neuron group has no integer constants (neurons/)") }
        let neurons = layerPath(name, "neurons")
        if !(n.stateScale.isFinite && n.stateScale > 0) {
            throw fail(neurons, .finite, "state_scale \(n.stateScale) is not a positive finite number")
        }
        if !(n.decayError.isFinite && n.decayError >= 0) {
            throw fail(neurons, .finite, "decay_error \(n.decayError) is not a finite non-negative number")
        }
        let range = IntegerRange(bits: n.stateBits)
        if !range.contains(Int64(n.threshold)) {
            throw fail(neurons, .neuronRange, "threshold \(n.threshold) outside \(range) for \(n.stateBits)-bit state")
        }
        switch n.reset {
        case .toValue(let value) where !range.contains(Int64(value)):
            throw fail(neurons, .neuronRange, "reset \(value) outside \(range) for \(n.stateBits)-bit state")
        case .subtract(let amount) where !(1...range.upper).contains(Int64(amount)):
            throw fail(neurons, .neuronRange, "subtractive reset by \(amount) outside 1…\(range.upper) for \(n.stateBits)-bit state")
        default: break
        }
        switch (lif.tau, n.decay) {
        case (nil, .none): break
        case (nil, _):
            throw fail(neurons, .decay, "an integrate-and-fire group (neuron_model \"if\") must have decay \"none\", found \(n.decay)")
        case (_, .none):
            throw fail(neurons, .decay, "a leaky group (tau \(lif.tau ?? 0)) cannot have decay \"none\"")
        case (_, .shift(let k)) where !(1..<n.stateBits).contains(k):
            throw fail(neurons, .decay, "shift \(k) outside 1…\(n.stateBits - 1) for \(n.stateBits)-bit state")
        case (_, .multiply12(let d)) where !(0...4096).contains(d):
            throw fail(neurons, .decay, "multiply12 \(d) outside 0…4096")
        default: break
        }
        try currentBased(lif, n, object: neurons)
    }

    /// A current-based group (neuron_model "cuba-lif") has a synaptic current with decrement-shift
    /// decays of 0…15, an input shift of 0…15, at least one spike per step, a delay of 0 or 1, a
    /// subtractive reset and at most 32 state bits; no other group has any of these.
    private func currentBased(_ lif: LIFGroup, _ n: QuantizedNeurons, object: String) throws(DeploymentValidationError) {
        guard let current = n.current else {
            if lif.synapse != nil { throw fail(object, .decay, "a cuba-lif group has no synaptic current (synaptic_decay)") }
            if case .decrementShift = n.decay {
                throw fail(object, .decay, "decay \"decrement-shift\" is only for cuba-lif groups")
            }
            return
        }
        guard let synapse = lif.synapse else {
            throw fail(object, .decay, "a synaptic current (synaptic_decay) on a group whose neuron_model is not cuba-lif")
        }
        guard case .decrementShift(let km) = n.decay, case .decrementShift(let ks) = current.decay,
            (0...15).contains(km), (0...15).contains(ks)
        else {
            throw fail(object, .decay, "a cuba-lif group needs decrement-shift decays of 0…15, found \(n.decay) and \(current.decay)")
        }
        guard (0...15).contains(current.inputShift), current.maxSpikes >= 1, (0...1).contains(current.delay),
            current.maxSpikes == synapse.maxSpikes, current.delay == synapse.delay, n.stateBits <= 32,
            case .subtract = n.reset
        else {
            throw fail(
                object, .neuronRange,
                "cuba-lif: input_shift \(current.inputShift) (0…15), max_spikes \(current.maxSpikes) (≥ 1, as the layer's "
                    + "\(synapse.maxSpikes)), spike_delay \(current.delay) (0 or 1, as the layer's \(synapse.delay)), "
                    + "\(n.stateBits) state bits (≤ 32) and a subtractive reset are required")
        }
    }

    // MARK: - Counts and estimates

    private func counts() throws(DeploymentValidationError) {
        for layer in graph.layers {
            guard let stats = layer.op.synapticWeights?.quantized?.stats else { continue }
            let values = [stats.keptWeights, stats.clippedWeights, stats.zeroedWeights, stats.clippedBias, stats.biasCount]
            if let bad = values.first(where: { $0 < 0 }) {
                throw fail(layerPath(layer.name, "quant"), .counts, "a quantisation count is negative (\(bad))")
            }
        }
        if let placement = graph.placement {
            for c in placement.cores {
                let values = [c.core, c.neuronStart, c.neuronCount, c.storedSynapses, c.synapseBytes, c.fanIn, c.fanOut]
                if values.contains(where: { $0 < 0 }) {
                    throw fail("/snnc/mapping", .counts, "core \(c.core) of '\(c.population)' has a negative entry: \(values)")
                }
            }
        }
        guard let e = graph.estimates else { return }
        for (name, value) in [("cycles_per_step", e.cyclesPerStep), ("latency_seconds", e.latencySeconds)]
        where !(value.isFinite && value >= 0) {
            throw fail("/snnc/estimates", .finite, "\(name) \(value) is not a finite non-negative number")
        }
        if !e.staticEnergyPJ.isFinite { throw fail("/snnc/estimates", .finite, "static_energy_pj \(e.staticEnergyPJ) is not finite") }
        for row in e.layers {
            // A sum is finite only if every term is: one test covers every column of the row.
            let sum =
                row.inputEventsPerStep + row.outputSpikesPerStep + row.synapticOps + row.structuralOps + row.neuronUpdates
                + row.routedSpikes + row.hops + row.bytesMovedCSR + row.bytesMovedDense + row.energy.total + row.cyclesPerStep
            if !sum.isFinite { throw fail("/snnc/estimates/layers", .finite, "the row of '\(row.layer)' has a value that is not finite") }
        }
    }
}

/// The closed range of a signed `bits`-bit integer.
struct IntegerRange: CustomStringConvertible {
    let lower: Int64
    let upper: Int64

    init(bits: Int) {
        let b = min(max(bits, 2), 64)
        upper = b == 64 ? Int64.max : (Int64(1) << (b - 1)) - 1
        lower = b == 64 ? Int64.min : -(Int64(1) << (b - 1))
    }

    func contains(_ v: Int64) -> Bool { v >= lower && v <= upper }

    var description: String { "\(lower)…\(upper)" }
}
