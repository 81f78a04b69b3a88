import SNNData
import SNNIR
import SNNTensor

/// Why a trained model cannot become a deployment graph.
public struct DeploymentBridgeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong.
    public var reason: String
    /// What to do about it.
    public var hint: String?

    /// The reason, then ` (hint: …)` if there is a hint.
    public var description: String { reason + (hint.map { " (hint: \($0))" } ?? "") }
}

/// Turns a trained model into the float deployment IR (`SNNIR.Graph`).
///
/// The graph keeps the trainer's node names and order. Batch norms stay separate layers with
/// their running statistics (the compiler's `foldBatchNorm` folds them); the time-repeat node of
/// direct coding disappears: the conv that reads the image is marked `encoder` (it runs once
/// per inference), and everything after it runs at every step. Masks travel with the weights.
/// The graph carries the model's input preprocessing (`TrainingState.inputPreprocessing`), and
/// its input range comes from that normalisation, so the quantiser can choose the input scale
/// without data.
public enum DeploymentBridge {
    /// The deployment graph of `state`'s model and weights.
    /// - Parameter name: the graph's name in reports (e.g. the checkpoint's file stem).
    /// - Throws: `DeploymentBridgeError` for the ANN twin (ReLU neurons have no spiking form).
    public static func graph(from state: TrainingState, name: String) throws -> SNNIR.Graph {
        let spec = state.spec
        guard spec.spiking else {
            throw DeploymentBridgeError(
                reason: "the model is the ANN twin (ReLU, one pass); only spiking models deploy",
                hint: "export a checkpoint trained without --ann")
        }
        let layerGraph = try LayerGraph(spec)
        let parameters = state.parameters
        var irName: [Int: String] = [:]
        var layers: [SNNIR.Layer] = []
        for (i, node) in layerGraph.nodes.enumerated() {
            let inputs = node.inputs.compactMap { irName[$0] }
            func weights(_ shape: [Int]) -> SynapticWeights {
                let weight = parameters[node.name + ".weight"]
                let computed = parameters.computedWeight(node.name, ternary: spec.isTernary)
                let bias = parameters.parameterIndex(node.name + ".bias").map { parameters.parameters[$0].value.scalars }
                return SynapticWeights(
                    weight: DenseTensor(shape: shape, values: computed.scalars), bias: bias,
                    mask: weight.mask.map { $0.scalars.map { $0 != 0 } })
            }
            let op: SNNIR.Operation
            switch node.op {
            case .input:
                op = .input
            case .conv(let cin, let cout, let window, _):
                let inputShape = layerGraph.nodes[node.inputs[0]].shape
                let geometry = ConvGeometry(
                    kernelH: window.kernelH, kernelW: window.kernelW, strideH: window.strideH,
                    strideW: window.strideW, padH: window.padH, padW: window.padW)
                op = .conv(
                    ConvLayer(
                        inputShape: inputShape, outChannels: cout, geometry: geometry,
                        encoder: layerGraph.nodes[node.inputs[0]].op == .input,
                        weights: weights([cout, cin, window.kernelH, window.kernelW])))
            case .batchNorm:
                guard let bn = parameters.batchNormLayer(node.name, epsilon: spec.effectiveBatchNormEpsilon) else {
                    throw DeploymentBridgeError(
                        reason: "batch norm '\(node.name)' has no running statistics",
                        hint: "export a checkpoint written by 'snnc train'")
                }
                op = .batchNorm(bn)
            case .lif:
                let neuron = spec.neuronSpec
                op = .lif(
                    LIFGroup(
                        tau: neuron.tau, threshold: neuron.threshold, resetMode: neuron.resetMode,
                        synapse: neuron.synapticCurrent))
            case .neuron(let neuron):
                if neuron.gain != 1 || neuron.leak != 0 {
                    try foldNeuronInput(
                        neuron, of: node.name, into: &layers, feeder: inputs.first,
                        feedsOnlyIt: layerGraph.consumerCount(ofResolved: node.inputs[0]) == 1)
                }
                op = .lif(
                    LIFGroup(
                        tau: neuron.tau, threshold: neuron.threshold, resetMode: neuron.resetMode,
                        synapse: neuron.synapticCurrent))
            case .scale:
                throw DeploymentBridgeError(
                    reason: "node '\(node.name)' is a Scale; the deployment IR has no elementwise scaling",
                    hint: "fold the factors into the layer before it and import again")
            case .sumPool(let window):
                op = .pool(
                    PoolLayer(
                        kind: .sum,
                        geometry: ConvGeometry(
                            kernelH: window.kernelH, kernelW: window.kernelW, strideH: window.strideH,
                            strideW: window.strideW, padH: window.padH, padW: window.padW)))
            case .relu:
                throw DeploymentBridgeError(reason: "node '\(node.name)' is a ReLU; only LIF neurons deploy", hint: nil)
            case .maxPool(let window), .avgPool(let window):
                let kind: PoolLayer.Kind = if case .maxPool = node.op { .max } else { .average }
                op = .pool(
                    PoolLayer(
                        kind: kind,
                        geometry: ConvGeometry(
                            kernelH: window.kernelH, kernelW: window.kernelW, strideH: window.strideH,
                            strideW: window.strideW, padH: window.padH, padW: window.padW)))
            case .flatten:
                op = .flatten
            case .linear(let inFeatures, let outFeatures, _):
                op = .linear(
                    LinearLayer(
                        inFeatures: inFeatures, outFeatures: outFeatures,
                        weights: weights([outFeatures, inFeatures])))
            case .add:
                op = .add
            case .repeatTime:
                // Direct coding's time boundary: consumers read the node before it.
                irName[i] = inputs.first
                continue
            }
            irName[i] = node.name
            layers.append(SNNIR.Layer(name: node.name, inputs: inputs, shape: node.shape, op: op))
        }
        let preprocessing = state.inputPreprocessing.flatMap { $0.channels == spec.inputChannels ? $0 : nil }
        var graph = SNNIR.Graph(
            name: name, timeSteps: spec.timeSteps, layers: layers, inputRange: preprocessing.map(inputRange))
        graph.inputPreprocessing = preprocessing
        return graph
    }

    /// Folds a neuron's input transform `gain · I + leak` into the conv or linear layer that
    /// feeds it (weights and bias times gain, leak added to the bias), which must feed nothing else.
    private static func foldNeuronInput(
        _ neuron: NeuronSpec, of name: String, into layers: inout [SNNIR.Layer],
        feeder: String?, feedsOnlyIt: Bool
    ) throws {
        guard let feeder, let index = layers.firstIndex(where: { $0.name == feeder }), feedsOnlyIt else {
            throw DeploymentBridgeError(
                reason:
                    "node '\(name)' has input gain \(neuron.gain) and leak \(neuron.leak), and its input '\(feeder ?? "?")' is not "
                    + "a conv or linear layer feeding only it",
                hint: "the deployment IR needs the gain folded into one synaptic layer")
        }
        func fold(_ weights: inout SynapticWeights) {
            weights.weight.values = weights.weight.values.map { $0 * neuron.gain }
            let outputs = weights.weight.shape[0]
            weights.bias = (weights.bias ?? Array(repeating: 0, count: outputs)).map { $0 * neuron.gain + neuron.leak }
        }
        switch layers[index].op {
        case .conv(var conv):
            fold(&conv.weights)
            layers[index].op = .conv(conv)
        case .linear(var linear):
            fold(&linear.weights)
            layers[index].op = .linear(linear)
        default:
            throw DeploymentBridgeError(
                reason:
                    "node '\(name)' has input gain \(neuron.gain) and leak \(neuron.leak), and its input '\(feeder)' is a "
                    + "\(layers[index].op.kindName) layer",
                hint: "the deployment IR needs the gain folded into a conv or linear layer")
        }
    }

    /// The largest preprocessed input magnitude (`InputPreprocessing.maxAbs`: pixels in [0, 1]
    /// become `(p − mean)/std` per channel), with where it came from.
    static func inputRange(_ p: InputPreprocessing) -> InputRange {
        let stats = (0..<p.channels).map { "mean \(p.mean[$0]) std \(p.std[$0])" }.joined(separator: ", ")
        let kind: String =
            switch p.origin {
            case .datasetDefault: "normalisation"
            case .given: "normalisation given at import"
            case .unknown: "default normalisation (the model's own is unknown)"
            }
        return InputRange(maxAbs: p.maxAbs, source: "\(p.dataset) \(kind) (\(stats)) of pixels in [0, 1]")
    }
}

extension LayerGraph {
    /// How many nodes read node `index`'s values, counting readers through its `repeat` node.
    func consumerCount(ofResolved index: Int) -> Int {
        var source = index
        if nodes[source].op == .repeatTime { source = nodes[source].inputs[0] }
        let repeats = nodes.indices.filter { nodes[$0].op == .repeatTime && nodes[$0].inputs == [source] }
        return nodes.filter { node in node.op != .repeatTime && node.inputs.contains { $0 == source || repeats.contains($0) } }.count
    }
}
