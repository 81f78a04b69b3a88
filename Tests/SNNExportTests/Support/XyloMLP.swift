import SNNIR

/// The Xylo-sized deployment graph the target tests share: `input [16, 1, 1] → conv0 (1×1
/// encoder: 16 → 64) → neurons → flatten → fc1 (64 → 8)`, no biases: 16 inputs, 64 hidden and 8
/// output neurons (Xylo's input weights are the encoder).
enum XyloMLP {
    /// The graph with `neurons` as the hidden layer `hidden`; encoder weights are
    /// `(i % 11 − encoderOffset) / 8`, readout weights `(i % 7 − 3) / 4`.
    static func graph(
        name: String, timeSteps: Int, hidden: String, neurons: LIFGroup, encoderOffset: Int, inputMaxAbs: Double
    ) -> Graph {
        let encoder = ConvLayer(
            inputShape: [16, 1, 1], outChannels: 64, geometry: ConvGeometry(kernelH: 1, kernelW: 1), encoder: true,
            weights: SynapticWeights(
                weight: DenseTensor(shape: [64, 16, 1, 1], values: (0..<1024).map { Float($0 % 11 - encoderOffset) / 8 }), bias: nil))
        let readout = LinearLayer(
            inFeatures: 64, outFeatures: 8,
            weights: SynapticWeights(weight: DenseTensor(shape: [8, 64], values: (0..<512).map { Float($0 % 7 - 3) / 4 }), bias: nil))
        return Graph(
            name: name, timeSteps: timeSteps,
            layers: [
                Layer(name: "input", inputs: [], shape: [16, 1, 1], op: .input),
                Layer(name: "conv0", inputs: ["input"], shape: [64, 1, 1], op: .conv(encoder)),
                Layer(name: hidden, inputs: ["conv0"], shape: [64, 1, 1], op: .lif(neurons)),
                Layer(name: "flatten", inputs: [hidden], shape: [64], op: .flatten),
                Layer(name: "fc1", inputs: ["flatten"], shape: [8], op: .linear(readout)),
            ],
            inputRange: InputRange(maxAbs: inputMaxAbs, source: "test"))
    }
}
