import SNNIR

/// Memory one layer needs on a DYNAP-CNN/Speck core, with the chip's power-of-two padding.
///
/// The rules are sinabs 3.1.3's (`sinabs/backend/dynapcnn/dynapcnn_layer.py`,
/// `DynapcnnLayer.memory_summary`): the kernel memory of a layer with `c` input channels,
/// a `kh × kw` kernel and `f` output channels is `c · 2^(⌈log2(kh·kw)⌉ + ⌈log2 f⌉)` entries, its
/// neuron memory `f · 2^(⌈log2 H⌉ + ⌈log2 W⌉)` for an `H × W` output, its bias memory `f` when it
/// has biases. A linear layer reading a flattened `[c, h, w]` map is the conv with an `h × w`
/// kernel, one reading a vector of `n` the 1×1 conv with `n` input channels.
public struct LayerCoreMemory: Sendable, Equatable {
    /// Kernel memory entries.
    public var kernel: Int
    /// Neuron states.
    public var neurons: Int
    /// Bias entries.
    public var bias: Int

    /// Creates the memory of a layer of the given shape.
    public init(inChannels c: Int, kernelH: Int, kernelW: Int, outChannels f: Int, outHeight: Int, outWidth: Int, biases: Bool) {
        kernel = c << (Self.ceilLog2(kernelH * kernelW) + Self.ceilLog2(f))
        neurons = f << (Self.ceilLog2(outHeight) + Self.ceilLog2(outWidth))
        bias = biases ? f : 0
    }

    /// ⌈log2 n⌉ for n ≥ 1: the smallest e with 2^e ≥ n.
    static func ceilLog2(_ n: Int) -> Int {
        var e = 0
        while 1 << e < n { e += 1 }
        return e
    }
}

/// One conv or linear layer of a layer-per-core target, with the neurons it drives.
public struct LayerCoreUse: Sendable, Equatable {
    /// The conv or linear layer.
    public var layer: String
    /// The neuron group it drives (or the readout, which is its own population).
    public var population: String
    /// The memory it needs on a core.
    public var memory: LayerCoreMemory
    /// Input channels of the layer as a conv (the core's fan-in).
    public var inChannels: Int
    /// The populations reading its events (the destination layers of its core).
    public var destinations: [String]
    /// The cores whose memory holds it, ascending.
    public var candidateCores: [Int]
    /// The core it is assigned to, once assigned.
    public var core: Int?
}

/// Layers with their cores on a layer-per-core target, in execution order.
public struct LayerCoreAssignment: Sendable, Equatable {
    /// One entry per conv or linear layer.
    public var layers: [LayerCoreUse]
}

/// Assigns each conv or linear layer (with its neurons) of `graph` to exactly one core of a
/// `mapping = "layer-per-core"` target.
///
/// A core holds a layer if its kernel, neuron and bias memory (`[cores] kernel_memory_per_core`,
/// `neuron_memory_per_core`, `bias_memory_per_core`) hold the layer's `LayerCoreMemory`; a core
/// sends events to at most `fan_out_per_core` destination layers. Layers are matched to cores
/// as sinabs does (`mapping.get_valid_mapping`): a maximum bipartite matching found by
/// breadth-first augmenting paths, layers in execution order and each layer's cores in
/// ascending order, so the assignment is the one sinabs picks.
///
/// Works on a folded graph (after `foldInputGain`); needs no quantisation, so the memory check
/// runs on its own (for a float model, or a target whose neurons snnc cannot train yet).
/// - Throws: `CompileError.capacity` naming layer, cores, key and limit when a layer has too
///   many destinations, fits no core, or the layers cannot all get a core;
///   `.unsupportedGraph` for a neuron group fed by a sum of branches.
public func assignLayerCores(_ graph: Graph, for profile: ChipProfile) throws(CompileError) -> LayerCoreAssignment {
    var uses = try layerCoreUses(graph, for: profile)
    let limits = profile.cores
    for use in uses where use.destinations.count > limits.fanOutPerCore {
        throw CompileError(
            .capacity, layer: use.layer, limit: "[cores] fan_out_per_core = \(limits.fanOutPerCore)",
            reason: "its core would send events to \(use.destinations.count) layers ("
                + use.destinations.map { "'\($0)'" }.joined(separator: ", ")
                + "); a core of this target reaches at most \(limits.fanOutPerCore) destination layers",
            hint: "restructure the network so that each layer feeds at most \(limits.fanOutPerCore) layers")
    }
    for use in uses where use.candidateCores.isEmpty { throw noCoreHolds(use, limits) }
    if uses.count > limits.count {
        throw CompileError(
            .capacity, layer: uses[limits.count].layer, limit: "[cores] cores = \(limits.count)",
            reason: "the network has \(uses.count) conv and linear layers and each takes a core of its own; the target has \(limits.count)",
            hint: "use a network of at most \(limits.count) layers")
    }
    let matched = matchLayersToCores(uses.map(\.candidateCores), cores: limits.count)
    if let unplaced = matched.firstIndex(of: nil) {
        throw coresTaken(uses[unplaced], uses, matched, limits)
    }
    for i in uses.indices { uses[i].core = matched[i] }
    return LayerCoreAssignment(layers: uses)
}

/// The layers of a layer-per-core target with their memory, destinations and candidate cores,
/// without assigning them (no limit is checked).
public func layerCoreUses(_ graph: Graph, for profile: ChipProfile) throws(CompileError) -> [LayerCoreUse] {
    let populations = try graph.populations()
    var populationOfSource: [Int: String] = [:]
    for p in populations where !p.isReadout { populationOfSource[p.index] = p.name }
    var destinations: [String: [String]] = [:]
    for p in populations {
        for f in p.feeders {
            let (source, _) = graph.eventSource(of: f)
            if let name = populationOfSource[source], destinations[name]?.contains(p.name) != true {
                destinations[name, default: []].append(p.name)
            }
        }
    }
    let kernelLimits = profile.cores.kernelMemoryPerCore ?? []
    let neuronLimits = profile.cores.neuronMemoryPerCore ?? []
    let biasLimits = profile.cores.biasMemoryPerCore
    var uses: [LayerCoreUse] = []
    for p in populations {
        guard p.feeders.count == 1, let f = p.feeders.first else {
            throw CompileError(
                .unsupportedGraph, layer: p.name,
                reason:
                    "this neuron group sums \(p.feeders.count) branches; a layer-per-core target maps one conv or linear layer per core",
                hint: "layer-per-core mapping of residual sums is not supported yet")
        }
        let (memory, inChannels) = try layerMemory(graph, f)
        let candidates = (0..<profile.cores.count).filter { core in
            core < kernelLimits.count && core < neuronLimits.count && memory.kernel <= kernelLimits[core]
                && memory.neurons <= neuronLimits[core] && memory.bias <= (biasLimits?[core] ?? Int.max)
        }
        uses.append(
            LayerCoreUse(
                layer: graph.layers[f].name, population: p.name, memory: memory, inChannels: inChannels,
                destinations: p.isReadout ? [] : destinations[p.name] ?? [], candidateCores: candidates))
    }
    return uses
}

/// The memory of the conv or linear layer at `index`, and its input channels as a conv.
private func layerMemory(_ graph: Graph, _ index: Int) throws(CompileError) -> (LayerCoreMemory, Int) {
    let layer = graph.layers[index]
    switch layer.op {
    case .conv(let conv):
        let out = conv.outputShape
        let memory = LayerCoreMemory(
            inChannels: conv.inChannels, kernelH: conv.geometry.kernelH, kernelW: conv.geometry.kernelW,
            outChannels: conv.outChannels, outHeight: out[1], outWidth: out[2], biases: conv.weights.bias != nil)
        return (memory, conv.inChannels)
    case .linear(let linear):
        // A linear layer reading a flattened [c, h, w] map is a conv with an h × w kernel.
        var map = [linear.inFeatures, 1, 1]
        if let input = layer.inputs.first.flatMap(graph.layer(named:)), input.op == .flatten,
            let source = input.inputs.first.flatMap(graph.layer(named:)), source.shape.count == 3
        {
            map = source.shape
        }
        let memory = LayerCoreMemory(
            inChannels: map[0], kernelH: map[1], kernelW: map[2], outChannels: linear.outFeatures,
            outHeight: 1, outWidth: 1, biases: linear.weights.bias != nil)
        return (memory, map[0])
    default:
        throw CompileError(
            .unsupportedGraph, layer: layer.name,
            reason: "a layer-per-core target maps conv and linear layers; this is \(layer.op.kindName)")
    }
}

/// Core ids as a compact list: `5, 6` or `0-4`.
func coreList(_ cores: [Int]) -> String {
    guard let first = cores.first, let last = cores.last else { return "none" }
    if cores.count > 2 && last - first + 1 == cores.count { return "\(first)-\(last)" }
    return cores.map(String.init).joined(separator: ", ")
}

/// The error for a layer that no core holds: the memory key it exceeds, with the largest value.
private func noCoreHolds(_ use: LayerCoreUse, _ limits: ChipProfile.Cores) -> CompileError {
    let kernel = limits.kernelMemoryPerCore ?? []
    let neurons = limits.neuronMemoryPerCore ?? []
    let m = use.memory
    func cores(_ list: [Int], holding need: Int) -> [Int] { list.indices.filter { list[$0] >= need } }
    let kernelCores = cores(kernel, holding: m.kernel)
    let neuronCores = cores(neurons, holding: m.neurons)
    let largest = { (list: [Int]) in list.max() ?? 0 }
    let biggest = { (list: [Int]) in coreList(cores(list, holding: largest(list))) }
    let hint = "use fewer channels in this layer or its input, a smaller kernel, or a smaller feature map"
    if kernelCores.isEmpty {
        return CompileError(
            .capacity, layer: use.layer,
            limit: "[cores] kernel_memory_per_core = \(largest(kernel)) (largest, cores \(biggest(kernel)))",
            reason: "the layer needs \(m.kernel) kernel entries "
                + "(input channels × 2^(⌈log2 kernel area⌉ + ⌈log2 output channels⌉)); no core holds them",
            hint: hint)
    }
    if neuronCores.isEmpty {
        return CompileError(
            .capacity, layer: use.layer,
            limit: "[cores] neuron_memory_per_core = \(largest(neurons)) (largest, cores \(biggest(neurons)))",
            reason: "'\(use.population)' needs \(m.neurons) neuron states "
                + "(channels × 2^(⌈log2 height⌉ + ⌈log2 width⌉)); no core holds them",
            hint: hint)
    }
    if let bias = limits.biasMemoryPerCore, m.bias > largest(bias) {
        return CompileError(
            .capacity, layer: use.layer, limit: "[cores] bias_memory_per_core = \(largest(bias))",
            reason: "the layer has \(m.bias) biases", hint: "use fewer output channels or no biases")
    }
    return CompileError(
        .capacity, layer: use.layer,
        limit: "[cores] kernel_memory_per_core and neuron_memory_per_core: no core has both",
        reason: "the layer needs \(m.kernel) kernel entries (cores \(coreList(kernelCores)) hold them) and "
            + "\(m.neurons) neuron states (cores \(coreList(neuronCores)) hold them)",
        hint: hint)
}

/// The error for a layer left without a core: the cores it may use are taken by other layers.
private func coresTaken(
    _ use: LayerCoreUse, _ uses: [LayerCoreUse], _ matched: [Int?], _ limits: ChipProfile.Cores
) -> CompileError {
    let rivals = uses.indices.filter { i in
        uses[i].layer != use.layer && matched[i].map(use.candidateCores.contains) == true
    }
    let kernelBound = use.memory.kernel > (limits.kernelMemoryPerCore?.min() ?? 0)
    let key = kernelBound ? "kernel_memory_per_core" : "neuron_memory_per_core"
    let need = kernelBound ? "\(use.memory.kernel) kernel entries" : "\(use.memory.neurons) neuron states"
    return CompileError(
        .capacity, layer: use.layer,
        limit: "[cores] \(key): \(use.candidateCores.count) of \(limits.count) cores hold \(need) (cores \(coreList(use.candidateCores)))",
        reason: "the layer may only use cores \(coreList(use.candidateCores)), and no assignment leaves one free: "
            + rivals.map { "'\(uses[$0].layer)' needs them too" }.joined(separator: ", "),
        hint: "make some of these layers smaller (fewer channels) so that they fit smaller cores")
}

/// A maximum matching of layers to cores, found as sinabs finds it: a flow network
/// source → layers → cores → sink with unit capacities, edges added in layer order (each layer's
/// cores ascending), augmented along breadth-first shortest paths until none is left
/// (Edmonds–Karp). Returns each layer's core, nil for a layer left out.
func matchLayersToCores(_ candidates: [[Int]], cores: Int) -> [Int?] {
    struct Edge {
        var to: Int
        var capacity: Int
        var flow = 0
        var reverse: Int  // index of the reverse edge in `edges`
    }
    let layers = candidates.count
    let source = 0
    let sink = layers + cores + 1
    var edges: [Edge] = []
    var outgoing = [[Int]](repeating: [], count: sink + 1)
    func connect(_ a: Int, _ b: Int) {
        edges.append(Edge(to: b, capacity: 1, reverse: edges.count + 1))
        edges.append(Edge(to: a, capacity: 0, reverse: edges.count - 1))
        outgoing[a].append(edges.count - 2)
        outgoing[b].append(edges.count - 1)
    }
    for layer in 0..<layers { connect(source, layer + 1) }
    for (layer, list) in candidates.enumerated() { for core in list { connect(layer + 1, layers + 1 + core) } }
    for core in 0..<cores { connect(layers + 1 + core, sink) }
    while true {
        var reachedBy = [Int?](repeating: nil, count: sink + 1)
        var queue = [source]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for e in outgoing[node] {
                let edge = edges[e]
                if reachedBy[edge.to] == nil && edge.to != source && edge.capacity > edge.flow {
                    reachedBy[edge.to] = e
                    queue.append(edge.to)
                }
            }
        }
        guard reachedBy[sink] != nil else { break }
        var node = sink
        while let e = reachedBy[node] {
            edges[e].flow += 1
            edges[edges[e].reverse].flow -= 1
            node = edges[edges[e].reverse].to
        }
    }
    return (0..<layers).map { layer in
        outgoing[layer + 1].lazy.map { edges[$0] }.first { $0.flow == 1 && $0.to > layers }.map { $0.to - layers - 1 }
    }
}
