import SNNIR

/// The dense integer reference: each layer computed in full, every step, straight from the
/// quantised integer weights (`QuantizedSynapses.values`), not from the CSR tables.
///
/// It executes the same integer semantics as `EventSimulator` (SNNIR's `QuantizedNeurons`
/// rule via SNNIR's own `IntegerDecay.apply`, `IntegerArithmetic.saturate` and
/// `QuantizedNeurons.fires`), so the two must produce identical spike trains; because it reads
/// the dense integer arrays, it also checks the CSR lowering. It needs no fan-out tables, so the
/// compiler can calibrate with it before `lowerToCSR`.
public struct DenseReference: Sendable {
    /// One layer, ready to run.
    enum Step: Sendable {
        case input
        case conv(weights: [Int64], bias: [Int64]?, outChannels: Int, geometry: ConvGeometry, inputShape: [Int], encoder: Bool)
        case linear(weights: [Int64], bias: [Int64]?, inFeatures: Int, outFeatures: Int)
        case identity(gain: [Int64], bias: [Int64]?)
        case add
        case lif(QuantizedNeurons)
        case pool(kind: PoolLayer.Kind, geometry: ConvGeometry, inputShape: [Int])
        case flatten
    }

    let graph: Graph
    let steps: [Step]
    let inputs: [[Int]]
    /// Whether each layer's outputs are all 0 or 1 (LIF groups without a synaptic current,
    /// max-pools, and flattens of such); current-based groups send spike counts.
    let binary: [Bool]

    /// Prepares `graph` for dense execution.
    /// - Throws: `SimulatorError` when the graph is malformed or not quantised.
    public init(_ graph: Graph) throws {
        _ = try Topology(graph, requireFanout: false)
        self.graph = graph
        var index: [String: Int] = [:]
        var steps: [Step] = []
        var inputs: [[Int]] = []
        var binary: [Bool] = []
        for (i, layer) in graph.layers.enumerated() {
            let from = layer.inputs.compactMap { index[$0] }
            inputs.append(from)
            let step = try Self.step(of: layer, inputShape: from.first.map { graph.layers[$0].shape } ?? [])
            switch step {
            case .lif(let q): binary.append(q.current == nil)
            case .pool(let kind, _, _): binary.append(kind == .max)
            case .flatten: binary.append(binary[from[0]])
            default: binary.append(false)
            }
            steps.append(step)
            index[layer.name] = i
        }
        self.steps = steps
        self.inputs = inputs
        self.binary = binary
    }

    private static func step(of layer: Layer, inputShape: [Int]) throws -> Step {
        func integers(_ w: SynapticWeights) throws -> (values: [Int64], bias: [Int64]?) {
            guard let q = w.quantized else { throw SimulatorError.notQuantized(layer: layer.name) }
            return (q.values.map(Int64.init), q.bias.map { $0.map(Int64.init) })
        }
        switch layer.op {
        case .input:
            return .input
        case .conv(let conv):
            let (values, bias) = try integers(conv.weights)
            return .conv(
                weights: values, bias: bias, outChannels: conv.outChannels, geometry: conv.geometry,
                inputShape: conv.inputShape, encoder: conv.encoder)
        case .linear(let linear):
            let (values, bias) = try integers(linear.weights)
            return .linear(weights: values, bias: bias, inFeatures: linear.inFeatures, outFeatures: linear.outFeatures)
        case .identity(let identity):
            let (values, bias) = try integers(identity.weights)
            return .identity(gain: values, bias: bias)
        case .add:
            return .add
        case .lif(let lif):
            guard let q = lif.quantized else { throw SimulatorError.notQuantized(layer: layer.name) }
            return .lif(q)
        case .pool(let pool):
            return .pool(kind: pool.kind, geometry: pool.geometry, inputShape: inputShape)
        case .flatten:
            return .flatten
        case .batchNorm:
            throw SimulatorError.unsupported(layer: layer.name, reason: "batch norm must be folded first (foldBatchNorm)")
        }
    }

    /// Time steps per inference.
    public var timeSteps: Int { graph.timeSteps }

    /// Runs one normalised image, quantised with the graph's input quantisation.
    public func run(image: [Float], trace: Bool = false) throws -> Inference {
        let count = graph.layers[0].unitCount
        return try run(
            quantizedImage: InputEncoding.quantize(image, quantization: graph.inputQuantization, expected: count),
            trace: trace)
    }

    /// Runs one quantised image (C-order `[C, H, W]` integers).
    /// - Throws: `SimulatorError.imageSize` when the image does not fit the input layer.
    public func run(quantizedImage image: [Int32], trace: Bool = false) throws -> Inference {
        let count = graph.layers[0].unitCount
        guard image.count == count else { throw SimulatorError.imageSize(expected: count, found: image.count) }
        return execute([image], trace: trace)
    }

    /// Runs quantised inputs that change from step to step (`steps[t]` at step t; see
    /// `EventSimulator.run(quantizedSteps:trace:)`).
    /// - Throws: `SimulatorError.imageSize` when the step count or an input's size is wrong.
    public func run(quantizedSteps steps: [[Int32]], trace: Bool = false) throws -> Inference {
        let count = graph.layers[0].unitCount
        guard steps.count == timeSteps else { throw SimulatorError.imageSize(expected: timeSteps, found: steps.count) }
        for input in steps where input.count != count { throw SimulatorError.imageSize(expected: count, found: input.count) }
        return execute(steps, trace: trace)
    }
}
