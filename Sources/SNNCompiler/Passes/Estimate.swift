import Foundation
import SNNIR

/// Estimates memory, operations, energy and latency of a mapped graph on a target.
///
/// Activity comes from `calibration` (mean non-zero outputs per image and step of each LIF
/// group, measured by running the quantised model) or, without one, from `assumedRate`: every
/// neuron fires with that probability at every step, and the result is labelled "structure
/// only". A pool's output is non-zero when any of its `k = kH·kW` inputs is, so a pool of input
/// rate r yields `1 − (1 − r)^k` per unit (unless calibrated); a flatten passes counts on.
///
/// Per synaptic layer L reading E events per inference (Σ over steps; the encoder reads every
/// analog input once, or only the non-zero ones when the calibration counts them per unit):
///
///     synaptic ops      = E · synapses(L) / inputs(L)           (non-zero weights: the mean fan-out)
///                       = Σ_u e_u · fanout(u)                   (with per-unit calibration e_u)
///     structural ops    = E · connections(L) / inputs(L)        (zeros included; sinabs-style)
///     bytes moved, CSR  = E · (row non-zeros · (weight_bits + index_bits) + pointer_bits) / 8
///                         (row non-zeros weighted per unit when the calibration has unit counts)
///     bytes moved, dense= E · row length · weight_bits / 8
///
/// where a row is a kernel row (one input channel) on weight-sharing targets for conv and an
/// unrolled fan-out row otherwise. Per population (reported on its first feeding layer):
/// neuron updates = neurons · T; routed spikes = spikes · mean destination cores per neuron;
/// hops = routed spikes · mean Manhattan distance between the population's cores and its
/// consumers' cores. Energy: ops · e_synaptic_op + updates · e_neuron_update + hops · e_spike_route,
/// plus bytes moved (in the target's storage format) · e_memory_pj_per_byte unless the per-op
/// energy already includes the weight read; static energy = static power · latency.
/// Cycles per step of a layer are those of its busiest core: its share of row fetches
/// (events × destination cores), synaptic ops and neuron updates, plus its share of hops. The
/// encoder's one-off work is divided by T. Latency per inference = T · Σ cycles / clock (plus the
/// barrier per step), or T / tick_hz when the target steps on a slower timer.
///
/// - Throws: `CompileError.passOrder` before `mapCores`; `.unsupportedGraph` for a calibration
///   whose step count differs from the graph's, that lacks a LIF group, or whose per-unit
///   counts do not fit their layer.
public func estimate(_ graph: Graph, for profile: ChipProfile, calibration: Calibration? = nil,
                     assumedRate: Double = 0.1) throws(CompileError) -> Graph {
    try graph.require("mapCores", before: "estimate")
    guard let placement = graph.placement else {
        throw CompileError(.passOrder, reason: "'estimate' needs a placement")
    }
    var g = graph
    let T = g.timeSteps
    let numerics = profile.numerics, timing = profile.timing, energy = profile.energy
    let wb = Double(numerics.weightBits), ib = Double(numerics.indexBits), pb = Double(numerics.pointerBits)
    if let calibration {
        // Sorted, so that the same bad calibration always names the same layer.
        for (name, counts) in calibration.events.sorted(by: { $0.key < $1.key }) where counts.count != T {
            throw CompileError(.unsupportedGraph, layer: name,
                               reason: "the calibration has \(counts.count) steps for this layer, the graph runs \(T)")
        }
        for lif in g.neuronGroups where calibration.events[lif.name] == nil {
            throw CompileError(.unsupportedGraph, layer: lif.name, reason: "the calibration has no spike counts for this LIF group")
        }
        for (name, counts) in calibration.unitEvents.sorted(by: { $0.key < $1.key }) {
            guard let layer = g.layer(named: name) else {
                throw CompileError(.unsupportedGraph, layer: name, reason: "the calibration has unit counts for a layer the graph does not have")
            }
            guard counts.count == layer.unitCount else {
                throw CompileError(.unsupportedGraph, layer: name,
                                   reason: "the calibration has \(counts.count) unit counts for a layer of \(layer.unitCount) units")
            }
        }
    }

    // Non-zero outputs per step of each layer, computed in order.
    var events: [String: [Double]] = [:]
    for layer in g.layers {
        if let measured = calibration?.events[layer.name] { events[layer.name] = measured; continue }
        let input = layer.inputs.first.flatMap { events[$0] } ?? []
        switch layer.op {
        case .input:
            events[layer.name] = Array(repeating: Double(layer.unitCount), count: T)
        case .lif:
            events[layer.name] = Array(repeating: assumedRate * Double(layer.unitCount), count: T)
        case .flatten:
            events[layer.name] = input
        case .pool(let pool):
            let inputUnits = Double(g.layer(named: layer.inputs[0])?.unitCount ?? 1)
            let k = Double(pool.geometry.kernelH * pool.geometry.kernelW)
            events[layer.name] = input.map { e in
                let r = min(1, max(0, e / inputUnits))
                return (1 - Foundation.pow(1 - r, k)) * Double(layer.unitCount)
            }
        default:
            events[layer.name] = []
        }
    }

    let populations = try g.populations()
    var consumerCores: [String: [Int]] = [:]   // population → cores of the populations it feeds
    for p in populations {
        for f in p.feeders {
            let (source, _) = g.eventSource(of: f)
            consumerCores[g.layers[source].name, default: []] += placement.cores(of: p.name).map(\.core)
        }
    }

    var rows: [LayerEstimate] = []
    var cyclesPerStep = 0.0
    for p in populations {
        let cores = placement.cores(of: p.name)
        let maxNeurons = cores.map(\.neuronCount).max() ?? p.units
        let share = Double(maxNeurons) / Double(max(p.units, 1))
        let spikes = events[p.name].map { p.isReadout ? [] : $0 } ?? []
        let spikesPerInference = spikes.reduce(0, +)
        let destinationCores = Double(cores.reduce(0) { $0 + $1.fanOut }) / Double(max(p.units, 1))
        let targets = consumerCores[p.name] ?? []
        var hopSum = 0.0
        for c in cores { for d in targets { hopSum += Double(placement.hops(from: c.core, to: d)) } }
        let meanHops = cores.isEmpty || targets.isEmpty ? 0 : hopSum / Double(cores.count * targets.count)
        let starts = cores.map(\.neuronStart)
        for (position, f) in p.feeders.enumerated() {
            guard let c = Connectivity(g.layers[f].op) else { continue }
            let layer = g.layers[f]
            let isEncoder: Bool = if case .conv(let conv) = layer.op { conv.encoder } else { false }
            let sharing: Bool = if case .conv = layer.op { numerics.weightSharing } else { false }
            let inputs = Double(max(c.inputUnits, 1))
            var eventsIn: Double = isEncoder ? Double(c.inputUnits)
                : (layer.inputs.first.flatMap { events[$0] } ?? []).reduce(0, +)
            if isEncoder, let nonZero = calibration?.unitEvents[layer.inputs.first ?? ""] { eventsIn = nonZero.reduce(0, +) }
            let rowNonZero = sharing ? c.meanStoredRow : Double(c.synapses) / inputs
            let rowDense = sharing ? Double(c.denseStoredRow) : Double(c.connections) / inputs
            var synapticOps = eventsIn * Double(c.synapses) / inputs
            var movedCSR = eventsIn * (rowNonZero * (wb + ib) + pb) / 8
            if let perUnit = calibration.flatMap({ unitEvents(feeding: layer, in: g, $0) }), perUnit.count == c.inputUnits {
                let degrees = c.outDegrees()
                let rows = sharing ? c.storedRowNonZero() : degrees
                let unitsPerRow = c.inputUnits / max(rows.count, 1)
                var ops = 0.0, rowEntries = 0.0
                for u in perUnit.indices where perUnit[u] != 0 {
                    ops += perUnit[u] * Double(degrees[u])
                    rowEntries += perUnit[u] * Double(rows[u / unitsPerRow])
                }
                synapticOps = ops
                movedCSR = (rowEntries * (wb + ib) + eventsIn * pb) / 8
            }
            let movedDense = eventsIn * rowDense * wb / 8
            let first = position == 0
            let neuronUpdates = first ? Double(p.units * T) : 0
            let routed = first ? spikesPerInference * destinationCores : 0
            let hops = routed * meanHops
            let moved = numerics.sparseStorage ? movedCSR : movedDense
            let rowEnergy = EnergyBreakdown(
                synapticOps: synapticOps * energy.synapticOpPJ, neuronUpdates: neuronUpdates * energy.neuronUpdatePJ,
                routing: hops * energy.spikeRoutePJ, memory: moved * energy.memoryPJPerByte,
                memoryIncluded: !energy.synapticOpIncludesWeightRead, staticEnergy: 0)
            let destinations = c.destinationCounts(chunkStarts: starts.isEmpty ? [0] : starts)
            let rowFetchesPerEvent = Double(destinations.reduce(0, +)) / inputs
            var work = (synapticOps * timing.cyclesPerSynapticOp + eventsIn * rowFetchesPerEvent * timing.cyclesPerRowFetch) * share
            if first {
                work += Double(maxNeurons * T) * timing.cyclesPerNeuronUpdate
                work += hops * timing.cyclesPerHop / Double(max(cores.count, 1))
            }
            let cycles = work / Double(T)
            cyclesPerStep += cycles
            var memoryBytes = 0
            for core in cores {
                let u = c.usage(of: core.neuronStart..<(core.neuronStart + core.neuronCount), numerics: numerics)
                memoryBytes += (u.bits + 7) / 8
            }
            let csrBits = Double(sharing ? c.storedNonZero : c.synapses) * (wb + ib) + Double(c.storedRows(sharing) + 1) * pb
            let denseBits = Double(sharing ? c.storedEntries : c.connections) * wb
            rows.append(LayerEstimate(
                layer: layer.name, kind: layer.op.kindName, population: p.name,
                neurons: first ? p.units : 0, cores: first ? cores.count : 0,
                weights: c.storedEntries, nonZeroWeights: c.storedNonZero, synapses: c.synapses,
                connections: c.connections, csrBytes: Int((csrBits / 8).rounded(.up)),
                denseBytes: Int((denseBits / 8).rounded(.up)), memoryBytes: memoryBytes,
                inputEventsPerStep: isEncoder ? eventsIn : eventsIn / Double(T),
                outputSpikesPerStep: first ? spikesPerInference / Double(T) : 0,
                synapticOps: synapticOps, structuralOps: eventsIn * Double(c.connections) / inputs,
                neuronUpdates: neuronUpdates, routedSpikes: routed, hops: hops,
                bytesMovedCSR: movedCSR, bytesMovedDense: movedDense, energy: rowEnergy, cyclesPerStep: cycles))
        }
    }
    cyclesPerStep += timing.cyclesPerBarrier
    var latency = Double(T) * cyclesPerStep / timing.clockHz
    if let tick = timing.tickHz { latency = max(latency, Double(T) / tick) }
    let activity: ActivitySource = calibration.map { .calibrated(images: $0.images) } ?? .assumedRate(assumedRate)
    g.estimates = Estimates(activity: activity, timeSteps: T, layers: rows,
                            memoryPerCore: placement.cores.map(\.synapseBytes), cyclesPerStep: cyclesPerStep,
                            latencySeconds: latency, staticEnergyPJ: energy.staticPowerMW * latency * 1e9,
                            costs: profile.costs)
    g.passes.append("estimate")
    return g
}

extension Connectivity {
    /// Rows of the stored table: input channels for a weight-shared conv, else input units.
    func storedRows(_ sharing: Bool) -> Int { sharing ? storedRows : inputUnits }
}

/// The calibration's per-unit event counts of the layer whose events `layer` reads (through
/// flatten layers, which keep C-order), if it has them.
private func unitEvents(feeding layer: Layer, in graph: Graph, _ calibration: Calibration) -> [Double]? {
    var name = layer.inputs.first
    while let current = name {
        if let counts = calibration.unitEvents[current] { return counts }
        guard let source = graph.layer(named: current), case .flatten = source.op else { return nil }
        name = source.inputs.first
    }
    return nil
}
