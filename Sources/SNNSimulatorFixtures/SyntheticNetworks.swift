import SNNIR

/// Settings of a random network: masks, integer formats, and the activity aimed for.
public struct SyntheticOptions: Sendable {
    /// Fraction of weights kept by the random mask (1 = dense).
    public var density: Double
    /// Seed of every random draw.
    public var seed: UInt64
    /// Time steps.
    public var timeSteps: Int
    /// Readout classes.
    public var classes: Int
    /// Firing comparison of every LIF group.
    public var compare: ThresholdCompare
    /// Leak of every LIF group.
    public var decay: IntegerDecay
    /// What a spike does: a hard reset to 0 or subtracting the threshold.
    public var reset: ResetMode
    /// Membrane state bits.
    public var stateBits: Int
    /// Firing rate per neuron and step the thresholds are chosen for (a rough aim, not a promise).
    public var targetRate: Double
    /// Whether synaptic layers carry a (random, small) integer bias, as after folding batch norm.
    public var bias: Bool

    /// Creates options; the defaults follow the project's LIF (decay 1/4 as `>> 2`, fire on `>=`).
    public init(
        density: Double, seed: UInt64, timeSteps: Int = 5, classes: Int = 10,
        compare: ThresholdCompare = .greaterOrEqual, decay: IntegerDecay = .shift(2), stateBits: Int = 16,
        targetRate: Double = 0.15, bias: Bool = true, reset: ResetMode = .zero
    ) {
        self.reset = reset
        self.density = density
        self.seed = seed
        self.timeSteps = timeSteps
        self.classes = classes
        self.compare = compare
        self.decay = decay
        self.stateBits = stateBits
        self.targetRate = targetRate
        self.bias = bias
    }
}

/// Random quantised networks (VGG-style and ResNet-style) and random images, for tests and the
/// benchmark. Weights are non-zero integers in −100…127 under a Bernoulli mask of the given
/// density; each LIF threshold is set from the expected mean and spread of its input current
/// (assuming every layer fires at `targetRate`), so that activity stays plausible with depth.
public struct SyntheticNetwork {
    /// The graph being built.
    public var builder: NetworkBuilder
    var rng: SplitMix64
    let options: SyntheticOptions
    /// Mean and second moment of each event stream's payload per unit and step.
    var moments: [String: (Double, Double)] = [:]
    /// Mean and variance of each current (synaptic layer or add) per unit and step.
    var currents: [String: (Double, Double)] = [:]

    static let weightLow: Int32 = -100, weightHigh: Int32 = 127
    static let weightMean = 13.5
    static let weightSquare = 4457.0

    /// Starts a network on an input `[C, H, W]`; the input's events are random images.
    public init(input: [Int], options: SyntheticOptions) {
        builder = NetworkBuilder(input: input, timeSteps: options.timeSteps)
        rng = SplitMix64(seed: options.seed)
        self.options = options
        moments["input"] = (SyntheticImages.mean, SyntheticImages.square)
    }

    mutating func randomWeights(_ count: Int) -> [Int32] {
        (0..<count).map { _ in
            guard Double.random(in: 0..<1, using: &rng) < options.density else { return 0 }
            var w: Int32 = 0
            while w == 0 { w = Int32.random(in: Self.weightLow...Self.weightHigh, using: &rng) }
            return w
        }
    }

    mutating func randomBias(_ count: Int, spread: Double) -> [Int32]? {
        guard options.bias else { return nil }
        let limit = max(1, Int32(spread / 4))
        return (0..<count).map { _ in Int32.random(in: -limit...limit, using: &rng) }
    }

    /// Records the current statistics of a synaptic layer with `fanIn` possible inputs per output.
    mutating func noteCurrent(_ name: String, from: String, fanIn: Int) {
        let (m1, m2) = moments[from] ?? (0, 0)
        let n = Double(fanIn) * options.density
        currents[name] = (n * Self.weightMean * m1, n * (Self.weightSquare * m2 - Self.weightMean * Self.weightMean * m1 * m1))
    }

    /// A conv on `from`, with a random mask, weights and bias.
    public mutating func conv(_ from: String, outChannels: Int, kernel: Int = 3, stride: Int = 1, pad: Int = 1) -> String {
        let input = builder.shape(of: from)
        let cin = input[0]
        let weights = randomWeights(outChannels * cin * kernel * kernel)
        // Padding leaves border outputs (all of them, on a small map) with fewer inputs.
        let taps =
            Self.meanTaps(input[1], kernel: kernel, stride: stride, pad: pad)
            * Self.meanTaps(input[2], kernel: kernel, stride: stride, pad: pad)
        let fanIn = Int((Double(cin) * taps).rounded())
        let name = builder.conv(
            from, outChannels: outChannels, kernel: kernel, stride: stride, pad: pad, weights: weights,
            bias: randomBias(outChannels, spread: spread(from: from, fanIn: fanIn)))
        noteCurrent(name, from: from, fanIn: fanIn)
        return name
    }

    /// A linear layer on `from`.
    public mutating func linear(_ from: String, outFeatures: Int, name: String? = nil) -> String {
        let inFeatures = builder.shape(of: from).reduce(1, *)
        let weights = randomWeights(outFeatures * inFeatures)
        let layer = builder.linear(
            from, outFeatures: outFeatures, weights: weights,
            bias: randomBias(outFeatures, spread: spread(from: from, fanIn: inFeatures)), name: name)
        noteCurrent(layer, from: from, fanIn: inFeatures)
        return layer
    }

    /// An identity shortcut of `from` with random positive gains (a weight-like magnitude).
    public mutating func identity(_ from: String) -> String {
        let units = builder.shape(of: from).reduce(1, *)
        let gains = (0..<units).map { _ in Int32.random(in: 32...127, using: &rng) }
        let name = builder.identity(from, gains: gains)
        let (m1, m2) = moments[from] ?? (0, 0)
        currents[name] = (79.5 * m1, 7088 * m2 - 79.5 * 79.5 * m1 * m1)
        return name
    }

    /// The sum of currents.
    public mutating func add(_ inputs: [String]) -> String {
        let name = builder.add(inputs)
        currents[name] = inputs.reduce((0.0, 0.0)) { sum, input in
            let (m, v) = currents[input] ?? (0, 0)
            return (sum.0 + m, sum.1 + v)
        }
        return name
    }

    /// A LIF group on the current `from`, its threshold aimed at `targetRate`.
    public mutating func lif(_ from: String) -> String {
        let (mean, variance) = currents[from] ?? (0, 1)
        let sigma = max(variance, 1).squareRoot()
        let isEncoder =
            builder.layers.last { $0.name == from }.map { layer in
                if case .conv(let c) = layer.op { c.encoder } else { false }
            } ?? false
        // A constant input (encoder) fires when it is above ~0.8·threshold; a random one when the
        // membrane (≈ 4/3 of the mean input) crosses it.
        let raw = isEncoder ? (mean + 1.0 * sigma) / 0.8 : 4.0 / 3.0 * mean + 0.8 * sigma
        let maxState = Double((Int64(1) << Int64(options.stateBits - 1)) - 1)
        let threshold = Int32(min(max(raw, 1), maxState))
        let neurons = QuantizedNeurons.fixture(
            threshold: threshold, compare: options.compare,
            reset: options.reset == .subtract ? .subtract(threshold + (options.compare == .greater ? 1 : 0)) : .toValue(0),
            decay: options.decay, stateBits: options.stateBits)
        let name = builder.lif(from, neurons: neurons)
        moments[name] = (options.targetRate, options.targetRate)
        return name
    }

    /// A pool on the stream `from`.
    public mutating func pool(_ from: String, kind: PoolLayer.Kind, kernel: Int = 2, stride: Int? = nil, pad: Int = 0) -> String {
        let name = builder.pool(from, kind: kind, kernel: kernel, stride: stride, pad: pad)
        let (m1, m2) = moments[from] ?? (0, 0)
        let k = Double(kernel * kernel)
        switch kind {
        case .max:
            let p = 1 - integerPower(1 - min(m1, 1), kernel * kernel)
            moments[name] = (p, p)
        case .sum, .average:
            moments[name] = (k * m1, k * m2 + k * (k - 1) * m1 * m1)
        }
        return name
    }

    /// A flatten of the stream `from`.
    public mutating func flatten(_ from: String) -> String {
        let name = builder.flatten(from)
        moments[name] = moments[from]
        return name
    }

    /// The mean number of kernel offsets that land inside the input, over the outputs of one axis.
    static func meanTaps(_ size: Int, kernel: Int, stride: Int, pad: Int) -> Double {
        let outputs = (size + 2 * pad - kernel) / stride + 1
        var taps = 0
        for o in 0..<outputs {
            for k in 0..<kernel where (0..<size).contains(o * stride - pad + k) { taps += 1 }
        }
        return Double(taps) / Double(max(outputs, 1))
    }

    /// The spread of the current a layer on `from` with `fanIn` inputs produces.
    func spread(from: String, fanIn: Int) -> Double {
        let (m1, m2) = moments[from] ?? (0, 0)
        return (Double(fanIn) * options.density * Self.weightSquare * max(m2, m1 * m1)).squareRoot()
    }
}

/// `base^exponent` for a small non-negative exponent.
func integerPower(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<exponent { result *= base }
    return result
}
