import Foundation
import SNNTrain
import Testing

@testable import SNNTickets

/// The engine's side of the chip fit: every level gets the `fitCheck`'s result, written with it;
/// `untilFits` extends IMP until a level fits. The check here is a stand-in (a weight count), so
/// the engine is tested without the compiler; the CLI tests use the real one.
@Suite("Ticket search: fit of every level, until-fits")
struct FitSearchTests {
    /// Kept weights after round 2 of the fixture model: the stand-in's limit.
    static func limit() throws -> Int {
        Pruning.keptAfterRounds(PrunableLayout(try Fixture.parameters()).total, rounds: 2, rate: 0.25)
    }

    /// A level fits when it keeps at most `limit` weights; the violation is `prunable` as given.
    static func weightCount(limit: Int, prunable: Bool = true) -> (TrainingState) throws -> LevelFit {
        { state in
            let kept = SparsityReport(state.parameters).kept
            let violations =
                kept <= limit
                ? [] : [FitViolation(constraint: "budget synapses = \(limit)", message: "\(kept) weights", prunable: prunable)]
            return FitSearchFixture.standInFit(kept: kept, violations: violations)
        }
    }

    @Test func untilFitsStopsAtTheFirstFittingLevelAndStoresEveryFit() throws {
        let path = Fixture.temporaryPath("fit.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let done = try FitSearchFixture.run(
            FitSearchFixture.newDocument(FitSearchFixture.config()), path: path, check: Self.weightCount(limit: try Self.limit()))
        #expect(done.progress.finished)
        #expect(done.levels.keys.sorted() == [0, 1, 2])
        #expect(done.levels.values.allSatisfy { $0.fit != nil })
        #expect(done.levels[1]?.fit?.fits == false && done.levels[2]?.fit?.fits == true)
        #expect(done.header.search.rounds == 2)
        // The summaries read the fits too.
        let file = try TicketFile.open(path)
        #expect(file.fits[2] == done.levels[2]?.fit && file.fits.count == 3)
    }

    @Test func extraRoundsRunPastTheFirstFit() throws {
        let path = Fixture.temporaryPath("extra.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let done = try FitSearchFixture.run(
            FitSearchFixture.newDocument(FitSearchFixture.config(extra: 1)), path: path, check: Self.weightCount(limit: try Self.limit()))
        #expect(done.progress.finished && done.levels.keys.sorted() == [0, 1, 2, 3])
    }

    @Test func aViolationPruningCannotFixStopsAfterTheLevelWithTheLevelKept() throws {
        let path = Fixture.temporaryPath("neurons.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let document = try FitSearchFixture.newDocument(FitSearchFixture.config())
        #expect(throws: SearchCannotFit.self) {
            _ = try FitSearchFixture.run(document, path: path, check: Self.weightCount(limit: 1, prunable: false))
        }
        let kept = try TicketFile.readDocument(path)
        #expect(!kept.progress.finished && kept.levels.keys.sorted() == [0])
        #expect(kept.levels[0]?.fit?.unprunable?.violation.constraint == "budget synapses = 1")
        // A resume meets the same error without training anything.
        #expect(throws: SearchCannotFit.self) {
            _ = try FitSearchFixture.run(kept, path: path, check: Self.weightCount(limit: 1, prunable: false))
        }
        #expect(try TicketFile.readDocument(path) == kept)
    }

    @Test func noFitUpToMaxRoundsIsAnError() throws {
        let path = Fixture.temporaryPath("max.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try FitSearchFixture.run(
                FitSearchFixture.newDocument(FitSearchFixture.config(maxRounds: 2)), path: path, check: Self.weightCount(limit: 1))
            Issue.record("expected SearchCannotFit")
        } catch let error as SearchCannotFit {
            #expect(error.reason.hasPrefix("no level up to round 2 (--max-rounds) fits"), "\(error.reason)")
        }
        #expect(try TicketFile.readDocument(path).levels.keys.sorted() == [0, 1, 2])
    }

    /// Killed after every epoch and resumed: the same levels, fits and header as straight through.
    @Test func killedUntilFitsSearchEqualsUninterrupted() throws {
        let straightPath = Fixture.temporaryPath("straight.h5")
        let killedPath = Fixture.temporaryPath("killed.h5")
        defer { for p in [straightPath, killedPath] { try? FileManager.default.removeItem(atPath: p) } }
        let check = Self.weightCount(limit: try Self.limit())
        let straight = try FitSearchFixture.run(
            FitSearchFixture.newDocument(FitSearchFixture.config(extra: 1)), path: straightPath, check: check)
        let (killed, restarts) = try FitSearchFixture.killedAndResumed(
            FitSearchFixture.newDocument(FitSearchFixture.config(extra: 1)), path: killedPath, check: check, stopAfter: 1)
        #expect(restarts >= 3)
        expectSameSearch(straight, killed)
        #expect(straight.header == killed.header)
        expectSameFits(straight, killed)
    }

    /// IMP+ET: every round is retrained at the full T and checked there; killed after every two
    /// epochs and resumed, the same bits.
    @Test func earlyTimeUntilFitsRetrainsEveryRoundAndResumesToTheSameBits() throws {
        let straightPath = Fixture.temporaryPath("et-fit.h5")
        let killedPath = Fixture.temporaryPath("et-fit-killed.h5")
        defer { for p in [straightPath, killedPath] { try? FileManager.default.removeItem(atPath: p) } }
        let document = try FitSearchFixture.earlyTimeDocument(FitSearchFixture.config())
        let check = Self.weightCount(limit: try Self.limit())
        let straight = try FitSearchFixture.run(document, path: straightPath, check: check)
        #expect(straight.progress.completed == ["round0", "final1", "round1", "final2"])
        #expect(straight.levels[1]?.info.timeSteps == 3 && straight.levels[2]?.info.timeSteps == 3)
        #expect(straight.levels[1]?.fit?.fits == false && straight.levels[2]?.fit?.fits == true)
        let killed = try FitSearchFixture.killedAndResumed(document, path: killedPath, check: check, stopAfter: 2).document
        expectSameSearch(straight, killed)
        expectSameFits(straight, killed)
    }

    /// A fit missing from a file (a search started without a check) is computed on resume.
    @Test func aResumedSearchComputesMissingFits() throws {
        let path = Fixture.temporaryPath("missing.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var search = FitSearchFixture.config(untilFits: false)
        search.targets = [.rounds(1)]
        let stopped = try Fixture.runSearch(search, path: path, stopAfter: 3)  // level 0 stored without a check
        #expect(stopped.levels[0] != nil && stopped.levels[0]?.fit == nil)
        let done = try FitSearchFixture.run(stopped, path: path, check: Self.weightCount(limit: try Self.limit()))
        #expect(done.levels.keys.sorted() == [0, 1] && done.levels.values.allSatisfy { $0.fit != nil })
    }

    /// Files without targets (every file before the fit check) have no fit and no `fit` setting.
    @Test func searchesWithoutTargetsStoreNoFit() throws {
        let path = Fixture.temporaryPath("plain.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var search = SearchConfig(method: .imp, targets: [.rounds(1)])
        search.rewind = .percent(50)
        let done = try Fixture.runSearch(search, path: path)
        #expect(done.header.search.fit == nil && done.levels.values.allSatisfy { $0.fit == nil })
        #expect(try TicketFile.open(path).fits.isEmpty)
        #expect(try !String(decoding: JSONEncoder().encode(done.header.search), as: UTF8.self).contains("\"fit\""))
    }
}
