import Foundation
import SNNData
import SNNTrain
import Testing

@testable import SNNTickets

/// The one plan per method: the engine runs it and `plannedWork()` sums it, so what it plans is
/// what a search trains; its names and random-stream keys are the ticket-file format.
@Suite("Search plans")
struct PlanTests {
    /// Names and batch-stream keys as older builds wrote and drew them: files must still resume.
    @Test func stepNamesAndStreamKeysAreTheFileFormat() {
        let steps: [(StepID, String, Int)] = [
            (.source, "source", 0), (.replay, "replay", 0), (.round(0), "round0", 0), (.round(3), "round3", 300_000),
            (.final(2), "final2", 250_000), (.earlyBirdSearch, "eb.search", 0),
            (.earlyBirdRetrain(level: 2), "eb.retrain2", 10_200_000), (.snipSaliency, "snip.saliency", 0),
            (.snipTrain(level: 1), "snip.train1", 20_100_000), (.randomTrain(level: 3), "random.train3", 20_300_000),
            (.annRound(0), "ann.round0", 0), (.annRound(4), "ann.round4", 400_000), (.transfer(round: 4), "transfer4", 30_400_000),
            (.gradRTrain(level: 1), "gradr.train1", 40_100_000), (.deepRTrain(level: 2), "deepr.train2", 40_200_000),
            (.oneShotSearch, "oneshot.search", 0), (.oneShotTrain(level: 2), "oneshot.train2", 50_200_000),
        ]
        for (id, name, stream) in steps {
            #expect(id.name == name)
            #expect(id.batchStreamBase == stream, "\(name)")
        }
        #expect(StateKey.annCarry.rawValue == "ann.carry" && StateKey.annRewind.rawValue == "ann.rewind")
        #expect([StateKey.run, .carry, .rewind, .source].map(\.rawValue) == ["run", "carry", "rewind", "source"])
        #expect(MaskKey.earlyBirdTicket(level: 2).name == "eb.ticket2" && MaskKey.earlyBirdWindow(level: 1, slot: 3).name == "eb.window1.3")
        #expect(MaskKey.snip(level: 2).name == "snip2" && MaskKey.transfer(round: 4).name == "transfer4")
        #expect(RandomStream.probeBatch == 90_000_000 && RandomStream.snipBatch == 90_000_001)
        #expect(RandomStream.randomMask == 0x7261_6E64)
        #expect(RandomStream.deepRMask == 0x6465_6570 && RandomStream.deepRStep == 0x7769_7265)
        #expect(StateKey.gradRTheta.rawValue == "gradr.theta")
    }

    /// Small searches whose plan is exact: the early-bird window never settles (τ tiny), so the
    /// search trains all its epochs.
    static let searches: [SearchConfig] = {
        func config(_ method: TicketMethod, _ targets: [DensityTarget]) -> SearchConfig {
            var search = SearchConfig(method: method, targets: targets)
            search.rewind = .epochs(1)
            search.earlyBird.window = 2
            search.earlyBird.tau = 1e-12
            search.earlyTime.candidates = [2]
            search.earlyTime.lambda = 1.5  // n_2 = 1 < 1.5: T_early = 2
            search.earlyTime.probeAfterEpochs = 1
            search.earlyTime.probeImages = 20
            return search
        }
        return [
            config(.imp, [.rounds(2)]), config(.impET, [.rounds(1), .rounds(2)]), config(.eb, [.sparsity(50)]),
            config(.ebET, [.sparsity(50), .sparsity(80)]), config(.snip, [.sparsity(50), .sparsity(80)]),
            config(.random, [.sparsity(50)]), config(.transfer, [.rounds(2)]), config(.gradR, [.sparsity(60)]),
            config(.deepR, [.sparsity(50), .sparsity(80)]),
            {
                var search = config(.oneShot, [.sparsity(50), .sparsity(80)])
                search.searchTimeSteps = 2
                return search
            }(),
        ]
    }()

    /// Every finished step lowers `plannedWork()` by exactly the training work its run recorded,
    /// and a new search plans exactly the work the whole search records (T_early aside, which
    /// only the probe knows).
    @Test(arguments: searches)
    func plannedWorkIsTheWorkASearchRecords(_ search: SearchConfig) throws {
        let spec = Fixture.spec(timeSteps: 3)
        let training = Fixture.training(epochs: 2)
        let data = try Fixture.data(training)
        let document = try TicketSearch.newDocument(
            search: search, spec: spec, training: training, command: "test",
            snncVersion: "test", trainImages: data.train.count)
        final class Recorder {
            var engine: TicketSearch?
            var planned: Int?
            var completed = 0
            /// Training work recorded by each run, from its ledger at its last written epoch.
            var recorded: [String: Int] = [:]
            /// How much `plannedWork()` dropped when each step completed.
            var dropped: [String: Int] = [:]
        }
        let recorder = Recorder()
        let engine = try TicketSearch(document: document, data: data) { written in
            guard let engine = recorder.engine else { return }
            let planned = engine.plannedWork()
            if written.progress.completed.count > recorder.completed, let step = written.progress.completed.last {
                recorder.dropped[step] = (recorder.planned ?? 0) - planned
                recorder.completed = written.progress.completed.count
            }
            recorder.planned = planned
            if let cursor = written.progress.current {
                recorder.recorded[cursor.setup.id] = cursor.ledger.entries.filter { $0.phase == "train" }.reduce(0) { $0 + $1.work }
            }
        }
        recorder.engine = engine
        let plannedAtStart = engine.plannedWork()
        try engine.run()

        let finished = engine.document
        #expect(finished.progress.finished)
        #expect(finished.results.earlyBird.allSatisfy { $0.detection?.fired == false })
        #expect(recorder.planned == 0)
        #expect(!recorder.recorded.isEmpty)
        for step in finished.progress.completed {
            #expect(recorder.dropped[step] == (recorder.recorded[step] ?? 0), "\(search.method.rawValue) \(step)")
        }
        let total = recorder.recorded.values.reduce(0, +)
        if search.method.usesEarlyTime {
            #expect(plannedAtStart > total)  // planned at the full T until the probe chose T_early = 2 < 3
        } else {
            #expect(plannedAtStart == total)
        }
    }
}
