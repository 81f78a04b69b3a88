/// A dense float array with a shape (row-major), used for weights, biases and statistics.
public struct DenseTensor: Sendable, Equatable {
    /// Extents, outermost first.
    public var shape: [Int]
    /// Row-major elements; `values.count == shape.reduce(1, *)`.
    public var values: [Float]

    /// Creates a tensor.
    /// - Precondition: `values.count` equals the product of `shape` (a programmer error otherwise).
    public init(shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values do not fill shape \(shape)")
        self.shape = shape
        self.values = values
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> DenseTensor {
        DenseTensor(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { values.count }
}

/// The weights of a synaptic layer and everything the passes derive from them.
///
/// Fields are filled in pipeline order: `weight`/`bias`/`mask` by the bridge, `quantized` by
/// `quantize`, `fanout` by `lowerToCSR`.
public struct SynapticWeights: Sendable, Equatable {
    /// Float weights (conv `[Cout, Cin, kH, kW]`, linear `[out, in]`, identity `[n]`). After
    /// `foldBatchNorm` they include the BN scale and the LIF input gain 1/τ. Pruned entries are 0.
    public var weight: DenseTensor
    /// Float bias per output channel / unit, or nil for none. After folding it includes the BN
    /// shift and the LIF input gain; it is added to the post neurons' input at every step.
    public var bias: [Float]?
    /// Pruning mask aligned with `weight.values` (true keeps); nil means every weight is kept.
    public var mask: [Bool]?
    /// Integer weights, once `quantize` has run.
    public var quantized: QuantizedSynapses?
    /// The fan-out table, once `lowerToCSR` has run: a linear layer's `Wᵀ` (row = input unit,
    /// column = output unit); a conv layer's kernel CSR (row = input channel, column =
    /// `(cout·kH + ky)·kW + kx`); an identity layer's diagonal.
    public var fanout: CSRMatrix<Int32>?

    /// Creates the weights of a layer; `quantized` and `fanout` start empty.
    public init(
        weight: DenseTensor, bias: [Float]?, mask: [Bool]? = nil,
        quantized: QuantizedSynapses? = nil, fanout: CSRMatrix<Int32>? = nil
    ) {
        self.weight = weight
        self.bias = bias
        self.mask = mask
        self.quantized = quantized
        self.fanout = fanout
    }

    /// Whether weight `i` survives pruning (true when there is no mask).
    public func isKept(_ i: Int) -> Bool { mask.map { $0[i] } ?? true }

    /// Number of weights the mask keeps (all of them without a mask).
    public var keptCount: Int { mask.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? weight.count }
}

/// Window geometry of a convolution (zero padding on both sides of each axis).
public struct ConvGeometry: Sendable, Equatable, Hashable {
    /// Kernel rows.
    public var kernelH: Int
    /// Kernel columns.
    public var kernelW: Int
    /// Step between output rows.
    public var strideH: Int
    /// Step between output columns.
    public var strideW: Int
    /// Zero rows added above and below.
    public var padH: Int
    /// Zero columns added left and right.
    public var padW: Int

    /// Creates a geometry.
    public init(kernelH: Int, kernelW: Int, strideH: Int = 1, strideW: Int = 1, padH: Int = 0, padW: Int = 0) {
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.strideH = strideH
        self.strideW = strideW
        self.padH = padH
        self.padW = padW
    }

    /// Output rows for `height` input rows: `(height + 2·padH − kernelH) / strideH + 1` (floor).
    public func outputHeight(_ height: Int) -> Int { (height + 2 * padH - kernelH) / strideH + 1 }

    /// Output columns for `width` input columns.
    public func outputWidth(_ width: Int) -> Int { (width + 2 * padW - kernelW) / strideW + 1 }

    /// The output positions `o` (along one axis of `outputCount`) whose input coordinate
    /// `o·stride − pad + k` lies inside `0..<inputCount`, for kernel offset `k`.
    public static func validOutputs(
        kernelOffset k: Int, stride: Int, pad: Int,
        inputCount: Int, outputCount: Int
    ) -> Range<Int> {
        let lowNumerator = pad - k
        let low = lowNumerator <= 0 ? 0 : (lowNumerator + stride - 1) / stride
        let highNumerator = inputCount - 1 + pad - k
        let high = highNumerator < 0 ? 0 : highNumerator / stride + 1
        let lo = min(low, outputCount)
        let hi = min(max(high, lo), outputCount)
        return lo..<hi
    }
}

/// A 2-D convolution: `y[co, oy, ox] = b[co] + Σ w[co, ci, ky, kx] · x[ci, oy·sH − pH + ky, ox·sW − pW + kx]`.
public struct ConvLayer: Sendable, Equatable {
    /// Input shape `[Cin, H, W]`.
    public var inputShape: [Int]
    /// Output channels.
    public var outChannels: Int
    /// Kernel, stride and padding.
    public var geometry: ConvGeometry
    /// True for the direct-coding encoder: reads the analog image once per inference; its
    /// output current is applied at every step.
    public var encoder: Bool
    /// Weights `[Cout, Cin, kH, kW]`, bias `[Cout]`.
    public var weights: SynapticWeights

    /// Creates a convolution.
    public init(inputShape: [Int], outChannels: Int, geometry: ConvGeometry, encoder: Bool, weights: SynapticWeights) {
        self.inputShape = inputShape
        self.outChannels = outChannels
        self.geometry = geometry
        self.encoder = encoder
        self.weights = weights
    }

    /// Input channels.
    public var inChannels: Int { inputShape[0] }

    /// Output shape `[Cout, H', W']`.
    public var outputShape: [Int] {
        [outChannels, geometry.outputHeight(inputShape[1]), geometry.outputWidth(inputShape[2])]
    }

    /// Columns of the kernel CSR: `Cout · kH · kW`.
    public var kernelColumns: Int { KernelCSRLayout(self).columns }
}

/// A fully connected layer: `y[o] = b[o] + Σ w[o, i] · x[i]`.
public struct LinearLayer: Sendable, Equatable {
    /// Input units.
    public var inFeatures: Int
    /// Output units.
    public var outFeatures: Int
    /// Weights `[out, in]`, bias `[out]`.
    public var weights: SynapticWeights

    /// Creates a linear layer.
    public init(inFeatures: Int, outFeatures: Int, weights: SynapticWeights) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weights = weights
    }
}

/// A one-to-one connection `y[i] = gain[i] · x[i]` (weights `[n]`, no bias): a residual
/// shortcut after the LIF input gain 1/τ has been folded into every branch of the sum.
public struct IdentityLayer: Sendable, Equatable {
    /// Units (input = output).
    public var units: Int
    /// One gain per unit (`weight` has shape `[units]`); no bias.
    public var weights: SynapticWeights

    /// Creates an identity connection.
    public init(units: Int, weights: SynapticWeights) {
        self.units = units
        self.weights = weights
    }
}

/// Batch normalisation in evaluation form: `y = γ·(x − mean)/sqrt(var + ε) + β` per channel.
public struct BatchNormLayer: Sendable, Equatable {
    /// Running mean per channel.
    public var mean: [Float]
    /// Running (unbiased) variance per channel.
    public var variance: [Float]
    /// Scale γ per channel.
    public var gamma: [Float]
    /// Shift β per channel.
    public var beta: [Float]
    /// ε added to the variance (PyTorch's default 1e-5).
    public var epsilon: Float

    /// Creates a batch norm.
    public init(mean: [Float], variance: [Float], gamma: [Float], beta: [Float], epsilon: Float = 1e-5) {
        self.mean = mean
        self.variance = variance
        self.gamma = gamma
        self.beta = beta
        self.epsilon = epsilon
    }
}

/// Spatial pooling over each channel.
public struct PoolLayer: Sendable, Equatable {
    /// How a window is reduced.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Maximum. On binary spikes: 1 if any input spiked (= sum-pool, then fire if the sum ≥ 1).
        case max
        /// Sum of the window (an integer count on spikes).
        case sum
        /// Mean of the window (sum / (kH·kW), padding counted as zeros).
        case average
    }

    /// The reduction.
    public var kind: Kind
    /// Window and stride (padding is zero for every pooling snnc builds).
    public var geometry: ConvGeometry

    /// Creates a pooling layer.
    public init(kind: Kind, geometry: ConvGeometry) {
        self.kind = kind
        self.geometry = geometry
    }
}

/// A population of spiking neurons, one per unit of the layer's shape: leaky integrate-and-fire
/// (LIF, `tau` set) or integrate-and-fire (IF, `tau == nil`), with a hard reset to `reset` or a
/// subtractive reset (`resetMode`).
///
/// Before `foldBatchNorm` (`inputGainFolded == false`), with input X and V = 0 at the start:
///
///     LIF: H = V + (X − V)/τ;   IF: H = V + X;   spike if H ≥ threshold
///     V = spike ? reset : H           (resetMode .zero)
///     V = spike ? H − threshold : H   (resetMode .subtract)
///
/// After folding (`inputGainFolded == true`) the LIF gain 1/τ lives in the incoming weights and
/// bias, so the input is the current I = X/τ and `H = decay·V + I` with decay = 1 − 1/τ (IF:
/// decay 1, I = X).
///
/// With a `synapse` (current-based LIF, Xylo's neuron, NIR's `CubaLIF`) the input first charges a
/// synaptic current, there is no input gain to fold, and a neuron may send several spikes per step
/// (`SynapticCurrent` has the rule).
public struct LIFGroup: Sendable, Equatable {
    /// Membrane time constant τ in steps (4/3 in the paper); nil for integrate-and-fire neurons,
    /// which keep their whole membrane potential from step to step.
    public var tau: Float?
    /// Firing threshold (the neuron fires on H ≥ threshold).
    public var threshold: Float
    /// Membrane value after a spike with a hard reset (`resetMode == .zero`).
    public var reset: Float
    /// What a spike does to the membrane: set it to `reset`, or subtract the threshold.
    public var resetMode: ResetMode
    /// Whether the input gain 1/τ has been folded into the incoming layers (IF groups have none
    /// and are marked folded by the same pass).
    public var inputGainFolded: Bool
    /// The synaptic current of current-based neurons (Xylo's); nil for neurons whose membrane
    /// integrates the input directly.
    public var synapse: SynapticCurrent?
    /// Integer parameters, once `quantize` has run.
    public var quantized: QuantizedNeurons?

    /// Creates a neuron group (`tau: nil` for integrate-and-fire; a `synapse` needs `tau`).
    public init(
        tau: Float?, threshold: Float, reset: Float = 0, resetMode: ResetMode = .zero, inputGainFolded: Bool = false,
        synapse: SynapticCurrent? = nil, quantized: QuantizedNeurons? = nil
    ) {
        self.tau = tau
        self.threshold = threshold
        self.reset = reset
        self.resetMode = resetMode
        self.inputGainFolded = inputGainFolded
        self.synapse = synapse
        self.quantized = quantized
    }

    /// Whether the neurons leak (LIF) rather than integrate without loss (IF).
    public var isLeaky: Bool { tau != nil }

    /// The fraction of the membrane potential kept per step, `1 − 1/τ` (0.25 for τ = 4/3; 1 for IF).
    public var decay: Double { tau.map { 1 - 1 / Double($0) } ?? 1 }

    /// The input gain folded into the incoming layers: 1/τ for LIF, 1 for IF and current-based LIF.
    public var inputGain: Double { synapse != nil ? 1 : tau.map { 1 / Double($0) } ?? 1 }

    /// A short name of the neuron model: `LIF`, `IF` or `CUBA-LIF`, with `, subtractive reset`
    /// when it applies.
    public var modelDescription: String {
        (synapse != nil ? "CUBA-LIF" : isLeaky ? "LIF" : "IF") + (resetMode == .subtract ? ", subtractive reset" : "")
    }
}

/// The synaptic current of a current-based LIF group (Xylo Audio 2's neuron, NIR's `CubaLIF`).
///
/// Float rule per step, with input X (the sum of the incoming layers), I = V = 0 at the start,
/// membrane decay `d_m = 1 − 1/τ` (the group's `tau`) and synaptic decay `d_s = 1 − 1/tau`:
///
///     I = d_s · (I + X)                         // the input arrives, then the current decays
///     H = d_m · V + I
///     n = H ≥ θ ? min(maxSpikes, ⌊H/θ⌋) : 0     // spikes sent by the neuron this step
///     V = H − n·θ                               // subtractive reset (the only one allowed)
///
/// The `n` spikes reach the next layer `delay` steps later (Xylo: one step between hidden
/// neurons and into the output neurons). On Xylo, `tau = 2^dash` steps for its 4-bit shifts.
public struct SynapticCurrent: Sendable, Equatable {
    /// Synaptic time constant in steps: the current keeps `1 − 1/tau` of itself per step (≥ 1).
    public var tau: Float
    /// Spikes a neuron sends at most in one step (Xylo's hidden neurons: 31).
    public var maxSpikes: Int
    /// Steps between a spike and its arrival at the next layer (0 or 1; Xylo: 1).
    public var delay: Int

    /// Xylo Audio 2's hidden neurons send at most 31 spikes per step.
    public static let xyloMaxSpikes = 31

    /// Creates the synaptic current (Xylo's hidden neurons by default).
    public init(tau: Float, maxSpikes: Int = SynapticCurrent.xyloMaxSpikes, delay: Int = 1) {
        self.tau = tau
        self.maxSpikes = maxSpikes
        self.delay = delay
    }

    /// The fraction of the current kept per step, `1 − 1/tau`.
    public var decay: Double { 1 - 1 / Double(tau) }
}

/// What a spike does to a neuron's membrane potential.
public enum ResetMode: String, Sendable, Equatable, Codable, CaseIterable {
    /// Hard reset: the membrane is set to the reset value (0 unless stated otherwise).
    case zero
    /// Soft reset: the threshold is subtracted, so charge above it carries over to the next step.
    case subtract
}
