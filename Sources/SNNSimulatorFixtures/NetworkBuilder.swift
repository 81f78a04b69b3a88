import SNNIR

/// Builds quantised, lowered SNNIR graphs layer by layer, for tests and benchmarks.
///
/// Every method appends one layer reading earlier layers by name and returns the new layer's
/// name; weights are integers (scale 1) and get their CSR tables at once.
public struct NetworkBuilder {
    /// The layers so far.
    public private(set) var layers: [Layer]
    /// Time steps of the graph.
    public var timeSteps: Int
    private var counter = 0

    /// Starts a graph with its input layer `[C, H, W]`.
    public init(input shape: [Int], timeSteps: Int) {
        layers = [Layer(name: "input", inputs: [], shape: shape, op: .input)]
        self.timeSteps = timeSteps
    }

    /// The shape of layer `name`.
    public func shape(of name: String) -> [Int] { layers.first { $0.name == name }?.shape ?? [] }

    private mutating func fresh(_ kind: String) -> String {
        counter += 1
        return "\(kind)\(counter)"
    }

    /// A conv of layer `from` (an encoder when `from` is the input) with weights `[Cout, Cin, k, k]`.
    @discardableResult
    public mutating func conv(
        _ from: String, outChannels: Int, kernel: Int, stride: Int = 1, pad: Int = 0,
        weights: [Int32], bias: [Int32]? = nil, name: String? = nil
    ) -> String {
        let input = shape(of: from)
        let geometry = ConvGeometry(kernelH: kernel, kernelW: kernel, strideH: stride, strideW: stride, padH: pad, padW: pad)
        let layout = KernelCSRLayout(inChannels: input[0], outChannels: outChannels, kernelH: kernel, kernelW: kernel)
        let table = layout.table(weights)
        let conv = ConvLayer(
            inputShape: input, outChannels: outChannels, geometry: geometry, encoder: from == "input",
            weights: FixtureLowering.weights(weights, shape: [outChannels, input[0], kernel, kernel], bias: bias, fanout: table))
        let layerName = name ?? fresh("conv")
        layers.append(Layer(name: layerName, inputs: [from], shape: conv.outputShape, op: .conv(conv)))
        return layerName
    }

    /// A linear layer of layer `from` with weights `[out, in]`.
    @discardableResult
    public mutating func linear(
        _ from: String, outFeatures: Int, weights: [Int32], bias: [Int32]? = nil,
        name: String? = nil
    ) -> String {
        let inFeatures = shape(of: from).reduce(1, *)
        let table = LinearCSRLayout(inFeatures: inFeatures, outFeatures: outFeatures).table(weights)
        let linear = LinearLayer(
            inFeatures: inFeatures, outFeatures: outFeatures,
            weights: FixtureLowering.weights(weights, shape: [outFeatures, inFeatures], bias: bias, fanout: table))
        let layerName = name ?? fresh("fc")
        layers.append(Layer(name: layerName, inputs: [from], shape: [outFeatures], op: .linear(linear)))
        return layerName
    }

    /// An identity connection of layer `from` with one gain per unit.
    @discardableResult
    public mutating func identity(_ from: String, gains: [Int32], name: String? = nil) -> String {
        let input = shape(of: from)
        let identity = IdentityLayer(
            units: gains.count,
            weights: FixtureLowering.weights(
                gains, shape: [gains.count], bias: nil,
                fanout: IdentityCSRLayout(units: gains.count).table(gains)))
        let layerName = name ?? fresh("shortcut")
        layers.append(Layer(name: layerName, inputs: [from], shape: input, op: .identity(identity)))
        return layerName
    }

    /// The sum of several currents.
    @discardableResult
    public mutating func add(_ inputs: [String], name: String? = nil) -> String {
        let layerName = name ?? fresh("add")
        layers.append(Layer(name: layerName, inputs: inputs, shape: shape(of: inputs[0]), op: .add))
        return layerName
    }

    /// A LIF group on the current of layer `from`.
    @discardableResult
    public mutating func lif(_ from: String, neurons: QuantizedNeurons, name: String? = nil) -> String {
        let resetValue: Float
        switch neurons.reset {
        case .toValue(let value): resetValue = Float(value)
        case .subtract: resetValue = 0
        }
        var group = LIFGroup(
            tau: neurons.decay == .none ? nil : 4.0 / 3.0, threshold: Float(neurons.threshold), reset: resetValue,
            resetMode: neurons.reset.mode, inputGainFolded: true, quantized: neurons)
        if let current = neurons.current, case .decrementShift(let km) = neurons.decay,
            case .decrementShift(let ks) = current.decay
        {
            group.tau = Float(1 << km)
            group.synapse = SynapticCurrent(tau: Float(1 << ks), maxSpikes: current.maxSpikes, delay: current.delay)
        }
        let layerName = name ?? fresh("lif")
        layers.append(Layer(name: layerName, inputs: [from], shape: shape(of: from), op: .lif(group)))
        return layerName
    }

    /// A pool over layer `from`.
    @discardableResult
    public mutating func pool(
        _ from: String, kind: PoolLayer.Kind, kernel: Int, stride: Int? = nil, pad: Int = 0,
        name: String? = nil
    ) -> String {
        let input = shape(of: from)
        let geometry = ConvGeometry(
            kernelH: kernel, kernelW: kernel, strideH: stride ?? kernel, strideW: stride ?? kernel,
            padH: pad, padW: pad)
        let layerName = name ?? fresh("\(kind.rawValue)pool")
        layers.append(
            Layer(
                name: layerName, inputs: [from],
                shape: [input[0], geometry.outputHeight(input[1]), geometry.outputWidth(input[2])],
                op: .pool(PoolLayer(kind: kind, geometry: geometry))))
        return layerName
    }

    /// A flatten of layer `from`.
    @discardableResult
    public mutating func flatten(_ from: String, name: String? = nil) -> String {
        let layerName = name ?? fresh("flatten")
        layers.append(Layer(name: layerName, inputs: [from], shape: [shape(of: from).reduce(1, *)], op: .flatten))
        return layerName
    }

    /// The finished graph (input quantisation: scale 1/64, 8 bits).
    public func graph(name: String = "fixture", placement: Placement? = nil) -> Graph {
        Graph(
            name: name, timeSteps: timeSteps, layers: layers,
            inputQuantization: InputQuantization(scale: 1.0 / 64, bits: 8),
            passes: ["foldBatchNorm", "quantize", "lowerToCSR"], target: "fixture", placement: placement)
    }
}

extension QuantizedNeurons {
    /// Integer LIF parameters for fixtures (state scale 1, no decay error recorded).
    public static func fixture(
        threshold: Int32, compare: ThresholdCompare = .greaterOrEqual, reset: IntegerReset = .toValue(0),
        decay: IntegerDecay = .shift(2), stateBits: Int = 16
    ) -> QuantizedNeurons {
        QuantizedNeurons(
            stateScale: 1, stateBits: stateBits, threshold: threshold, compare: compare, reset: reset,
            decay: decay, decayError: 0)
    }
}
