import Testing
import SNNCompiler
import SNNIR
@testable import SNNTrain

/// The quantised integer pipeline, run as docs/FORMAT.md specifies, tracks the float model.
@Suite("Integer pipeline")
struct IntegerPipelineTests {
    @Test(arguments: [Architecture.vgg16, .resnet19, .small])
    func integerLogitsTrackTheFloatModel(_ architecture: Architecture) throws {
        let size = architecture == .vgg16 ? 32 : 8
        let state = try Models.state(architecture, width: architecture == .small ? 0.25 : 1.0 / 16, size: size, prune: 0.5)
        let float = try foldInputGain(foldAveragePooling(foldBatchNorm(DeploymentBridge.graph(from: state, name: "m"))))
        let compiled = try compile(DeploymentBridge.graph(from: state, name: "m"), for: DeploymentFileTests.profile)
        let readoutScale = try #require(compiled.synapticLayers.last.flatMap { layer -> Double? in
            if case .linear(let l) = layer.op { l.weights.quantized?.stateScale } else { nil }
        })
        let images = Models.images(state, count: 6, seed: 11)
        var agree = 0, error = 0.0, magnitude = 0.0
        for i in 0..<6 {
            let image = Models.image(images, i)
            let f = FloatEvaluator(graph: float).logits(image: image)
            let q = IntegerEvaluator(graph: compiled).logits(image: image).map { Double($0) * readoutScale }
            for k in f.indices { error += abs(Double(f[k]) - q[k]); magnitude += abs(Double(f[k])) }
            if f.indices.max(by: { f[$0] < f[$1] }) == q.indices.max(by: { q[$0] < q[$1] }) { agree += 1 }
        }
        print("\(architecture): argmax agreement \(agree)/6, relative logit error \(error / magnitude)")
        #expect(agree >= 4)
        #expect(error / magnitude < 0.2)
    }
}
