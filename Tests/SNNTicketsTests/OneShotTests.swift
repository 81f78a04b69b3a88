import Foundation
import SNNTensor
import SNNTrain
import Testing

@testable import SNNTickets

/// `oneshot`: one-shot magnitude pruning of a dense model trained at T_pre, tickets retrained at
/// the full T (the paper's Fig. 3 experiment).
@Suite("One-shot magnitude pruning")
struct OneShotTests {
    func removing(_ paths: String...) { for p in paths { try? FileManager.default.removeItem(atPath: p) } }

    func oneShot(_ searchTimeSteps: Int?, targets: [DensityTarget] = [.sparsity(50), .sparsity(80)]) -> SearchConfig {
        var search = SearchConfig(method: .oneShot, targets: targets)
        search.searchTimeSteps = searchTimeSteps
        return search
    }

    /// At the model's T the dense training is IMP's round 0 (and `snnc train`'s); each target's mask
    /// keeps the largest |w| of it, and its ticket trains from the initialisation.
    @Test func atTheModelsTheDenseRunIsIMPRoundZero() throws {
        let (a, b) = (Fixture.temporaryPath("oneshot.h5"), Fixture.temporaryPath("imp.h5"))
        defer { removing(a, b) }
        let document = try Fixture.runSearch(oneShot(nil), path: a)
        let imp = try Fixture.runSearch(SearchConfig(method: .imp, targets: [.rounds(1)]), path: b)
        let dense = try #require(document.levels[0])
        #expect(dense.state.parameters == imp.levels[0]?.state.parameters)
        #expect(dense.info.timeSteps == 2 && dense.info.label == "dense")
        let layout = PrunableLayout(dense.state.parameters)
        for (k, target) in [(1, DensityTarget.sparsity(50)), (2, .sparsity(80))] {
            let level = try #require(document.levels[k])
            let expected = Pruning.keepHighest(
                Pruning.magnitudes(dense.state.parameters), layout: layout, target: target, rate: 0.25, scope: .global, ties: .exact)
            #expect(WeightMask(level.state.parameters) == expected)
            #expect(level.info.searchCost.work == dense.info.trainCost.work)
            #expect(level.info.trainEpochs == Fixture.training().epochs)
        }
        #expect(document.masks.isEmpty && document.states.isEmpty)
    }

    /// T_pre < T: the dense run (level 0) trains at T_pre, the tickets at T; stopping after every
    /// epoch and resuming gives the same bits.
    @Test func searchAtTPreRetrainAtTResumesBitForBit() throws {
        let (straight, killed) = (Fixture.temporaryPath("straight.h5"), Fixture.temporaryPath("killed.h5"))
        defer { removing(straight, killed) }
        let spec = Fixture.spec(timeSteps: 3)
        let reference = try Fixture.runSearch(oneShot(2), spec: spec, path: straight)
        #expect(reference.levels[0]?.info.timeSteps == 2)
        #expect(reference.levels[1]?.info.timeSteps == 3 && reference.levels[2]?.info.timeSteps == 3)
        #expect(reference.levels[0]?.info.ledger.allSatisfy { $0.timeSteps == 2 } == true)
        #expect(reference.levels[1]?.info.ledger.filter { $0.phase == "train" }.allSatisfy { $0.timeSteps == 3 } == true)
        let macs = try LayerGraph(spec).macs
        #expect(reference.results.chainCost.first?.work == 80 * (macs.forward(timeSteps: 2) + macs.backward(timeSteps: 2)))
        var document = try Fixture.runSearch(oneShot(2), spec: spec, path: killed, stopAfter: 1)
        let data = try Fixture.data(Fixture.training())
        while !document.progress.finished { document = try Fixture.resume(document, data: data, path: killed, stopAfter: 1) }
        expectSameSearch(reference, document)
        // The default level for export is the sparsest one at the full T.
        #expect(try TicketFile.open(straight).defaultLevel == 2)
    }

    @Test func searchTimeStepsOutOfRangeAreClearErrors() throws {
        let layout = PrunableLayout(try Fixture.parameters())
        #expect(throws: SearchConfigError("--search-timesteps must be at least 1, got 0")) {
            try oneShot(0).resolved(layout: layout)
        }
        var imp = SearchConfig(method: .imp, targets: [.rounds(1)])
        imp.searchTimeSteps = 2
        #expect(throws: SearchConfigError("--search-timesteps applies to --method oneshot only")) { try imp.resolved(layout: layout) }
        #expect(throws: SearchConfigError("--search-timesteps (T_pre = 3) must not exceed the model's T = 2")) {
            try TicketSearch.newDocument(
                search: oneShot(3), spec: Fixture.spec(), training: Fixture.training(), command: "", snncVersion: "test",
                trainImages: 40)
        }
    }
}
