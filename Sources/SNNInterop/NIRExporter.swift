import SNNFormat
import SNNIR
import SNNTensor
import SNNTrain

/// Why a model cannot be written as a plain NIR graph.
public struct NIRExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The engine node involved.
    public var node: String
    public var reason: String
    public var hint: String?

    public var description: String { "node '\(node)': \(reason)" + (hint.map { " (hint: \($0))" } ?? "") }
}

/// Writes a trained (or imported, or pruned) snnc model as a plain, dense NIR graph in float32.
///
/// - conv → `Conv2d` (a batch norm after it is folded in with the model's ε,
///   `BatchNormLayer.folded`: `w·γ/√(var+ε)`, `(b − mean)·γ/√(var+ε) + β`);
/// - linear → `Affine` (`Linear` without bias);
/// - neurons → `LIF` (τ in steps, `r` = gain, `v_leak` = leak, `v_reset` = 0), `IF`, or
///   `CubaLIF` (tau_syn = 1 step) for nodes imported from one; the spec's global LIF →
///   `LIF` with r = 1, v_leak = 0;
/// - max pool → `SumPool2d` + `IF` (the imported IF's name and values, and `AvgPool2d` when
///   imported from one; else `<name>.fire` with r = 1, v_threshold = 0.5); sum / average pool → `SumPool2d` / `AvgPool2d`; flatten →
///   `Flatten`; scale → `Scale`;
/// - add and the time-repeat node are not nodes: their inputs connect to the consumer.
/// Pruned weights are zeros; a `--ternary-weights` model's weights are written ternary. Metadata: `dt` = 1 (time constants are in steps).
public enum NIRExporter {
    /// The NIR graph of `state`'s model.
    /// - Parameter producer: written to the metadata, e.g. `snnc 0.1.0`.
    public static func document(of state: TrainingState, producer: String) throws -> NIRDocument {
        let spec = state.spec
        let graph = try LayerGraph(spec)
        let parameters = state.parameters
        let explicit = Dictionary((spec.graph?.nodes ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var nodes: [NIRNode] = []
        var edges: [(String, String)] = []
        var subtractiveReset: [String] = []
        var spikeCounts: [NIRDocument.SpikeCountNode] = []
        var sources: [Int: [String]] = [:]  // engine node → the NIR nodes carrying its output
        let inputName = spec.graph?.nirInputName ?? GraphSpec.inputName
        var outputName = spec.graph?.nirOutputName ?? "output"
        while graph.nodes.contains(where: { $0.name == outputName }) && spec.graph?.nirOutputName == nil { outputName += "_" }
        /// Batch-norm node → the conv node it was folded into.
        var foldedInto: [Int: Int] = [:]

        func value(_ name: String) -> Tensor? { parameters.parameterIndex(name).map { parameters.parameters[$0].value } }
        /// A layer's weights as it computes with them (ternary for a `--ternary-weights` model).
        func layerWeight(_ layer: String) -> [Float] {
            parameters.parameterIndex(layer + ".weight") == nil
                ? [] : parameters.computedWeight(layer, ternary: spec.isTernary).scalars
        }
        func emit(_ index: Int, _ node: NIRNode) {
            nodes.append(node)
            for input in graph.nodes[index].inputs { for s in sources[input] ?? [] { edges.append((s, node.name)) } }
            sources[index] = [node.name]
        }

        for (i, node) in graph.nodes.enumerated() {
            switch node.op {
            case .input:
                nodes.append(.input(name: inputName, shape: node.shape))
                sources[i] = [inputName]
            case .repeatTime, .add:
                sources[i] = node.inputs.flatMap { sources[$0] ?? [] }
            case .conv(let cin, let cout, let window, _):
                var weight = layerWeight(node.name)
                var bias = value(node.name + ".bias")?.scalars ?? Array(repeating: 0, count: cout)
                // A batch norm right after the conv (and fed by nothing else) is folded into it.
                if let next = graph.nodes.indices.first(where: { graph.nodes[$0].inputs == [i] }),
                    case .batchNorm = graph.nodes[next].op
                {
                    guard graph.nodes.filter({ $0.inputs.contains(i) }).count == 1 else {
                        throw NIRExportError(node: node.name, reason: "its batch norm cannot be folded: the conv feeds other layers too")
                    }
                    let bnName = graph.nodes[next].name
                    guard let bn = parameters.batchNormLayer(bnName, epsilon: spec.effectiveBatchNormEpsilon) else {
                        throw NIRExportError(node: bnName, reason: "the batch norm has no running statistics")
                    }
                    (weight, bias) = bn.folded(weight: weight, bias: bias)
                    foldedInto[next] = i
                }
                let inputShape = graph.nodes[node.inputs[0]].shape
                emit(
                    i,
                    .conv2d(
                        name: node.name, weight: weight, shape: [cout, cin, window.kernelH, window.kernelW], bias: bias,
                        stride: (window.strideH, window.strideW), padding: (window.padH, window.padW),
                        inputSize: (inputShape[1], inputShape[2])))
            case .batchNorm:
                guard let conv = foldedInto[i] else {
                    throw NIRExportError(
                        node: node.name,
                        reason: "a batch norm that does not follow a conv cannot be folded into a NIR graph")
                }
                sources[i] = sources[conv]
            case .linear(let inFeatures, let outFeatures, let hasBias):
                let weight = layerWeight(node.name)
                if hasBias {
                    emit(
                        i,
                        .affine(
                            name: node.name, weight: weight, outFeatures: outFeatures, inFeatures: inFeatures,
                            bias: value(node.name + ".bias")?.scalars ?? []))
                } else {
                    emit(i, .linear(name: node.name, weight: weight, outFeatures: outFeatures, inFeatures: inFeatures))
                }
            case .lif:
                emit(
                    i,
                    try lif(node.name, spec.neuronSpec, node.shape))
                if spec.reset == .subtract { subtractiveReset.append(node.name) }
                if let s = spec.neuronSpec.synapse { spikeCounts.append(.init(name: node.name, maxSpikes: s.maxSpikes, delay: s.delay)) }
            case .neuron(let neuron):
                emit(i, try lif(node.name, neuron, node.shape))
                if neuron.resetMode == .subtract { subtractiveReset.append(node.name) }
                if let s = neuron.synapse { spikeCounts.append(.init(name: node.name, maxSpikes: s.maxSpikes, delay: s.delay)) }
            case .relu:
                throw NIRExportError(
                    node: node.name, reason: "ReLU neurons (the ANN twin) have no spiking NIR form",
                    hint: "export a spiking model")
            case .maxPool(let window):
                var fire = FireSpec(name: node.name + ".fire", r: 1, threshold: 0.5)
                if case .maxPool(_, let recorded)? = explicit[node.name]?.op, let recorded { fire = recorded }
                emit(i, pool(node.name, window, average: fire.averagePool == true))
                nodes.append(.integrateAndFire(name: fire.name, shape: node.shape, r: fire.r, vThreshold: fire.threshold))
                edges.append((node.name, fire.name))
                sources[i] = [fire.name]
            case .sumPool(let window):
                emit(i, pool(node.name, window, average: false))
            case .avgPool(let window):
                emit(i, pool(node.name, window, average: true))
            case .flatten:
                let inputShape = graph.nodes[node.inputs[0]].shape
                emit(i, .flatten(name: node.name, inputShape: inputShape))
            case .scale(let factors):
                emit(i, .scale(name: node.name, factors: factors, shape: node.shape))
            }
        }
        let last = graph.nodes.count - 1
        nodes.append(.output(name: outputName, shape: graph.output.shape))
        for s in sources[last] ?? [] { edges.append((s, outputName)) }
        return NIRDocument(
            nodes: nodes, edges: edges,
            metadata: NIRDocument.snncMetadata(producer: producer, subtractiveReset: subtractiveReset, spikeCounts: spikeCounts))
    }

    private static func lif(_ name: String, _ neuron: NeuronSpec, _ shape: [Int]) throws -> NIRNode {
        guard let tau = neuron.tau else {
            return .integrateAndFire(name: name, shape: shape, r: neuron.gain, vThreshold: neuron.threshold)
        }
        if let synapse = neuron.synapse {
            // Euler at dt = 1: I = (1 − 1/τs)·I + (w_in/τs)·X and v = (1 − 1/τ)·v + (r/τ)·I give the
            // engine's I = (1 − 1/τs)(I + gain·X), H = (1 − 1/τ)·V + I with w_in = gain·(τs − 1), r = τ.
            guard neuron.leak == 0 else {
                throw NIRExportError(
                    node: name,
                    reason: "a current-based node with leak \(neuron.leak): the engine adds it to the synaptic current, "
                        + "NIR's v_leak to the membrane",
                    hint: "fold the leak into the layer before the node")
            }
            return .cubaLIF(
                name: name, shape: shape, tauSyn: synapse.tau, tauMem: tau, r: tau, vLeak: 0,
                vThreshold: neuron.threshold, wIn: neuron.gain * (synapse.tau - 1))
        }
        if let cuba = neuron.cubaInput {
            return .cubaLIF(
                name: name, shape: shape, tauSyn: 1, tauMem: tau, r: cuba.r, vLeak: neuron.leak,
                vThreshold: neuron.threshold, wIn: cuba.wIn)
        }
        return .lif(name: name, shape: shape, tau: tau, r: neuron.gain, vLeak: neuron.leak, vThreshold: neuron.threshold)
    }

    private static func pool(_ name: String, _ w: Window2d, average: Bool) -> NIRNode {
        .pool2d(
            name: name, average: average, kernel: (w.kernelH, w.kernelW), stride: (w.strideH, w.strideW),
            padding: (w.padH, w.padW))
    }
}
