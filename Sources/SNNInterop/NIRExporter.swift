import SNNFormat
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
/// - conv → `Conv2d` (a batch norm after it is folded in: `w·γ/√(var+ε)`,
///   `(b − mean)·γ/√(var+ε) + β`); linear → `Affine` (`Linear` without bias);
/// - neurons → `LIF` (τ in steps, `r` = gain, `v_leak` = leak, `v_reset` = 0), `IF`, or
///   `CubaLIF` (tau_syn = 1 step) for nodes imported from one; the spec's global LIF →
///   `LIF` with r = 1, v_leak = 0;
/// - max pool → `SumPool2d` + `IF` (the imported IF's name and values, else `<name>.fire` with
///   r = 1, v_threshold = 0.5); sum / average pool → `SumPool2d` / `AvgPool2d`; flatten →
///   `Flatten`; scale → `Scale`;
/// - add and the time-repeat node are not nodes: their inputs connect to the consumer.
/// Pruned weights are zeros. Metadata: `dt` = 1 (time constants are in steps).
public enum NIRExporter {
    /// The NIR graph of `state`'s model.
    /// - Parameter producer: written to the metadata, e.g. `snnc 0.1.0`.
    public static func document(of state: TrainingState, producer: String) throws -> NIRDocument {
        let spec = state.spec
        let graph = try LayerGraph(spec)
        let parameters = state.parameters
        let explicit = Dictionary((spec.graph?.nodes ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var nodes: [NIRNode] = [], edges: [(String, String)] = []
        var sources: [Int: [String]] = [:]  // engine node → the NIR nodes carrying its output
        let inputName = spec.graph?.nirInputName ?? GraphSpec.inputName
        var outputName = spec.graph?.nirOutputName ?? "output"
        while graph.nodes.contains(where: { $0.name == outputName }) && spec.graph?.nirOutputName == nil { outputName += "_" }
        /// Batch-norm node → the conv node it was folded into.
        var foldedInto: [Int: Int] = [:]

        func value(_ name: String) -> Tensor? { parameters.parameterIndex(name).map { parameters.parameters[$0].value } }
        func floats(_ values: [Float], _ shape: [Int]) -> NIRField { .floats(values, shape: shape) }
        func full(_ value: Float, _ shape: [Int]) -> NIRField { .floats(Array(repeating: value, count: shape.reduce(1, *)), shape: shape) }
        func emit(_ index: Int, _ node: NIRNode) {
            nodes.append(node)
            for input in graph.nodes[index].inputs { for s in sources[input] ?? [] { edges.append((s, node.name)) } }
            sources[index] = [node.name]
        }

        for (i, node) in graph.nodes.enumerated() {
            switch node.op {
            case .input:
                nodes.append(NIRNode(name: inputName, type: "Input", fields: [("shape", .ints(node.shape.map(Int64.init), shape: [node.shape.count]))]))
                sources[i] = [inputName]
            case .repeatTime, .add:
                sources[i] = node.inputs.flatMap { sources[$0] ?? [] }
            case let .conv(cin, cout, window, _):
                var weight = value(node.name + ".weight")?.scalars ?? []
                var bias = value(node.name + ".bias")?.scalars ?? Array(repeating: 0, count: cout)
                // A batch norm right after the conv (and fed by nothing else) is folded into it.
                if let next = graph.nodes.indices.first(where: { graph.nodes[$0].inputs == [i] }),
                   case .batchNorm = graph.nodes[next].op {
                    guard graph.nodes.filter({ $0.inputs.contains(i) }).count == 1 else {
                        throw NIRExportError(node: node.name, reason: "its batch norm cannot be folded: the conv feeds other layers too")
                    }
                    (weight, bias) = try foldBatchNorm(graph.nodes[next].name, weight: weight, bias: bias, channels: cout, parameters: parameters)
                    foldedInto[next] = i
                }
                let inputShape = graph.nodes[node.inputs[0]].shape
                emit(i, .conv2d(name: node.name, weight: weight, shape: [cout, cin, window.kernelH, window.kernelW], bias: bias,
                                stride: (window.strideH, window.strideW), padding: (window.padH, window.padW),
                                inputSize: (inputShape[1], inputShape[2])))
            case .batchNorm:
                guard let conv = foldedInto[i] else {
                    throw NIRExportError(node: node.name, reason: "a batch norm that does not follow a conv cannot be folded into a NIR graph")
                }
                sources[i] = sources[conv]
            case let .linear(inFeatures, outFeatures, hasBias):
                let weight = floats(value(node.name + ".weight")?.scalars ?? [], [outFeatures, inFeatures])
                if hasBias {
                    emit(i, NIRNode(name: node.name, type: "Affine", fields: [
                        ("weight", weight), ("bias", floats(value(node.name + ".bias")?.scalars ?? [], [outFeatures]))]))
                } else {
                    emit(i, NIRNode(name: node.name, type: "Linear", fields: [("weight", weight)]))
                }
            case .lif:
                emit(i, lif(node.name, NeuronSpec(tau: spec.tau, threshold: spec.threshold), node.shape))
            case let .neuron(neuron):
                emit(i, lif(node.name, neuron, node.shape))
            case .relu:
                throw NIRExportError(node: node.name, reason: "ReLU neurons (the ANN twin) have no spiking NIR form",
                                     hint: "export a spiking model")
            case let .maxPool(window):
                var fire = FireSpec(name: node.name + ".fire", r: 1, threshold: 0.5)
                if case let .maxPool(_, recorded)? = explicit[node.name]?.op, let recorded { fire = recorded }
                emit(i, pool("SumPool2d", node.name, window))
                nodes.append(NIRNode(name: fire.name, type: "IF", fields: [
                    ("r", full(fire.r, node.shape)), ("v_threshold", full(fire.threshold, node.shape)), ("v_reset", full(0, node.shape))]))
                edges.append((node.name, fire.name))
                sources[i] = [fire.name]
            case let .sumPool(window):
                emit(i, pool("SumPool2d", node.name, window))
            case let .avgPool(window):
                emit(i, pool("AvgPool2d", node.name, window))
            case .flatten:
                let inputShape = graph.nodes[node.inputs[0]].shape
                emit(i, NIRNode(name: node.name, type: "Flatten", fields: [
                    ("start_dim", .int(0)), ("end_dim", .int(-1)),
                    ("input_type", .ints(inputShape.map(Int64.init), shape: [inputShape.count]))]))
            case let .scale(factors):
                emit(i, NIRNode(name: node.name, type: "Scale", fields: [("scale", floats(factors, node.shape))]))
            }
        }
        let last = graph.nodes.count - 1
        nodes.append(NIRNode(name: outputName, type: "Output", fields: [("shape", .ints(graph.output.shape.map(Int64.init), shape: [graph.output.shape.count]))]))
        for s in sources[last] ?? [] { edges.append((s, outputName)) }
        return NIRDocument(nodes: nodes, edges: edges,
                           metadata: [("dt", .doubles([1.0], shape: [])), ("producer", .string(producer))])
    }

    private static func lif(_ name: String, _ neuron: NeuronSpec, _ shape: [Int]) -> NIRNode {
        func full(_ value: Float) -> NIRField { .floats(Array(repeating: value, count: shape.reduce(1, *)), shape: shape) }
        guard let tau = neuron.tau else {
            return NIRNode(name: name, type: "IF", fields: [("r", full(neuron.gain)), ("v_threshold", full(neuron.threshold)), ("v_reset", full(0))])
        }
        if let cuba = neuron.cubaInput {
            return NIRNode(name: name, type: "CubaLIF", fields: [
                ("tau_syn", full(1)), ("tau_mem", full(tau)), ("r", full(cuba.r)), ("v_leak", full(neuron.leak)),
                ("v_threshold", full(neuron.threshold)), ("v_reset", full(0)), ("w_in", full(cuba.wIn))])
        }
        return NIRNode(name: name, type: "LIF", fields: [
            ("tau", full(tau)), ("r", full(neuron.gain)), ("v_leak", full(neuron.leak)),
            ("v_threshold", full(neuron.threshold)), ("v_reset", full(0))])
    }

    private static func pool(_ type: String, _ name: String, _ w: Window2d) -> NIRNode {
        NIRNode(name: name, type: type, fields: [
            ("kernel_size", .ints([Int64(w.kernelH), Int64(w.kernelW)], shape: [2])),
            ("stride", .ints([Int64(w.strideH), Int64(w.strideW)], shape: [2])),
            ("padding", .ints([Int64(w.padH), Int64(w.padW)], shape: [2]))])
    }

    /// Conv weights and bias with the batch norm `bn` folded in (evaluation form, ε = 1e-5).
    private static func foldBatchNorm(_ bn: String, weight: [Float], bias: [Float], channels: Int,
                                      parameters: ParameterSet) throws -> (weight: [Float], bias: [Float]) {
        guard let g = parameters.parameterIndex(bn + ".weight"), let b = parameters.parameterIndex(bn + ".bias"),
              let m = parameters.bufferIndex(bn + ".running_mean"), let v = parameters.bufferIndex(bn + ".running_var") else {
            throw NIRExportError(node: bn, reason: "the batch norm has no running statistics")
        }
        let gamma = parameters.parameters[g].value.scalars, beta = parameters.parameters[b].value.scalars
        let mean = parameters.buffers[m].value.scalars, variance = parameters.buffers[v].value.scalars
        let perChannel = weight.count / max(channels, 1)
        var w = weight, out = bias
        for c in 0..<channels {
            let scale = Double(gamma[c]) / (Double(variance[c]) + 1e-5).squareRoot()
            for j in 0..<perChannel { w[c * perChannel + j] = Float(Double(weight[c * perChannel + j]) * scale) }
            out[c] = Float((Double(bias[c]) - Double(mean[c])) * scale + Double(beta[c]))
        }
        return (w, out)
    }
}
