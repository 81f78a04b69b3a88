import Foundation
import SNNFormat
import SNNIR
import SNNTrain
import Testing

@testable import snnc

/// Runs the built `snnc` binary and checks stdout, stderr, exit status and files.
@Suite("snnc command line")
struct CLITests {
    static let binary: URL = {
        // The test bundle sits next to the products in .build/<config>/.
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundleDir.appendingPathComponent("snnc")
    }()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/fashion-mnist").path

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary with `arguments`, in `directory` when given (else the current folder).
    func run(_ arguments: [String], in directory: String? = nil) throws -> Result {
        let run = try CapturedProcess.run(Self.binary, arguments, in: directory)
        return Result(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "snnc-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func versionAndHelp() throws {
        let version = try run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try run(["train", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:"))
        #expect(help.stdout.contains("--resume"))
    }

    @Test func missingDataIsAClearErrorAndWritesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try run(["train", "--data-dir", dir + "/nowhere", "--epochs", "1", "-o", dir + "/out.h5"])
        #expect(result.status == 1)
        let hint = "install the Fashion-MNIST files with `apt-get install dataset-fashion-mnist`, or pass `--data-dir`"
        #expect(
            result.stderr == "Error: data file not found: no such file\nAt:    \(dir)/nowhere/train-images-idx3-ubyte.gz\nHint:  \(hint)\n")
        #expect(result.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func badArgumentsExitWithUsageStatus() throws {
        let result = try run(["train", "--epochs", "0", "-o", "/tmp/never.h5"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--epochs must be at least 1"))
    }

    @Test func ternaryWeightsAreForTheSpikingModel() throws {
        let result = try run(["train", "--ann", "--ternary-weights", "-o", "/tmp/never.h5"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--ternary-weights is for the spiking model that deploys; --ann trains its ReLU twin"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never.h5"))
    }

    @Test func resumeNeedsAnExistingCheckpoint() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try run(["train", "--resume", "-o", dir + "/missing.h5"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("nothing to resume"))
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/exists.h5"
        try "keep me".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try run(["train", "--data-dir", Self.fixtures, "-o", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    @Test func truncatedCheckpointOnResumeIsAClearErrorWithoutLibraryNoise() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/cut.h5"
        // A real HDF5 header followed by nothing: an HDF5 signature with a missing body.
        var bytes: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]
        bytes += [UInt8](repeating: 0, count: 56)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try run(["train", "--resume", "-o", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Error:"))
        #expect(result.stderr.contains(path))
        #expect(!result.stderr.contains("HDF5-DIAG"))
    }

    @Test func trainsOneEpochOnFixturesAndResumes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/tiny.h5"
        let common = [
            "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", Self.fixtures,
            "--train-subset", "100", "--test-subset", "50", "--batch-size", "50",
        ]
        let first = try run(["train"] + common + ["--epochs", "2", "-o", path, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        // The checkpoint holds both epochs with their test accuracies, and --json printed its history.
        let state = try Checkpoint.load(from: path)
        #expect(state.epochsCompleted == 2)
        #expect(state.config.epochs == 2 && state.config.batchSize == 50 && state.config.data.trainSubset == 100)
        #expect(state.spec.architecture == .small && state.spec.timeSteps == 2)
        #expect(state.history.map(\.epoch) == [0, 1])
        #expect(state.history.allSatisfy { ($0.testAccuracy ?? -1) >= 0 && $0.trainLoss.isFinite })
        #expect(state.notes["command"]?.contains("-o \(path)") == true)
        let printed = try JSONDecoder().decode([EpochRecord].self, from: Data(first.stdout.utf8))
        #expect(printed == state.history)
        #expect(first.stderr.contains("epoch 2/2"))

        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let again = try run(["train", "--resume", "-o", path])
        #expect(again.status == 0)
        #expect(again.stderr.contains("'\(path)' has already finished its 2 epochs; nothing to do"))
        #expect(again.stdout.hasPrefix("\(path): 2 epochs, test accuracy "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // The data may have moved (as 'prune --resume' allows); any other setting is refused.
        let moved = try run(["train", "--resume", "--data-dir", Self.fixtures, "-o", path])
        #expect(moved.status == 0 && moved.stderr.contains("nothing to do"), "\(moved.stderr)")
        let changed = try run(["train", "--resume", "--lr", "0.1", "-o", path])
        #expect(changed.status == 64 && changed.stderr.contains("drop the model and training options (--data-dir may stay)"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)

        // --level picks a ticket file's level; with a checkpoint it is an error in every command.
        for arguments in [
            ["export", path, "--level", "1", "-o", dir + "/m.snn.h5"], ["evaluate", path, "--level", "1"],
            ["export", path, "--level", "1", "--format", "nir", "-o", dir + "/m.nir"],
        ] {
            let level = try run(arguments)
            #expect(level.status == 1)
            #expect(level.stderr == "Error: --level applies to ticket files; this is a checkpoint\nAt:    \(path)\nHint:  drop --level\n")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["tiny.h5"])
    }

    @Test func divergedTrainingIsAClearErrorAndWritesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try run([
            "train", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", Self.fixtures,
            "--train-subset", "200", "--test-subset", "50", "--batch-size", "50", "--epochs", "1",
            "--lr", "3e38", "-o", dir + "/nan.h5",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: training diverged: "), "\(result.stderr)")
        #expect(result.stderr.contains("in epoch 1"))
        #expect(result.stderr.contains("At:    \(dir)/nan.h5 (not written)"))
        #expect(result.stderr.contains("Hint:  lower the learning rate (--lr) and start again with --force"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    /// An early-bird search whose epochs × checks give fewer masks than the window says it cannot fire.
    @Test func earlyBirdThatCannotFireSaysSo() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let common = [
            "prune", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", Self.fixtures,
            "--train-subset", "40", "--test-subset", "20", "--batch-size", "20", "--epochs-per-round", "1",
            "--method", "eb", "--sparsity", "50", "--lr", "0.05",
        ]
        let cannot = try run(common + ["-o", dir + "/a.h5"])
        #expect(cannot.status == 0, "\(cannot.stderr)")
        #expect(
            cannot.stderr.contains("note: early-bird cannot fire: 1 epochs × 1 checks give 1 masks, fewer than the window of 5"),
            "\(cannot.stderr)")
        let can = try run(common + ["--eb-window", "2", "--eb-checks-per-epoch", "2", "-o", dir + "/b.h5"])
        #expect(can.status == 0, "\(can.stderr)")
        #expect(!can.stderr.contains("cannot fire"))
    }

    @Test func pruneWritesATicketFileThatExportReads() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tickets = dir + "/tickets.h5"
        let result = try run([
            "prune", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", Self.fixtures,
            "--train-subset", "100", "--test-subset", "50", "--batch-size", "50", "--epochs-per-round", "1",
            "--method", "imp", "--rounds", "1", "--lr", "0.05", "--json", "-o", tickets,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"levels\""))
        let export = try run(["export", tickets, "--level", "1", "--target", "edge", "-o", dir + "/m.snn.h5"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.hasPrefix("\(dir)/m.snn.h5: "))
        // The deployment records the ticket file and the level it compiled.
        let graph = try DeploymentFile.read(dir + "/m.snn.h5").graph
        #expect(graph.target == "edge")
        #expect(graph.provenance?.sourceFile == tickets)
        #expect(graph.provenance?.sourceLevel == 1)
        #expect(graph.provenance?.target == "edge")
        #expect(!graph.synapticLayers.isEmpty)
        // --json: the text line's numbers, as inspect --json's totals give them.
        let json = try run(["export", tickets, "--level", "1", "--target", "edge", "--json", "--force", "-o", dir + "/m.snn.h5"])
        #expect(json.status == 0, "\(json.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let inspected = try #require(
            try JSONSerialization.jsonObject(with: Data(run(["inspect", dir + "/m.snn.h5", "--json"]).stdout.utf8)) as? [String: Any])
        let totals = try #require(inspected["totals"] as? [String: Any])
        #expect(
            summary["level"] as? Int == 1 && summary["target"] as? String == "edge" && summary["output"] as? String == dir + "/m.snn.h5")
        #expect(summary["cores"] as? Int == totals["cores"] as? Int && summary["memory_bytes"] as? Int == totals["memory_bytes"] as? Int)
        #expect(summary["energy_pj"] as? Double == totals["energy_pj"] as? Double && (summary["cores_available"] as? Int ?? 0) >= 1)
        #expect(try run(["export", tickets, "--format", "nir", "--json", "-o", dir + "/m.nir"]).status == 64)
        let checkpoint = try run(["export", tickets, "--level", "9", "--target", "edge", "-o", dir + "/none.snn.h5"])
        #expect(checkpoint.status == 1)
        #expect(checkpoint.stderr.contains("has no level 9 (levels: 0, 1)"), "\(checkpoint.stderr)")
        // A negative level is a value the file lacks, not a missing value.
        for command in [["export", tickets, "-o", dir + "/none.snn.h5"], ["evaluate", tickets]] {
            let negative = try run(command + ["--level", "-1"])
            #expect(negative.status == 1 && negative.stderr.contains("has no level -1 (levels: 0, 1)"), "\(negative.stderr)")
        }
        #expect(
            checkpoint.stderr.contains(
                "Hint:  pass one of the stored levels with --level, or leave --level out for the sparsest level at the full T"),
            "\(checkpoint.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.snn.h5"))

        // A deployment file is not a model to read or export.
        let evaluate = try run(["evaluate", dir + "/m.snn.h5"])
        #expect(evaluate.status == 1)
        #expect(
            evaluate.stderr.hasPrefix("Error: cannot read this file as a model: it is a deployment file (written by 'snnc export')"),
            "\(evaluate.stderr)")
        #expect(evaluate.stderr.contains("Hint:  pass a checkpoint from 'snnc train' or 'snnc import', or a ticket file from 'snnc prune'"))
        let again = try run(["export", dir + "/m.snn.h5", "-o", dir + "/again.snn.h5"])
        #expect(again.status == 1)
        #expect(
            again.stderr.hasPrefix("Error: cannot export this file: it is a deployment file (written by 'snnc export')"), "\(again.stderr)")
        #expect(again.stderr.contains("Hint:  pass a checkpoint from 'snnc train' or a ticket file from 'snnc prune' (--level picks"))
    }

    @Test func divergedPruningIsAClearErrorNotACrash() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try run([
            "prune", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", Self.fixtures,
            "--train-subset", "100", "--test-subset", "50", "--batch-size", "50", "--epochs-per-round", "1",
            "--method", "imp", "--rounds", "1", "--lr", "3e38", "-o", dir + "/nan.h5",
        ])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("training diverged"), "\(result.stderr)")
        #expect(result.stderr.contains("--lr"))
        #expect(!result.stderr.contains("Fatal error"))
    }
}
