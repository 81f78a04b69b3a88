import Foundation
import SNNData
import SNNFormat
import SNNIR
import SNNTrain
import Testing

@testable import snnc

/// The input preprocessing a model records, on the command line: `import --normalize` sets it,
/// `evaluate`, `export`, `simulate` and `inspect` use or show it, and a model imported without it
/// says so wherever accuracy is printed.
@Suite("Input preprocessing on the command line")
struct InputPreprocessingCLITests {
    static let data = Repository.root + "/fixtures/fashion-mnist"
    static let unknownNote = "note: the model's input normalisation is unknown (imported without --normalize)"

    /// A NIR graph whose spikes reveal the sign of every input value: a 1×1 conv (weight 1,
    /// bias 1) drives a LIF (τ = 2, r = 1, threshold 0.5), so at T = 1 pixel (y, x) fires exactly
    /// when its preprocessed value is ≥ 0; then flatten and an affine readout 784 → 10.
    static func signProbe() -> NIRDocument {
        let shape = [1, 28, 28]
        let readout: [Float] = (0..<7840).map { (i: Int) -> Float in
            let hashed: Int = ((i &* 2_654_435_761) >> 7) % 1000
            return Float(hashed) / 5000 - 0.1
        }
        return NIRDocument(
            nodes: [
                .input(name: "in", shape: shape),
                .conv2d(name: "conv", weight: [1], shape: [1, 1, 1, 1], bias: [1], stride: (1, 1), padding: (0, 0), inputSize: (28, 28)),
                .lif(name: "lif", shape: shape, tau: 2, r: 1, vLeak: 0, vThreshold: 0.5),
                .flatten(name: "flat", inputShape: shape),
                .affine(name: "fc", weight: readout, outFeatures: 10, inFeatures: 784, bias: Array(repeating: 0, count: 10)),
                .output(name: "out", shape: [10]),
            ], edges: [("in", "conv"), ("conv", "lif"), ("lif", "flat"), ("flat", "fc"), ("fc", "out")])
    }

    /// Imports the sign probe at T = 1 with `arguments`; returns the checkpoint's path.
    static func importProbe(into d: TemporaryDirectory, _ arguments: [String]) throws -> String {
        let nir = d.path + "/probe.nir"
        let model = d.path + "/probe.h5"
        try signProbe().write(to: nir)
        let run = try CLI.run(["import", nir, "--time-steps", "1", "--data-dir", data, "-o", model, "--force"] + arguments)
        #expect(run.status == 0, "\(run.stderr)")
        return model
    }

    /// The mean number of pixels per fixture test image with a byte of at least `byte`.
    static func meanPixels(atLeast byte: UInt8) throws -> Double {
        let test = try LabeledImages.load(.fmnist, directory: data, split: .test)
        let total = (0..<test.count).reduce(0) { $0 + test.image(at: $1).filter { $0 >= byte }.count }
        return Double(total) / Double(test.count)
    }

    /// `evaluate --json`'s spikes per image of the probe's LIF layer.
    static func probeSpikes(_ run: CLI.Result) throws -> Double {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        let spikes = try #require(object["spikes_per_image"] as? [String: Double], "\(object)")
        return try #require(spikes["lif"], "\(spikes)")
    }

    @Test func aModelImportedWithoutNormalizeSaysSoWhereverAccuracyIsPrinted() throws {
        let d = try TemporaryDirectory()
        let model = try Self.importProbe(into: d, [])
        let evaluate = try CLI.run(["evaluate", model])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(evaluate.stdout.contains("test accuracy"))
        #expect(evaluate.stderr.contains(Self.unknownNote + "; using fmnist's default (x/255 − 0.286)/0.353"), "\(evaluate.stderr)")
        #expect(evaluate.stderr.contains("hint: if the model was trained on other inputs, import it again with --normalize"))
        let json = try CLI.run(["evaluate", model, "--json"])
        #expect(json.stderr.contains(Self.unknownNote), "\(json.stderr)")
        // The default statistics are what it is fed: pixel ≥ 0 ⇔ byte ≥ 73 under (x/255 − 0.286)/0.353.
        #expect(try Self.probeSpikes(json) == (try Self.meanPixels(atLeast: 73)))

        let deployed = d.path + "/probe.snn.h5"
        let export = try CLI.run(["export", model, "-o", deployed])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains(Self.unknownNote), "\(export.stderr)")
        let simulate = try CLI.run(["simulate", deployed, "--data-dir", Self.data, "--limit", "20"])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(simulate.stdout.contains("accuracy"))
        #expect(simulate.stderr.contains(Self.unknownNote), "\(simulate.stderr)")
        let inspect = try CLI.run(["inspect", deployed])
        let line = "input: (x/255 − 0.286)/0.353, padding 0, direct encoding; normalisation UNKNOWN"
        #expect(inspect.stdout.contains(line), "\(inspect.stdout)")
    }

    /// The accuracy lines themselves, the JSON documents and `simulate --compare` (float and
    /// integer accuracies) say it too, not only the note on stderr.
    @Test func accuracyLinesJSONAndCompareMarkAnUnknownNormalisation() throws {
        let d = try TemporaryDirectory()
        let model = try Self.importProbe(into: d, [])
        let evaluate = try CLI.run(["evaluate", model])
        #expect(evaluate.stdout.contains("T = 1); input normalisation unknown"), "\(evaluate.stdout)")
        let json = try CLI.run(["evaluate", model, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["input_normalization"] as? String == "unknown")
        let deployed = d.path + "/probe.snn.h5"
        #expect(try CLI.run(["export", model, "-o", deployed]).status == 0)
        let simulate = try CLI.run(["simulate", deployed, "--data-dir", Self.data, "--limit", "20", "--json"])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(simulate.stderr.contains(Self.unknownNote), "\(simulate.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(simulate.stdout.utf8)) as? [String: Any])
        #expect(report["input_normalization"] as? String == "unknown" && report["accuracy"] != nil)
        let compare = try CLI.run(["simulate", deployed, "--data-dir", Self.data, "--limit", "20", "--compare", model])
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("input normalisation unknown"), "\(compare.stdout)")
        #expect(compare.stderr.contains(Self.unknownNote), "\(compare.stderr)")

        let known = try Self.importProbe(into: d, ["--normalize", "0.5,0.5"])
        let given = try CLI.run(["evaluate", known, "--json"])
        let givenObject = try #require(try JSONSerialization.jsonObject(with: Data(given.stdout.utf8)) as? [String: Any])
        #expect(givenObject["input_normalization"] as? String == "given")
        #expect(!(try CLI.run(["evaluate", known])).stdout.contains("unknown"))
    }

    @Test func normalizeHalfFeedsTheModelItsOwnInputsWithoutANote() throws {
        let d = try TemporaryDirectory()
        let model = try Self.importProbe(into: d, ["--normalize", "0.5,0.5"])
        let evaluate = try CLI.run(["evaluate", model, "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(!evaluate.stderr.contains("normalisation is unknown"), "\(evaluate.stderr)")
        // (x/255 − 0.5)/0.5 ≥ 0 ⇔ byte ≥ 128 (127.5 lies between two bytes, so no rounding decides it).
        #expect(try Self.probeSpikes(evaluate) == (try Self.meanPixels(atLeast: 128)))

        let deployed = d.path + "/probe.snn.h5"
        let export = try CLI.run(["export", model, "-o", deployed])
        #expect(export.status == 0 && !export.stderr.contains("unknown"), "\(export.stderr)")
        let simulate = try CLI.run(["simulate", deployed, "--data-dir", Self.data, "--limit", "20"])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(!simulate.stderr.contains("normalisation is unknown"), "\(simulate.stderr)")
        // The images simulate feeds are the model's: byte x becomes (x/255 − 0.5)/0.5, in Float.
        let graph = try DeploymentFile.read(deployed).graph
        let inputs = try SimulationInputs.load(dataset: nil, directory: Self.data, limit: 3, graph: graph, file: deployed)
        let test = try LabeledImages.load(.fmnist, directory: Self.data, split: .test)
        for i in 0..<3 {
            #expect(inputs.image(i) == test.image(at: i).map { (Float($0) / 255 - 0.5) / 0.5 })
        }
        let inspect = try CLI.run(["inspect", deployed, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let recorded = try #require(object["input_preprocessing"] as? [String: Any], "\(object)")
        #expect(recorded["origin"] as? String == "given" && recorded["mean"] as? [Double] == [0.5] && recorded["std"] as? [Double] == [0.5])
        #expect(
            recorded["padding"] as? Int == 0 && recorded["encoding"] as? String == "direct" && recorded["pixel_divisor"] as? Double == 255)
        let text = try CLI.run(["inspect", deployed])
        #expect(
            text.stdout.contains("input: (x/255 − 0.5)/0.5, padding 0, direct encoding; normalisation given at import"), "\(text.stdout)")
    }

    @Test func normalizeNoneFeedsPixelsInTheUnitRange() throws {
        let d = try TemporaryDirectory()
        let model = try Self.importProbe(into: d, ["--normalize", "none"])
        let evaluate = try CLI.run(["evaluate", model, "--json"])
        #expect(evaluate.status == 0 && !evaluate.stderr.contains("unknown"), "\(evaluate.stderr)")
        #expect(try Self.probeSpikes(evaluate) == 784)
    }

    @Test func theRecordSurvivesImportCheckpointExportAndReading() throws {
        let d = try TemporaryDirectory()
        let model = try Self.importProbe(into: d, ["--normalize", "0.25,0.75"])
        let state = try Checkpoint.load(from: model)
        #expect(state.config.data.normalization == .given(mean: [0.25], std: [0.75]))
        let expected = InputPreprocessing(dataset: "fmnist", origin: .given, mean: [0.25], std: [0.75], padding: 0)
        #expect(state.inputPreprocessing == expected)
        let deployed = d.path + "/probe.snn.h5"
        let export = try CLI.run(["export", model, "-o", deployed])
        #expect(export.status == 0, "\(export.stderr)")
        let file = try DeploymentFile.read(deployed)
        #expect(file.formatVersion == [DeploymentFile.majorVersion, DeploymentFile.minorVersion])
        #expect(file.graph.inputPreprocessing == expected)
        // The quantiser's input range is that normalisation's: max(|0.25|, |1 − 0.25|)/0.75 = 1.
        #expect(file.graph.inputRange?.maxAbs == 1)
        #expect(file.graph.inputRange?.source == "fmnist normalisation given at import (mean 0.25 std 0.75) of pixels in [0, 1]")
    }

    @Test func trainResumeAndPruneFromKeepTheRecordAndNoteWhenItIsUnknown() throws {
        for normalize in [[], ["--normalize", "0.5,0.5"]] {
            let d = try TemporaryDirectory()
            let model = try Self.importProbe(into: d, normalize)
            let expectNote = normalize.isEmpty
            let tuned = d.path + "/tuned.h5"
            try FileManager.default.copyItem(atPath: model, toPath: tuned)
            let train = try CLI.run(["train", "--resume", "-o", tuned])
            #expect(train.status == 0, "\(train.stderr)")
            #expect(train.stdout.contains("test accuracy"), "\(train.stdout)")
            #expect(train.stderr.contains(Self.unknownNote) == expectNote, "\(normalize): \(train.stderr)")
            let stored = try Checkpoint.load(from: model).config.data.normalization
            #expect(try Checkpoint.load(from: tuned).config.data.normalization == stored)

            let tickets = d.path + "/tickets.h5"
            let prune = try CLI.run(["prune", "--method", "imp", "--from", model, "--rounds", "1", "-o", tickets])
            #expect(prune.status == 0, "\(prune.stderr)")
            #expect(prune.stdout.contains("dense (checkpoint)"), "\(prune.stdout)")
            #expect(prune.stderr.contains(Self.unknownNote) == expectNote, "\(normalize): \(prune.stderr)")
            let evaluate = try CLI.run(["evaluate", tickets, "--level", "1"])
            #expect(evaluate.status == 0 && evaluate.stderr.contains(Self.unknownNote) == expectNote, "\(evaluate.stderr)")
            let deployed = d.path + "/level1.snn.h5"
            let export = try CLI.run(["export", tickets, "--level", "1", "-o", deployed])
            #expect(export.status == 0, "\(export.stderr)")
            let recorded = try DeploymentFile.read(deployed).graph.inputPreprocessing
            #expect(recorded?.origin == (expectNote ? .unknown : .given))
            #expect(recorded?.mean == (expectNote ? Normalization.fashionMNIST.mean : [0.5]))
        }
    }

    @Test func badNormalizeValuesAreErrorsNamingTheSyntax() throws {
        let d = try TemporaryDirectory()
        let nir = d.path + "/probe.nir"
        try Self.signProbe().write(to: nir)
        for value in ["0.5", "0.5,0", "a,b", "0.5,0.5,0.5", "0.5,-1"] {
            let run = try CLI.run(["import", nir, "--normalize", value, "-o", d.path + "/bad.h5"])
            #expect(run.status == 1, "\(value): \(run.stderr)")
            #expect(run.stderr.contains("Error: --normalize '\(value)'") && run.stderr.contains("Hint:"), "\(value): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: d.path + "/bad.h5"))
        }
    }

    @Test func perChannelStatisticsAreMeansThenStds() throws {
        let cifar = try SNNC.Import.parseNormalize("0.4914,0.4822,0.4465,0.2470,0.2435,0.2616", channels: 3)
        #expect(cifar == .given(mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616]))
        #expect(try SNNC.Import.parseNormalize("0.5, 0.5", channels: 3) == .given(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]))
        #expect(try SNNC.Import.parseNormalize("NONE", channels: 3) == .unitRange(channels: 3))
        #expect(try SNNC.Import.parseNormalize(nil, channels: 3) == .unknown)
        #expect(throws: Diagnostic.self) { try SNNC.Import.parseNormalize("0.5,0.5,0.5,0.5", channels: 3) }
    }
}
