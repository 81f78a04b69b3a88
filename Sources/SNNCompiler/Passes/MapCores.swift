import SNNIR

/// Places every population on cores within the target's limits.
///
/// A population (a LIF group, or the readout) is cut into `k` contiguous ranges of neuron
/// indices of equal size (the last may be shorter), one per core; a core hosts one population.
/// Each core stores the synapses of every layer feeding its neurons, in the target's format:
///
/// - weight-sharing targets store, for a conv, the kernel entries of the output channels the
///   core hosts (rows = input channels), and count one input axon per input channel;
/// - other targets store unrolled synapses and count one input axon per presynaptic unit (for a
///   conv: active input channels × input pixels in the receptive field of the core's positions);
/// - sparse storage costs `entries·(weight_bits + index_bits) + (axons + 1)·pointer_bits` bits,
///   dense storage `entries·weight_bits` with every zero counted.
///
/// The smallest `k` that satisfies neurons, synapse memory and fan-in per core is searched
/// (doubling, then bisection). Fan-out per core is the sum over hosted neurons of the distinct
/// destination cores each one reaches (a conv input channel reaches every core holding an
/// output channel it has weights into; a pooled unit counts on the core of its window's first
/// neuron); a population over the limit is cut finer until it fits. Core ids are consecutive in
/// population order, on a square mesh of `ceil(sqrt(cores))` columns.
///
/// - Throws: `CompileError.capacity` naming the layer and the limit when even one neuron per
///   core does not fit, when a neuron has more inputs than `max_fan_in_per_neuron`, or when the
///   network needs more cores than the target has.
public func mapCores(_ graph: Graph, for profile: ChipProfile) throws(CompileError) -> Graph {
    try graph.require("lowerToCSR", before: "mapCores")
    switch profile.cores.mapping {
    case .layerPerCore: return try mapOneLayerPerCore(graph, for: profile)
    case .singleCore: return try mapSingleCore(graph, for: profile)
    case .split: break
    }
    var g = graph
    let populations = try g.populations()
    let limits = profile.cores
    let connectivity = feederConnectivity(populations, g)
    if let limit = limits.maxFanInPerNeuron {
        try checkFanInPerNeuron(populations, connectivity, g, limit: limit)
    }
    // Smallest chunk count per population for neurons, memory and fan-in.
    var chunks: [Int] = []
    for p in populations {
        let feeders = p.feeders.compactMap { f in connectivity[f].map { (g.layers[f].name, $0) } }
        chunks.append(try smallestChunkCount(p, feeders: feeders, profile: profile))
    }
    // Cut finer for fan-out, then check the count: an error gives the cores the mapping takes
    // (the count `coreDemand` gives the fit tables). When the cut itself fails, the lower bound
    // (if already too many) or the cut's own error.
    var cut = chunks
    let fanOuts: [[Int]]
    if let cutFanOuts = try? cutForFanOut(&cut, populations, connectivity, g, limits: limits, requireCount: false) {
        let finer = populations.indices.filter { cut[$0] > chunks[$0] }.map { "'\(populations[$0].name)'" }
        let why =
            finer.isEmpty
            ? "" : " (\(finer.joined(separator: ", ")) cut finer to keep each core within fan_out_per_core = \(limits.fanOutPerCore))"
        try requireCores(cut, populations, limits, reason: why, complete: true)
        (chunks, fanOuts) = (cut, cutFanOuts)
    } else {
        try requireCores(chunks, populations, limits, reason: "")
        fanOuts = try cutForFanOut(&chunks, populations, connectivity, g, limits: limits, requireCount: true)
    }
    let cores = allocateCores(populations, chunks: chunks, fanOuts: fanOuts, connectivity, numerics: profile.numerics)
    g.placement = Placement(cores: cores, meshWidth: max(1, Int(Double(limits.count).squareRoot().rounded(.up))))
    g.passes.append("mapCores")
    return g
}

/// `mapping = "layer-per-core"`: every population with its conv or linear layer on the one core
/// `assignLayerCores` picks (core ids are the chip's); memory is the padded kernel memory.
private func mapOneLayerPerCore(_ graph: Graph, for profile: ChipProfile) throws(CompileError) -> Graph {
    var g = graph
    let assignment = try assignLayerCores(graph, for: profile)
    let cores = assignment.layers.compactMap { use -> CoreAllocation? in
        guard let core = use.core else { return nil }
        return CoreAllocation(
            core: core, population: use.population, neuronStart: 0,
            neuronCount: graph.layer(named: use.population)?.unitCount ?? 0, storedSynapses: use.memory.kernel,
            synapseBytes: (use.memory.kernel * profile.numerics.weightBits + 7) / 8, fanIn: use.inChannels,
            fanOut: use.destinations.count)
    }
    g.placement = Placement(cores: cores, meshWidth: max(1, Int(Double(profile.cores.count).squareRoot().rounded(.up))))
    g.passes.append("mapCores")
    return g
}

/// `mapping = "single-core"`: every population on core 0, as `assignSingleCore` classes it. A
/// population stores the weights into it as Xylo does: dense input and output weights (the chip's
/// input and output weight memories are dense matrices), non-zero recurrent weights only.
private func mapSingleCore(_ graph: Graph, for profile: ChipProfile) throws(CompileError) -> Graph {
    var g = graph
    let assignment = try assignSingleCore(graph, for: profile)
    let bits = profile.numerics.weightBits
    let cores = assignment.groups.map { group -> CoreAllocation in
        // Output weights: a dense matrix over the hidden neurons feeding the readout.
        let stored =
            group.neuronClass == .output ? group.presynapticUnits * group.count : group.inputWeights + group.synapsesFromHidden
        return CoreAllocation(
            core: 0, population: group.population, neuronStart: 0, neuronCount: group.count, storedSynapses: stored,
            synapseBytes: (stored * bits + 7) / 8, fanIn: group.presynapticUnits, fanOut: 0)
    }
    g.placement = Placement(cores: cores, meshWidth: 1)
    g.passes.append("mapCores")
    return g
}

/// Throws `.capacity` when a neuron of some population receives more than `limit` synapses
/// (in-degrees add up per neuron over the feeders of a residual sum).
private func checkFanInPerNeuron(
    _ populations: [Population], _ connectivity: [Int: Connectivity], _ g: Graph,
    limit: Int
) throws(CompileError) {
    for p in populations {
        var worst = (layer: p.name, degree: 0)
        for f in p.feeders {
            guard let c = connectivity[f] else { continue }
            let (_, degree) = c.maxInDegree
            if degree > worst.degree { worst = (g.layers[f].name, degree) }
        }
        if p.feeders.count > 1 {
            // Residual sums: in-degrees add up per neuron.
            var total = [Int](repeating: 0, count: p.units)
            for f in p.feeders {
                guard let c = connectivity[f] else { continue }
                for u in 0..<p.units { total[u] += c.usageDegree(u) }
            }
            let most = total.max() ?? 0
            if most > worst.degree { worst = (p.name, most) }
        }
        if worst.degree > limit {
            throw CompileError(
                .capacity, layer: worst.layer, limit: "[cores] max_fan_in_per_neuron = \(limit)",
                reason: "a neuron receives \(worst.degree) synapses",
                hint: "prune this layer further or choose a target without a per-neuron fan-in limit")
        }
    }
}

/// The connectivity of every synaptic layer feeding a population, by layer index.
func feederConnectivity(_ populations: [Population], _ g: Graph) -> [Int: Connectivity] {
    var connectivity: [Int: Connectivity] = [:]
    for p in populations {
        for f in p.feeders { connectivity[f] = Connectivity(g.layers[f].op) }
    }
    return connectivity
}

/// Per population, the synaptic layers reading its events (through pools and flattens), in
/// layer order; and the population each synaptic layer feeds.
func consumerLayers(_ populations: [Population], _ g: Graph) -> (consumers: [[Int]], postOfFeeder: [Int: Int]) {
    var consumers: [[Int]] = Array(repeating: [], count: populations.count)
    let populationOfLayer = Dictionary(uniqueKeysWithValues: populations.enumerated().map { ($1.index, $0) })
    var postOfFeeder: [Int: Int] = [:]
    for (i, p) in populations.enumerated() { for f in p.feeders { postOfFeeder[f] = i } }
    for f in postOfFeeder.keys.sorted() {
        let (source, _) = g.eventSource(of: f)
        if let q = populationOfLayer[source] { consumers[q].append(f) }
    }
    return (consumers, postOfFeeder)
}

/// Cuts source populations finer until every core drives at most `fan_out_per_core` destination
/// cores; returns the fan-out of every core (per population, per chunk). With `requireCount`,
/// throws the `[cores] cores` error as soon as the cut needs more cores than the target has;
/// without it (`coreDemand`), cuts until every population is within the fan-out limit.
func cutForFanOut(
    _ chunks: inout [Int], _ populations: [Population], _ connectivity: [Int: Connectivity],
    _ g: Graph, limits: ChipProfile.Cores, requireCount: Bool
) throws(CompileError) -> [[Int]] {
    let (consumers, postOfFeeder) = consumerLayers(populations, g)
    var fanOuts: [[Int]] = []
    for _ in 0..<(populations.reduce(0) { $0 + $1.units } + 1) {
        fanOuts = populations.indices.map { q in
            fanOut(of: q, populations, chunks, consumers[q], postOfFeeder, connectivity, g)
        }
        guard let q = populations.indices.first(where: { (fanOuts[$0].max() ?? 0) > limits.fanOutPerCore }) else { break }
        let most = fanOuts[q].max() ?? 0
        if chunks[q] >= populations[q].units {
            throw CompileError(
                .capacity, layer: populations[q].name, limit: "[cores] fan_out_per_core = \(limits.fanOutPerCore)",
                reason: "a single neuron reaches \(most) destination cores",
                hint: "choose a target with a larger fan-out, or with more neurons per core downstream")
        }
        let grown = Int((Double(chunks[q]) * Double(most) / Double(limits.fanOutPerCore)).rounded(.up))
        chunks[q] = min(populations[q].units, max(chunks[q] + 1, grown))
        let why = " ('\(populations[q].name)' cut finer to keep each core within fan_out_per_core = \(limits.fanOutPerCore))"
        if requireCount { try requireCores(chunks, populations, limits, reason: why) }
    }
    return fanOuts
}

/// One core per chunk, ids consecutive in population order, with the synapses, memory and
/// fan-in of every layer feeding the chunk's neurons.
private func allocateCores(
    _ populations: [Population], chunks: [Int], fanOuts: [[Int]],
    _ connectivity: [Int: Connectivity], numerics: ChipProfile.Numerics
) -> [CoreAllocation] {
    var cores: [CoreAllocation] = []
    for (q, p) in populations.enumerated() {
        let size = (p.units + chunks[q] - 1) / chunks[q]
        for (j, start) in stride(from: 0, to: p.units, by: size).enumerated() {
            let range = start..<min(p.units, start + size)
            var stored = 0
            var bits = 0
            var fanIn = 0
            for f in p.feeders {
                guard let c = connectivity[f] else { continue }
                let u = c.usage(of: range, numerics: numerics)
                stored += u.stored
                bits += u.bits
                fanIn += u.fanIn
            }
            cores.append(
                CoreAllocation(
                    core: cores.count, population: p.name, neuronStart: range.lowerBound,
                    neuronCount: range.count, storedSynapses: stored, synapseBytes: (bits + 7) / 8,
                    fanIn: fanIn, fanOut: j < fanOuts[q].count ? fanOuts[q][j] : 0))
        }
    }
    return cores
}

/// Chunk starts for `units` neurons cut into `k` chunks.
func chunkStarts(units: Int, chunks k: Int) -> [Int] {
    let size = (units + k - 1) / k
    return Array(stride(from: 0, to: units, by: size))
}

/// The first limit a cut into `k` chunks breaks, or nil if it fits.
func violation(
    _ p: Population, _ feeders: [(String, Connectivity)], k: Int,
    profile: ChipProfile
) -> (limit: String, needed: Int, layer: String)? {
    let limits = profile.cores
    let size = (p.units + k - 1) / k
    if size > limits.neuronsPerCore {
        return ("[cores] neurons_per_core = \(limits.neuronsPerCore)", size, p.name)
    }
    for start in stride(from: 0, to: p.units, by: size) {
        let range = start..<min(p.units, start + size)
        var bits = 0
        var fanIn = 0
        var heaviest = (name: p.name, bits: -1)
        for (name, c) in feeders {
            let u = c.usage(of: range, numerics: profile.numerics)
            bits += u.bits
            fanIn += u.fanIn
            if u.bits > heaviest.bits { heaviest = (name, u.bits) }
        }
        if (bits + 7) / 8 > limits.synapseMemoryBytesPerCore {
            return ("[cores] synapse_memory_bytes_per_core = \(limits.synapseMemoryBytesPerCore)", (bits + 7) / 8, heaviest.name)
        }
        if fanIn > limits.fanInPerCore {
            return ("[cores] fan_in_per_core = \(limits.fanInPerCore)", fanIn, feeders.count == 1 ? feeders[0].0 : p.name)
        }
    }
    return nil
}

/// The fewest chunks (cores) of `p` that keep neurons, synapse memory and fan-in within a core.
func smallestChunkCount(
    _ p: Population, feeders: [(String, Connectivity)],
    profile: ChipProfile
) throws(CompileError) -> Int {
    var low = max(1, (p.units + profile.cores.neuronsPerCore - 1) / profile.cores.neuronsPerCore)
    if violation(p, feeders, k: low, profile: profile) == nil { return low }
    var high = low
    while true {
        high = min(p.units, high * 2)
        if violation(p, feeders, k: high, profile: profile) == nil { break }
        if high == p.units {
            let v = violation(p, feeders, k: high, profile: profile)
            let what = v?.limit.contains("memory") == true ? "bytes of synapse memory" : "input axons"
            throw CompileError(
                .capacity, layer: v?.layer ?? p.name, limit: v?.limit,
                reason: "does not fit on any core: even one neuron of '\(p.name)' per core needs \(v?.needed ?? 0) \(what)",
                hint: "prune this layer further, or choose a target with larger cores")
        }
        low = high
    }
    // Bisection between a failing `low` and a fitting `high`.
    while high - low > 1 {
        let mid = (low + high) / 2
        if violation(p, feeders, k: mid, profile: profile) == nil { high = mid } else { low = mid }
    }
    return high
}

/// Fan-out per core of population `q` (one entry per chunk).
private func fanOut(
    of q: Int, _ populations: [Population], _ chunks: [Int], _ consumers: [Int],
    _ postOfFeeder: [Int: Int], _ connectivity: [Int: Connectivity], _ g: Graph
) -> [Int] {
    let p = populations[q]
    let sourceStarts = chunkStarts(units: p.units, chunks: chunks[q])
    var perCore = [Int](repeating: 0, count: sourceStarts.count)
    let size = (p.units + chunks[q] - 1) / chunks[q]
    for f in consumers {
        guard let c = connectivity[f], let post = postOfFeeder[f] else { continue }
        let counts = c.destinationCounts(chunkStarts: chunkStarts(units: populations[post].units, chunks: chunks[post]))
        let (_, pools) = g.eventSource(of: f)
        for unit in 0..<c.inputUnits where counts[unit] > 0 {
            let neuron = g.sourceNeuron(of: unit, through: pools)
            perCore[min(neuron / size, perCore.count - 1)] += counts[unit]
        }
    }
    return perCore
}

/// Throws the `[cores] cores` error when the chunks need more cores than the target has;
/// `complete`: the chunks are the mapping's own (cut for fan-out too), not a lower bound.
private func requireCores(
    _ chunks: [Int], _ populations: [Population], _ limits: ChipProfile.Cores,
    reason: String, complete: Bool = false
) throws(CompileError) {
    let total = chunks.reduce(0, +)
    guard total > limits.count else { return }
    let ranked = zip(populations, chunks).sorted { $0.1 > $1.1 }
    let biggest = ranked.prefix(3).map { "'\($0.0.name)' \($0.1)" }.joined(separator: ", ")
    throw CompileError(
        .capacity, layer: ranked.first?.0.name, limit: "[cores] cores = \(limits.count)",
        reason: "the network needs \(complete ? "" : "at least ")\(total) cores (largest: \(biggest)), the target has "
            + "\(limits.count)\(reason)",
        hint: "prune further, use a smaller model, or choose a larger target")
}
