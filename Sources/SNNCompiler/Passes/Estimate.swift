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
/// energy already includes the weight read; static energy = static power · latency. The encoder's
/// ops (MACs on the analog input) cost e_mac_pj instead of e_synaptic_op when the profile sets it.
/// Cycles per step of a layer are those of its busiest core: its share of row fetches
/// (events × destination cores), synaptic ops and neuron updates, plus its share of hops. The
/// encoder's one-off work is divided by T. Latency per inference = T · Σ cycles / clock (plus the
/// barrier per step), or T / tick_hz when the target steps on a slower timer.
///
/// - Throws: `CompileError.passOrder` before `mapCores`; `.unsupportedGraph` for a calibration
///   whose step count differs from the graph's, that lacks a LIF group, or whose per-unit
///   counts do not fit their layer.
public func estimate(
    _ graph: Graph, for profile: ChipProfile, calibration: Calibration? = nil,
    assumedRate: Double = 0.1
) throws(CompileError) -> Graph {
    try graph.require("mapCores", before: "estimate")
    guard let placement = graph.placement else {
        throw CompileError(.passOrder, reason: "'estimate' needs a placement")
    }
    if let calibration { try checkCalibration(calibration, for: graph) }
    let events = outputEvents(of: graph, calibration: calibration, assumedRate: assumedRate)
    let populations = try graph.populations()
    let consumers = consumerCores(of: populations, in: graph, placement: placement)
    let costs = LayerCosts(graph: graph, profile: profile, calibration: calibration, events: events)
    var rows: [LayerEstimate] = []
    var cyclesPerStep = 0.0
    for p in populations {
        let traffic = PopulationTraffic(p, placement: placement, events: events, consumerCores: consumers[p.name] ?? [])
        for (position, f) in p.feeders.enumerated() {
            guard let c = Connectivity(graph.layers[f].op) else { continue }
            let row = costs.row(graph.layers[f], c, population: p, traffic: traffic, first: position == 0)
            cyclesPerStep += row.cyclesPerStep
            rows.append(row)
        }
    }
    var g = graph
    g.estimates = totals(
        rows, layerCyclesPerStep: cyclesPerStep, timeSteps: graph.timeSteps, placement: placement,
        profile: profile, activity: calibration.map { .calibrated(images: $0.images) } ?? .assumedRate(assumedRate))
    g.passes.append("estimate")
    return g
}

/// The cores each population's spikes go to: those of the populations it feeds (by population name).
private func consumerCores(of populations: [Population], in graph: Graph, placement: Placement) -> [String: [Int]] {
    var consumerCores: [String: [Int]] = [:]
    for p in populations {
        for f in p.feeders {
            let (source, _) = graph.eventSource(of: f)
            consumerCores[graph.layers[source].name, default: []] += placement.cores(of: p.name).map(\.core)
        }
    }
    return consumerCores
}

/// The whole network's figures from its layer rows: cycles per step (the layers' plus the
/// barrier), latency (bounded below by the tick when the target has one) and static energy.
private func totals(
    _ rows: [LayerEstimate], layerCyclesPerStep: Double, timeSteps T: Int, placement: Placement,
    profile: ChipProfile, activity: ActivitySource
) -> Estimates {
    let timing = profile.timing
    let cyclesPerStep = layerCyclesPerStep + timing.cyclesPerBarrier
    var latency = Double(T) * cyclesPerStep / timing.clockHz
    if let tick = timing.tickHz { latency = max(latency, Double(T) / tick) }
    return Estimates(
        activity: activity, timeSteps: T, layers: rows,
        memoryPerCore: memoryPerCore(placement), cyclesPerStep: cyclesPerStep,
        latencySeconds: latency, staticEnergyPJ: profile.energy.staticPowerMW * latency * 1e9,
        costs: profile.costs)
}

/// Synapse bytes per core id, in order of first appearance: several populations on one core
/// (single-core targets) add up to that core's memory.
private func memoryPerCore(_ placement: Placement) -> [Int] {
    var order: [Int] = []
    var bytes: [Int: Int] = [:]
    for c in placement.cores {
        if bytes[c.core] == nil { order.append(c.core) }
        bytes[c.core, default: 0] += c.synapseBytes
    }
    return order.map { bytes[$0] ?? 0 }
}
