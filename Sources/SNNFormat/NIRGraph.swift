import SNNIR
import SNNStore

/// The NIR view of a quantised graph: the nodes and edges written at the file's root.
///
/// Mapping (see docs/FORMAT.md, "NIR root"):
/// - input → `Input`; readout → `Affine` into `Output`; other linear → `Affine`; conv → `Conv2d`
///   (groups 1, dilation 1); flatten → `Flatten` (start 0, end −1);
/// - LIF group P → `LIF` with tau = τ (dt = 1 step), r = `c_P`, v_leak = 0, v_threshold = 1, v_reset = 0;
///   an IF group → `IF` with r = `c_P`, v_threshold = 1, v_reset = 0; a current-based group →
///   `CubaLIF` with tau_syn = τs, tau_mem = τ, r = τ·`c_P`, w_in = τs − 1 (its float rule under
///   forward Euler at dt = 1; NIR cannot say that a neuron sends several spikes per step, nor the
///   delay). NIR has no soft reset: the
///   names of groups that subtract the threshold are listed in the graph metadata
///   `snnc_subtractive_reset` (comma-separated);
/// - max pool → `SumPool2d` `<name>` then `IF` `<name>.fire` (r = 1, v_threshold = 0.5, v_reset = 0);
///   sum pool → `SumPool2d`; average pool → `AvgPool2d`;
/// - identity (a residual shortcut's gain) → `Scale` with the dequantised gains; add layers are
///   not nodes: their inputs connect straight to the consumer (NIR sums fan-in).
///
/// Scales: a synaptic layer L driving LIF group P has the threshold-one factor
/// `k_L = τ_P · weightScale_L / (thresholdUnits_P · stateScale_P)`, which turns its integers into
/// currents in units where P's threshold is 1 (thresholdUnits is the integer threshold for `>=`).
/// P takes `c_P = k` of its first conv/linear feeder as its `r`, and L's NIR weights are
/// `q · k_L / c_P` — the deployed integers themselves whenever P's feeders share one scale (they do
/// for spiking inputs), stored exactly in float32 and cheap to compress. Biases follow
/// (`q_b · eventScale · k_L / c_P`). The readout drives no LIF: its factor is `weightScale`.
struct NIRGraph {
    var nodes: [NIRNode] = []
    var edges: [(String, String)] = []
    /// Per synaptic layer: the factor that turns its integer weights into the NIR weights.
    var weightScales: [String: Double] = [:]
    /// Per LIF group: its `r`, the factor `c_P` shared by the currents that drive it.
    var lifInputScales: [String: Double] = [:]
    /// The neuron groups that reset by subtracting the threshold, in graph order.
    var subtractiveReset: [String] = []
    /// The NIR node names of the graph input and output.
    let inputName = "input"
    var outputName = "output"

    init(_ graph: Graph) throws {
        let names = Set(graph.layers.map(\.name))
        while names.contains(outputName) { outputName += "_" }
        // Where each IR layer's output appears in NIR (a list: add nodes expand to their branches).
        var sources: [String: [String]] = [:]
        let consumers = Dictionary(grouping: graph.layers.flatMap { l in l.inputs.map { ($0, l) } }, by: \.0)
            .mapValues { $0.map(\.1) }
        func resolve(_ inputs: [String]) -> [String] { inputs.flatMap { sources[$0] ?? [$0] } }
        let readoutName = graph.layers.last?.name
        // The threshold-one factor of every synaptic layer and the LIF group it drives.
        var drive: [String: (lif: String, k: Double)] = [:]
        for layer in graph.layers {
            guard let weights = layer.op.synapticWeights, layer.name != readoutName else { continue }
            drive[layer.name] = try Self.thresholdOneScale(graph, layer: layer, weights: weights, consumers: consumers)
        }
        for layer in graph.layers where !layer.op.isIdentity {
            if let d = drive[layer.name], lifInputScales[d.lif] == nil { lifInputScales[d.lif] = d.k }
        }
        for layer in graph.layers {
            if let d = drive[layer.name], lifInputScales[d.lif] == nil { lifInputScales[d.lif] = d.k }
        }
        /// The factor from `layer`'s integers to its NIR weights.
        func factor(_ layer: Layer, _ weights: SynapticWeights) throws -> Double {
            if let d = drive[layer.name], let c = lifInputScales[d.lif] { return d.k / c }
            guard let q = weights.quantized else {
                throw DeploymentFileError(path: "", object: layer.name, reason: "the layer has no integer weights")
            }
            return q.weightScale
        }
        for layer in graph.layers {
            switch layer.op {
            case .input:
                nodes.append(.input(name: inputName, shape: layer.shape))
                sources[layer.name] = [inputName]
                continue
            case .add:
                sources[layer.name] = resolve(layer.inputs)
                continue
            case .identity(let identity):
                let scale = try factor(layer, identity.weights)
                weightScales[layer.name] = scale
                let (gains, _) = try Self.dequantised(identity.weights, scale: scale, layer: layer.name)
                nodes.append(.scale(name: layer.name, factors: gains, shape: layer.shape))
            case .batchNorm:
                throw DeploymentFileError(path: "", object: layer.name, reason: "batch norm must be folded before export")
            case .conv(let conv):
                let scale = try factor(layer, conv.weights)
                weightScales[layer.name] = scale
                let (w, b) = try Self.dequantised(conv.weights, scale: scale, layer: layer.name)
                let g = conv.geometry
                nodes.append(
                    .conv2d(
                        name: layer.name, weight: w, shape: conv.weights.weight.shape, bias: b,
                        stride: (g.strideH, g.strideW), padding: (g.padH, g.padW),
                        inputSize: (conv.inputShape[1], conv.inputShape[2])))
            case .linear(let linear):
                let scale = try factor(layer, linear.weights)
                weightScales[layer.name] = scale
                let (w, b) = try Self.dequantised(linear.weights, scale: scale, layer: layer.name)
                nodes.append(
                    .affine(
                        name: layer.name, weight: w, outFeatures: linear.outFeatures,
                        inFeatures: linear.inFeatures, bias: b))
            case .lif(let lif):
                let r = Float(lifInputScales[layer.name] ?? 1)
                if let synapse = lif.synapse, let tau = lif.tau {
                    // Euler at dt = 1: I = (1 − 1/τs)·I + (w_in/τs)·X, v = (1 − 1/τm)·v + (r/τm)·I.
                    nodes.append(
                        .cubaLIF(
                            name: layer.name, shape: layer.shape, tauSyn: synapse.tau, tauMem: tau, r: r * tau, vLeak: 0,
                            vThreshold: 1, wIn: synapse.tau - 1))
                } else if let tau = lif.tau {
                    nodes.append(.lif(name: layer.name, shape: layer.shape, tau: tau, r: r, vLeak: 0, vThreshold: 1))
                } else {
                    nodes.append(.integrateAndFire(name: layer.name, shape: layer.shape, r: r, vThreshold: 1))
                }
                if lif.resetMode == .subtract { subtractiveReset.append(layer.name) }
            case .pool(let pool):
                let g = pool.geometry
                nodes.append(
                    .pool2d(
                        name: layer.name, average: pool.kind == .average, kernel: (g.kernelH, g.kernelW),
                        stride: (g.strideH, g.strideW), padding: (g.padH, g.padW)))
                if pool.kind == .max {
                    let fire = layer.name + ".fire"
                    nodes.append(.integrateAndFire(name: fire, shape: layer.shape, r: 1, vThreshold: 0.5))
                    for source in resolve(layer.inputs) { edges.append((source, layer.name)) }
                    edges.append((layer.name, fire))
                    sources[layer.name] = [fire]
                    continue
                }
            case .flatten:
                let inputShape = graph.layer(named: layer.inputs[0])?.shape ?? []
                nodes.append(.flatten(name: layer.name, inputShape: inputShape))
            }
            for source in resolve(layer.inputs) { edges.append((source, layer.name)) }
            sources[layer.name] = [layer.name]
        }
        if let last = graph.layers.last {
            nodes.append(.output(name: outputName, shape: last.shape))
            edges.append((last.name, outputName))
        }
    }

    /// The LIF group a synaptic layer drives (through add layers and shortcuts) and the factor
    /// `k` that puts its integers into that group's threshold-one units (see the type's comment).
    static func thresholdOneScale(
        _ graph: Graph, layer: Layer, weights: SynapticWeights,
        consumers: [String: [Layer]]
    ) throws -> (lif: String, k: Double) {
        guard let q = weights.quantized else {
            throw DeploymentFileError(path: "", object: layer.name, reason: "the layer has no integer weights")
        }
        var current = layer.name
        for _ in 0..<graph.layers.count {
            guard let next = consumers[current]?.first else { break }
            if case .lif(let lif) = next.op, let neurons = lif.quantized {
                let units = Double(neurons.threshold) + (neurons.compare == .greater ? 1 : 0)
                return (next.name, q.weightScale / (lif.inputGain * units * neurons.stateScale))
            }
            current = next.name
        }
        throw DeploymentFileError(path: "", object: layer.name, reason: "the layer drives no quantised LIF group")
    }

    /// Dequantised weights and bias (`q · scale`, bias `q_b · scale · eventScale`; zeros without a bias).
    static func dequantised(_ weights: SynapticWeights, scale: Double, layer: String) throws -> ([Float], [Float]) {
        guard let q = weights.quantized else {
            throw DeploymentFileError(path: "", object: layer, reason: "the layer has no integer weights")
        }
        let w = q.values.map { Float(Double($0) * scale) }
        let n = weights.weight.shape.first ?? 0
        let b = q.bias.map { $0.map { Float(Double($0) * scale * q.eventScale) } } ?? Array(repeating: 0, count: n)
        return (w, b)
    }

    /// The graph as a NIR document (dt = 1 step, producer in the metadata).
    func document(producer: String) -> NIRDocument {
        NIRDocument(
            version: DeploymentFile.nirVersion, nodes: nodes, edges: edges,
            metadata: NIRDocument.snncMetadata(producer: producer, subtractiveReset: subtractiveReset))
    }

    /// Writes `/version` and `/node` into the file's root.
    func write(into root: HDF5Group, producer: String) throws {
        try document(producer: producer).write(into: root)
    }
}
