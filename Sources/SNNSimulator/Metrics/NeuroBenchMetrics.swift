import SNNIR

/// NeuroBench 2.3.0's static metrics of a deployed graph, under NeuroBench's definitions
/// (docs/METRICS.md gives each one's source in NeuroBench and how snnc computes it).
///
/// NeuroBench counts the parameters of a PyTorch model's connection layers (`Linear`, `Conv`);
/// here they are the conv and linear layers of the deployment. Identity layers (residual
/// shortcuts carrying the folded 1/τ) are left out: the trained model has no parameter there.
public struct NeuroBenchStatic: Sendable, Equatable {
    /// Bytes of the deployed parameters: every conv and linear weight, zeros included, at its
    /// integer width (1 byte up to 8 bits, 2 up to 16, else 4; 4 for float weights) and every
    /// bias as 4 bytes (int32). NeuroBench `Footprint` (parameters × element size).
    public var footprint: Int
    /// Conv and linear weights and biases. NeuroBench `ParameterCount`.
    public var parameterCount: Int
    /// The fraction of conv and linear weights that are zero in the deployed integers (pruned,
    /// or rounded to 0); biases are not counted. NeuroBench `ConnectionSparsity` (unrounded).
    public var connectionSparsity: Double

    /// The metrics of `graph` (quantised or not).
    public init(graph: Graph) {
        var bytes = 0
        var parameters = 0
        var weights = 0
        var zeros = 0
        for layer in graph.layers where Self.isConnectionLayer(layer) {
            guard let w = layer.op.synapticWeights else { continue }
            let count = w.weight.count
            let biases = w.quantized.map { $0.bias?.count ?? 0 } ?? (w.bias?.count ?? 0)
            let nonZero =
                w.quantized.map { q in q.values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
                ?? w.weight.values.indices.reduce(0) { $0 + (w.isKept($1) && w.weight.values[$1] != 0 ? 1 : 0) }
            bytes += count * Self.bytesPerWeight(bits: w.quantized?.bits) + 4 * biases
            parameters += count + biases
            weights += count
            zeros += count - nonZero
        }
        footprint = bytes
        parameterCount = parameters
        connectionSparsity = weights == 0 ? 0 : Double(zeros) / Double(weights)
    }

    /// Whether NeuroBench counts the layer as a connection layer: conv and linear.
    static func isConnectionLayer(_ layer: Layer) -> Bool {
        switch layer.op {
        case .conv, .linear: true
        default: false
        }
    }

    /// Storage bytes of one weight: the deployment file's integer type for `bits` (nil: float32).
    static func bytesPerWeight(bits: Int?) -> Int {
        guard let bits else { return 4 }
        return bits <= 8 ? 1 : bits <= 16 ? 2 : 4
    }

    /// NeuroBench's result keys and values.
    public var values: [String: NeuroBenchValue] {
        [
            "Footprint": .number(Double(footprint)), "ParameterCount": .number(Double(parameterCount)),
            "ConnectionSparsity": .number(connectionSparsity),
        ]
    }
}

/// NeuroBench 2.3.0's workload metrics of a simulated batch, per inference (summed over the
/// images and divided by their number, as NeuroBench's accumulated metrics do), under
/// NeuroBench's definitions (docs/METRICS.md).
///
/// NeuroBench runs the network once per time step, the static image given at every step (its
/// snnTorch harness calls the network per step; SpikingJelly models repeat the image T times):
/// so every connection layer, the input layer included, runs T times per inference. snnc's
/// encoder runs once per image; its operations are counted here T times.
public struct NeuroBenchWorkload: Sendable, Equatable {
    /// How NeuroBench counts a layer's operations: multiply-accumulates when its input holds
    /// values other than 0 and ±1 (the analog image, or pooled counts that the trained model
    /// averages), accumulates when it holds spikes.
    public enum OperationKind: String, Sendable, Equatable {
        case mac, ac
    }

    /// One conv or linear layer's operations per inference.
    public struct LayerOperations: Sendable, Equatable {
        /// The layer's name.
        public var name: String
        /// MACs or ACs.
        public var kind: OperationKind
        /// Non-zero input × non-zero weight pairs, over the T steps.
        public var effective: Double
        /// Every (input, weight) pair inside the input (zero inputs and weights included), over
        /// the T steps; independent of the activity.
        public var dense: Double
    }

    /// Per conv and linear layer, in layer order.
    public var layers: [LayerOperations]
    /// The fraction of LIF outputs (neuron × step × image) that are not spikes, over all LIF
    /// groups. NeuroBench `ActivationSparsity`.
    public var activationSparsity: Double
    /// The same per LIF group. NeuroBench `ActivationSparsityByLayer`.
    public var activationSparsityByLayer: [String: Double]
    /// Every LIF neuron at the first step, then the neurons whose membrane after a step differs
    /// from the one before it, per inference. NeuroBench `MembraneUpdates`.
    public var membraneUpdates: Double

    /// NeuroBench `SynapticOperations` `Effective_MACs`.
    public var effectiveMACs: Double { layers.filter { $0.kind == .mac }.reduce(0) { $0 + $1.effective } }
    /// NeuroBench `SynapticOperations` `Effective_ACs`.
    public var effectiveACs: Double { layers.filter { $0.kind == .ac }.reduce(0) { $0 + $1.effective } }
    /// NeuroBench `SynapticOperations` `Dense`.
    public var dense: Double { layers.reduce(0) { $0 + $1.dense } }

    /// The metrics of `result`, a batch simulated on `graph`.
    public init(graph: Graph, result: BatchResult) {
        let n = Double(max(result.images, 1))
        let steps = graph.timeSteps
        layers = graph.layers.filter(NeuroBenchStatic.isConnectionLayer).map { layer in
            let events = Double(result.work.synapticEvents[layer.name]?.reduce(0, +) ?? 0) / n
            let encoder = if case .conv(let conv) = layer.op { conv.encoder } else { false }
            return LayerOperations(
                name: layer.name, kind: Self.readsSpikes(layer, in: graph) ? .ac : .mac,
                effective: encoder ? events * Double(steps) : events,
                dense: Double(Self.denseOperations(layer) * steps))
        }
        var spikes = 0
        var outputs = 0
        var byLayer: [String: Double] = [:]
        var updates = 0.0
        for group in graph.neuronGroups {
            let fired = result.spikes[group.name]?.reduce(0, +) ?? 0
            let total = group.unitCount * steps * result.images
            byLayer[group.name] = total == 0 ? 0 : Double(total - fired) / Double(total)
            spikes += fired
            outputs += total
            let changed = result.membraneChanges[group.name]?.dropFirst().reduce(0, +) ?? 0
            updates += Double(group.unitCount) + Double(changed) / n
        }
        activationSparsity = outputs == 0 ? 0 : Double(outputs - spikes) / Double(outputs)
        activationSparsityByLayer = byLayer
        membraneUpdates = result.images == 0 ? 0 : updates
    }

    /// Whether the layer's input is spikes (a LIF group, a max pool, a flatten of either):
    /// false for the image and for sum pools (averages in the trained model).
    static func readsSpikes(_ layer: Layer, in graph: Graph) -> Bool {
        var source = layer.inputs.first.flatMap { graph.layer(named: $0) }
        while let s = source {
            switch s.op {
            case .lif: return true
            case .pool(let pool): return pool.kind == .max
            case .flatten: source = s.inputs.first.flatMap { graph.layer(named: $0) }
            default: return false
            }
        }
        return false
    }

    /// The (input, weight) pairs of one step of a conv or linear layer with every input and
    /// weight non-zero: a conv's taps that fall inside its input (padding excluded), times the
    /// channels; a linear layer's inputs × outputs.
    static func denseOperations(_ layer: Layer) -> Int {
        switch layer.op {
        case .conv(let conv):
            let g = conv.geometry
            let (h, w) = (conv.inputShape[1], conv.inputShape[2])
            let (oh, ow) = (g.outputHeight(h), g.outputWidth(w))
            let rows = (0..<g.kernelH).reduce(0) {
                $0 + ConvGeometry.validOutputs(kernelOffset: $1, stride: g.strideH, pad: g.padH, inputCount: h, outputCount: oh).count
            }
            let columns = (0..<g.kernelW).reduce(0) {
                $0 + ConvGeometry.validOutputs(kernelOffset: $1, stride: g.strideW, pad: g.padW, inputCount: w, outputCount: ow).count
            }
            return conv.outChannels * conv.inChannels * rows * columns
        case .linear(let linear):
            return linear.inFeatures * linear.outFeatures
        default:
            return 0
        }
    }

    /// NeuroBench's result keys and values.
    public var values: [String: NeuroBenchValue] {
        [
            "ActivationSparsity": .number(activationSparsity),
            "ActivationSparsityByLayer": .object(activationSparsityByLayer.mapValues { .number($0) }),
            "MembraneUpdates": .number(membraneUpdates),
            "SynapticOperations": .object([
                "Effective_MACs": .number(effectiveMACs), "Effective_ACs": .number(effectiveACs), "Dense": .number(dense),
            ]),
            "SynapticOperationsByLayer": .object(byLayerValues),
        ]
    }

    /// snnc's per-layer split of `SynapticOperations` (NeuroBench reports only the sums): per conv
    /// and linear layer, `Effective_MACs` or `Effective_ACs` (its kind) and `Dense`.
    private var byLayerValues: [String: NeuroBenchValue] {
        Dictionary(
            layers.map { l in
                (l.name, .object([l.kind == .mac ? "Effective_MACs" : "Effective_ACs": .number(l.effective), "Dense": .number(l.dense)]))
            }, uniquingKeysWith: { first, _ in first })
    }
}

/// A value of NeuroBench's result dictionary: a number or a nested dictionary. Encodes its
/// keys as they are (JSON encoders convert the keys of coded properties, not of dictionaries).
public enum NeuroBenchValue: Sendable, Equatable, Encodable {
    case number(Double)
    case object([String: NeuroBenchValue])

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .object(let values): try container.encode(values)
        }
    }
}
