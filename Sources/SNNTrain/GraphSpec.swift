import SNNIR
import SNNTensor

/// The dynamics of one spiking neuron node of an explicit graph (one value per node).
///
/// With input current I (the sum of everything feeding the node), V = 0 before the first step:
///
///     X = gain · I + leak                                  (skipped when gain = 1 and leak = 0)
///     LIF (tau ≠ nil):  H = V + (X − V) / tau              IF (tau = nil):  H = V + X
///     S = H ≥ threshold;   V = S ? 0 : H                   (hard reset to 0)
///                          V = S ? H − threshold : H       (reset = .subtract)
///
/// This is NIR's LIF / IF discretised with forward Euler at dt = 1 step (docs/NIR.md).
public struct NeuronSpec: Codable, Equatable, Sendable {
    /// Membrane time constant in steps; `nil` for an integrate-and-fire neuron (no leak).
    public var tau: Float?
    /// Firing threshold (fires on H ≥ threshold).
    public var threshold: Float
    /// Input gain (NIR's `r`; for an imported `CubaLIF`, `r · w_in`).
    public var gain: Float
    /// Constant added to the scaled input every step (NIR's `v_leak`; LIF only).
    public var leak: Float
    /// For a node imported from NIR `CubaLIF` (synaptic time constant of one step): its `w_in`
    /// and `r`, so that NIR export writes the node back as it was. `nil` otherwise.
    public var cubaInput: CubaInput?
    /// What a spike does; nil means the hard reset to 0 (files written before soft resets existed).
    public var reset: ResetMode?
    /// The synaptic current of a current-based LIF (Xylo's neuron, NIR `CubaLIF` with τs > dt);
    /// nil for the others. With it: `I = (1 − 1/τs)(I + X)`, `H = (1 − 1/tau)·V + I` (no 1/tau on
    /// the input), up to `maxSpikes` spikes per step with a subtractive reset, sent `delay` steps later.
    public var synapse: Synapse?

    /// The synaptic current of a current-based node.
    public struct Synapse: Codable, Equatable, Sendable {
        /// τs in steps (≥ 1).
        public var tau: Float
        /// Spikes a neuron sends at most per step.
        public var maxSpikes: Int
        /// Steps between a spike and the node's output (0 or 1).
        public var delay: Int

        /// Creates the record.
        public init(tau: Float, maxSpikes: Int, delay: Int) {
            self.tau = tau
            self.maxSpikes = maxSpikes
            self.delay = delay
        }
    }

    /// The NIR `CubaLIF` fields of a current-based node without synaptic memory.
    public struct CubaInput: Codable, Equatable, Sendable {
        /// NIR `w_in`.
        public var wIn: Float
        /// NIR `r`.
        public var r: Float

        /// Creates the record.
        public init(wIn: Float, r: Float) {
            self.wIn = wIn
            self.r = r
        }
    }

    /// Creates a neuron description.
    public init(
        tau: Float?, threshold: Float, gain: Float = 1, leak: Float = 0, cubaInput: CubaInput? = nil,
        reset: ResetMode? = nil, synapse: Synapse? = nil
    ) {
        self.reset = reset
        self.synapse = synapse
        self.tau = tau
        self.threshold = threshold
        self.gain = gain
        self.leak = leak
        self.cubaInput = cubaInput
    }

    /// The reset the neuron does (hard unless set).
    public var resetMode: ResetMode { reset ?? .zero }

    /// The deployment IR's synaptic current of a current-based node (nil for the others).
    public var synapticCurrent: SynapticCurrent? {
        synapse.map { SynapticCurrent(tau: $0.tau, maxSpikes: $0.maxSpikes, delay: $0.delay) }
    }
}

/// A max-pool that came from NIR's `SumPool2d` followed by an `IF`: the IF node's name and
/// parameters, kept so NIR export writes the same two nodes back.
public struct FireSpec: Codable, Equatable, Sendable {
    /// Name of the IF node.
    public var name: String
    /// Its `r`.
    public var r: Float
    /// Its `v_threshold` (in (0, r]: any spike in the window fires, as max-pooling does; for an
    /// averaging pool in (0, r / (kH·kW)]).
    public var threshold: Float
    /// True when the pool before the IF was an `AvgPool2d` (SpikingJelly's exporter has no sum
    /// pool), so export writes it back as one; nil (checkpoints before this field) or false: a
    /// `SumPool2d`.
    public var averagePool: Bool?

    /// Creates the record.
    public init(name: String, r: Float, threshold: Float, averagePool: Bool? = nil) {
        self.name = name
        self.r = r
        self.threshold = threshold
        self.averagePool = averagePool
    }
}

/// Geometry of a 2-D window (convolution or pooling): `[rows, columns]` pairs.
public struct WindowSpec: Codable, Equatable, Sendable {
    public var kernel: [Int]
    public var stride: [Int]
    public var padding: [Int]

    /// Creates a window; each array holds (rows, columns).
    public init(kernel: [Int], stride: [Int], padding: [Int]) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// The engine's window.
    public var window: Window2d {
        Window2d(
            kernelH: kernel[0], kernelW: kernel[1], strideH: stride[0], strideW: stride[1],
            padH: padding[0], padW: padding[1])
    }
}

/// What a node of an explicit graph computes.
public enum NodeSpecOp: Codable, Equatable, Sendable {
    /// 2-D convolution (groups 1, dilation 1); weight `[outChannels, Cin, kH, kW]`.
    case conv(outChannels: Int, window: WindowSpec, bias: Bool)
    /// Fully connected; weight `[outFeatures, in]`.
    case linear(outFeatures: Int, bias: Bool)
    /// Spiking neurons (LIF or IF).
    case neuron(NeuronSpec)
    /// Elementwise product with fixed factors (NIR `Scale`), one per unit of the input shape.
    case scale([Float])
    /// Sum over each window (NIR `SumPool2d`).
    case sumPool(WindowSpec)
    /// Mean over each window, padding counted as zeros (NIR `AvgPool2d`).
    case avgPool(WindowSpec)
    /// Max over each window; `fire` records the NIR `IF` it was recognised from.
    case maxPool(WindowSpec, fire: FireSpec?)
    /// `[C, H, W]` → `[C·H·W]`.
    case flatten
    /// Sum of two or more inputs of equal shape (NIR fan-in).
    case add
}

/// One node of an explicit graph: a name, the names of the nodes it reads and its operation.
public struct NodeSpec: Codable, Equatable, Sendable {
    /// Unique name (parameters are `<name>.weight`, `<name>.bias`).
    public var name: String
    /// Names of the nodes it reads, in order; `"input"` is the image. One input except `add`.
    public var inputs: [String]
    public var op: NodeSpecOp

    /// Creates a node.
    public init(name: String, inputs: [String], op: NodeSpecOp) {
        self.name = name
        self.inputs = inputs
        self.op = op
    }
}

/// An explicit network (e.g. imported from NIR): nodes in execution order after the input;
/// the last node's outputs are the logits of one step.
public struct GraphSpec: Codable, Equatable, Sendable {
    /// The name the image input has in `NodeSpec.inputs`.
    public static let inputName = "input"
    public var nodes: [NodeSpec]
    /// Names of the NIR `Input` and `Output` nodes the graph was imported from (NIR export
    /// writes them back); nil for graphs made otherwise.
    public var nirInputName: String?
    public var nirOutputName: String?

    /// Creates a graph.
    public init(nodes: [NodeSpec], nirInputName: String? = nil, nirOutputName: String? = nil) {
        self.nodes = nodes
        self.nirInputName = nirInputName
        self.nirOutputName = nirOutputName
    }
}
