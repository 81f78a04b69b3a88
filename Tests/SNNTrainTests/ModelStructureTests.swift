import SNNTensor
import Testing

@testable import SNNTrain

@Suite("Model structure")
struct ModelStructureTests {
    func counts(_ spec: ModelSpec) throws -> (prunable: Int, other: Int) {
        var rng = SeededRNG(seed: 1)
        let parameters = ParameterSet(graph: try LayerGraph(spec), scheme: .pytorch, rng: &rng)
        return (parameters.prunableCount, parameters.parameterCount - parameters.prunableCount)
    }

    /// Parameter counts of the paper's models, from the released code's definitions
    /// (reference-code-notes.md §2).
    @Test func vgg16ParameterCountsMatchThePaper() throws {
        let fmnist = try counts(ModelSpec(architecture: .vgg16, inputChannels: 1, inputHeight: 32, inputWidth: 32, classes: 10))
        #expect(fmnist.prunable == 14_714_432)
        #expect(fmnist.other == 12_682)
        let cifar = try counts(ModelSpec(architecture: .vgg16, inputChannels: 3, inputHeight: 32, inputWidth: 32, classes: 10))
        #expect(cifar.prunable == 14_715_584)
    }

    @Test func resnet19ParameterCountsMatchThePaper() throws {
        let cifar = try counts(ModelSpec(architecture: .resnet19, inputChannels: 3, inputHeight: 32, inputWidth: 32, classes: 10))
        #expect(cifar.prunable == 12_619_968)
        #expect(cifar.other == 10_890)
    }

    @Test func anchorModelsHaveTheAnchorsParameterCounts() throws {
        // ../shared/anchors RESULTS.md: small 421,738 and vgg16 14,724,042 parameters (no conv bias,
        // BN γ/β included, repeated encoding, average pooling).
        let small = try counts(
            ModelSpec(
                architecture: .small, inputChannels: 1, inputHeight: 28, inputWidth: 28, classes: 10,
                tau: 2, encoding: .repeated, batchNormStatistics: .pooled, convBias: false))
        #expect(small.prunable + small.other == 421_738)
        let vgg = try counts(
            ModelSpec(
                architecture: .vgg16, inputChannels: 3, inputHeight: 32, inputWidth: 32, classes: 10,
                tau: 2, pooling: .avg, encoding: .repeated, batchNormStatistics: .pooled, convBias: false))
        #expect(vgg.prunable + vgg.other == 14_724_042)
    }

    @Test func directCodingRepeatsAfterTheFirstBatchNorm() throws {
        let graph = try LayerGraph(
            ModelSpec(architecture: .vgg16, width: 0.125, inputChannels: 1, inputHeight: 32, inputWidth: 32, classes: 10))
        #expect(graph.nodes.map(\.name).prefix(5) == ["input", "conv1", "bn1", "repeat", "lif1"])
        #expect(graph.nodes[2].perStep == false)
        #expect(graph.nodes[4].perStep == true)
        #expect(graph.output.shape == [10])
        #expect(graph.nodes.filter { $0.op == .lif }.count == 13)
        let repeated = try LayerGraph(
            ModelSpec(
                architecture: .vgg16, width: 0.125, inputChannels: 1, inputHeight: 32, inputWidth: 32,
                classes: 10, encoding: .repeated))
        #expect(repeated.nodes.map(\.name).prefix(3) == ["input", "repeat", "conv1"])
        #expect(repeated.nodes[2].inputs == [1], "conv1 must read the repeated input")
    }

    @Test func resnet19HasShortcutsAndResidualAdds() throws {
        let graph = try LayerGraph(
            ModelSpec(architecture: .resnet19, width: 0.125, inputChannels: 3, inputHeight: 32, inputWidth: 32, classes: 10))
        #expect(graph.nodes.filter { $0.op == .add }.count == 8)
        #expect(graph.nodes.filter { $0.name.hasSuffix("shortcut.conv") }.count == 3)
        let avg = try #require(graph.index(of: "avgpool"))
        #expect(graph.nodes[avg].shape == [64, 1, 1])  // 512 × 0.125 channels at 4×4 → 1×1
    }

    @Test func tooSmallInputIsAClearError() {
        #expect(throws: ModelError.self) {
            try LayerGraph(ModelSpec(architecture: .vgg16, inputChannels: 1, inputHeight: 28, inputWidth: 28, classes: 10))
        }
    }

    @Test func annTwinUsesReLUAndOnePass() throws {
        let spec = ModelSpec(architecture: .vgg16, width: 0.125, inputChannels: 1, inputHeight: 32, inputWidth: 32, classes: 10).annTwin
        let graph = try LayerGraph(spec)
        #expect(spec.timeSteps == 1)
        #expect(!graph.nodes.contains { $0.op == .lif || $0.op == .repeatTime })
        #expect(graph.nodes.filter { $0.op == .relu }.count == 13)
    }
}
