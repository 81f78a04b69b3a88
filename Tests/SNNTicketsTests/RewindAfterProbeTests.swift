import Foundation
import SNNTrain
import Testing

@testable import SNNTickets
@testable import snnc

/// IMP+ET's rewind point before or after the early-time probe (`--rewind-after-probe`).
@Suite("Rewind after the probe")
struct RewindAfterProbeTests {
    /// IMP+ET on the small fixture model at T = 3: 2 batches per epoch, 3 epochs per round, the
    /// probe after epoch 1 choosing T_early = 2, one round reported.
    func earlyTime(rewind: RewindPoint, afterProbe: Bool?) -> SearchConfig {
        var search = SearchConfig(method: .impET, targets: [.rounds(1)])
        search.rewind = rewind
        search.rewindAfterProbe = afterProbe
        search.earlyTime.candidates = [2]
        search.earlyTime.lambda = 1.5  // n_2 = 1 < 1.5: T_early = 2
        search.earlyTime.probeAfterEpochs = 1
        search.earlyTime.probeImages = 30
        return search
    }

    let spec = Fixture.spec(timeSteps: 3)
    let training = Fixture.training(epochs: 3)

    func run(_ search: SearchConfig, _ name: String, stopAfter: Int? = nil) throws -> (TicketDocument, String) {
        let path = Fixture.temporaryPath(name)
        return (try Fixture.runSearch(search, spec: spec, training: training, path: path, stopAfter: stopAfter), path)
    }

    func removing(_ paths: String...) { for p in paths { try? FileManager.default.removeItem(atPath: p) } }

    func values(_ state: TrainingState?) -> [[Float]] {
        state?.parameters.parameters.map(\.value.scalars) ?? []
    }

    @Test func theRewindStateIsTakenAtTEarlyAfterTheProbe() throws {
        // 20% of round 0's 6 steps = step 1, before the probe (after step 2).
        let point = RewindPoint.percent(20)
        let (before, beforePath) = try run(earlyTime(rewind: point, afterProbe: nil), "before.h5")
        let (after, afterPath) = try run(earlyTime(rewind: point, afterProbe: true), "after.h5")
        var plain = SearchConfig(method: .imp, targets: [.rounds(1)])
        plain.rewind = point
        let (imp, impPath) = try run(plain, "imp.h5")
        defer { removing(beforePath, afterPath, impPath) }

        // Default: the rewind state is step 1 at the full T, IMP's own.
        #expect(before.results.rewindStep == 1 && imp.results.rewindStep == 1)
        #expect(before.states["rewind"]?.spec.timeSteps == 3)
        #expect(values(before.states["rewind"]) == values(imp.states["rewind"]))
        // After the probe: one step (20%) past the probe's step 2, trained at T_early = 2.
        #expect(after.results.earlyTime?.chosen == 2)
        #expect(after.results.rewindStep == 3)
        #expect(after.states["rewind"]?.spec.timeSteps == 2)
        #expect(values(after.states["rewind"]) != values(before.states["rewind"]))
        // Round 0 is the same run either way (the rewind state is only copied); the ticket,
        // rewound to another state, is not. Later rounds keep the same length.
        #expect(after.levels[0]?.state.parameters == before.levels[0]?.state.parameters)
        #expect(after.results.laterRoundEpochs == before.results.laterRoundEpochs)
        #expect(after.levels[1]?.state.parameters != before.levels[1]?.state.parameters)
        #expect(after.levels[1]?.info.timeSteps == 3)
        // The file records the choice; the default records nothing (older files read as before).
        #expect(after.header.search.rewindAfterProbe == true && before.header.search.rewindAfterProbe == nil)
    }

    @Test func rewindingToInitAfterTheProbeTakesTheStateTheProbeLeaves() throws {
        let (after, afterPath) = try run(earlyTime(rewind: .epochs(0), afterProbe: true), "init-after.h5")
        // IMP rewound to epoch 1: the same weights, since IMP+ET's epoch 0 trains like IMP's.
        var plain = SearchConfig(method: .imp, targets: [.rounds(1)])
        plain.rewind = .epochs(1)
        let (imp, impPath) = try run(plain, "imp-epoch1.h5")
        defer { removing(afterPath, impPath) }
        #expect(after.results.rewindStep == 2)
        #expect(after.states["rewind"]?.spec.timeSteps == 2)  // after the probe's switch
        #expect(after.states["rewind"]?.epochsCompleted == 1)
        #expect(values(after.states["rewind"]) == values(imp.states["rewind"]))
    }

    @Test func aSearchStoppedAfterEveryEpochEndsWithTheSameBits() throws {
        for point in [RewindPoint.percent(20), .epochs(0)] {
            let search = earlyTime(rewind: point, afterProbe: true)
            let (straight, straightPath) = try run(search, "straight.h5")
            var (killed, killedPath) = try run(search, "killed.h5", stopAfter: 1)
            defer { removing(straightPath, killedPath) }
            while !killed.progress.finished {
                killed = try Fixture.resume(killed, data: Fixture.data(training), path: killedPath, stopAfter: 1)
            }
            expectSameSearch(straight, killed)
            #expect(killed.header.search.rewindAfterProbe == true)
        }
    }

    @Test func theDefaultIsNotWrittenAndAHeaderWithoutItReadsAsBefore() throws {
        let search = earlyTime(rewind: .percent(7), afterProbe: nil)
        let json = try JSONEncoder().encode(search)
        #expect(!(String(decoding: json, as: UTF8.self).contains("rewindAfterProbe")))
        #expect(try JSONDecoder().decode(SearchConfig.self, from: json) == search)
        var on = search
        on.rewindAfterProbe = true
        #expect(try JSONDecoder().decode(SearchConfig.self, from: JSONEncoder().encode(on)).rewindAfterProbe == true)
    }

    @Test func settingsThatCannotRewindAfterTheProbeAreRefused() throws {
        let layout = PrunableLayout(try Fixture.parameters())
        var plain = SearchConfig(method: .imp, targets: [.rounds(1)])
        plain.rewindAfterProbe = true
        #expect(throws: SearchConfigError.self) { try plain.resolved(layout: layout) }
        // The probe after epoch 2 of 3 plus one epoch reaches the end of round 0.
        var late = earlyTime(rewind: .epochs(1), afterProbe: true)
        late.earlyTime.probeAfterEpochs = 2
        #expect(throws: SearchConfigError.self) {
            try TicketSearch.newDocument(
                search: late, spec: spec, training: training, command: "test", snncVersion: "test", trainImages: 40)
        }
        late.rewindAfterProbe = nil  // epoch 1 alone lies inside round 0
        _ = try TicketSearch.newDocument(
            search: late, spec: spec, training: training, command: "test", snncVersion: "test", trainImages: 40)
    }

    @Test func theCommandLineFlagReachesTheFile() throws {
        let output = Fixture.temporaryPath("cli.h5")
        let command = try SNNC.Prune.parse([
            "--method", "imp+et", "--rounds", "1", "--model", "small", "--time-steps", "5", "--rewind-after-probe",
            "--data-dir", Fixture.directory, "--train-subset", "40", "-o", output,
        ])
        #expect(try command.newDocument().header.search.rewindAfterProbe == true)
        #expect(throws: (any Error).self) {
            try SNNC.Prune.parse(["--method", "imp", "--rounds", "1", "--rewind-after-probe", "-o", output])
        }
        #expect(throws: (any Error).self) { try SNNC.Prune.parse(["--resume", "--rewind-after-probe", "-o", output]) }
    }
}
