import Foundation
import SNNCompiler
import SNNStore
import SNNTickets
import SNNTrain
import Testing

/// The ticket file the `tickets` fuzz target mutates (scripts/fuzz.sh makes the same one): the
/// fixture `small` model at width 1/8, T = 2, IMP for two one-epoch rounds checked against edge
/// with a memory budget the dense level breaks, validation accuracies for best-fit. Built once
/// per test run with `snnc prune`; each test damages a copy.
enum TicketFuzzFixture {
    private static let built: Result<String, any Error> = Result {
        let directory = NSTemporaryDirectory() + "snnc-ticket-fuzz-fixture-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/small.tickets.h5"
        let prune = try CLI.run([
            "prune", "--method", "imp", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir",
            Repository.root + "/fixtures/fashion-mnist", "--train-subset", "60", "--test-subset", "20", "--batch-size", "30",
            "--epochs-per-round", "1", "--rounds", "2", "--target", "edge", "--budget", "memory=20KiB", "--validation-subset",
            "20", "-o", path,
        ])
        guard prune.status == 0 else { throw TicketFileError(path: path, reason: "snnc prune failed: \(prune.stderr)") }
        return path
    }

    /// A copy of the fixture in `directory`, damaged by `damage` (the file opened for editing).
    static func damaged(in directory: TemporaryDirectory, _ damage: (HDF5Group) throws -> Void) throws -> String {
        let path = directory.path + "/damaged.h5"
        try FileManager.default.copyItem(atPath: try built.get(), toPath: path)
        try damage(try HDF5File.openForEditing(path).root)
        return path
    }

    /// Replaces entry `index` of the float32 dataset `name` of `group`, keeping its shape.
    static func setEntry(_ group: HDF5Group, _ name: String, _ index: Int, to value: Float) throws {
        let stored = try group.read(name, as: Float.self)
        var values = stored.values
        values[index] = value
        try group.remove(name)
        try group.write(name, values, shape: stored.shape)
    }

    /// Sets `key` of the JSON attribute `name` of `group` (e.g. a level's `model_spec`).
    static func setJSON(_ group: HDF5Group, attribute name: String, _ key: String, to value: Any) throws {
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(group.stringAttribute(name).utf8)) as? [String: Any])
        object[key] = value
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try group.setAttribute(name, string: String(decoding: data, as: UTF8.self))
    }

    /// Reads level `level` as `snnc export` does and compiles it for edge.
    static func export(_ path: String, level: Int) throws {
        let state = try TicketFile.open(path).loadLevel(level)
        let graph = try DeploymentBridge.graph(from: state, name: "damaged")
        _ = try compile(graph, for: ChipProfile.named(Repository.targets + "/edge.toml"))
    }
}

/// Crashes the `tickets` fuzz target found (docs/HARDENING.md): each is a ticket file damaged the
/// way the fuzzer's input damaged it, read through the export path; each must be a named error
/// (what, where, why, what to do), in the library and from `snnc export`, never a trap.
@Suite("Ticket-file fuzz regressions")
struct TicketFuzzRegressionTests {
    /// The first crash (fuzz/corpus/tickets/crash-negative-variance): level 2's `bn1.running_var`
    /// entry 1 set to Int64.min as a float folded into NaN weights, which quantisation trapped
    /// converting to an integer ("Double value cannot be converted to Int64 because it is either
    /// infinite or NaN").
    @Test func aNegativeBatchNormVarianceIsANamedError() throws {
        let directory = try TemporaryDirectory()
        let path = try TicketFuzzFixture.damaged(in: directory) { root in
            try TicketFuzzFixture.setEntry(try root.group("levels/2/buffers"), "bn1.running_var", 1, to: -9.223372e18)
        }
        let error = try #require(throws: CompileError.self) { try TicketFuzzFixture.export(path, level: 2) }
        #expect(error.kind == .unsupportedGraph)
        #expect(error.layer == "bn1")
        #expect(error.reason == "batch-norm variance entry 1 is -9.223372e+18; a variance is never negative")
        #expect(error.hint?.contains("the model file is damaged") == true)
        let run = try CLI.run(["export", path, "--level", "2", "--target", "edge", "-o", directory.path + "/m.snn.h5"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("Error: batch-norm variance entry 1 is -9.223372e+18; a variance is never negative"), "\(run.stderr)")
        #expect(run.stderr.contains("At:") && run.stderr.contains("layer 'bn1'"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/m.snn.h5"))
    }

    /// Finite statistics that fold into infinite weights (γ = 3·10³⁸ over a zero variance):
    /// refused after the folds, before quantisation.
    @Test func statisticsThatFoldIntoInfiniteWeightsAreANamedError() throws {
        let directory = try TemporaryDirectory()
        let path = try TicketFuzzFixture.damaged(in: directory) { root in
            let buffers = try root.group("levels/1/buffers")
            try TicketFuzzFixture.setEntry(buffers, "bn1.running_var", 0, to: 0)
            try TicketFuzzFixture.setEntry(try root.group("levels/1/parameters"), "bn1.weight", 0, to: 3e38)
        }
        let error = try #require(throws: CompileError.self) { try TicketFuzzFixture.export(path, level: 1) }
        #expect(error.kind == .unsupportedGraph)
        #expect(error.layer == "conv1")
        #expect(error.reason.hasPrefix("after folding batch norm, average pooling and the input gain into it, weight entry "))
        #expect(error.reason.hasSuffix(" is inf") || error.reason.hasSuffix(" is -inf"), "\(error.reason)")
        #expect(error.hint?.contains("batch-norm statistics are out of range") == true)
    }

    /// A threshold far below zero (Int64.min in the level's model_spec) rounded to more state
    /// units than an Int holds, and the error message itself trapped converting it.
    @Test func aHugeNegativeThresholdIsANamedError() throws {
        let directory = try TemporaryDirectory()
        let path = try TicketFuzzFixture.damaged(in: directory) { root in
            try TicketFuzzFixture.setJSON(try root.group("levels/0"), attribute: "model_spec", "threshold", to: -9.2e18)
        }
        let error = try #require(throws: CompileError.self) { try TicketFuzzFixture.export(path, level: 0) }
        #expect(error.kind == .quantization)
        #expect(error.layer == "lif1")
        #expect(error.reason.hasPrefix("the threshold rounds to -"), "\(error.reason)")
        #expect(error.reason.hasSuffix(" state units"))
    }

    /// A width no model has (1e300 in a level's model_spec) trapped converting the channel count
    /// to an integer; now `LayerGraph` checks the spec's sizes first (`ModelLimits`).
    @Test func aHugeWidthIsANamedError() throws {
        let directory = try TemporaryDirectory()
        let path = try TicketFuzzFixture.damaged(in: directory) { root in
            try TicketFuzzFixture.setJSON(try root.group("levels/0"), attribute: "model_spec", "width", to: 1e300)
        }
        let error = try #require(throws: CheckpointError.self) { try TicketFile.open(path).loadLevel(0) }
        #expect(error.path.hasSuffix(":/levels/0"))
        #expect(error.reason == "'model_spec' is not valid: model spec field 'width' is 1e+300: it must be positive, at most 2048")
        #expect(error.hint?.contains("the file is damaged") == true)
        let run = try CLI.run(["export", path, "--level", "0", "--target", "edge", "-o", directory.path + "/m.snn.h5"])
        #expect(run.status == 1 && run.stderr.contains("model spec field 'width' is 1e+300"), "\(run.stderr)")
    }

    /// The third crash (fuzz/corpus/tickets/crash-huge-time-steps): level 2's model_spec with
    /// 2⁴⁰ time steps reached the compiler's estimates, which asked for one value per step (an
    /// 8 TiB array; AddressSanitizer: allocation-size-too-big) and multiply neurons by steps.
    @Test func timeStepsBeyondTheBoundAreANamedError() throws {
        let directory = try TemporaryDirectory()
        let path = try TicketFuzzFixture.damaged(in: directory) { root in
            try TicketFuzzFixture.setJSON(try root.group("levels/2"), attribute: "model_spec", "timeSteps", to: 1 << 40)
        }
        let error = try #require(throws: CheckpointError.self) { try TicketFuzzFixture.export(path, level: 2) }
        #expect(error.reason == "'model_spec' is not valid: model spec field 'timeSteps' is 1099511627776: it must be in 1…100000")
    }

    /// The timeout the fuzzer found: a level's model_spec with width 7 (224…896 channels where
    /// the file stores 4…16) made the reader allocate the 20 M-value layout (80 MB) before it
    /// compared a single shape; now the stored shapes are compared first.
    @Test func aWidthTheStoredWeightsDoNotHaveIsAShapeError() throws {
        let directory = try TemporaryDirectory()
        let path = try TicketFuzzFixture.damaged(in: directory) { root in
            try TicketFuzzFixture.setJSON(try root.group("levels/0"), attribute: "model_spec", "width", to: 7)
        }
        let error = try #require(throws: HDF5Error.self) { try TicketFile.open(path).loadLevel(0) }
        #expect(error.object == "/levels/0/parameters/conv1.weight")
        #expect(error.reason == "dataset has shape [4, 1, 3, 3], expected [224, 1, 3, 3]")
    }

    /// The header's model spec (which `prune --resume` lays the masks out by) is checked the same way.
    @Test func aHeaderSpecBeyondTheLimitsIsANamedError() throws {
        let directory = try TemporaryDirectory()
        let path = try TicketFuzzFixture.damaged(in: directory) { root in
            var header = try #require(try JSONSerialization.jsonObject(with: Data(root.readString("header.json").utf8)) as? [String: Any])
            var spec = try #require(header["spec"] as? [String: Any])
            spec["inputHeight"] = 1 << 40
            header["spec"] = spec
            try root.remove("header.json")
            try root.write("header.json", string: String(decoding: try JSONSerialization.data(withJSONObject: header), as: UTF8.self))
        }
        let error = try #require(throws: TicketFileError.self) { try TicketFile.readDocument(path) }
        #expect(
            error.reason
                == "'header.json' has a model spec that is not valid: model spec field 'inputHeight' is 1099511627776: it must be in "
                + "1…65536")
        #expect(error.hint == "the file is damaged or was not written by snnc; run the search again")
    }

    /// The second crash (fuzz/corpus/tickets/crash-duplicate-target): level 0's fit.json with its
    /// one target entry repeated. A fit.json naming its target twice made the summary that
    /// `inspect` and `prune --json` print build a dictionary with a duplicate key, which trapped;
    /// the summary then kept the first entry's pick. Now such a table breaks a rule of the ticket
    /// file (one entry per target of the search, each named once), refused before anything reads it.
    @Test func aTargetListedTwiceInAFitTableIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = try TicketFuzzFixture.damaged(in: directory) { root in
            let levels = try root.group("levels")
            for name in try levels.children() {
                let level = try levels.group(name)
                var fit = try #require(try JSONSerialization.jsonObject(with: Data(level.readString("fit.json").utf8)) as? [String: Any])
                let targets = try #require(fit["targets"] as? [Any])
                fit["targets"] = targets + targets
                try level.remove("fit.json")
                try level.write("fit.json", string: String(decoding: try JSONSerialization.data(withJSONObject: fit), as: UTF8.self))
            }
        }
        let error = try #require(throws: TicketValidationError.self) { try TicketFile.open(path) }
        #expect(error.rule == .fitTable && error.object == "/levels/0/fit.json" && error.key == "targets", "\(error)")
        let run = try CLI.run(["inspect", path])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("(rule: consistent fit table)"), "\(run.stderr)")
        #expect(run.stdout.isEmpty, "\(run.stdout)")
    }
}
