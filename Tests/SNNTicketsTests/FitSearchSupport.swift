import Foundation
import SNNTrain
import Testing

@testable import SNNTickets

/// Searches with a stand-in fit check (no compiler): the settings, runs and kill-and-resume loop
/// the fit, chip-scope and structured search tests share.
enum FitSearchFixture {
    /// IMP on the fixture model, one round per level, rewinding to 50%, fitting "stand-in".
    static func config(untilFits: Bool = true, extra: Int = 0, maxRounds: Int = 30) -> SearchConfig {
        var search = SearchConfig(method: .imp, targets: [.rounds(1)])
        search.rewind = .percent(50)
        search.fit = FitSettings(targets: ["stand-in"], untilFits: untilFits, extraRoundsAfterFit: extra, maxRounds: maxRounds)
        return search
    }

    /// The stand-in target's fit: one core of one, `kept` weights as its memory, `violations`.
    static func standInFit(kept: Int, violations: [FitViolation]) -> LevelFit {
        LevelFit(targets: [
            TargetFit(
                target: "stand-in", cores: 1, coresAvailable: 1, memoryBytes: kept, synapticOps: nil, energyPicojoules: nil,
                latencySeconds: nil, activity: nil, violations: violations)
        ])
    }

    /// Runs (or continues) a search with `check`; `stopAfter` simulates a kill.
    static func run(
        _ document: TicketDocument, path: String, check: @escaping (TrainingState) throws -> LevelFit, stopAfter: Int? = nil
    ) throws -> TicketDocument {
        let search = try TicketSearch(document: document, data: Fixture.data(Fixture.training())) { try TicketFile.write($0, to: path) }
        search.fitCheck = check
        search.stopAfterEpochs = stopAfter
        do {
            try search.run()
        } catch is SearchInterrupted {
            // a simulated kill
        }
        return try TicketFile.readDocument(path)
    }

    /// A new search of the fixture model (T = 2) with the fixture training.
    static func newDocument(_ search: SearchConfig) throws -> TicketDocument {
        let training = Fixture.training()
        return try TicketSearch.newDocument(
            search: search, spec: Fixture.spec(), training: training, command: "test", snncVersion: "test",
            trainImages: Fixture.data(training).train.count)
    }

    /// `search` as IMP+ET on the fixture model at T = 3: rewind to epoch 0, a one-epoch probe on 30
    /// images choosing T_early = 2 (λ = 1.5).
    static func earlyTimeDocument(_ search: SearchConfig) throws -> TicketDocument {
        var search = search
        search.method = .impET
        search.rewind = .epochs(0)
        search.earlyTime.candidates = [2]
        search.earlyTime.lambda = 1.5
        search.earlyTime.probeAfterEpochs = 1
        search.earlyTime.probeImages = 30
        let training = Fixture.training()
        return try TicketSearch.newDocument(
            search: search, spec: Fixture.spec(timeSteps: 3), training: training, command: "test", snncVersion: "test",
            trainImages: Fixture.data(training).train.count)
    }

    /// Runs `document` killed after every `stopAfter` epochs, resuming until it finishes (at most 20
    /// restarts); returns the last document and how many restarts it took.
    static func killedAndResumed(
        _ document: TicketDocument, path: String, check: @escaping (TrainingState) throws -> LevelFit, stopAfter: Int
    ) throws -> (document: TicketDocument, restarts: Int) {
        var killed = try run(document, path: path, check: check, stopAfter: stopAfter)
        var restarts = 0
        while !killed.progress.finished && restarts < 20 {
            killed = try run(killed, path: path, check: check, stopAfter: stopAfter)
            restarts += 1
        }
        return (killed, restarts)
    }
}

/// Every level of `a` has the same fit as that level of `b`.
func expectSameFits(_ a: TicketDocument, _ b: TicketDocument, sourceLocation: SourceLocation = #_sourceLocation) {
    for k in a.levels.keys { #expect(a.levels[k]?.fit == b.levels[k]?.fit, "level \(k) fit", sourceLocation: sourceLocation) }
}
