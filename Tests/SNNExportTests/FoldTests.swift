import SNNCompiler
import SNNIR
import SNNTensor
import Testing

@testable import SNNTrain

/// The bridge reproduces the trainer's evaluation, and the folds keep the float function.
@Suite("Bridge and folding")
struct FoldTests {
    func check(_ state: TrainingState, images count: Int = 3) throws {
        let images = Models.images(state, count: count)
        let (expected, spikes) = try Models.trainerPass(state, images)
        #expect(spikes > 0)
        let bridged = try DeploymentBridge.graph(from: state, name: "m")
        #expect(bridged.structuralProblems().isEmpty)
        let folded = try foldInputGain(foldAveragePooling(foldBatchNorm(bridged)))
        #expect(!folded.layers.contains { $0.op.kindName == "batchnorm" })
        #expect(folded.neuronGroups.allSatisfy { if case .lif(let l) = $0.op { l.inputGainFolded } else { false } })
        for i in 0..<count {
            let image = Models.image(images, i)
            let unfoldedLogits = FloatEvaluator(graph: bridged).logits(image: image)
            let foldedLogits = FloatEvaluator(graph: folded).logits(image: image)
            for k in expected[i].indices {
                #expect(abs(unfoldedLogits[k] - expected[i][k]) <= 1e-4, "bridge, image \(i) class \(k)")
                #expect(abs(foldedLogits[k] - expected[i][k]) <= 1e-4, "folded, image \(i) class \(k)")
            }
        }
    }

    @Test func vggWithMaxPoolingAndMasks() throws {
        try check(Models.state(.vgg16, width: 1.0 / 32, size: 32, prune: 0.5))
    }

    @Test func resnetWithResidualShortcuts() throws {
        let state = try Models.state(.resnet19, width: 1.0 / 32, size: 8)
        try check(state)
        let folded = try foldInputGain(foldAveragePooling(foldBatchNorm(DeploymentBridge.graph(from: state, name: "r"))))
        // Identity shortcuts become identity layers of gain 1/τ before the sum.
        let skips = folded.layers.filter { $0.op.kindName == "identity" }
        #expect(!skips.isEmpty)
        #expect(skips.allSatisfy { $0.name.hasSuffix(".add.skip") })
    }

    @Test func smallNetWithAveragePooling() throws {
        let state = try Models.state(.small, width: 0.25, size: 8, prune: 0.3)
        try check(state)
        let folded = try foldAveragePooling(foldBatchNorm(DeploymentBridge.graph(from: state, name: "s")))
        #expect(folded.layers.allSatisfy { if case .pool(let p) = $0.op { p.kind == .sum } else { true } })
    }

    @Test func theEncoderIsTheConvOnTheImage() throws {
        let g = try DeploymentBridge.graph(from: Models.state(.vgg16, width: 1.0 / 32, size: 32), name: "v")
        let encoders = g.layers.filter { if case .conv(let c) = $0.op { c.encoder } else { false } }
        #expect(encoders.map(\.name) == ["conv1"])
        #expect(!g.layers.contains { $0.name == "repeat" })
        #expect(g.layer(named: "bn1")?.inputs == ["conv1"] && g.layer(named: "lif1")?.inputs == ["bn1"])
        #expect(g.inputRange.map { abs($0.maxAbs - (1 - 0.2860) / 0.3530) < 1e-5 } == true)
    }

    @Test func theAnnTwinDoesNotDeploy() throws {
        var state = try Models.state(.small, width: 0.25, size: 8)
        state.spec = state.spec.annTwin
        #expect(throws: DeploymentBridgeError.self) { try DeploymentBridge.graph(from: state, name: "a") }
    }
}
