import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
import SNNSimulator
import SNNStore
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
        #expect(export.stderr.contains("next: 'snnc simulate \(output) --check --calibration-out cal.json'"), "\(export.stderr)")
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
            "identical to the dense integer reference on 6 images", "+ input MACs",  // edge has e_mac_pj
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
        let energy = try #require((object["cost"] as? [String: Any])?["energy_pj"] as? [String: Any])
        #expect((energy["input_macs"] as? Double ?? 0) > 0, "\(energy)")
        try Self.expectTrace(trace, matches: object, images: 6)
        let again = try CLI.run(["simulate", model, "--data-dir", data, "--limit", "6", "--json", "--threads", "2"])
        func withoutThreads(_ s: String) -> String { s.split(separator: "\n").filter { !$0.contains("\"threads\"") }.joined() }
        #expect(withoutThreads(again.stdout) == withoutThreads(json.stdout))
    }

    /// Reads the spike trace back (the layout of `SpikeTraceFile`) and holds it against the run's
    /// `--json` report: the image count of the command line, the report's time steps, the
    /// predictions behind its correct count, and per layer (in the report's order) the units and
    /// the events per time step, summed over the images.
    static func expectTrace(_ path: String, matches report: [String: Any], images: Int) throws {
        let root = try HDF5File.open(path).root
        #expect(try root.stringAttribute("format") == SpikeTraceFile.formatName)
        #expect(try root.scalarAttribute("images", as: Int64.self) == Int64(images))
        let timeSteps = try #require(report["time_steps"] as? Int)
        #expect(try root.scalarAttribute("time_steps", as: Int64.self) == Int64(timeSteps))
        let predictions = try root.read("predictions", as: Int64.self).values
        let labels = try root.read("labels", as: Int64.self).values
        #expect(predictions.count == images && labels.count == images)
        #expect(zip(predictions, labels).filter { $0 == $1 }.count == report["correct"] as? Int)
        #expect(try root.read("logits", as: Int64.self).shape.first == images)

        let reported = try #require(report["spikes"] as? [[String: Any]])
        let names = try reported.map { try #require($0["name"] as? String) }
        #expect(try root.readStrings("layer_order").values == names)
        for layer in reported {
            let name = try #require(layer["name"] as? String)
            let group = try root.group("layers").group(name)
            let shape = try group.attribute("shape", as: Int64.self).values
            #expect(Int(shape.reduce(1, *)) == layer["units"] as? Int, "\(name)")
            // Rows are image-major: row i·T + t holds image i's events at step t.
            let indptr = try group.read("indptr", as: Int64.self).values
            #expect(indptr.count == images * timeSteps + 1, "\(name)")
            #expect(try group.read("indices", as: Int32.self).values.count == Int(indptr.last ?? -1), "\(name)")
            let perStep = try #require(layer["events_per_step"] as? [Double])
            #expect(perStep.count == timeSteps, "\(name)")
            for (t, mean) in perStep.enumerated() {
                let traced = (0..<images).map { indptr[$0 * timeSteps + t + 1] - indptr[$0 * timeSteps + t] }.reduce(0, +)
                #expect(Int(traced) == Int((mean * Double(images)).rounded()), "\(name), step \(t)")
            }
            let perImage = try #require(layer["events_per_image"] as? Double)
            #expect(Int(indptr.last ?? -1) == Int((perImage * Double(images)).rounded()), "\(name)")
        }
        #expect(reported.contains { ($0["events_per_image"] as? Double ?? 0) > 0 })
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
        // A deployment where a trained model belongs says what it is.
        let exportAgain = try CLI.run(["export", model, "-o", d.path + "/again.snn.h5"])
        #expect(exportAgain.status == 1 && exportAgain.stderr.contains("it is a deployment file (written by 'snnc export')"))
        #expect(!FileManager.default.fileExists(atPath: d.path + "/again.snn.h5"))
        let imported = try CLI.run(["import", model, "-o", d.path + "/imported.h5"])
        #expect(imported.status == 1 && imported.stderr.contains("this is an snnc deployment file"), "\(imported.stderr)")
        #expect(!FileManager.default.fileExists(atPath: d.path + "/imported.h5"))
        let data = Repository.root + "/fixtures/fashion-mnist"
        // Images of another size are refused, not padded up to the model's (4×4 into 28×28 ran).
        let small = try CLI.run(["simulate", model, "--dataset", "fmnist-4x4", "--data-dir", data, "--limit", "2"])
        #expect(small.status == 1, "\(small.stdout)")
        #expect(
            small.stderr.contains("but 'fmnist-4x4' has [1, 4, 4]") && small.stderr.contains("the file records 'fmnist'"), "\(small.stderr)"
        )
        // Output folders are checked before the run, not after it.
        for option in ["--trace", "--calibration-out"] {
            let lost = try CLI.run(["simulate", model, "--data-dir", data, "--limit", "2", option, d.path + "/none/out"])
            #expect(
                lost.status == 1 && lost.stderr.contains("folder '\(d.path)/none' does not exist")
                    && lost.stderr.contains("choose another \(option)"), "\(lost.stderr)")
            #expect(!lost.stderr.contains("simulated"), "\(lost.stderr)")
        }
        // Another target's figures are used, with a note that the mapping is the compiled one.
        let priced = try CLI.run(["simulate", model, "--data-dir", data, "--limit", "2", "--target", "loihi"])
        #expect(priced.status == 0 && priced.stdout.contains("on 'loihi'"), "\(priced.stderr)")
        #expect(priced.stderr.contains("was compiled for 'edge'") && priced.stderr.contains("'snnc export --target loihi'"))
        let same = try CLI.run(["simulate", model, "--data-dir", data, "--limit", "2", "--target", "edge"])
        #expect(same.status == 0 && !same.stderr.contains("was compiled for"), "\(same.stderr)")
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
