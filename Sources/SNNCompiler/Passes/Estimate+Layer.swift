import SNNIR

/// What a population sends and where, shared by the rows of the layers that feed it.
struct PopulationTraffic {
    /// The population's cores.
    let cores: [CoreAllocation]
    /// Neurons on its busiest core.
    let maxNeurons: Int
    /// The busiest core's share of the population's neurons.
    let share: Double
    /// Spikes per inference (none for the readout).
    let spikesPerInference: Double
    /// Mean destination cores per neuron.
    let destinationCores: Double
    /// Mean Manhattan distance between its cores and its consumers' cores.
    let meanHops: Double
    /// First neuron of each core.
    let starts: [Int]

    /// The traffic of `p`, whose spikes go to `targets` (cores).
    init(_ p: Population, placement: Placement, events: [String: [Double]], consumerCores targets: [Int]) {
        let cores = placement.cores(of: p.name)
        let maxNeurons = cores.map(\.neuronCount).max() ?? p.units
        self.cores = cores
        self.maxNeurons = maxNeurons
        share = Double(maxNeurons) / Double(max(p.units, 1))
        let spikes = events[p.name].map { p.isReadout ? [] : $0 } ?? []
        spikesPerInference = spikes.reduce(0, +)
        destinationCores = Double(cores.reduce(0) { $0 + $1.fanOut }) / Double(max(p.units, 1))
        var hopSum = 0.0
        for c in cores { for d in targets { hopSum += Double(placement.hops(from: c.core, to: d)) } }
        meanHops = cores.isEmpty || targets.isEmpty ? 0 : hopSum / Double(cores.count * targets.count)
        starts = cores.map(\.neuronStart)
    }
}

/// Events a synaptic layer reads per inference and the work and memory traffic they cause.
struct SynapticTraffic {
    let eventsIn: Double
    let synapticOps: Double
    let movedCSR: Double
    let movedDense: Double
}

/// The estimate row of one synaptic layer (see `estimate` for the formulas).
struct LayerCosts {
    let graph: Graph
    let numerics: ChipProfile.Numerics
    let timing: ChipProfile.Timing
    let energy: ChipProfile.Energy
    let calibration: Calibration?
    /// Non-zero outputs per step of each layer (`outputEvents`).
    let events: [String: [Double]]
    let wb: Double, ib: Double, pb: Double

    init(graph: Graph, profile: ChipProfile, calibration: Calibration?, events: [String: [Double]]) {
        self.graph = graph
        numerics = profile.numerics
        timing = profile.timing
        energy = profile.energy
        self.calibration = calibration
        self.events = events
        // A chip that signs weights by axon type stores every input twice (positive and negative axon).
        wb = Double(numerics.weightBits * (numerics.signsByAxonType ? 2 : 1))
        ib = Double(numerics.indexBits)
        pb = Double(numerics.pointerBits)
    }

    var T: Int { graph.timeSteps }

    /// The row of `layer` (connectivity `c`) feeding population `p`; the `first` feeder also
    /// carries the population's neurons, cores, updates and routing.
    func row(
        _ layer: Layer, _ c: Connectivity, population p: Population, traffic: PopulationTraffic,
        first: Bool
    ) -> LayerEstimate {
        let isEncoder: Bool = if case .conv(let conv) = layer.op { conv.encoder } else { false }
        let sharing: Bool = if case .conv = layer.op { numerics.weightSharing } else { false }
        let inputs = Double(max(c.inputUnits, 1))
        let flow = synapticTraffic(layer, c, encoder: isEncoder, sharing: sharing)
        let neuronUpdates = first ? Double(p.units * T) : 0
        let routed = first ? traffic.spikesPerInference * traffic.destinationCores : 0
        let hops = routed * traffic.meanHops
        let moved = numerics.sparseStorage ? flow.movedCSR : flow.movedDense
        let operations = energy.operationEnergy(synapticOps: flow.synapticOps, inputMACs: isEncoder ? flow.synapticOps : 0)
        let rowEnergy = EnergyBreakdown(
            synapticOps: operations.synapticOps, neuronUpdates: neuronUpdates * energy.neuronUpdatePJ,
            routing: hops * energy.spikeRoutePJ, memory: moved * energy.memoryPJPerByte,
            memoryIncluded: !energy.synapticOpIncludesWeightRead, staticEnergy: 0, inputMACs: operations.inputMACs)
        let cycles = cyclesPerStep(flow, c, traffic, hops: hops, first: first)
        let table = tableBytes(c, sharing: sharing)
        return LayerEstimate(
            layer: layer.name, kind: layer.op.kindName, population: p.name,
            neurons: first ? p.units : 0, cores: first ? traffic.cores.count : 0,
            weights: c.storedEntries, nonZeroWeights: c.storedNonZero, synapses: c.synapses,
            connections: c.connections, csrBytes: table.csr, denseBytes: table.dense,
            memoryBytes: memoryBytes(c, on: traffic.cores),
            inputEventsPerStep: isEncoder ? flow.eventsIn : flow.eventsIn / Double(T),
            outputSpikesPerStep: first ? traffic.spikesPerInference / Double(T) : 0,
            synapticOps: flow.synapticOps, structuralOps: flow.eventsIn * Double(c.connections) / inputs,
            neuronUpdates: neuronUpdates, routedSpikes: routed, hops: hops,
            bytesMovedCSR: flow.movedCSR, bytesMovedDense: flow.movedDense, energy: rowEnergy, cyclesPerStep: cycles)
    }

    /// Events in (the encoder reads every analog input once, or only the non-zero ones when the
    /// calibration counts them per unit), synaptic ops and bytes moved per inference.
    private func synapticTraffic(_ layer: Layer, _ c: Connectivity, encoder: Bool, sharing: Bool) -> SynapticTraffic {
        let inputs = Double(max(c.inputUnits, 1))
        var eventsIn: Double =
            encoder
            ? Double(c.inputUnits)
            : (layer.inputs.first.flatMap { events[$0] } ?? []).reduce(0, +)
        if encoder, let nonZero = calibration?.unitEvents[layer.inputs.first ?? ""] { eventsIn = nonZero.reduce(0, +) }
        let rowNonZero = sharing ? c.meanStoredRow : Double(c.synapses) / inputs
        let rowDense = sharing ? Double(c.denseStoredRow) : Double(c.connections) / inputs
        var synapticOps = eventsIn * Double(c.synapses) / inputs
        var movedCSR = eventsIn * (rowNonZero * (wb + ib) + pb) / 8
        if let perUnit = calibration.flatMap({ unitEvents(feeding: layer, in: graph, $0) }), perUnit.count == c.inputUnits {
            (synapticOps, movedCSR) = perUnitTraffic(perUnit, c, sharing: sharing, eventsIn: eventsIn)
        }
        return SynapticTraffic(
            eventsIn: eventsIn, synapticOps: synapticOps, movedCSR: movedCSR,
            movedDense: eventsIn * rowDense * wb / 8)
    }

    /// Synaptic ops and CSR bytes moved from per-unit event counts: `Σ_u e_u · fanout(u)` and the
    /// row non-zeros weighted per unit.
    private func perUnitTraffic(
        _ perUnit: [Double], _ c: Connectivity, sharing: Bool,
        eventsIn: Double
    ) -> (synapticOps: Double, movedCSR: Double) {
        let degrees = c.outDegrees()
        let rows = sharing ? c.storedRowNonZero() : degrees
        let unitsPerRow = c.inputUnits / max(rows.count, 1)
        var ops = 0.0
        var rowEntries = 0.0
        for u in perUnit.indices where perUnit[u] != 0 {
            ops += perUnit[u] * Double(degrees[u])
            rowEntries += perUnit[u] * Double(rows[u / unitsPerRow])
        }
        return (ops, (rowEntries * (wb + ib) + eventsIn * pb) / 8)
    }

    /// Cycles per step on the busiest core: its share of row fetches and synaptic ops, plus (for
    /// the first feeder) its neuron updates and share of hops; the encoder's one-off work / T.
    private func cyclesPerStep(
        _ flow: SynapticTraffic, _ c: Connectivity, _ traffic: PopulationTraffic,
        hops: Double, first: Bool
    ) -> Double {
        let inputs = Double(max(c.inputUnits, 1))
        let destinations = c.destinationCounts(chunkStarts: traffic.starts.isEmpty ? [0] : traffic.starts)
        let rowFetchesPerEvent = Double(destinations.reduce(0, +)) / inputs
        var work =
            (flow.synapticOps * timing.cyclesPerSynapticOp
                + flow.eventsIn * rowFetchesPerEvent * timing.cyclesPerRowFetch) * traffic.share
        if first {
            work += Double(traffic.maxNeurons * T) * timing.cyclesPerNeuronUpdate
            work += hops * timing.cyclesPerHop / Double(max(traffic.cores.count, 1))
        }
        return work / Double(T)
    }

    /// Synapse memory of the layer summed over the population's cores (whole bytes per core).
    private func memoryBytes(_ c: Connectivity, on cores: [CoreAllocation]) -> Int {
        var memoryBytes = 0
        for core in cores {
            let u = c.usage(of: core.neuronStart..<(core.neuronStart + core.neuronCount), numerics: numerics)
            memoryBytes += (u.bits + 7) / 8
        }
        return memoryBytes
    }

    /// Bytes of the layer's table stored as CSR and as dense weights.
    private func tableBytes(_ c: Connectivity, sharing: Bool) -> (csr: Int, dense: Int) {
        let csrBits = Double(sharing ? c.storedNonZero : c.synapses) * (wb + ib) + Double(c.storedRows(sharing) + 1) * pb
        let denseBits = Double(sharing ? c.storedEntries : c.connections) * wb
        return (Int((csrBits / 8).rounded(.up)), Int((denseBits / 8).rounded(.up)))
    }
}

extension Connectivity {
    /// Rows of the stored table: input channels for a weight-shared conv, else input units.
    func storedRows(_ sharing: Bool) -> Int { sharing ? storedRows : inputUnits }
}
