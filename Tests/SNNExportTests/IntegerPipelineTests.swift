import SNNCompiler
import SNNIR
import Testing

@testable import SNNTrain

/// The quantised integer pipeline, run as docs/FORMAT.md specifies, tracks the float model.
@Suite("Integer pipeline")
struct IntegerPipelineTests {
    /// The index of the largest value (the first one on a tie).
    static func argmax(_ values: [Double]) -> Int {
        values.indices.reduce(0) { values[$1] > values[$0] ? $1 : $0 }
    }

    /// How far the largest value leads the second largest.
    static func margin(_ values: [Double]) -> Double {
        let sorted = values.sorted(by: >)
        return sorted.count < 2 ? .infinity : sorted[0] - sorted[1]
    }

    /// Every image's class agrees, and for a reason: with 8-bit weights and 16-bit state (the
    /// "roomy" profile) the integer logits stay within about 1% of the float ones (measured:
    /// 1.04% VGG16, 1.16% ResNet19, 0.82% small), and on every one of the six images the float
    /// winner leads the runner-up by more than twice the largest logit error. A lead larger than
    /// 2·max|f − q| cannot be overturned by errors of at most max|f − q| each, so agreement is
    /// implied, not a lucky count: 6 of 6 is the exact outcome, and a change that breaks it
    /// breaks the error bound first.
    @Test(arguments: [Architecture.vgg16, .resnet19, .small])
    func integerLogitsTrackTheFloatModel(_ architecture: Architecture) throws {
        let size = architecture == .vgg16 ? 32 : 8
        let state = try Models.state(architecture, width: architecture == .small ? 0.25 : 1.0 / 16, size: size, prune: 0.5)
        let float = try foldInputGain(foldAveragePooling(foldBatchNorm(DeploymentBridge.graph(from: state, name: "m"))))
        let compiled = try compile(DeploymentBridge.graph(from: state, name: "m"), for: DeploymentFileTests.profile)
        let readoutScale = try #require(
            compiled.synapticLayers.last.flatMap { layer -> Double? in
                if case .linear(let l) = layer.op { l.weights.quantized?.stateScale } else { nil }
            })
        let images = Models.images(state, count: 6, seed: 11)
        var agree = 0
        var error = 0.0
        var magnitude = 0.0
        for i in 0..<6 {
            let image = Models.image(images, i)
            let f = FloatEvaluator(graph: float).logits(image: image).map { Double($0) }
            let q = IntegerEvaluator(graph: compiled).logits(image: image).map { Double($0) * readoutScale }
            let worst = zip(f, q).map { abs($0 - $1) }.max() ?? 0
            for k in f.indices {
                error += abs(f[k] - q[k])
                magnitude += abs(f[k])
            }
            #expect(Self.margin(f) > 2 * worst, "\(architecture) image \(i): lead \(Self.margin(f)), largest error \(worst)")
            if Self.argmax(f) == Self.argmax(q) { agree += 1 }
        }
        #expect(agree == 6, "\(architecture): argmax agreement \(agree)/6")
        #expect(error / magnitude < 0.015, "\(architecture): relative logit error \(error / magnitude)")
    }
}
