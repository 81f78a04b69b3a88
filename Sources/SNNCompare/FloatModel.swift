import SNNTensor
import SNNTrain

/// The spike trains of one LIF layer of the float model on a batch of images.
public struct FloatSpikes: Sendable, Equatable {
    /// The layer's name (the trainer's node name, which the deployment keeps).
    public var name: String
    /// The layer's shape per image and step (`[C, H, W]` or `[F]`).
    public var shape: [Int]
    /// Images in the batch (B).
    public var images: Int
    /// 0 or 1 per (step, image, neuron), time-major: neuron `u` of image `b` at step `t` is
    /// `values[(t·B + b)·units + u]`, `u` the C-order index within `shape`.
    public var values: [Float]

    /// Neurons per image and step.
    public var units: Int { shape.reduce(1, *) }

    /// The spikes of image `b` at step `t`, one entry per neuron in C order.
    public func spikes(image b: Int, step t: Int) -> ArraySlice<Float> {
        let start = (t * images + b) * units
        return values[start..<(start + units)]
    }
}

/// What the float model produced on a batch of images.
public struct FloatRun: Sendable, Equatable {
    /// Images in the batch.
    public var images: Int
    /// Time steps T.
    public var timeSteps: Int
    /// The predicted class of each image: the argmax of the logits summed over steps, the
    /// lowest index on ties (as the trainer and the simulator decide).
    public var predictions: [Int]
    /// The spike trains of every LIF layer, in execution order.
    public var layers: [FloatSpikes]
}

/// The trained float model a deployment was compiled from, run as the trainer evaluates it
/// (running BatchNorm statistics, float LIF with `H ≥ θ`), keeping every LIF layer's spikes.
///
/// Keep one per thread: it owns the network's scratch memory.
public struct FloatModel: Sendable {
    /// The model's specification.
    public let spec: ModelSpec
    /// Name and per-image shape of every LIF layer, in execution order.
    public let spikingLayers: [(name: String, shape: [Int])]
    private var network: Network
    private var parameters: ParameterSet
    private let lifNodes: [Int]

    /// A runner for `state`'s model and weights.
    /// - Throws: `ComparisonError` for the ANN twin (it has no spikes to compare); `ModelError`
    ///   if the spec does not build.
    public init(_ state: TrainingState) throws {
        guard state.spec.spiking else {
            throw ComparisonError(
                reason: "the model is the ANN twin (ReLU, one pass): it has no spikes to compare",
                hint: "compare against the spiking checkpoint or ticket file the export came from")
        }
        let graph = try LayerGraph(state.spec)
        spec = state.spec
        parameters = state.parameters
        network = Network(graph: graph, parameters: state.parameters)
        // The nodes the deployment has as LIF groups: `.lif`, and an imported model's leaky
        // `.neuron` nodes (DeploymentBridge turns those into LIF groups of the same name).
        lifNodes = graph.nodes.indices.filter {
            switch graph.nodes[$0].op {
            case .lif: true
            case .neuron(let neuron): neuron.tau != nil
            default: false
            }
        }
        spikingLayers = lifNodes.map { (graph.nodes[$0].name, graph.nodes[$0].shape) }
    }

    /// Pixels per image: channels × height × width.
    public var imageSize: Int { spec.inputChannels * spec.inputHeight * spec.inputWidth }

    /// Runs the model on `images`, each normalised as in training, C-order `[C, H, W]`.
    /// - Throws: `ComparisonError` if an image has the wrong number of pixels.
    public mutating func run(images: [[Float]]) throws -> FloatRun {
        let b = images.count
        var pixels: [Float] = []
        pixels.reserveCapacity(b * imageSize)
        for (i, image) in images.enumerated() {
            guard image.count == imageSize else {
                throw ComparisonError(
                    reason: "image \(i) has \(image.count) values but the float model reads "
                        + "\(spec.inputChannels)×\(spec.inputHeight)×\(spec.inputWidth) = \(imageSize)",
                    hint: "use the data set and padding the model was trained with")
            }
            pixels += image
        }
        let input = Tensor(shape: [b, spec.inputChannels, spec.inputHeight, spec.inputWidth], scalars: pixels)
        let pass = network.forward(input, parameters: &parameters, training: false, keepIntermediates: true)
        let steps = spec.timeSteps
        let layers = zip(lifNodes, spikingLayers).map { node, layer in
            FloatSpikes(name: layer.name, shape: layer.shape, images: b, values: pass.output(ofNode: node)?.scalars ?? [])
        }
        for layer in layers where layer.values.count != steps * b * layer.units {
            preconditionFailure("LIF '\(layer.name)' produced \(layer.values.count) values, expected \(steps * b * layer.units)")
        }
        return FloatRun(
            images: b, timeSteps: steps, predictions: Self.predictions(pass.logits, images: b, steps: steps),
            layers: layers)
    }

    /// Argmax over classes of the logits `[T·B, K]` summed over steps (first index on ties).
    static func predictions(_ logits: Tensor, images b: Int, steps: Int) -> [Int] {
        let classes = logits.shape[1]
        return (0..<b).map { i in
            var best = -Float.infinity
            var bestClass = 0
            for k in 0..<classes {
                var sum: Float = 0
                for t in 0..<steps { sum += logits.scalars[(t * b + i) * classes + k] }
                if sum > best {
                    best = sum
                    bestClass = k
                }
            }
            return bestClass
        }
    }
}
