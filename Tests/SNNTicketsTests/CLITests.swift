import ArgumentParser
import Foundation
import SNNTickets
import Testing

@testable import snnc

/// `snnc prune` argument checking and its error paths.
@Suite("snnc prune")
struct CLITests {
    func parse(_ arguments: [String]) throws -> SNNC.Prune {
        try SNNC.Prune.parse(arguments)
    }

    @Test func unknownMethodIsRefusedWithTheList() {
        do {
            _ = try parse(["--method", "magic", "--rounds", "2", "-o", "t.h5"])
            Issue.record("parsed an unknown method")
        } catch {
            let message = SNNC.Prune.message(for: error)
            #expect(message.contains("magic"))
            #expect(message.contains("imp+et") && message.contains("transfer"))
        }
        #expect((try? parse(["--method", "et", "--rounds", "2", "-o", "t.h5"]))?.searchOptions.method == .impET)
    }

    /// Parsing `arguments` fails as a usage error (exit status 64) whose message is `message`.
    func expectRefused(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try parse(arguments)
            Issue.record("parsed \(arguments)", sourceLocation: sourceLocation)
        } catch {
            #expect(SNNC.Prune.exitCode(for: error) == .validationFailure, sourceLocation: sourceLocation)
            #expect(SNNC.Prune.message(for: error) == message, sourceLocation: sourceLocation)
        }
    }

    @Test func inconsistentOptionsAreRefused() {
        let resumeKeeps =
            "--resume continues with the settings stored in the ticket file; drop the model, training and "
            + "search options (--data-dir may stay; --rounds or --sparsity extend an imp search)"
        expectRefused(["--method", "imp", "-o", "t.h5"], "give --rounds or --sparsity")  // no target
        expectRefused(["--method", "imp", "--rounds", "2", "--sparsity", "50", "-o", "t.h5"], "give --rounds or --sparsity, not both")
        expectRefused(["--method", "imp", "--rounds", "two", "-o", "t.h5"], "--rounds takes a comma-separated list of numbers, got 'two'")
        expectRefused(
            ["--method", "imp", "--rounds", "2", "--rewind", "soon", "-o", "t.h5"],
            "--rewind takes init, a number of epochs or a percentage like 7%")
        // On a resume a method is a setting to drop, not a search missing its rounds.
        expectRefused(["--resume", "--method", "imp", "-o", "t.h5"], resumeKeeps)
        expectRefused(["--resume", "--method", "imp", "--rounds", "2", "-o", "t.h5"], resumeKeeps)
        expectRefused(["--rounds", "2", "-o", "t.h5"], "give --method (\(TicketMethod.names.joined(separator: ", ")))")  // no method
        expectRefused(
            ["--method", "imp", "--rounds", "2", "--from", "dense.h5", "--lr", "0.1", "-o", "t.h5"],
            "--from takes the model and training settings from the checkpoint; drop the model, data and training "
                + "options (--data-dir may stay)")
        #expect((try? parse(["--resume", "-o", "t.h5"])) != nil)
        #expect((try? parse(["--resume", "--rounds", "11", "-o", "t.h5"])) != nil)  // extends an imp search
        expectRefused(["--resume", "--rounds", "11", "--rewind", "init", "-o", "t.h5"], resumeKeeps)
        #expect((try? parse(["--resume", "--data-dir", "d", "-o", "t.h5"])) != nil)  // the data moved
        expectRefused(["--resume", "--lr", "0.1", "-o", "t.h5"], resumeKeeps)
        #expect((try? parse(["--method", "imp", "--from", "dense.h5", "--data-dir", "d", "--rounds", "2", "-o", "t.h5"])) != nil)
    }

    @Test func missingCheckpointIsADiagnostic() throws {
        let output = Fixture.temporaryPath("never.h5")
        let command = try parse(["--method", "imp", "--rounds", "2", "--from", "/nonexistent/dense.h5", "-o", output])
        do {
            _ = try command.newDocument()
            Issue.record("accepted a missing checkpoint")
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.message.contains("/nonexistent/dense.h5") && diagnostic.message.contains("does not exist"))
            #expect(diagnostic.hint != nil)
        }
        #expect(throws: ExitCode.self) { try command.run() }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func resumeWithoutAFileAndOverwritingAreDiagnostics() throws {
        let output = Fixture.temporaryPath("absent.h5")
        #expect(throws: ExitCode.self) { try parse(["--resume", "-o", output]).run() }
        let existing = Fixture.temporaryPath("exists.h5")
        defer { try? FileManager.default.removeItem(atPath: existing) }
        try "x".write(toFile: existing, atomically: true, encoding: .utf8)
        let command = try parse(["--method", "random", "--rounds", "1", "--data-dir", Fixture.directory, "-o", existing])
        #expect(throws: Diagnostic.self) { _ = try command.newDocument() }
    }

    @Test func impossibleSearchesAreDiagnostics() throws {
        // Early-time candidates must be shorter than T.
        let output = Fixture.temporaryPath("et.h5")
        let command = try parse([
            "--method", "imp+et", "--rounds", "1", "--model", "small", "--time-steps", "3",
            "--data-dir", Fixture.directory, "--train-subset", "40", "-o", output,
        ])
        #expect(throws: Diagnostic.self) { _ = try command.newDocument() }
        // A rewind point past the end of round 0.
        let late = try parse([
            "--method", "imp", "--rounds", "1", "--model", "small", "--epochs-per-round", "1",
            "--rewind", "1", "--data-dir", Fixture.directory, "--train-subset", "40", "-o", output,
        ])
        #expect(throws: Diagnostic.self) { _ = try late.newDocument() }
    }
}
