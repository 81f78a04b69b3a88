import SNNIR
import SNNStore

/// Reads the `/snnc` group back into a `Graph`, checking shapes and tables as it goes.
struct SNNCGroupReader {
    let path: String
    let group: HDF5Group

    private func fail(_ object: String, _ reason: String) -> DeploymentFileError {
        DeploymentFileError(
            path: path, object: object, reason: reason, hint: "the file is damaged or was not written by snnc; export it again")
    }

    private func strings(_ g: HDF5Group, _ name: String) throws -> [String] {
        (try g.attributeNames()).contains(name) ? try g.stringsAttribute(name).values : []
    }

    private func int(_ g: HDF5Group, _ name: String) throws -> Int {
        Int(try g.scalarAttribute(name, as: Int64.self, convert: true))
    }

    private func ints(_ g: HDF5Group, _ name: String, count: Int? = nil) throws -> [Int] {
        let values = try g.attribute(name, as: Int64.self, convert: true).values.map(Int.init)
        if let count, values.count != count {
            throw fail(g.path, "attribute '\(name)' has \(values.count) values, expected \(count)")
        }
        return values
    }

    /// The element count of `dims`, refused above `DeploymentLimits.maxElements` (checked
    /// before anything of that size is allocated, without overflowing).
    @discardableResult
    private func count(_ dims: [Int], _ object: String, _ what: String) throws -> Int {
        var n = 1
        for d in dims {
            let (product, overflow) = n.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow, product <= DeploymentLimits.maxElements else {
                throw DeploymentFileError(
                    path: path, object: object,
                    reason: "\(what) \(dims) declares more than \(DeploymentLimits.maxElements) elements (rule: resource limit)",
                    hint: "the file is damaged or was not written by snnc; export it again")
            }
            n = product
        }
        return n
    }

    func read() throws -> Graph {
        let names = try group.readStrings("layer_order").values
        let layersGroup = try group.group("layers")
        var layers: [Layer] = []
        for name in names {
            guard layersGroup.kind(of: name) == .group else { throw fail(layersGroup.path + "/" + name, "missing layer group") }
            layers.append(try readLayer(name, try layersGroup.group(name)))
        }
        var graph = Graph(name: try group.stringAttribute("name"), timeSteps: try int(group, "time_steps"), layers: layers)
        graph.passes = try strings(group, "passes")
        let target = try group.stringAttribute("target")
        graph.target = target.isEmpty ? nil : target
        if let problem = graph.structuralProblems().first { throw fail(group.path, problem) }
        if group.kind(of: "input") == .group {
            let input = try group.group("input")
            let attributes = try input.attributeNames()
            if attributes.contains("range_max_abs") {
                graph.inputRange = InputRange(
                    maxAbs: try input.scalarAttribute("range_max_abs", as: Double.self),
                    source: try input.stringAttribute("range_source"))
            }
            if attributes.contains("scale") {
                let bits = Int(try input.scalarAttribute("bits", as: Int32.self))
                guard (2...32).contains(bits) else { throw fail(input.path, "input bits \(bits) outside 2…32") }
                var limit: Int32?
                if attributes.contains("event_limit") {
                    let value = try input.scalarAttribute("event_limit", as: Int32.self)
                    guard (1...Int32(1 << (bits - 1)) - 1).contains(value) else {
                        throw fail(input.path, "event limit \(value) outside 1…\((1 << (bits - 1)) - 1) for \(bits) input bits")
                    }
                    limit = value
                }
                graph.inputQuantization = InputQuantization(
                    scale: try input.scalarAttribute("scale", as: Double.self), bits: bits, eventLimit: limit)
            }
            if input.kind(of: "preprocessing") == .group {
                graph.inputPreprocessing = try readPreprocessing(try input.group("preprocessing"))
            }
        }
        if group.kind(of: "mapping") == .group { graph.placement = try readPlacement(try group.group("mapping")) }
        if group.kind(of: "estimates") == .group { graph.estimates = try readEstimates(try group.group("estimates")) }
        if group.kind(of: "provenance") == .group {
            let p = try group.group("provenance")
            graph.provenance = Provenance(
                sourceFile: try p.stringAttribute("source_model"), sourceSHA256: try p.stringAttribute("source_sha256"),
                command: try p.stringAttribute("command_line"), toolVersion: try p.stringAttribute("tool_version"),
                target: try p.stringAttribute("target"), createdUTC: try p.stringAttribute("created_utc"))
            if try p.attributeNames().contains("source_level") {
                let level = try p.scalarAttribute("source_level", as: Int64.self)
                guard level >= 0 else { throw fail(p.path, "source_level \(level) is negative") }
                graph.provenance?.sourceLevel = Int(level)
            }
        }
        return graph
    }

    /// `input/preprocessing/` (format 2.1); files without it read as before (nil).
    private func readPreprocessing(_ g: HDF5Group) throws -> InputPreprocessing {
        let originText = try g.stringAttribute("origin")
        guard let origin = InputPreprocessing.Origin(rawValue: originText) else {
            throw fail(g.path, "unknown origin '\(originText)' (known: dataset_default, given, unknown)")
        }
        let encodingText = try g.stringAttribute("encoding")
        guard let encoding = InputPreprocessing.Encoding(rawValue: encodingText) else {
            throw fail(g.path, "unknown input encoding '\(encodingText)' (known: direct)")
        }
        let p = InputPreprocessing(
            dataset: try g.stringAttribute("dataset"), origin: origin,
            mean: try g.attribute("mean", as: Float.self).values, std: try g.attribute("std", as: Float.self).values,
            padding: try int(g, "padding"), pixelDivisor: try g.scalarAttribute("pixel_divisor", as: Float.self),
            encoding: encoding)
        if let problem = p.problem { throw fail(g.path, "input preprocessing \(problem)") }
        return p
    }

    private func readGeometry(_ g: HDF5Group) throws -> ConvGeometry {
        let k = try ints(g, "kernel", count: 2)
        let s = try ints(g, "stride", count: 2)
        let p = try ints(g, "padding", count: 2)
        let limit = DeploymentLimits.maxElements
        guard k.allSatisfy({ (1...limit).contains($0) }), s.allSatisfy({ (1...limit).contains($0) }),
            p.allSatisfy({ (0...limit).contains($0) })
        else {
            throw fail(g.path, "invalid window: kernel \(k), stride \(s), padding \(p)")
        }
        return ConvGeometry(kernelH: k[0], kernelW: k[1], strideH: s[0], strideW: s[1], padH: p[0], padW: p[1])
    }

    private func readLayer(_ name: String, _ g: HDF5Group) throws -> Layer {
        let kind = try g.stringAttribute("kind")
        let inputs = try strings(g, "inputs")
        let shape = try ints(g, "shape")
        guard shape.allSatisfy({ $0 >= 1 }) else { throw fail(g.path, "invalid shape \(shape)") }
        try count(shape, g.path, "shape")
        let op: Operation
        switch kind {
        case "input": op = .input
        case "flatten": op = .flatten
        case "add": op = .add
        case "batchnorm":
            op = .batchNorm(
                BatchNormLayer(
                    mean: try g.read("mean", as: Float.self).values,
                    variance: try g.read("variance", as: Float.self).values,
                    gamma: try g.read("gamma", as: Float.self).values,
                    beta: try g.read("beta", as: Float.self).values,
                    epsilon: try g.scalarAttribute("epsilon", as: Float.self)))
        case "conv":
            let inputShape = try ints(g, "input_shape", count: 3)
            let outChannels = try int(g, "out_channels")
            let geometry = try readGeometry(g)
            guard inputShape.allSatisfy({ $0 >= 1 }), outChannels >= 1 else { throw fail(g.path, "invalid conv sizes") }
            let weightShape = [outChannels, inputShape[0], geometry.kernelH, geometry.kernelW]
            try count(inputShape, g.path, "input_shape")
            try count(weightShape, g.path, "weight shape")
            try count([outChannels, geometry.kernelH, geometry.kernelW], g.path, "kernel table columns")
            var conv = ConvLayer(
                inputShape: inputShape, outChannels: outChannels, geometry: geometry,
                encoder: try g.scalarAttribute("encoder", as: Int8.self) != 0,
                weights: SynapticWeights(weight: .zeros(weightShape), bias: nil))
            conv.weights = try readWeights(g, shape: weightShape, outputs: outChannels) { csr in
                let layout = KernelCSRLayout(conv)
                guard csr.rows == layout.rows, csr.columns == layout.columns else { return nil }
                return layout.denseWeights(csr)
            }
            op = .conv(conv)
        case "linear":
            let n = try int(g, "in_features")
            let m = try int(g, "out_features")
            guard n >= 1, m >= 1 else { throw fail(g.path, "invalid linear sizes \(n)→\(m)") }
            try count([m, n], g.path, "weight shape")
            let weights = try readWeights(g, shape: [m, n], outputs: m) { csr in
                let layout = LinearCSRLayout(inFeatures: n, outFeatures: m)
                guard csr.rows == n, csr.columns == m else { return nil }
                return layout.denseWeights(csr)
            }
            op = .linear(LinearLayer(inFeatures: n, outFeatures: m, weights: weights))
        case "identity":
            let n = try int(g, "units")
            guard n >= 1 else { throw fail(g.path, "invalid unit count \(n)") }
            try count([n], g.path, "units")
            let weights = try readWeights(g, shape: [n], outputs: n) { csr in
                guard csr.rows == n, csr.columns == n else { return nil }
                return IdentityCSRLayout(units: n).gains(csr)
            }
            op = .identity(IdentityLayer(units: n, weights: weights))
        case "pool":
            guard let poolKind = PoolLayer.Kind(rawValue: try g.stringAttribute("pool")) else {
                throw fail(g.path, "unknown pool kind")
            }
            op = .pool(PoolLayer(kind: poolKind, geometry: try readGeometry(g)))
        case "lif":
            // 2.0 and 2.1 files have LIF neurons with a hard reset only (no `neuron_model`, `reset_mode`).
            let model = (try g.attributeNames()).contains("neuron_model") ? try g.stringAttribute("neuron_model") : "lif"
            guard ["lif", "if", "cuba-lif"].contains(model) else { throw fail(g.path, "unknown neuron model '\(model)'") }
            var lif = LIFGroup(
                tau: model != "if" ? try g.scalarAttribute("tau", as: Float.self) : nil,
                threshold: try g.scalarAttribute("threshold", as: Float.self),
                reset: try g.scalarAttribute("reset", as: Float.self),
                resetMode: try resetMode(g),
                inputGainFolded: try g.scalarAttribute("input_gain_folded", as: Int8.self) != 0)
            if model == "cuba-lif" {
                lif.synapse = SynapticCurrent(
                    tau: try g.scalarAttribute("tau_syn", as: Float.self),
                    maxSpikes: Int(try g.scalarAttribute("max_spikes", as: Int32.self)),
                    delay: Int(try g.scalarAttribute("spike_delay", as: Int32.self)))
            }
            if g.kind(of: "neurons") == .group { lif.quantized = try readNeurons(try g.group("neurons")) }
            op = .lif(lif)
        default:
            throw fail(g.path, "unknown layer kind '\(kind)'")
        }
        return Layer(name: name, inputs: inputs, shape: shape, op: op)
    }

    /// A group's `reset_mode` attribute (`zero` when absent, as in files before 2.2).
    private func resetMode(_ g: HDF5Group) throws -> ResetMode {
        guard try g.attributeNames().contains("reset_mode") else { return .zero }
        let text = try g.stringAttribute("reset_mode")
        guard let mode = ResetMode(rawValue: text) else { throw fail(g.path, "unknown reset mode '\(text)'") }
        return mode
    }

    /// The integer reset: `reset` is the value after a spike, or the amount subtracted (> 0).
    private func integerReset(_ n: HDF5Group) throws -> IntegerReset {
        let value = try n.scalarAttribute("reset", as: Int32.self)
        switch try resetMode(n) {
        case .zero: return .toValue(value)
        case .subtract:
            guard value > 0 else { throw fail(n.path, "subtractive reset by \(value) (must be positive)") }
            return .subtract(value)
        }
    }

    private func readNeurons(_ n: HDF5Group) throws -> QuantizedNeurons {
        let bits = Int(try n.scalarAttribute("state_bits", as: Int32.self))
        guard (2...64).contains(bits) else { throw fail(n.path, "state bits \(bits) outside 2…64") }
        guard let compare = ThresholdCompare(rawValue: try n.stringAttribute("compare")) else {
            throw fail(n.path, "unknown threshold comparison")
        }
        var current: QuantizedCurrent?
        if try n.attributeNames().contains("synaptic_decay") {
            current = QuantizedCurrent(
                decay: try readDecay(n, prefix: "synaptic_decay"),
                inputShift: Int(try n.scalarAttribute("input_shift", as: Int32.self)),
                maxSpikes: Int(try n.scalarAttribute("max_spikes", as: Int32.self)),
                delay: Int(try n.scalarAttribute("spike_delay", as: Int32.self)))
        }
        return QuantizedNeurons(
            stateScale: try n.scalarAttribute("state_scale", as: Double.self), stateBits: bits,
            threshold: try n.scalarAttribute("threshold", as: Int32.self), compare: compare,
            reset: try integerReset(n), decay: try readDecay(n, prefix: "decay"),
            decayError: try n.scalarAttribute("decay_error", as: Double.self), current: current)
    }

    /// An integer decay written as `<prefix>` (kind) and `<prefix>_value`.
    private func readDecay(_ n: HDF5Group, prefix: String) throws -> IntegerDecay {
        let value = Int(try n.scalarAttribute(prefix + "_value", as: Int32.self))
        switch try n.stringAttribute(prefix) {
        case "none" where value == 0: return .none
        case "shift" where (0..<64).contains(value): return .shift(value)
        case "multiply12" where (0...4096).contains(value): return .multiply12(value)
        case "decrement-shift" where (0...15).contains(value): return .decrementShift(value)
        default: throw fail(n.path, "unknown or out-of-range \(prefix)")
        }
    }

    /// Reads a layer's weights; `denseFromCSR` rebuilds the dense integer layout from the fan-out
    /// table (nil when the table's shape does not match the layer). A float layer has its dense
    /// weights and mask; a quantised layer's float `weight` comes back as the dequantised integers
    /// (`q · weight_scale`) and its mask as nil (see `SNNCGroupWriter.writeWeights`).
    private func readWeights(
        _ g: HDF5Group, shape: [Int], outputs: Int,
        denseFromCSR: (CSRMatrix<Int32>) -> [Int32]?
    ) throws -> SynapticWeights {
        var weights = SynapticWeights(weight: .zeros(shape), bias: nil)
        if g.kind(of: "bias_float") == .dataset { weights.bias = try g.read("bias_float", as: Float.self, shape: [outputs]).values }
        guard g.kind(of: "quant") == .group else {
            weights.weight = DenseTensor(shape: shape, values: try g.read("weight", as: Float.self, shape: shape).values)
            if g.kind(of: "mask") == .dataset { weights.mask = try g.read("mask", as: UInt8.self, shape: shape).values.map { $0 != 0 } }
            return weights
        }
        let quant = try g.group("quant")
        let bits = Int(try quant.scalarAttribute("bits", as: Int32.self))
        guard (2...32).contains(bits) else { throw fail(quant.path, "weight bits \(bits) outside 2…32") }
        guard g.kind(of: "fanout") == .group else { throw fail(g.path, "quantised layer without a fanout table") }
        let csr = try readCSR(try g.group("fanout"))
        guard let dense = denseFromCSR(csr), dense.count == shape.reduce(1, *) else {
            throw fail(g.path + "/fanout", "table shape (\(csr.rows), \(csr.columns)) does not match the layer")
        }
        let stats = QuantizationStats(
            keptWeights: try int(quant, "kept_weights"), clippedWeights: try int(quant, "clipped_weights"),
            zeroedWeights: try int(quant, "zeroed_weights"), clippedBias: try int(quant, "clipped_bias"),
            biasCount: try int(quant, "bias_count"), maxWeightError: try quant.scalarAttribute("max_weight_error", as: Double.self))
        let bias = g.kind(of: "bias") == .dataset ? try g.read("bias", as: Int32.self, shape: [outputs]).values : nil
        weights.quantized = QuantizedSynapses(
            values: dense, bias: bias, bits: bits, weightScale: try quant.scalarAttribute("weight_scale", as: Double.self),
            eventScale: try quant.scalarAttribute("event_scale", as: Double.self),
            stateScale: try quant.scalarAttribute("state_scale", as: Double.self), stats: stats)
        weights.fanout = csr
        return weights.storedForm
    }

    /// Reads an AnnData `csr_matrix` group (any integer `data` type).
    private func readCSR(_ g: HDF5Group) throws -> CSRMatrix<Int32> {
        guard (try? g.stringAttribute("encoding-type")) == "csr_matrix" else { throw fail(g.path, "not a csr_matrix element") }
        let shape = try ints(g, "shape", count: 2)
        try count([shape[0]], g.path, "table rows")
        try count([shape[1]], g.path, "table columns")
        let data = try g.read("data", as: Int32.self, convert: true).values
        let indices = try g.read("indices", as: Int32.self, convert: true).values
        let indptr = try g.read("indptr", as: Int64.self, convert: true).values.map(Int.init)
        do {
            return try CSRMatrix.validated(rows: shape[0], columns: shape[1], rowOffsets: indptr, columnIndices: indices, values: data)
        } catch {
            throw fail(g.path, error.description)
        }
    }

    private func readPlacement(_ g: HDF5Group) throws -> Placement {
        let meshWidth = try int(g, "mesh_width")
        guard meshWidth >= 1 else { throw fail(g.path, "mesh width \(meshWidth)") }
        guard try int(g, "n_cores") > 0 else { return Placement(cores: [], meshWidth: meshWidth) }
        let core = try g.read("core", as: Int32.self).values
        let population = try g.readStrings("population").values
        let columns = try ["neuron_start", "neuron_count", "stored_synapses", "synapse_bytes", "fan_in", "fan_out"].map {
            try g.read($0, as: Int64.self, shape: [core.count]).values.map(Int.init)
        }
        guard population.count == core.count else { throw fail(g.path, "mapping columns differ in length") }
        let cores = core.indices.map { i in
            CoreAllocation(
                core: Int(core[i]), population: population[i], neuronStart: columns[0][i], neuronCount: columns[1][i],
                storedSynapses: columns[2][i], synapseBytes: columns[3][i], fanIn: columns[4][i], fanOut: columns[5][i])
        }
        return Placement(cores: cores, meshWidth: meshWidth)
    }

    private func readEstimates(_ g: HDF5Group) throws -> Estimates {
        let activity: ActivitySource =
            try g.stringAttribute("activity") == "calibrated"
            ? .calibrated(images: try int(g, "calibration_images"))
            : .assumedRate(try g.scalarAttribute("assumed_rate", as: Double.self))
        let memory =
            g.kind(of: "memory_per_core") == .dataset
            ? try g.read("memory_per_core", as: Int64.self).values.map(Int.init) : []
        var rows: [LayerEstimate] = []
        if g.kind(of: "layers") == .group {
            let t = try g.group("layers")
            let layer = try t.readStrings("layer").values
            let kind = try t.readStrings("kind").values
            let population = try t.readStrings("population").values
            let n = layer.count
            guard kind.count == n, population.count == n else { throw fail(t.path, "estimate columns differ in length") }
            let integers = try EstimateColumns.integers.map { try t.read($0.0, as: Int64.self, shape: [n]).values.map(Int.init) }
            let reals = try EstimateColumns.reals.map { try t.read($0.0, as: Double.self, shape: [n]).values }
            let included = try t.read("memory_energy_included", as: UInt8.self, shape: [n]).values
            // Written only for targets with `e_mac_pj` (format 2.1 files before it have none: 0).
            let inputMACs =
                t.kind(of: "energy_input_macs_pj") == .dataset
                ? try t.read("energy_input_macs_pj", as: Double.self, shape: [n]).values : [Double](repeating: 0, count: n)
            rows = (0..<n).map { i in
                LayerEstimate(
                    layer: layer[i], kind: kind[i], population: population[i], neurons: integers[0][i], cores: integers[1][i],
                    weights: integers[2][i], nonZeroWeights: integers[3][i], synapses: integers[4][i],
                    connections: integers[5][i], csrBytes: integers[6][i], denseBytes: integers[7][i],
                    memoryBytes: integers[8][i], inputEventsPerStep: reals[0][i], outputSpikesPerStep: reals[1][i],
                    synapticOps: reals[2][i], structuralOps: reals[3][i], neuronUpdates: reals[4][i],
                    routedSpikes: reals[5][i], hops: reals[6][i], bytesMovedCSR: reals[7][i], bytesMovedDense: reals[8][i],
                    energy: EnergyBreakdown(
                        synapticOps: reals[9][i], neuronUpdates: reals[10][i], routing: reals[11][i],
                        memory: reals[12][i], memoryIncluded: included[i] != 0, staticEnergy: 0,
                        inputMACs: inputMACs[i]),
                    cyclesPerStep: reals[13][i])
            }
        }
        return Estimates(
            activity: activity, timeSteps: try int(g, "time_steps"), layers: rows, memoryPerCore: memory,
            cyclesPerStep: try g.scalarAttribute("cycles_per_step", as: Double.self),
            latencySeconds: try g.scalarAttribute("latency_seconds", as: Double.self),
            staticEnergyPJ: try g.scalarAttribute("static_energy_pj", as: Double.self),
            costs: g.kind(of: "target_costs") == .group ? try readCosts(try g.group("target_costs")) : nil)
    }

    /// Reads `/snnc/estimates/target_costs` (see `TargetCostFields`).
    private func readCosts(_ g: HDF5Group) throws -> TargetCosts {
        let names = Set(try g.attributeNames())
        let reals = try TargetCostFields.names.map { try g.scalarAttribute($0, as: Double.self) }
        guard reals.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw fail(g.path, "a cost figure is negative or not finite") }
        let tick = names.contains("tick_hz") ? try g.scalarAttribute("tick_hz", as: Double.self) : nil
        // Absent in files written before `e_mac_pj` existed and for targets without it: input MACs
        // are then charged as synaptic operations, as those files were.
        let mac = names.contains("input_mac_pj") ? try g.scalarAttribute("input_mac_pj", as: Double.self) : nil
        if let mac, !(mac.isFinite && mac >= 0) { throw fail(g.path, "input_mac_pj is negative or not finite") }
        var costs = TargetCostFields.costs(
            target: try g.stringAttribute("target"), reals: reals, tickHz: tick,
            includesWeightRead: try g.scalarAttribute("synaptic_op_includes_weight_read", as: Int8.self) != 0)
        costs.energy.inputMACPJ = mac
        return costs
    }
}
