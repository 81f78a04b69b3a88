import SNNIR

/// How a network uses the one core of a `mapping = "single-core"` target (Xylo): which neuron
/// groups are hidden neurons and which are output neurons, the input channels, and the weights
/// by kind.
///
/// The classes are rockpool's (`rockpool.devices.xylo.syns61201.mapper`): the readout is the
/// output layer, every LIF group is hidden, and hidden neurons get consecutive ids in execution
/// order from 0, output neurons from 0 in their own class (rockpool numbers them from
/// `max_hidden_neurons`). The input channels are the input units of the network. Weights from
/// the input are input weights, weights into the readout output weights, and weights between
/// hidden groups recurrent weights: Xylo has one hidden population, so a feed-forward hidden
/// layer lives in its recurrent weight matrix.
public struct SingleCoreAssignment: Sendable, Equatable {
    /// Hidden or output neurons.
    public enum NeuronClass: String, Sendable {
        /// A LIF group: the core's hidden (reservoir) neurons.
        case hidden
        /// The readout: the core's output neurons.
        case output
    }

    /// One neuron group with the neuron ids it takes.
    public struct Group: Sendable, Equatable {
        /// The population's layer name (a LIF group or the readout).
        public var population: String
        /// Hidden or output.
        public var neuronClass: NeuronClass
        /// The first neuron id within its class.
        public var firstNeuron: Int
        /// Neurons in the group.
        public var count: Int
        /// Non-zero weights into the group from hidden neurons (recurrent or output weights).
        public var synapsesFromHidden: Int
        /// Weights into the group from the input channels (dense, as Xylo stores them).
        public var inputWeights: Int
        /// Presynaptic units (input channels or hidden neurons) of the weights into the group.
        public var presynapticUnits: Int

        /// `hidden 0-63`: the class and the id range.
        public var label: String { "\(neuronClass.rawValue) \(firstNeuron)-\(firstNeuron + count - 1)" }
    }

    /// Input channels: the network's input units.
    public var inputChannels: Int
    /// Neuron groups in execution order, the readout last.
    public var groups: [Group]
    /// Non-zero input weights (input channels to hidden neurons).
    public var inputSynapses: Int
    /// Non-zero recurrent weights (hidden to hidden neurons).
    public var recurrentSynapses: Int
    /// Non-zero output weights (hidden to output neurons).
    public var outputSynapses: Int
    /// The most hidden neurons one hidden neuron sends to.
    public var maxHiddenFanOut: Int
    /// The group of that neuron (empty when no hidden neuron sends to hidden neurons).
    public var maxHiddenFanOutGroup: String
    /// The first pooling layer between the input or a neuron group and a weight layer, if any
    /// (Xylo has no pooling; counted as if each pooled unit were its window's first neuron).
    public var pooling: String?

    /// Hidden neurons used.
    public var hiddenNeurons: Int { groups.filter { $0.neuronClass == .hidden }.reduce(0) { $0 + $1.count } }
    /// Output neurons used.
    public var outputNeurons: Int { groups.filter { $0.neuronClass == .output }.reduce(0) { $0 + $1.count } }
}

/// Places every neuron group of `graph` on the single core of a `mapping = "single-core"`
/// target and checks the core's limits, in this order (sizes before structure, so a network
/// far too big for the chip says so first).
///
/// The rules (sources in `targets/xylo.toml` and targets/README.md):
/// - at least one LIF group besides the readout (rockpool: `at_least_two_neuron_layers_needed`);
/// - hidden neurons ≤ `[cores] neurons_per_core` (rockpool: `max_hidden_neurons`);
/// - output neurons ≤ `[cores] fan_out_per_core` (rockpool: `max_output_neurons`);
/// - input channels ≤ `[cores] fan_in_per_core` (rockpool: `le_16_input_channels`);
/// - each hidden neuron sends to at most `[cores] max_fan_out_per_neuron` hidden neurons;
/// - non-zero recurrent weights ≤ `synapse_memory_bytes_per_core · 8 / weight_bits`.
///
/// Works on a folded graph (after `foldInputGain`); zero weights do not count (pruned weights
/// take no fan-out entry), so after `quantize` the counts are those of the integer weights.
/// - Throws: `CompileError.capacity` naming the layer, the key and the limit;
///   `.unsupportedGraph` for a network without a hidden layer, or, once neurons and input
///   channels fit, for pooling between neuron groups (Xylo has none).
public func assignSingleCore(_ graph: Graph, for profile: ChipProfile) throws(CompileError) -> SingleCoreAssignment {
    let a = try singleCoreUse(graph)
    let limits = profile.cores
    let readout = a.groups.last?.population
    guard a.groups.contains(where: { $0.neuronClass == .hidden }) else {
        throw CompileError(
            .unsupportedGraph, layer: readout, limit: "[cores] mapping = \"single-core\"",
            reason: "the readout reads the input directly; the core needs hidden neurons between the input and the output neurons",
            hint: "add a hidden LIF layer")
    }
    if a.hiddenNeurons > limits.neuronsPerCore {
        let biggest = a.groups.filter { $0.neuronClass == .hidden }.max { $0.count < $1.count }
        throw CompileError(
            .capacity, layer: biggest?.population, limit: "[cores] neurons_per_core = \(limits.neuronsPerCore)",
            reason: "the LIF groups have \(a.hiddenNeurons) hidden neurons together ("
                + a.groups.filter { $0.neuronClass == .hidden }.map { "'\($0.population)' \($0.count)" }.joined(separator: ", ")
                + "); the core has \(limits.neuronsPerCore)",
            hint: "use fewer or narrower hidden layers")
    }
    if a.outputNeurons > limits.fanOutPerCore {
        throw CompileError(
            .capacity, layer: readout, limit: "[cores] fan_out_per_core = \(limits.fanOutPerCore)",
            reason: "the readout has \(a.outputNeurons) output neurons; the core has \(limits.fanOutPerCore)",
            hint: "use at most \(limits.fanOutPerCore) classes, or a target with more outputs")
    }
    if a.inputChannels > limits.fanInPerCore {
        throw CompileError(
            .capacity, layer: firstSynapticLayer(graph), limit: "[cores] fan_in_per_core = \(limits.fanInPerCore)",
            reason: "the network reads \(a.inputChannels) input channels; the core has \(limits.fanInPerCore)",
            hint: "reduce the input to at most \(limits.fanInPerCore) channels (for audio: filter-bank channels)")
    }
    if let pool = a.pooling {
        throw CompileError(
            .unsupportedGraph, layer: pool, limit: "[cores] mapping = \"single-core\"",
            reason: "a single-core target has no pooling between neuron layers",
            hint: "fold the pooling into the next layer's weights, or remove it")
    }
    if let limit = limits.maxFanOutPerNeuron, a.maxHiddenFanOut > limit {
        throw CompileError(
            .capacity, layer: a.maxHiddenFanOutGroup, limit: "[cores] max_fan_out_per_neuron = \(limit)",
            reason: "a neuron of this group sends to \(a.maxHiddenFanOut) hidden neurons",
            hint: "prune the weights out of this group to at most \(limit) per neuron")
    }
    let entries = limits.synapseMemoryBytesPerCore * 8 / profile.numerics.weightBits
    if a.recurrentSynapses > entries {
        let heaviest = a.groups.filter { $0.neuronClass == .hidden }.max { $0.synapsesFromHidden < $1.synapsesFromHidden }
        throw CompileError(
            .capacity, layer: heaviest?.population,
            limit: "[cores] synapse_memory_bytes_per_core = \(limits.synapseMemoryBytesPerCore) "
                + "(\(entries) recurrent weights of \(profile.numerics.weightBits) bits)",
            reason: "the hidden layers are joined by \(a.recurrentSynapses) non-zero weights; the recurrent weight memory holds \(entries)",
            hint: "prune the hidden-to-hidden weights further")
    }
    return a
}

/// The classes, ids and weight counts of `graph` on a single core, without checking a limit.
/// - Throws: `.unsupportedGraph` for a graph whose populations cannot be found.
public func singleCoreUse(_ graph: Graph) throws(CompileError) -> SingleCoreAssignment {
    let populations = try graph.populations()
    var hiddenIndex: [Int: Int] = [:]  // layer index of a LIF group → position in `populations`
    for (i, p) in populations.enumerated() where !p.isReadout { hiddenIndex[p.index] = i }
    var fanOut = populations.map { [Int](repeating: 0, count: $0.isReadout ? 0 : $0.units) }
    var groups: [SingleCoreAssignment.Group] = []
    var inputChannels = 0
    var totals = (input: 0, recurrent: 0, output: 0)
    var nextId = (hidden: 0, output: 0)
    var pooling: String?
    for p in populations {
        var fromHidden = 0
        var fromInput = 0
        var presynaptic = 0
        for f in p.feeders {
            let (source, pools) = graph.eventSource(of: f)
            if pooling == nil, let first = pools.first { pooling = graph.layers[first].name }
            guard let c = Connectivity(graph.layers[f].op) else { continue }
            presynaptic += c.inputUnits
            if let q = hiddenIndex[source] {
                fromHidden += c.synapses
                if !p.isReadout {
                    for (unit, degree) in c.outDegrees().enumerated() {
                        let neuron = graph.sourceNeuron(of: unit, through: pools)
                        if neuron < fanOut[q].count { fanOut[q][neuron] += degree }
                    }
                }
            } else {
                inputChannels = max(inputChannels, graph.layers[source].unitCount)
                fromInput += c.connections
                totals.input += c.synapses
            }
        }
        if p.isReadout { totals.output += fromHidden } else { totals.recurrent += fromHidden }
        let neuronClass: SingleCoreAssignment.NeuronClass = p.isReadout ? .output : .hidden
        let first = p.isReadout ? nextId.output : nextId.hidden
        if p.isReadout { nextId.output += p.units } else { nextId.hidden += p.units }
        groups.append(
            .init(
                population: p.name, neuronClass: neuronClass, firstNeuron: first, count: p.units,
                synapsesFromHidden: fromHidden, inputWeights: fromInput, presynapticUnits: presynaptic))
    }
    var worst = (population: "", fanOut: 0)
    for (q, p) in populations.enumerated() {
        if let most = fanOut[q].max(), most > worst.fanOut { worst = (p.name, most) }
    }
    return SingleCoreAssignment(
        inputChannels: inputChannels, groups: groups, inputSynapses: totals.input, recurrentSynapses: totals.recurrent,
        outputSynapses: totals.output, maxHiddenFanOut: worst.fanOut, maxHiddenFanOutGroup: worst.population, pooling: pooling)
}

/// The name of the first conv, linear or identity layer (the one reading the input channels).
private func firstSynapticLayer(_ graph: Graph) -> String? {
    graph.layers.first { $0.op.isSynaptic }?.name
}
