import SNNCompiler
import SNNIR

/// Small hand-made graphs and profiles for pass tests.
enum IRFixtures {
    /// An edge-like profile with every limit adjustable.
    static func profile(
        cores: Int = 64, neuronsPerCore: Int = 1024, memory: Int = 16_384, fanIn: Int = 4096,
        fanOut: Int = 4096, maxFanInPerNeuron: Int? = nil, weightBits: Int = 8, stateBits: Int = 16,
        indexBits: Int = 16, pointerBits: Int = 32, weightSharing: Bool = true, sparse: Bool = true,
        compare: ChipProfile.ThresholdCompare = .greaterOrEqual,
        leak: ChipProfile.Leak = .multiply12, tickHz: Double? = nil
    ) -> ChipProfile {
        ChipProfile(
            name: "test", description: "test profile", kind: .generic,
            cores: .init(
                count: cores, neuronsPerCore: neuronsPerCore, synapseMemoryBytesPerCore: memory,
                fanInPerCore: fanIn, fanOutPerCore: fanOut, maxFanInPerNeuron: maxFanInPerNeuron),
            numerics: .init(
                weightBits: weightBits, stateBits: stateBits, indexBits: indexBits, pointerBits: pointerBits,
                weightSharing: weightSharing, sparseStorage: sparse, thresholdCompare: compare, leak: leak),
            timing: .init(
                clockHz: 100e6, cyclesPerRowFetch: 2, cyclesPerSynapticOp: 2, cyclesPerNeuronUpdate: 4,
                cyclesPerHop: 2, cyclesPerBarrier: 50, tickHz: tickHz),
            energy: .init(
                synapticOpPJ: 6, synapticOpIncludesWeightRead: true, neuronUpdatePJ: 10, spikeRoutePJ: 3,
                memoryPJPerByte: 1.8, staticPowerMW: 3.2))
    }

    /// `input [1, 2, 2] → conv1 (1×1, 2 channels, encoder) → lif1 [2, 2, 2] → flatten → fc (8 → 2)`.
    static func convNet(
        conv: [Float] = [0.5, -0.5], convBias: [Float]? = nil, fc: [Float]? = nil,
        tau: Float = 2, timeSteps: Int = 3
    ) -> Graph {
        let fcWeights = fc ?? (0..<16).map { Float($0 % 5 - 2) / 8 }
        let convLayer = ConvLayer(
            inputShape: [1, 2, 2], outChannels: 2, geometry: ConvGeometry(kernelH: 1, kernelW: 1),
            encoder: true,
            weights: SynapticWeights(weight: DenseTensor(shape: [2, 1, 1, 1], values: conv), bias: convBias))
        let layers = [
            Layer(name: "input", inputs: [], shape: [1, 2, 2], op: .input),
            Layer(name: "conv1", inputs: ["input"], shape: [2, 2, 2], op: .conv(convLayer)),
            Layer(name: "lif1", inputs: ["conv1"], shape: [2, 2, 2], op: .lif(LIFGroup(tau: tau, threshold: 1))),
            Layer(name: "flatten", inputs: ["lif1"], shape: [8], op: .flatten),
            Layer(
                name: "fc", inputs: ["flatten"], shape: [2],
                op: .linear(
                    LinearLayer(
                        inFeatures: 8, outFeatures: 2,
                        weights: SynapticWeights(
                            weight: DenseTensor(shape: [2, 8], values: fcWeights),
                            bias: [0.25, -0.25])))),
        ]
        return Graph(
            name: "tiny", timeSteps: timeSteps, layers: layers,
            inputRange: InputRange(maxAbs: 127.0 / 64, source: "test"))
    }

    /// `input [n] → conv-free chain`: a linear layer on spikes is needed for pass tests, so this is
    /// `input [1, 1, m] → conv (1×1 encoder, 1 channel, weight 1) → lif0 → flatten → fc1 (m → h) → lif1 → fc2 (h → k)`.
    static func linearNet(
        fc1: [Float], inputs m: Int, hidden h: Int, fc1Bias: [Float]? = nil, mask: [Bool]? = nil,
        fc2: [Float]? = nil, classes k: Int = 2, tau: Float = 2
    ) -> Graph {
        let encoder = ConvLayer(
            inputShape: [1, 1, m], outChannels: 1, geometry: ConvGeometry(kernelH: 1, kernelW: 1),
            encoder: true, weights: SynapticWeights(weight: DenseTensor(shape: [1, 1, 1, 1], values: [1]), bias: nil))
        let layers = [
            Layer(name: "input", inputs: [], shape: [1, 1, m], op: .input),
            Layer(name: "conv0", inputs: ["input"], shape: [1, 1, m], op: .conv(encoder)),
            Layer(name: "lif0", inputs: ["conv0"], shape: [1, 1, m], op: .lif(LIFGroup(tau: tau, threshold: 1))),
            Layer(name: "flatten", inputs: ["lif0"], shape: [m], op: .flatten),
            Layer(
                name: "fc1", inputs: ["flatten"], shape: [h],
                op: .linear(
                    LinearLayer(
                        inFeatures: m, outFeatures: h,
                        weights: SynapticWeights(
                            weight: DenseTensor(shape: [h, m], values: fc1),
                            bias: fc1Bias, mask: mask)))),
            Layer(name: "lif1", inputs: ["fc1"], shape: [h], op: .lif(LIFGroup(tau: tau, threshold: 1))),
            Layer(
                name: "fc2", inputs: ["lif1"], shape: [k],
                op: .linear(
                    LinearLayer(
                        inFeatures: h, outFeatures: k,
                        weights: SynapticWeights(
                            weight: DenseTensor(shape: [k, h], values: fc2 ?? [Float](repeating: 0.5, count: k * h)),
                            bias: nil)))),
        ]
        return Graph(name: "linear", timeSteps: 2, layers: layers, inputRange: InputRange(maxAbs: 1, source: "test"))
    }

    /// The folded graph (all three folds).
    static func folded(_ g: Graph) throws -> Graph {
        try foldInputGain(foldAveragePooling(foldBatchNorm(g)))
    }

    /// The weights of layer `name`.
    static func weights(_ g: Graph, _ name: String) -> SynapticWeights? {
        switch g.layer(named: name)?.op {
        case .conv(let c): c.weights
        case .linear(let l): l.weights
        case .identity(let i): i.weights
        default: nil
        }
    }

    /// The integer neurons of LIF layer `name`.
    static func neurons(_ g: Graph, _ name: String) -> QuantizedNeurons? {
        if case .lif(let l) = g.layer(named: name)?.op { l.quantized } else { nil }
    }
}
