import SNNIR

/// The network families snnc trains.
public enum Architecture: String, Codable, CaseIterable, Sendable {
    /// VGG16 config D with BN after every conv (13 conv + 1 linear), as in Kim et al.
    case vgg16
    /// ResNet19 of the paper's released code: stem, BasicBlock stages [3, 3, 2] at 128/256/512
    /// (every stage starts with stride 2), average pool, FC256, LIF, FC.
    case resnet19
    /// The speed anchors' small net: conv3x3(32)-BN-LIF-pool, conv3x3(64)-BN-LIF-pool, FC128-LIF, FC.
    case small
    /// An explicit node list (`ModelSpec.graph`), e.g. imported from a NIR file by `snnc import`.
    case imported
    /// One hidden layer for small chips (Xylo: 16 inputs, at most 1000 hidden and 8 output
    /// neurons): fc1 (a convolution over the whole image: every pixel to each of 64·width hidden
    /// units), neurons, flatten, fc2 to the classes; no batch norm and no biases.
    case mlp
}

/// The spatial pooling between VGG stages.
public enum PoolKind: String, Codable, Sendable {
    /// Max-pooling 2×2 on spike maps (the paper; a binary OR on spikes).
    case max
    /// Average-pooling 2×2 (the speed anchors).
    case avg
}

/// How the analog image enters the spiking network.
public enum Encoding: String, Codable, Sendable {
    /// Direct coding (the paper): the first conv + BN run once per batch on the image; their output
    /// drives the first LIF at every time step.
    case direct
    /// The image is repeated T times and every layer, including the first conv, runs per step
    /// (the speed anchors' SpikingJelly models).
    case repeated
}

/// Which images a BatchNorm layer after the encoder averages over in training.
public enum BatchNormStatistics: String, Codable, Sendable {
    /// Statistics per time step over the B images of that step; running stats updated T times
    /// per batch (the paper's released code).
    case perStep
    /// Statistics over all T·B images at once (SpikingJelly multi-step `BatchNorm2d`).
    case pooled
}

/// The spiking neuron of a built-in architecture.
public enum NeuronModel: String, Codable, CaseIterable, Sendable {
    /// Leaky integrate-and-fire, `H = V + (X − V)/τ` (the paper's neuron).
    case lif
    /// Integrate-and-fire, `H = V + X` (no leak: Speck's and TrueNorth's neurons).
    case `if`
    /// Current-based LIF (Xylo Audio 2's neuron, NIR's `CubaLIF`): a synaptic current
    /// `I = (1 − 1/τs)(I + X)`, `H = (1 − 1/τ)V + I`, up to 31 spikes per step with a subtractive
    /// reset, sent one step later (`SynapticCurrent`; τ and τs are 2^shift steps).
    case cubaLIF = "cuba-lif"
}

/// Everything that determines a network's structure and neuron dynamics.
///
/// A `ModelSpec` plus a seed determines every initial weight bit for bit. Channel counts are the
/// paper's multiplied by `width` and rounded (at least 1).
public struct ModelSpec: Codable, Equatable, Sendable {
    public var architecture: Architecture
    /// Channel multiplier (1 = the paper's widths; 0.125 = VGG16 with 8…64 channels).
    public var width: Double
    public var inputChannels: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var classes: Int
    /// Time steps T (1 for the ANN twin).
    public var timeSteps: Int
    /// LIF membrane time constant in steps: `H = V + (X − V)/tau` (4/3 in the paper, 2 in the anchors).
    public var tau: Float
    /// LIF firing threshold (fires on `H ≥ threshold`).
    public var threshold: Float
    /// The spiking neurons of the built-in architectures; nil means LIF (files written before
    /// integrate-and-fire training existed). See `neuron`.
    public var neuronModel: NeuronModel?
    /// What a spike does to the membrane; nil means a hard reset to 0. See `reset`.
    public var resetMode: ResetMode?
    /// Synaptic time constant τs in steps of `cuba-lif` neurons (their membrane's is `tau`);
    /// nil for the other neurons.
    public var tauSyn: Float?
    public var pooling: PoolKind
    public var encoding: Encoding
    public var batchNormStatistics: BatchNormStatistics
    /// ε every batch norm adds to the variance, `y = γ·(x − mean)/√(var + ε) + β`; nil means
    /// PyTorch's default 1e-5. Written to files only when set, so older files read as before.
    public var batchNormEpsilon: Float?
    /// Whether convolutions carry a bias (VGG16 in the paper: yes; ResNet19: no).
    public var convBias: Bool
    /// `false` builds the ANN twin: ReLU instead of LIF, a single pass (T = 1).
    public var spiking: Bool
    /// The nodes of an `.imported` model (nil for the built-in architectures). Neuron nodes
    /// carry their own τ and threshold; `tau` and `threshold` above do not apply to them.
    public var graph: GraphSpec?
    /// The output channels (units) each structurally pruned layer keeps, as indices of the
    /// architecture's full layer (nil: every layer whole). Only VGG16 and `small` take it; see
    /// `ChannelSelection`. Written to files only when set, so older files read as before.
    public var keptChannels: [ChannelSelection]?
    /// Whether the convolutions and linear layers compute with ternary weights (`snnc train
    /// --ternary-weights`): each output unit's kept weights through `TernaryRule` (SNNIR), the
    /// float weights trained through it with a straight-through gradient (`TernaryWeights`). nil
    /// means float weights; written to files only when set, so older files read as before.
    public var ternaryWeights: Bool?

    /// Whether the layers compute with ternary weights (see `ternaryWeights`).
    public var isTernary: Bool { ternaryWeights ?? false }

    /// The paper's configuration of an architecture for a given input and class count.
    public init(
        architecture: Architecture, width: Double = 1, inputChannels: Int, inputHeight: Int,
        inputWidth: Int, classes: Int, timeSteps: Int = 5, tau: Float = 4.0 / 3.0,
        threshold: Float = 1, pooling: PoolKind? = nil, encoding: Encoding = .direct,
        batchNormStatistics: BatchNormStatistics = .perStep, convBias: Bool? = nil,
        spiking: Bool = true, graph: GraphSpec? = nil
    ) {
        self.architecture = architecture
        self.width = width
        self.inputChannels = inputChannels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.classes = classes
        self.timeSteps = spiking ? timeSteps : 1
        self.tau = tau
        self.threshold = threshold
        self.pooling = pooling ?? (architecture == .small ? .avg : .max)
        self.encoding = encoding
        self.batchNormStatistics = batchNormStatistics
        self.convBias = convBias ?? (architecture == .vgg16)
        self.spiking = spiking
        self.graph = graph
    }

    /// The neuron model of every spiking layer of a built-in architecture (LIF unless set).
    public var neuron: NeuronModel { neuronModel ?? .lif }

    /// The reset of every spiking layer of a built-in architecture (hard reset unless set).
    public var reset: ResetMode { resetMode ?? .zero }

    /// The spiking layers' neurons as a node neuron (`NeuronSpec`).
    public var neuronSpec: NeuronSpec {
        switch neuron {
        case .lif: NeuronSpec(tau: tau, threshold: threshold, reset: reset)
        case .if: NeuronSpec(tau: nil, threshold: threshold, reset: reset)
        case .cubaLIF:
            NeuronSpec(
                tau: tau, threshold: threshold, reset: reset,
                synapse: NeuronSpec.Synapse(tau: tauSyn ?? 4, maxSpikes: SynapticCurrent.xyloMaxSpikes, delay: 1))
        }
    }

    /// The ε of every batch norm: `batchNormEpsilon`, or 1e-5.
    public var effectiveBatchNormEpsilon: Float { batchNormEpsilon ?? 1e-5 }

    /// The ANN twin of this spec (same layers and parameter names, ReLU, one pass).
    public var annTwin: ModelSpec {
        var twin = self
        twin.spiking = false
        twin.timeSteps = 1
        return twin
    }

    /// A channel count of the paper scaled by `width`.
    func channels(_ paper: Int) -> Int { max(1, Int((Double(paper) * width).rounded())) }

    /// The output channels of layer `name`: the count its `keptChannels` entry keeps, else `full`.
    func outputs(of name: String, full: Int) -> Int {
        keptChannels?.first { $0.layer == name }?.channels.count ?? full
    }

    /// The same model with every layer whole (`keptChannels` dropped): the architecture the
    /// channel indices refer to.
    public var unpruned: ModelSpec {
        var copy = self
        copy.keptChannels = nil
        return copy
    }
}
