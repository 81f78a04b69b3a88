import Foundation
import SNNFormat
import SNNSimulatorFixtures
import SNNStore
import SNNTickets
import SNNTrain
import Testing

/// Every command that writes a file (train, prune, export, import, simulate --trace,
/// simulate --calibration-out, report), run as a real `snnc` process and killed with SIGKILL:
/// the file it was replacing is intact (or still absent), never half-written, and a killed
/// `train` or `prune` resumed gives the same bits as a run that was never killed.
///
/// Two kinds of moment: in the write window (`SNNC_TEST_HOLD_BEFORE_RENAME_MS` makes the writer
/// wait with its finished temporary in place; the test kills it a seeded few milliseconds after
/// the temporary appears, while it is being written or held), and at seeded fractions of an
/// uninterrupted run's duration (anywhere: before, during or after a write).
@Suite("Writers killed with SIGKILL", .serialized)
struct WriterKillTests {
    let cli = CLITests()
    static let hold = "SNNC_TEST_HOLD_BEFORE_RENAME_MS"
    static let fixtures = CLITests.fixtures

    static let trainArguments = [
        "train", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", fixtures,
        "--train-subset", "60", "--test-subset", "20", "--batch-size", "30", "--epochs", "2",
    ]
    static let pruneArguments = [
        "prune", "--model", "small", "--width", "0.125", "--time-steps", "2", "--data-dir", fixtures,
        "--train-subset", "60", "--test-subset", "20", "--batch-size", "30", "--epochs-per-round", "1", "--lr", "0.05",
        "--method", "imp", "--rounds", "1",
    ]

    /// The inputs the writers need, made once: a checkpoint, a ticket file, a deployment file
    /// and a NIR file, in a folder of their own.
    struct Inputs: Sendable {
        let directory: String
        var checkpoint: String { directory + "/ck.h5" }
        var tickets: String { directory + "/t.h5" }
        var deployment: String { directory + "/m.snn.h5" }
        var nir: String { directory + "/m.nir" }
    }

    static let inputs: Result<Inputs, CLIFailure> = {
        let cli = CLITests()
        do {
            let inputs = Inputs(directory: try cli.temporaryDirectory())
            inputsDirectory = inputs.directory
            // Removed when the test process exits (the suites of this module share the inputs).
            atexit { if let path = WriterKillTests.inputsDirectory { try? FileManager.default.removeItem(atPath: path) } }
            for arguments in [
                trainArguments + ["-o", inputs.checkpoint],
                pruneArguments + ["-o", inputs.tickets],
                ["export", inputs.tickets, "--level", "1", "--target", "edge", "-o", inputs.deployment],
                ["export", inputs.checkpoint, "--format", "nir", "-o", inputs.nir],
            ] {
                let result = try cli.run(arguments)
                guard result.status == 0 else { return .failure(CLIFailure(text: "\(arguments): \(result.stderr)")) }
            }
            return .success(inputs)
        } catch {
            return .failure(CLIFailure(text: "\(error)"))
        }
    }()

    struct CLIFailure: Error, Sendable { let text: String }

    nonisolated(unsafe) static var inputsDirectory: String?

    /// One writer: the command (given the output path) and the reader that must accept what it wrote.
    struct Writer: Sendable, CustomTestStringConvertible {
        let name: String
        let file: String
        let arguments: @Sendable (Inputs, String) -> [String]
        let read: @Sendable (String) throws -> Bool
        var testDescription: String { name }
    }

    static let writers: [Writer] = [
        Writer(
            name: "train", file: "out.h5", arguments: { _, out in trainArguments + ["--force", "-o", out] },
            read: { try Checkpoint.load(from: $0).epochsCompleted >= 1 }),
        Writer(
            name: "prune", file: "out.h5", arguments: { _, out in pruneArguments + ["--force", "-o", out] },
            // A search's file is rewritten after every epoch: one without levels yet is complete.
            read: { try TicketFile.readDocument($0).header.method == .imp }),
        Writer(
            name: "export", file: "out.snn.h5",
            arguments: { i, out in ["export", i.tickets, "--level", "1", "--target", "edge", "--force", "-o", out] },
            read: { !(try DeploymentFile.read($0).graph.layers.isEmpty) }),
        Writer(
            name: "import", file: "out.h5",
            arguments: { i, out in ["import", i.nir, "--data-dir", fixtures, "--time-steps", "2", "--force", "-o", out] },
            read: { try Checkpoint.load(from: $0).epochsCompleted == 0 }),
        Writer(
            name: "simulate --trace", file: "trace.h5",
            arguments: { i, out in ["simulate", i.deployment, "--data-dir", fixtures, "--limit", "4", "--threads", "1", "--trace", out] },
            read: { !(try HDF5File.open($0).root.children().isEmpty) }),
        Writer(
            name: "simulate --calibration-out", file: "cal.json",
            arguments: { i, out in
                ["simulate", i.deployment, "--data-dir", fixtures, "--split", "train", "--limit", "6", "--calibration-out", out]
            },
            read: { path in
                let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
                return (object as? [String: Any])?["images"] as? Int == 6
            }),
        Writer(
            name: "report", file: "r.html", arguments: { i, out in ["report", i.tickets, i.deployment, "-o", out] },
            read: { try String(contentsOfFile: $0, encoding: .utf8).hasSuffix("</html>\n") }),
    ]

    // MARK: - Processes

    /// Starts snnc with its output thrown away (a full pipe must not stall it).
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try HDF5File.startChildProcess(process)
        return process
    }

    func killAndReap(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The temporaries of `path` in its folder (`.<name>.tmp-…`).
    func temporaries(of path: String) -> [String] {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let prefix = AtomicFile.temporaryPrefix(of: path)
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(prefix) }
    }

    /// Polls until the `count`-th distinct temporary of `path` has appeared; false if the
    /// process ended first (a guard against hanging, not a timing check).
    func waitForTemporary(number count: Int, of path: String, while process: Process) -> Bool {
        var seen = Set<String>()
        while process.isRunning {
            seen.formUnion(temporaries(of: path))
            if seen.count >= count { return true }
            usleep(500)
        }
        return false
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// Deterministic delays and fractions (SplitMix64 with a fixed seed per test).
    typealias Moments = SplitMix64

    // MARK: - Tests

    /// Killed while the new file is written or waits to be renamed: the old file, byte for byte;
    /// the next run removes the killed writer's temporary and writes a file the reader accepts.
    @Test(arguments: writers)
    func killedInTheWriteWindowKeepsTheOldFile(_ writer: Writer) throws {
        let inputs = try Self.inputs.get()
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/" + writer.file
        let first = try cli.run(writer.arguments(inputs, out))
        #expect(first.status == 0, "\(first.stderr)")
        let old = try #require(bytes(out))
        var moments = Moments(seed: 19 &+ UInt64(writer.name.utf8.count))
        for _ in 0..<2 {
            let process = try start(writer.arguments(inputs, out), environment: [Self.hold: "30000"])
            let inWindow = waitForTemporary(number: 1, of: out, while: process)
            usleep(UInt32(moments.next() % 20_000))
            killAndReap(process)
            #expect(inWindow, "\(writer.name) ended before writing")
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(bytes(out) == old, "\(writer.name): the old file changed")
            #expect(temporaries(of: out).count >= 1, "\(writer.name): the killed writer's temporary is gone")
            #expect(try writer.read(out), "\(writer.name): the reader does not accept the file")
        }
        let again = try cli.run(writer.arguments(inputs, out))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(temporaries(of: out).isEmpty, "left behind: \(temporaries(of: out))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [writer.file])
        #expect(try writer.read(out), "\(writer.name): the reader does not accept the file")
    }

    /// Killed at seeded fractions of an uninterrupted run's duration: the file is the old one or
    /// a complete new one, nothing else is left but temporaries.
    @Test(arguments: writers)
    func killedAnywhereLeavesTheOldOrANewFile(_ writer: Writer) throws {
        let inputs = try Self.inputs.get()
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/" + writer.file
        let started = Date()
        let first = try cli.run(writer.arguments(inputs, out))
        let duration = Date().timeIntervalSince(started)
        #expect(first.status == 0, "\(first.stderr)")
        let old = try #require(bytes(out))
        var moments = Moments(seed: 1919 &+ UInt64(writer.name.utf8.count))
        for _ in 0..<3 {
            let process = try start(writer.arguments(inputs, out))
            usleep(UInt32(moments.fraction() * duration * 1_000_000))
            killAndReap(process)
            let now = try #require(bytes(out), "\(writer.name): the file is gone")
            if now != old { #expect(try writer.read(out), "\(writer.name): the reader does not accept the file") }
            let others = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != writer.file }
            #expect(Set(others) == Set(temporaries(of: out)), "\(writer.name): unexpected files \(others)")
        }
    }

    /// Killed in the write window of its second checkpoint (after epoch 2), `train --resume`
    /// finishes the run with the same parameters, momentum and history as the run never killed.
    @Test func trainResumedAfterAKillGivesTheSameBits() throws {
        let inputs = try Self.inputs.get()
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/b.h5"
        let process = try start(Self.trainArguments + ["-o", out], environment: [Self.hold: "1500"])
        let reached = waitForTemporary(number: 2, of: out, while: process)
        usleep(20_000)
        killAndReap(process)
        #expect(reached)
        #expect(try Checkpoint.load(from: out).epochsCompleted == 1)
        let resumed = try cli.run(["train", "--resume", "-o", out])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try expectSameTraining(try Checkpoint.load(from: out), try Checkpoint.load(from: inputs.checkpoint))
    }

    /// Killed at a seeded moment, then resumed (or started again when nothing was written yet):
    /// the same bits as the run never killed.
    @Test func trainKilledAnywhereThenResumedGivesTheSameBits() throws {
        let inputs = try Self.inputs.get()
        var moments = Moments(seed: 7)
        for _ in 0..<2 {
            let dir = try cli.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let out = dir + "/b.h5"
            let process = try start(Self.trainArguments + ["-o", out])
            usleep(UInt32(300_000 + moments.fraction() * 2_000_000))
            killAndReap(process)
            let exists = FileManager.default.fileExists(atPath: out)
            let rest = try cli.run(exists ? ["train", "--resume", "-o", out] : Self.trainArguments + ["-o", out])
            #expect(rest.status == 0, "\(rest.stderr)")
            try expectSameTraining(try Checkpoint.load(from: out), try Checkpoint.load(from: inputs.checkpoint))
        }
    }

    /// Killed in the write window of its second save, `prune --resume` finishes the search with
    /// the levels (weights, masks, accuracies) of the search never killed.
    @Test func pruneResumedAfterAKillGivesTheSameBits() throws {
        let inputs = try Self.inputs.get()
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/b.h5"
        let process = try start(Self.pruneArguments + ["-o", out], environment: [Self.hold: "1500"])
        let reached = waitForTemporary(number: 2, of: out, while: process)
        usleep(20_000)
        killAndReap(process)
        #expect(reached)
        let partial = try TicketFile.readDocument(out)
        #expect(!partial.progress.finished)
        let resumed = try cli.run(["prune", "--resume", "-o", out])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try expectSameSearch(try TicketFile.readDocument(out), try TicketFile.readDocument(inputs.tickets))
    }

    // MARK: - Comparisons

    /// Everything but wall-clock times and the command line.
    func expectSameTraining(_ a: TrainingState, _ b: TrainingState) throws {
        #expect(a.epochsCompleted == b.epochsCompleted)
        #expect(a.parameters == b.parameters, "parameters differ")
        #expect(a.momentum == b.momentum, "momentum differs")
        let untimed = { (s: TrainingState) in
            s.history.map { r in
                var r = r
                r.seconds = 0
                r.imagesPerSecond = 0
                return r
            }
        }
        #expect(untimed(a) == untimed(b))
    }

    func expectSameSearch(_ a: TicketDocument, _ b: TicketDocument) throws {
        #expect(a.progress.finished && b.progress.finished)
        #expect(a.levels.keys.sorted() == b.levels.keys.sorted())
        for (level, x) in a.levels {
            let y = try #require(b.levels[level])
            #expect(x.state.parameters == y.state.parameters, "level \(level): parameters differ")
            #expect(x.info.testAccuracy == y.info.testAccuracy && x.info.testLoss == y.info.testLoss, "level \(level)")
            #expect(x.info.spikesPerImage == y.info.spikesPerImage, "level \(level)")
        }
        #expect(a.masks == b.masks)
    }
}

extension SplitMix64 {
    /// A number in 0..<1.
    fileprivate mutating func fraction() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
