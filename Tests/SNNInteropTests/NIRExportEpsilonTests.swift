import SNNFormat
import SNNInterop
import SNNTensor
import SNNTrain
import Testing

@Suite("NIR export folds batch norm with the model's ε")
struct NIRExportEpsilonTests {
    /// A model whose batch norms use ε = 1e-3 exports conv weights and bias folded with 1e-3, not
    /// PyTorch's default 1e-5 (small running variances make the two differ in every channel).
    @Test func foldedConvUsesTheModelsEpsilon() throws {
        var spec = ModelSpec(
            architecture: .small, width: 0.125, inputChannels: 1, inputHeight: 8, inputWidth: 8, classes: 4,
            timeSteps: 3)
        spec.batchNormEpsilon = 1e-3
        let config = TrainingConfig(epochs: 1, data: DataConfig(dataset: "fmnist", directory: "/nonexistent"))
        var state = try TrainingState(spec: spec, config: config)
        state.setBatchNormStatistics(variance: { 0.002 + Float($0 % 3) * 0.001 }, mean: { Float($0 % 4 + 1) * 0.05 })
        state.parameters["bn1.weight"].value = Tensor(shape: [4], scalars: [1.5, 0.5, -1, 2])
        state.parameters["bn1.bias"].value = Tensor(shape: [4], scalars: [0.25, -0.5, 0, 1])

        let document = try NIRExporter.document(of: state, producer: "test")
        let conv = try #require(document.nodes.first { $0.name == "conv1" })
        guard case .floats(let weight, _)? = conv.field("weight"), case .floats(let bias, _)? = conv.field("bias") else {
            Issue.record("conv1 has no float weight and bias")
            return
        }
        let raw = state.parameters["conv1.weight"].value.scalars
        let gamma = state.parameters["bn1.weight"].value.scalars
        let beta = state.parameters["bn1.bias"].value.scalars
        let mean = try #require(state.parameters.buffers.first { $0.name == "bn1.running_mean" }).value.scalars
        let variance = try #require(state.parameters.buffers.first { $0.name == "bn1.running_var" }).value.scalars
        #expect(gamma.count == 4 && weight.count == raw.count && bias.count == 4)
        let perChannel = raw.count / 4
        func folded(epsilon: Float) -> (weight: [Float], bias: [Float]) {
            var w = raw
            var b = [Float](repeating: 0, count: 4)  // the small architecture's convs have no bias
            for c in 0..<4 {
                let k = Double(gamma[c]) / (Double(variance[c]) + Double(epsilon)).squareRoot()
                for j in c * perChannel..<(c + 1) * perChannel { w[j] = Float(k * Double(raw[j])) }
                b[c] = Float(k * (0 - Double(mean[c])) + Double(beta[c]))
            }
            return (w, b)
        }
        let expected = folded(epsilon: 1e-3)
        let withDefault = folded(epsilon: 1e-5)
        #expect(zip(expected.bias, withDefault.bias).allSatisfy { $0 != $1 }, "the test needs ε to matter")
        #expect(zip(expected.weight, withDefault.weight).contains { $0 != $1 }, "the test needs ε to matter")
        #expect(weight == expected.weight)
        #expect(bias == expected.bias)
    }
}
