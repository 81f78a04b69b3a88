import SNNCompare
import SNNCompiler
import SNNIR
import SNNSimulator
import Testing

@testable import SNNTrain

/// The comparison's arithmetic and its refusals, on hand-made spikes and in-memory models.
@Suite("Spike comparison")
struct SpikeComparisonTests {
    @Test func countsGiveTheDocumentedFigures() throws {
        var layer = LayerAgreement(name: "lif", units: 4, steps: 2)
        // Step 0: float fires 0 and 2, integer fires 0 and 1. Step 1: neither fires.
        try layer.add(float: [1, 0, 1, 0][...], integer: EventList(indices: [0, 1]), step: 0)
        try layer.add(float: [0, 0, 0, 0][...], integer: EventList(indices: []), step: 1)
        layer.images = 1
        #expect(layer.pairs == 8)
        #expect(layer.floatRate == 0.25 && layer.integerRate == 0.25)
        #expect(layer.floatRatePerStep == [0.5, 0] && layer.integerRatePerStep == [0.5, 0])
        #expect(layer.agreement == 0.75)  // 2 of 8 pairs differ
        #expect(abs(layer.jaccard - 1.0 / 3) < 1e-12)  // 1 in both of 3 in either
        #expect(layer.precision == 0.5 && layer.recall == 0.5)
        #expect(throws: ComparisonError.self) { try layer.add(float: [0, 0, 0, 0][...], integer: EventList(indices: [4]), step: 0) }
        #expect(throws: ComparisonError.self) { try layer.add(float: [0, 0][...], integer: EventList(indices: []), step: 0) }
    }

    @Test func flagsFollowTheThresholds() {
        let t = FlagThresholds()
        #expect(t.flags(floatRate: 0.2, integerRate: 0) == [.silent])
        #expect(t.flags(floatRate: 0.2, integerRate: 0.019) == [.silent])
        #expect(t.flags(floatRate: 0.2, integerRate: 0.021) == [])
        #expect(t.flags(floatRate: 0.0005, integerRate: 0) == [], "a float layer that hardly fires is not expected to")
        #expect(t.flags(floatRate: 0.5, integerRate: 0.95) == [.saturated])
        #expect(t.flags(floatRate: 0.95, integerRate: 0.97) == [], "saturated in float too: not caused by quantisation")
        #expect(t.flags(floatRate: 0.05, integerRate: 0.21) == [.saturated])
        #expect(t.flags(floatRate: 0.05, integerRate: 0.19) == [])
        #expect(t.flags(floatRate: 0.1, integerRate: 0.12) == [])
    }

    @Test func aDeploymentOfAnotherModelIsRefused() throws {
        let vgg = try FloatModel(Models.state(.vgg16, width: 1.0 / 32, size: 32))
        let small = try Models.state(.small, width: 0.25, size: 28)
        let graph = try compile(DeploymentBridge.graph(from: small, name: "s"), for: DeploymentFileTests.profile)
        #expect(throws: ComparisonError.self) { try SpikeComparison(model: vgg, deployment: graph) }
        var fewerSteps = small
        fewerSteps.spec.timeSteps = 2
        #expect(throws: ComparisonError.self) { try SpikeComparison(model: FloatModel(fewerSteps), deployment: graph) }
        _ = try SpikeComparison(model: FloatModel(small), deployment: graph)
    }

    @Test func floatImagesOfTheWrongSizeAreRefused() throws {
        var model = try FloatModel(Models.state(.small, width: 0.25, size: 28))
        #expect(throws: ComparisonError.self) { try model.run(images: [[Float](repeating: 0, count: 10)]) }
        let run = try model.run(images: [[Float](repeating: 0.5, count: 28 * 28), [Float](repeating: -0.5, count: 28 * 28)])
        #expect(run.images == 2 && run.predictions.count == 2 && run.layers.map(\.name) == ["lif1", "lif2", "lif_fc1"])
        #expect(run.layers.allSatisfy { $0.values.count == 2 * 4 * $0.units })
    }
}
