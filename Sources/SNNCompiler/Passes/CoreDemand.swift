import SNNIR

/// What one population needs on a split-mapping target, and why: the cores `mapCores` gives it
/// (before the target's core count is checked) against the cores its neurons alone need.
public struct PopulationCores: Sendable, Equatable {
    /// A per-core limit that makes a population need more cores than its neurons do.
    public enum Limit: String, Sendable, Equatable {
        /// `synapse_memory_bytes_per_core`: the synapses feeding a core's neurons.
        case memory = "synapse memory"
        /// `fan_in_per_core`: the distinct input axons of a core.
        case fanIn = "fan-in"
        /// `fan_out_per_core`: the destination cores a core's neurons reach.
        case fanOut = "fan-out"
    }

    /// The population's layer name (a LIF group, or the readout).
    public var population: String
    /// Its neurons.
    public var neurons: Int
    /// Cores it needs: the fewest within neurons, memory and fan-in per core, cut finer for
    /// fan-out as `mapCores` cuts it.
    public var cores: Int
    /// Cores its neurons alone need, ⌈neurons / neurons_per_core⌉.
    public var neuronCores: Int
    /// The limits that raised `cores` above `neuronCores`, in the order they did (empty when the
    /// neurons set it).
    public var limits: [Limit]
    /// The synaptic layers feeding it (their synapses live on its cores).
    public var feeders: [String]
    /// The synaptic layers reading its spikes (they set its fan-out).
    public var consumers: [String]

    /// The synaptic layers whose kept weights set `cores` above `neuronCores`: the feeders for
    /// memory and fan-in, the consumers for fan-out (fewer of their weights reach fewer
    /// destination cores); empty when the neurons set the cores.
    public var weightLayers: [String] {
        var layers: [String] = []
        if limits.contains(.memory) || limits.contains(.fanIn) { layers += feeders }
        if limits.contains(.fanOut) { layers += consumers.filter { !layers.contains($0) } }
        return layers
    }
}

/// The cores every population needs on a `mapping = "split"` target, as `mapCores` cuts them,
/// with the target's core count left unchecked: a network that does not fit still says which
/// populations need more cores than their neurons and which weights set that (what `--scope
/// chip` prunes). Nil on other mappings.
/// - Throws: `CompileError` when `lowerToCSR` has not run, or a population fits no core at all
///   (see `mapCores`).
public func coreDemand(_ graph: Graph, for profile: ChipProfile) throws(CompileError) -> [PopulationCores]? {
    try graph.require("lowerToCSR", before: "coreDemand")
    guard profile.cores.mapping == .split else { return nil }
    let populations = try graph.populations()
    let connectivity = feederConnectivity(populations, graph)
    let perCore = max(profile.cores.neuronsPerCore, 1)
    var chunks: [Int] = []
    var limits: [[PopulationCores.Limit]] = []
    for p in populations {
        let feeders = p.feeders.compactMap { f in connectivity[f].map { (graph.layers[f].name, $0) } }
        let k = try smallestChunkCount(p, feeders: feeders, profile: profile)
        let floor = max(1, (p.units + perCore - 1) / perCore)
        chunks.append(k)
        if k > floor, let broken = violation(p, feeders, k: floor, profile: profile) {
            limits.append([broken.limit.contains("synapse_memory") ? .memory : .fanIn])
        } else {
            limits.append([])
        }
    }
    let before = chunks
    _ = try cutForFanOut(&chunks, populations, connectivity, graph, limits: profile.cores, requireCount: false)
    let consumers = consumerLayers(populations, graph).consumers
    return populations.indices.map { q in
        let p = populations[q]
        return PopulationCores(
            population: p.name, neurons: p.units, cores: chunks[q], neuronCores: max(1, (p.units + perCore - 1) / perCore),
            limits: limits[q] + (chunks[q] > before[q] ? [.fanOut] : []), feeders: p.feeders.map { graph.layers[$0].name },
            consumers: consumers[q].map { graph.layers[$0].name })
    }
}
