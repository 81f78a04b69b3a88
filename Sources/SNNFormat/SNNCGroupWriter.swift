import SNNIR
import SNNStore

/// Writes the `/snnc` group: the IR, its integer tables, quantisation, core map, estimates and
/// provenance (layout in docs/FORMAT.md).
struct SNNCGroupWriter {
    let graph: Graph
    let nir: NIRGraph

    func write(into snnc: HDF5Group) throws {
        try snnc.setAttribute("format", string: DeploymentFile.formatName)
        try snnc.setAttribute("format_version", [DeploymentFile.majorVersion, DeploymentFile.minorVersion])
        try snnc.setAttribute("nir_version", string: DeploymentFile.nirVersion)
        try snnc.setAttribute("name", string: graph.name)
        try snnc.setAttribute("time_steps", scalar: Int64(graph.timeSteps))
        try snnc.setAttribute("target", string: graph.target ?? "")
        try setStrings(snnc, "passes", graph.passes)
        try snnc.write("layer_order", strings: graph.layers.map(\.name))
        let sim = try snnc.createGroup("sim")
        try sim.setAttribute("dt_steps", scalar: 1.0)
        try sim.setAttribute("reset", string: "per layer: layers/<name> reset_mode (zero: hard reset, subtract: soft)")
        try sim.setAttribute("neuron_model", string: "per layer: lif h = decay*v + i, decay = 1 - 1/tau; if h = v + i; cuba-lif: see docs")
        try sim.setAttribute("float_threshold_compare", string: ">=")
        try writeInput(snnc)
        let layers = try snnc.createGroup("layers")
        for layer in graph.layers {
            try writeLayer(layer, into: layers.createGroup(layer.name))
        }
        if let placement = graph.placement { try writePlacement(placement, into: snnc.createGroup("mapping")) }
        if let estimates = graph.estimates { try writeEstimates(estimates, into: snnc.createGroup("estimates")) }
        if let provenance = graph.provenance { try writeProvenance(provenance, into: snnc.createGroup("provenance")) }
    }

    private func setStrings(_ group: HDF5Group, _ name: String, _ values: [String]) throws {
        if !values.isEmpty { try group.setAttribute(name, strings: values) }
    }

    private func writeInput(_ snnc: HDF5Group) throws {
        guard graph.inputRange != nil || graph.inputQuantization != nil || graph.inputPreprocessing != nil else { return }
        let input = try snnc.createGroup("input")
        if let range = graph.inputRange {
            try input.setAttribute("range_max_abs", scalar: range.maxAbs)
            try input.setAttribute("range_source", string: range.source)
        }
        if let q = graph.inputQuantization {
            try input.setAttribute("scale", scalar: q.scale)
            try input.setAttribute("bits", scalar: Int32(q.bits))
            if let limit = q.eventLimit { try input.setAttribute("event_limit", scalar: limit) }
        }
        if let p = graph.inputPreprocessing {
            let g = try input.createGroup("preprocessing")
            try g.setAttribute("dataset", string: p.dataset)
            try g.setAttribute("origin", string: p.origin.rawValue)
            try g.setAttribute("pixel_divisor", scalar: p.pixelDivisor)
            try g.setAttribute("mean", p.mean)
            try g.setAttribute("std", p.std)
            try g.setAttribute("padding", scalar: Int64(p.padding))
            try g.setAttribute("encoding", string: p.encoding.rawValue)
        }
    }

    private func writeLayer(_ layer: Layer, into g: HDF5Group) throws {
        try g.setAttribute("kind", string: layer.op.kindName)
        try setStrings(g, "inputs", layer.inputs)
        try g.setAttribute("shape", layer.shape.map(Int64.init))
        switch layer.op {
        case .input, .flatten, .add:
            break
        case .batchNorm(let bn):
            try g.write("mean", bn.mean)
            try g.write("variance", bn.variance)
            try g.write("gamma", bn.gamma)
            try g.write("beta", bn.beta)
            try g.setAttribute("epsilon", scalar: bn.epsilon)
        case .conv(let conv):
            try g.setAttribute("input_shape", conv.inputShape.map(Int64.init))
            try g.setAttribute("out_channels", scalar: Int64(conv.outChannels))
            try writeGeometry(conv.geometry, g)
            try g.setAttribute("encoder", scalar: Int8(conv.encoder ? 1 : 0))
            try writeWeights(conv.weights, layer: layer.name, into: g)
        case .linear(let linear):
            try g.setAttribute("in_features", scalar: Int64(linear.inFeatures))
            try g.setAttribute("out_features", scalar: Int64(linear.outFeatures))
            try writeWeights(linear.weights, layer: layer.name, into: g)
        case .identity(let identity):
            try g.setAttribute("units", scalar: Int64(identity.units))
            try writeWeights(identity.weights, layer: layer.name, into: g)
        case .pool(let pool):
            try g.setAttribute("pool", string: pool.kind.rawValue)
            try writeGeometry(pool.geometry, g)
        case .lif(let lif):
            try g.setAttribute("neuron_model", string: lif.synapse != nil ? "cuba-lif" : lif.isLeaky ? "lif" : "if")
            if let tau = lif.tau { try g.setAttribute("tau", scalar: tau) }
            if let synapse = lif.synapse {
                try g.setAttribute("tau_syn", scalar: synapse.tau)
                try g.setAttribute("max_spikes", scalar: Int32(synapse.maxSpikes))
                try g.setAttribute("spike_delay", scalar: Int32(synapse.delay))
            }
            try g.setAttribute("threshold", scalar: lif.threshold)
            try g.setAttribute("reset", scalar: lif.reset)
            try g.setAttribute("reset_mode", string: lif.resetMode.rawValue)
            try g.setAttribute("input_gain_folded", scalar: Int8(lif.inputGainFolded ? 1 : 0))
            if let q = lif.quantized {
                let n = try g.createGroup("neurons")
                try n.setAttribute("state_scale", scalar: q.stateScale)
                try n.setAttribute("state_bits", scalar: Int32(q.stateBits))
                try n.setAttribute("threshold", scalar: q.threshold)
                try n.setAttribute("compare", string: q.compare.rawValue)
                switch q.reset {
                case .toValue(let value): try n.setAttribute("reset", scalar: value)
                case .subtract(let amount): try n.setAttribute("reset", scalar: amount)
                }
                try n.setAttribute("reset_mode", string: q.reset.mode.rawValue)
                try writeDecay(q.decay, prefix: "decay", into: n)
                try n.setAttribute("decay_error", scalar: q.decayError)
                if let current = q.current {
                    try writeDecay(current.decay, prefix: "synaptic_decay", into: n)
                    try n.setAttribute("input_shift", scalar: Int32(current.inputShift))
                    try n.setAttribute("max_spikes", scalar: Int32(current.maxSpikes))
                    try n.setAttribute("spike_delay", scalar: Int32(current.delay))
                }
            }
        }
    }

    /// An integer decay as `<prefix>` (its kind) and `<prefix>_value` (its constant).
    private func writeDecay(_ decay: IntegerDecay, prefix: String, into n: HDF5Group) throws {
        let (kind, value): (String, Int) =
            switch decay {
            case .none: ("none", 0)
            case .shift(let k): ("shift", k)
            case .multiply12(let d): ("multiply12", d)
            case .decrementShift(let k): ("decrement-shift", k)
            }
        try n.setAttribute(prefix, string: kind)
        try n.setAttribute(prefix + "_value", scalar: Int32(value))
    }

    private func writeGeometry(_ g: ConvGeometry, _ group: HDF5Group) throws {
        try group.setAttribute("kernel", [Int64(g.kernelH), Int64(g.kernelW)])
        try group.setAttribute("stride", [Int64(g.strideH), Int64(g.strideW)])
        try group.setAttribute("padding", [Int64(g.padH), Int64(g.padW)])
    }

    /// A quantised layer stores its integers (the fan-out table and the integer bias) and the float
    /// bias; its dense float weights and mask are not repeated (the ticket holds them, and the NIR
    /// root holds the dequantised integers). A float layer stores its dense weights and mask.
    private func writeWeights(_ weights: SynapticWeights, layer: String, into g: HDF5Group) throws {
        if let bias = weights.bias { try g.write("bias_float", bias) }
        guard let q = weights.quantized else {
            try g.write("weight", weights.weight.values, shape: weights.weight.shape)
            if let mask = weights.mask { try g.write("mask", mask.map { $0 ? UInt8(1) : 0 }, shape: weights.weight.shape) }
            return
        }
        let quant = try g.createGroup("quant")
        try quant.setAttribute("scheme", string: "symmetric")
        try quant.setAttribute("granularity", string: "per_layer")
        try quant.setAttribute("bits", scalar: Int32(q.bits))
        try quant.setAttribute("weight_scale", scalar: q.weightScale)
        try quant.setAttribute("event_scale", scalar: q.eventScale)
        try quant.setAttribute("state_scale", scalar: q.stateScale)
        try quant.setAttribute("nir_weight_scale", scalar: nir.weightScales[layer] ?? 0)
        try quant.setAttribute("kept_weights", scalar: Int64(q.stats.keptWeights))
        try quant.setAttribute("clipped_weights", scalar: Int64(q.stats.clippedWeights))
        try quant.setAttribute("zeroed_weights", scalar: Int64(q.stats.zeroedWeights))
        try quant.setAttribute("clipped_bias", scalar: Int64(q.stats.clippedBias))
        try quant.setAttribute("bias_count", scalar: Int64(q.stats.biasCount))
        try quant.setAttribute("max_weight_error", scalar: q.stats.maxWeightError)
        if let bias = q.bias { try g.write("bias", bias) }
        if let csr = weights.fanout { try writeCSR(csr, bits: q.bits, into: g.createGroup("fanout")) }
    }

    /// An AnnData `csr_matrix` element: `data`, `indices` (int32), `indptr` (int64).
    private func writeCSR(_ csr: CSRMatrix<Int32>, bits: Int, into g: HDF5Group) throws {
        try g.setAttribute("encoding-type", string: "csr_matrix")
        try g.setAttribute("encoding-version", string: "0.1.0")
        try g.setAttribute("shape", [Int64(csr.rows), Int64(csr.columns)])
        switch bits {
        case ...8: try g.write("data", csr.values.map { Int8($0) })
        case ...16: try g.write("data", csr.values.map { Int16($0) })
        default: try g.write("data", csr.values)
        }
        try g.write("indices", csr.columnIndices)
        try g.write("indptr", csr.rowOffsets.map(Int64.init))
    }

    private func writePlacement(_ p: Placement, into g: HDF5Group) throws {
        try g.setAttribute("mesh_width", scalar: Int64(p.meshWidth))
        try g.setAttribute("n_cores", scalar: Int64(p.cores.count))
        guard !p.cores.isEmpty else { return }
        try g.write("core", p.cores.map { Int32($0.core) })
        try g.write("population", strings: p.cores.map(\.population))
        try g.write("neuron_start", p.cores.map { Int64($0.neuronStart) })
        try g.write("neuron_count", p.cores.map { Int64($0.neuronCount) })
        try g.write("stored_synapses", p.cores.map { Int64($0.storedSynapses) })
        try g.write("synapse_bytes", p.cores.map { Int64($0.synapseBytes) })
        try g.write("fan_in", p.cores.map { Int64($0.fanIn) })
        try g.write("fan_out", p.cores.map { Int64($0.fanOut) })
    }

    private func writeEstimates(_ e: Estimates, into g: HDF5Group) throws {
        switch e.activity {
        case .calibrated(let images):
            try g.setAttribute("activity", string: "calibrated")
            try g.setAttribute("calibration_images", scalar: Int64(images))
        case .assumedRate(let rate):
            try g.setAttribute("activity", string: "assumed_rate")
            try g.setAttribute("assumed_rate", scalar: rate)
        }
        try g.setAttribute("activity_label", string: e.activity.label)
        try g.setAttribute("time_steps", scalar: Int64(e.timeSteps))
        try g.setAttribute("cycles_per_step", scalar: e.cyclesPerStep)
        try g.setAttribute("latency_seconds", scalar: e.latencySeconds)
        try g.setAttribute("static_energy_pj", scalar: e.staticEnergyPJ)
        try g.setAttribute("memory_bytes", scalar: Int64(e.memoryBytes))
        try g.setAttribute("synapses_total", scalar: Int64(e.synapses))
        try g.setAttribute("synaptic_ops_per_inference", scalar: e.synapticOps)
        try g.setAttribute("energy_pj_per_inference", scalar: e.energy.total)
        if !e.memoryPerCore.isEmpty { try g.write("memory_per_core", e.memoryPerCore.map(Int64.init)) }
        if let costs = e.costs { try writeCosts(costs, into: g.createGroup("target_costs")) }
        guard !e.layers.isEmpty else { return }
        let rows = try g.createGroup("layers")
        try rows.write("layer", strings: e.layers.map(\.layer))
        try rows.write("kind", strings: e.layers.map(\.kind))
        try rows.write("population", strings: e.layers.map(\.population))
        for (name, column) in EstimateColumns.integers { try rows.write(name, e.layers.map { Int64(column($0)) }) }
        for (name, column) in EstimateColumns.reals { try rows.write(name, e.layers.map(column)) }
        try rows.write("memory_energy_included", e.layers.map { $0.energy.memoryIncluded ? UInt8(1) : 0 })
        if e.costs?.energy.inputMACPJ != nil { try rows.write("energy_input_macs_pj", e.layers.map(\.energy.inputMACs)) }
    }

    /// The target's figures (`[timing]`, `[energy]`, memory bytes), one attribute each.
    private func writeCosts(_ c: TargetCosts, into g: HDF5Group) throws {
        try g.setAttribute("target", string: c.target)
        for (name, value) in TargetCostFields.reals(c) { try g.setAttribute(name, scalar: value) }
        if let tick = c.timing.tickHz { try g.setAttribute("tick_hz", scalar: tick) }
        try g.setAttribute("synaptic_op_includes_weight_read", scalar: Int8(c.energy.synapticOpIncludesWeightRead ? 1 : 0))
        if let mac = c.energy.inputMACPJ { try g.setAttribute("input_mac_pj", scalar: mac) }
    }

    private func writeProvenance(_ p: Provenance, into g: HDF5Group) throws {
        try g.setAttribute("tool", string: "snnc")
        try g.setAttribute("tool_version", string: p.toolVersion)
        try g.setAttribute("source_model", string: p.sourceFile)
        try g.setAttribute("source_sha256", string: p.sourceSHA256)
        try g.setAttribute("command_line", string: p.command)
        try g.setAttribute("target", string: p.target)
        try g.setAttribute("created_utc", string: p.createdUTC)
        if let level = p.sourceLevel { try g.setAttribute("source_level", scalar: Int64(level)) }
    }
}

/// The numeric columns of `/snnc/estimates/layers`, shared by writer and reader.
enum EstimateColumns {
    static let integers: [(String, @Sendable (LayerEstimate) -> Int)] = [
        ("neurons", \.neurons), ("cores", \.cores), ("weights", \.weights), ("nonzero_weights", \.nonZeroWeights),
        ("synapses", \.synapses), ("connections", \.connections), ("csr_bytes", \.csrBytes),
        ("dense_bytes", \.denseBytes), ("memory_bytes", \.memoryBytes),
    ]
    static let reals: [(String, @Sendable (LayerEstimate) -> Double)] = [
        ("input_events_per_step", \.inputEventsPerStep), ("output_spikes_per_step", \.outputSpikesPerStep),
        ("synaptic_ops", \.synapticOps), ("structural_ops", \.structuralOps), ("neuron_updates", \.neuronUpdates),
        ("routed_spikes", \.routedSpikes), ("hops", \.hops), ("bytes_moved_csr", \.bytesMovedCSR),
        ("bytes_moved_dense", \.bytesMovedDense), ("energy_synaptic_ops_pj", \.energy.synapticOps),
        ("energy_neuron_updates_pj", \.energy.neuronUpdates), ("energy_routing_pj", \.energy.routing),
        ("energy_memory_pj", \.energy.memory), ("cycles_per_step", \.cyclesPerStep),
    ]
}

/// The real-valued attributes of `/snnc/estimates/target_costs`, shared by writer and reader.
enum TargetCostFields {
    static let names = [
        "clock_hz", "cycles_per_row_fetch", "cycles_per_synaptic_op", "cycles_per_neuron_update",
        "cycles_per_hop", "cycles_per_barrier", "synaptic_op_pj", "neuron_update_pj", "spike_route_pj",
        "memory_pj_per_byte", "static_power_mw", "bytes_per_row_fetch", "bytes_per_synaptic_op",
    ]

    static func reals(_ c: TargetCosts) -> [(String, Double)] {
        let t = c.timing
        let e = c.energy
        let m = c.memory
        return Array(
            zip(
                names,
                [
                    t.clockHz, t.cyclesPerRowFetch, t.cyclesPerSynapticOp, t.cyclesPerNeuronUpdate,
                    t.cyclesPerHop, t.cyclesPerBarrier, e.synapticOpPJ, e.neuronUpdatePJ, e.spikeRoutePJ,
                    e.memoryPJPerByte, e.staticPowerMW, m.bytesPerRowFetch, m.bytesPerSynapticOp,
                ]))
    }

    /// The costs from the attribute values in `names` order.
    static func costs(target: String, reals v: [Double], tickHz: Double?, includesWeightRead: Bool) -> TargetCosts {
        TargetCosts(
            target: target,
            timing: ChipTiming(
                clockHz: v[0], cyclesPerRowFetch: v[1], cyclesPerSynapticOp: v[2], cyclesPerNeuronUpdate: v[3],
                cyclesPerHop: v[4], cyclesPerBarrier: v[5], tickHz: tickHz),
            energy: ChipEnergy(
                synapticOpPJ: v[6], synapticOpIncludesWeightRead: includesWeightRead, neuronUpdatePJ: v[7],
                spikeRoutePJ: v[8], memoryPJPerByte: v[9], staticPowerMW: v[10]),
            memory: .init(bytesPerRowFetch: v[11], bytesPerSynapticOp: v[12]))
    }
}
