/// SNNIR: the deployment intermediate representation of snnc.
///
/// A `Graph` is a list of `Layer`s in execution order. It starts as the float model that a
/// trainer or importer hands over (conv, batch norm, LIF, pooling, …) and is rewritten by the
/// compiler passes (`SNNCompiler`): batch norm and the LIF input gain are folded into the
/// synaptic layers, weights are quantised to integers, sparse tables are built, layers are placed
/// on cores and costs are estimated. Each pass fills in more optional fields; nothing here
/// performs I/O or depends on another module.
///
/// Conventions used throughout:
/// - Shapes are per image and per time step, without batch or time: `[C, H, W]` or `[F]`.
/// - A neuron index is the C-order (row-major) flattening of its shape: `(c·H + y)·W + x`.
/// - Weights are row-major: conv `[Cout, Cin, kH, kW]`, linear `[out, in]` (PyTorch layout).
/// - Time steps are discrete; one step of the LIF update is the unit of time (dt = 1 step).
///
/// Execution of a quantised graph (what an integer simulator does; exact rules in docs/FORMAT.md):
/// 1. Quantise the image with `inputQuantization`; run each `encoder` conv once: its integer
///    output (Σ q_w · q_x + bias) is the input current of its population at every step.
/// 2. For each step t = 0..<timeSteps, run the layers in list order. A synaptic layer turns the
///    non-zero outputs (events) of its input layer into integer currents: each event with
///    payload p (1 for a spike, a count after sum-pooling) adds `p · q` to every post unit in its
///    fan-out row; then the layer's integer bias is added to every post unit. `add` sums
///    currents. A LIF group leaks, integrates the current, fires and resets (`QuantizedNeurons`).
///    Pools reduce their input's events (max: any spike in the window; sum: the count).
/// 3. The readout (last layer, linear) adds its currents into integer logit accumulators; the
///    prediction is the index of the largest sum over all steps (lowest index on ties).

/// A whole network for deployment: layers in execution order plus what the passes added.
public struct Graph: Sendable, Equatable {
    /// A short name (e.g. the source model's file stem), used in reports.
    public var name: String
    /// Time steps T one inference runs for.
    public var timeSteps: Int
    /// The layers in execution order. `layers[0]` is the single `.input` layer; every layer's
    /// inputs name layers earlier in the list; names are unique.
    public var layers: [Layer]
    /// How the analog input image is quantised for the integer pipeline (set by the bridge from
    /// the data set's normalisation; used by `quantize`).
    public var inputRange: InputRange?
    /// How raw images become the input layer's values (set by the bridge from the model's record;
    /// nil in graphs built without one, e.g. deployment files written before it was recorded).
    public var inputPreprocessing: InputPreprocessing?
    /// How the analog input is quantised, once `quantize` has run (the encoder's event scale).
    public var inputQuantization: InputQuantization?
    /// Which compiler passes have been applied, in order (e.g. `["foldBatchNorm", "quantize"]`).
    public var passes: [String]
    /// The target profile name the graph was quantised / mapped for, once `quantize` has run.
    public var target: String?
    /// The neuron-to-core placement, once `mapCores` has run.
    public var placement: Placement?
    /// Cost estimates, once `estimate` has run.
    public var estimates: Estimates?
    /// Where the graph came from (files, command, tool version), if known.
    public var provenance: Provenance?

    /// Creates a graph; the passes and estimates start empty.
    public init(
        name: String, timeSteps: Int, layers: [Layer], inputRange: InputRange? = nil,
        inputQuantization: InputQuantization? = nil, passes: [String] = [], target: String? = nil, placement: Placement? = nil,
        estimates: Estimates? = nil, provenance: Provenance? = nil
    ) {
        self.name = name
        self.timeSteps = timeSteps
        self.layers = layers
        self.inputRange = inputRange
        self.inputQuantization = inputQuantization
        self.passes = passes
        self.target = target
        self.placement = placement
        self.estimates = estimates
        self.provenance = provenance
    }

    /// The index of the layer called `name`, if any.
    public func index(of name: String) -> Int? { layers.firstIndex { $0.name == name } }

    /// The layer called `name`, if any.
    public func layer(named name: String) -> Layer? { index(of: name).map { layers[$0] } }

    /// The names of the layers that take `name` as an input, in execution order.
    public func consumers(of name: String) -> [String] {
        layers.filter { $0.inputs.contains(name) }.map(\.name)
    }

    /// The layers that carry weights (conv, linear, identity), in execution order.
    public var synapticLayers: [Layer] { layers.filter { $0.op.isSynaptic } }

    /// The LIF neuron groups, in execution order.
    public var neuronGroups: [Layer] { layers.filter { if case .lif = $0.op { true } else { false } } }

    /// The readout: the last layer, a linear layer whose per-step outputs are the logits.
    public var readout: Layer? { layers.last }

    /// Checks the structural invariants: one input layer first, inputs refer to earlier layers,
    /// unique names, positive time steps. Returns a list of problems (empty when valid).
    public func structuralProblems() -> [String] {
        var problems: [String] = []
        if timeSteps < 1 { problems.append("time steps must be at least 1, found \(timeSteps)") }
        guard let first = layers.first else { return problems + ["the graph has no layers"] }
        if first.op != .input { problems.append("the first layer '\(first.name)' is not the input") }
        var seen: Set<String> = []
        for (i, layer) in layers.enumerated() {
            if seen.contains(layer.name) { problems.append("duplicate layer name '\(layer.name)'") }
            if i > 0 && layer.op == .input { problems.append("layer '\(layer.name)' is a second input") }
            for input in layer.inputs where !seen.contains(input) {
                problems.append("layer '\(layer.name)' reads '\(input)', which is not an earlier layer")
            }
            if i > 0 && layer.inputs.isEmpty { problems.append("layer '\(layer.name)' has no inputs") }
            seen.insert(layer.name)
        }
        return problems
    }
}

/// One node of the graph: an operation on the outputs of earlier layers.
public struct Layer: Sendable, Equatable {
    /// Unique name. Names from a trained model keep the trainer's node names (`conv1`, `lif1`,
    /// `layer1.0.conv1`); names introduced by passes are documented by each pass.
    public var name: String
    /// The layers whose outputs this layer reads, by name. Exactly one, except `.add` (two or more).
    public var inputs: [String]
    /// Output shape per image and time step: `[C, H, W]` or `[F]`.
    public var shape: [Int]
    /// What the layer computes.
    public var op: Operation

    /// Creates a layer.
    public init(name: String, inputs: [String], shape: [Int], op: Operation) {
        self.name = name
        self.inputs = inputs
        self.shape = shape
        self.op = op
    }

    /// Number of output units (neurons, or values) per image and step: the product of `shape`.
    public var unitCount: Int { shape.reduce(1, *) }
}

/// The operations of the IR.
public enum Operation: Sendable, Equatable {
    /// The analog input image (`shape` = `[C, H, W]`).
    case input
    /// 2-D convolution. When `encoder` is set it reads the analog input and runs once per
    /// inference (direct coding); its output current drives the next neurons at every step.
    case conv(ConvLayer)
    /// Fully connected layer. The last layer of a graph is the readout: its outputs are the
    /// logits of one step, and the prediction is the argmax of their sum over all steps.
    case linear(LinearLayer)
    /// Batch normalisation with running statistics (present only before `foldBatchNorm`).
    case batchNorm(BatchNormLayer)
    /// A population of leaky integrate-and-fire neurons (one per unit of `shape`).
    case lif(LIFGroup)
    /// Spatial pooling (max, sum or average) over a window of each channel.
    case pool(PoolLayer)
    /// `[C, H, W]` → `[C·H·W]` (C-order); no computation.
    case flatten
    /// Elementwise sum of two or more inputs of equal shape (a residual join).
    case add
    /// One-to-one connection with a single gain `y = gain · x`: a residual shortcut that carries
    /// spikes into a sum after the LIF input gain has been folded (introduced by `foldBatchNorm`).
    case identity(IdentityLayer)

    /// Whether the layer carries weights that go into synapse memory (conv, linear, identity).
    public var isSynaptic: Bool {
        switch self {
        case .conv, .linear, .identity: true
        default: false
        }
    }

    /// The weights of a conv, linear or identity layer; nil for every other operation.
    public var synapticWeights: SynapticWeights? {
        switch self {
        case .conv(let conv): conv.weights
        case .linear(let linear): linear.weights
        case .identity(let identity): identity.weights
        default: nil
        }
    }

    /// Whether the operation is a residual shortcut's identity connection.
    public var isIdentity: Bool {
        if case .identity = self { true } else { false }
    }

    /// A short lowercase name of the operation kind: `input`, `conv`, `linear`, `batchnorm`,
    /// `lif`, `pool`, `flatten`, `add`, `identity`.
    public var kindName: String {
        switch self {
        case .input: "input"
        case .conv: "conv"
        case .linear: "linear"
        case .batchNorm: "batchnorm"
        case .lif: "lif"
        case .pool: "pool"
        case .flatten: "flatten"
        case .add: "add"
        case .identity: "identity"
        }
    }
}

/// The range of the analog input values, from which `quantize` derives the input scale.
///
/// The integer pipeline quantises an input value `x` (a normalised float pixel) to
/// `clamp(round(x / scale), −qmax, qmax)` with `qmax = 2^(bits−1) − 1` (see docs/FORMAT.md).
public struct InputRange: Sendable, Equatable {
    /// The largest magnitude a normalised input value can take (e.g. from the data set's
    /// per-channel mean and standard deviation over pixel values in [0, 1]).
    public var maxAbs: Double
    /// A description of where `maxAbs` came from (e.g. `fmnist normalisation mean 0.2860 std 0.3530`).
    public var source: String

    /// Creates an input range.
    public init(maxAbs: Double, source: String) {
        self.maxAbs = maxAbs
        self.source = source
    }
}
