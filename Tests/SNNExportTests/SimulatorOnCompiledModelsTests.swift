import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
import SNNSimulator
import Testing

@testable import SNNTrain

/// The simulators on graphs the real pipeline produces (trainer bridge → compile): the event
/// simulator equals the dense reference spike for spike, and both equal this target's
/// independent literal evaluator of docs/FORMAT.md (`IntegerEvaluator`).
@Suite("Simulator on compiled models")
struct SimulatorOnCompiledModelsTests {
    static func profile(compare: ChipProfile.ThresholdCompare, leak: ChipProfile.Leak) -> ChipProfile {
        var p = DeploymentFileTests.profile
        p.numerics.thresholdCompare = compare
        p.numerics.leak = leak
        p.numerics.stateBits = 24
        return p
    }

    @Test(arguments: [
        (Architecture.vgg16, ChipProfile.ThresholdCompare.greaterOrEqual, ChipProfile.Leak.shift),
        (.resnet19, .greater, .multiply12), (.small, .greaterOrEqual, .shift),
    ])
    func simulatorsAgreeWithTheLiteralEvaluator(
        _ architecture: Architecture, _ compare: ChipProfile.ThresholdCompare,
        _ leak: ChipProfile.Leak
    ) throws {
        let size = architecture == .vgg16 ? 32 : 8
        let state = try Models.state(architecture, width: architecture == .small ? 0.25 : 1.0 / 16, size: size, prune: 0.7)
        let graph = try compile(DeploymentBridge.graph(from: state, name: "m"), for: Self.profile(compare: compare, leak: leak))
        let simulator = try EventSimulator(
            graph,
            cost: CostModel(
                target: "roomy",
                timing: .init(
                    clockHz: 1e8, cyclesPerRowFetch: 2, cyclesPerSynapticOp: 2, cyclesPerNeuronUpdate: 4,
                    cyclesPerHop: 2, cyclesPerBarrier: 50),
                energy: .init(
                    synapticOpPJ: 6, synapticOpIncludesWeightRead: true, neuronUpdatePJ: 10, spikeRoutePJ: 3,
                    memoryPJPerByte: 1.8, staticPowerMW: 3.2),
                memory: .init(bytesPerRowFetch: 4, bytesPerSynapticOp: 3)))
        let reference = try DenseReference(graph)
        let images = Models.images(state, count: 4, seed: 5)
        var spikes = 0
        for i in 0..<4 {
            let image = Models.image(images, i)
            let quantized = try simulator.quantize(image: image)
            let (inference, mismatch) = try simulator.check(quantizedImage: quantized, against: reference, image: i)
            #expect(mismatch == nil, "\(architecture): \(mismatch.map(String.init(describing:)) ?? "")")
            #expect(inference.logits == IntegerEvaluator(graph: graph).logits(image: image))
            #expect(inference.cost?.synapticOps == inference.work?.synapticEvents.total)
            spikes += inference.spikes.total
        }
        #expect(spikes > 0)
    }
}

/// `snnc simulate` as a user runs it.
@Suite("CLI simulate")
struct SimulateCLITests {
    static func exported(in d: TemporaryDirectory) throws -> String {
        let output = d.path + "/m.snn.h5"
        let export = try CLI.run(["export", try CLITests.checkpoint(in: d), "--target", "edge", "-o", output])
        #expect(export.status == 0, "\(export.stderr)")
        return output
    }

    @Test func simulateChecksTracesAndReports() throws {
        let d = try TemporaryDirectory()
        let model = try Self.exported(in: d)
        let data = Repository.root + "/fixtures/fashion-mnist"
        let text = try CLI.run(["simulate", model, "--data-dir", data, "--limit", "6", "--check"])
        #expect(text.status == 0, "\(text.stderr)")
        for fragment in [
            "accuracy:", "synaptic events per image", "latency per inference on 'edge'", "energy per inference",
            "identical to the dense integer reference on 6 images",
        ] {
            #expect(text.stdout.contains(fragment), "missing '\(fragment)' in \(text.stdout)")
        }
        #expect(text.stderr.contains("simulated 6 images"))

        let trace = d.path + "/spikes.h5"
        let json = try CLI.run(["simulate", model, "--data-dir", data, "--limit", "6", "--json", "--threads", "1", "--trace", trace])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["images"] as? Int == 6)
        #expect((object["cost"] as? [String: Any])?["target"] as? String == "edge")
        #expect(FileManager.default.fileExists(atPath: trace))
        let again = try CLI.run(["simulate", model, "--data-dir", data, "--limit", "6", "--json", "--threads", "2"])
        func withoutThreads(_ s: String) -> String { s.split(separator: "\n").filter { !$0.contains("\"threads\"") }.joined() }
        #expect(withoutThreads(again.stdout) == withoutThreads(json.stdout))
    }

    @Test func badInputsGiveDiagnostics() throws {
        let d = try TemporaryDirectory()
        let missing = try CLI.run(["simulate", d.path + "/none.snn.h5", "--limit", "2"])
        #expect(missing.status == 1 && missing.stderr.contains("Error: ") && missing.stderr.contains("Hint: "))
        let model = try Self.exported(in: d)
        let noData = try CLI.run(["simulate", model, "--data-dir", d.path, "--limit", "2"])
        #expect(noData.status == 1 && noData.stderr.contains("not found"), "\(noData.stderr)")
        let usage = try CLI.run(["simulate", model, "--threads", "0"])
        #expect(usage.status == 64)
    }

    @Test func aCustomTargetFileIsNotNeededToSimulate() throws {
        // Export for a profile given as a path (not on the search path), then simulate without
        // --target: the file carries the cost figures it was compiled with.
        let d = try TemporaryDirectory()
        let custom = d.path + "/mychip.toml"
        try String(contentsOfFile: Repository.root + "/targets/edge.toml", encoding: .utf8)
            .replacingOccurrences(of: "name = \"edge\"", with: "name = \"mychip\"")
            .write(toFile: custom, atomically: true, encoding: .utf8)
        let model = d.path + "/m.snn.h5"
        let export = try CLI.run(["export", try CLITests.checkpoint(in: d), "--target", custom, "-o", model])
        #expect(export.status == 0, "\(export.stderr)")
        let costs = try #require(try DeploymentFile.read(model).graph.estimates?.costs)
        #expect(costs == (try ChipProfile.load(from: custom)).costs)
        let run = try CLI.run(["simulate", model, "--data-dir", Repository.root + "/fixtures/fashion-mnist", "--limit", "4"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("latency per inference on 'mychip'"), "\(run.stdout)")
    }
}
