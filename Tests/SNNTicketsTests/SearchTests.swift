import Foundation
import SNNData
import SNNStore
import SNNTensor
import SNNTrain
import Testing

@testable import SNNTickets

/// Whole searches on the tiny model: training with masks, rewinding, resuming, every method.
@Suite("Searches")
struct SearchTests {
    func removing(_ paths: String...) { for p in paths { try? FileManager.default.removeItem(atPath: p) } }

    /// Round 0 of IMP trains exactly as `snnc train` does, so a `--from` checkpoint is round 0.
    @Test func roundZeroIsTheSameTrainingAsSnncTrain() throws {
        let path = Fixture.temporaryPath("round0.h5")
        defer { removing(path) }
        let document = try Fixture.runSearch(SearchConfig(method: .imp, targets: [.rounds(1)]), path: path)
        let training = Fixture.training()
        let data = try Fixture.data(training)
        var trainer = try Trainer(state: try TrainingState(spec: Fixture.spec(), config: training), normalization: data.normalization)
        for _ in 0..<training.epochs { _ = trainer.trainEpoch(on: data.train) }
        let level0 = try #require(document.levels[0])
        #expect(level0.state.parameters == trainer.state.parameters)
        #expect(level0.state.history.map(\.trainLoss) == trainer.state.history.map(\.trainLoss))
        #expect(level0.info.label == "dense" && level0.info.weightSparsity == 0)
    }

    @Test func prunedWeightsStayExactlyZeroThroughTraining() throws {
        let path = Fixture.temporaryPath("zero.h5")
        defer { removing(path) }
        var search = SearchConfig(method: .imp, targets: [.rounds(2)])
        search.rewind = .epochs(0)
        // Stop in the middle of round 1, where the run's state carries momentum.
        let stopped = try Fixture.runSearch(search, path: path, stopAfter: 3)
        let running = try #require(stopped.states["run"])
        #expect(running.epochsCompleted == 1 && !running.momentum.isEmpty)
        func expectZeroWherePruned(_ state: TrainingState, momentum: Bool) {
            for (i, p) in state.parameters.parameters.enumerated() {
                guard let mask = p.mask else {
                    #expect(!p.isPrunable)
                    continue
                }
                for j in mask.scalars.indices where mask.scalars[j] == 0 {
                    #expect(p.value.scalars[j] == 0, "\(p.name)[\(j)] = \(p.value.scalars[j])")
                    if momentum { #expect(state.momentum[i].scalars[j] == 0) }
                }
            }
        }
        expectZeroWherePruned(running, momentum: true)
        let layout = PrunableLayout(running.parameters)
        #expect(running.parameters.keptCount == Pruning.keptAfterRounds(layout.total, rounds: 1, rate: 0.25))
        let finished = try Fixture.resume(stopped, data: Fixture.data(Fixture.training()), path: path)
        for k in 1...2 {
            let level = try #require(finished.levels[k])
            expectZeroWherePruned(level.state, momentum: false)
            #expect(level.info.sparsity.kept == Pruning.keptAfterRounds(layout.total, rounds: k, rate: 0.25))
        }
        // Round 2's mask only removes weights round 1 kept.
        let m1 = WeightMask(finished.levels[1]!.state.parameters)
        let m2 = WeightMask(finished.levels[2]!.state.parameters)
        #expect(m1.bits.indices.allSatisfy { m2.bits[$0] <= m1.bits[$0] })
    }

    @Test func rewindStateIsExactAndRewindingRestoresIt() throws {
        let path = Fixture.temporaryPath("rewind.h5")
        defer { removing(path) }
        let training = Fixture.training()  // 2 epochs of 2 batches
        var search = SearchConfig(method: .imp, targets: [.rounds(1)])
        search.rewind = .percent(75)  // after optimiser step 3: inside epoch 1
        // Stop one epoch into round 1: round 0 is committed (carry, rewind), round 1 is running.
        let stopped = try Fixture.runSearch(search, training: training, path: path, stopAfter: 3)
        #expect(stopped.results.rewindStep == 3)
        let rewind = try #require(stopped.states["rewind"])
        let carry = try #require(stopped.states["carry"])

        // The rewind state is the state after exactly 3 steps of round 0.
        let data = try Fixture.data(training)
        var trainer = try Trainer(state: try TrainingState(spec: Fixture.spec(), config: training), normalization: data.normalization)
        for step in 0..<3 {
            let epoch = step / 2
            let batch = BatchIterator(
                data: data.train, batchSize: 20, epoch: epoch, seed: training.seed,
                augmentation: .standard, normalization: data.normalization
            ).batch(at: step % 2)
            _ = trainer.step(batch, learningRate: training.learningRate(atEpoch: epoch))
        }
        #expect(rewind.parameters == trainer.state.parameters)

        // Rewinding: kept weights, biases and BN γ/β from the rewind state; pruned weights 0;
        // BN running statistics kept from the previous round (the code), or rewound on request.
        let engine = try TicketSearch(document: stopped, data: data) { _ in }
        let start = try engine.ticketStart(carry: .carry, rewind: .rewind, timeSteps: 2)
        let mask = WeightMask(start.parameters)
        #expect(mask == Pruning.magnitudeRound(carry.parameters, current: .dense(mask.layout), rate: 0.25, scope: .global, ties: .exact))
        for (p, r) in zip(start.parameters.parameters, rewind.parameters.parameters) {
            let keep = p.mask?.scalars ?? [Float](repeating: 1, count: p.value.count)
            for j in p.value.scalars.indices {
                #expect(p.value.scalars[j] == (keep[j] != 0 ? r.value.scalars[j] : 0), "\(p.name)[\(j)]")
            }
        }
        #expect(start.parameters.buffers == carry.parameters.buffers)
        #expect(start.parameters.buffers != rewind.parameters.buffers)
        #expect(start.momentum.isEmpty)

        var withStatistics = stopped
        withStatistics.header.search.rewindBatchNormStatistics = true
        let rewound = try TicketSearch(document: withStatistics, data: data) { _ in }
            .ticketStart(carry: .carry, rewind: .rewind, timeSteps: 2)
        #expect(rewound.parameters.buffers == rewind.parameters.buffers)
    }

    /// A search killed after every single epoch and resumed each time ends with the same bits.
    @Test func killedAfterEveryEpochEqualsUninterruptedIMP() throws {
        let straightPath = Fixture.temporaryPath("straight.h5")
        let killedPath = Fixture.temporaryPath("killed.h5")
        defer { removing(straightPath, killedPath) }
        var search = SearchConfig(method: .imp, targets: [.rounds(2)])
        search.rewind = .percent(50)
        let straight = try Fixture.runSearch(search, path: straightPath)
        #expect(straight.levels.keys.sorted() == [0, 1, 2])
        var killed = try Fixture.runSearch(search, path: killedPath, stopAfter: 1)
        var restarts = 0
        while !killed.progress.finished {
            killed = try Fixture.resume(killed, data: Fixture.data(Fixture.training()), path: killedPath, stopAfter: 1)
            restarts += 1
        }
        #expect(restarts >= 3)
        expectSameSearch(straight, killed)
    }

    /// An IMP search taken on to more rounds, after it finished or while it was stopped, ends with
    /// the same bits as a search started with those rounds.
    @Test func extendedIMPEqualsASearchStartedWithMoreRounds() throws {
        let straightPath = Fixture.temporaryPath("long.h5")
        let finishedPath = Fixture.temporaryPath("short.h5")
        let stoppedPath = Fixture.temporaryPath("stopped.h5")
        defer { removing(straightPath, finishedPath, stoppedPath) }
        var search = SearchConfig(method: .imp, targets: [.rounds(3)])
        search.rewind = .percent(50)
        let straight = try Fixture.runSearch(search, path: straightPath)
        #expect(straight.levels.keys.sorted() == [0, 1, 2, 3])
        var short = search
        short.targets = [.rounds(1)]
        let data = try Fixture.data(Fixture.training())

        let finished = try Fixture.runSearch(short, path: finishedPath)
        #expect(finished.progress.finished && finished.levels.keys.sorted() == [0, 1])
        #expect(finished.states["carry"] == nil)
        let extended = try Fixture.resume(
            TicketSearch.extending(finished, to: [.rounds(3)], command: "more"),
            data: data, path: finishedPath)
        expectSameSearch(straight, extended)
        var joined = straight.header.search
        joined.targets = [.rounds(1), .rounds(3)]  // the stored round stays a reported one
        #expect(extended.header.search == joined)
        #expect(extended.header.command == "test; then: more")

        // Stopped before the extension, and again during it: the same command goes on.
        let stopped = try Fixture.runSearch(short, path: stoppedPath, stopAfter: 2)
        #expect(!stopped.progress.finished)
        var continued = try Fixture.resume(
            TicketSearch.extending(stopped, to: [.rounds(3)], command: "more"),
            data: data, path: stoppedPath, stopAfter: 2)
        #expect(!continued.progress.finished)
        let again = try TicketSearch.extending(continued, to: [.rounds(3)], command: "more")
        #expect(again == continued)
        continued = try Fixture.resume(again, data: data, path: stoppedPath)
        expectSameSearch(straight, continued)

        // Not further than the search already goes, or another method: refused.
        #expect(try TicketSearch.extending(finished, to: [.rounds(1)], command: "x") == finished)  // already there
        #expect(throws: SearchConfigError.self) { try TicketSearch.extending(straight, to: [.rounds(2)], command: "") }
        var other = finished
        other.header.method = .impET
        other.header.search.method = .impET
        #expect(throws: SearchConfigError.self) { try TicketSearch.extending(other, to: [.rounds(3)], command: "") }
    }

    @Test func killedEarlyBirdWithEarlyTimeEqualsUninterrupted() throws {
        let straightPath = Fixture.temporaryPath("eb.h5")
        let killedPath = Fixture.temporaryPath("eb-killed.h5")
        defer { removing(straightPath, killedPath) }
        var search = SearchConfig(method: .ebET, targets: [.sparsity(50), .sparsity(90)])
        search.earlyBird.window = 3
        search.earlyBird.tau = 0.25
        search.earlyBird.checksPerEpoch = 2
        search.earlyTime.candidates = [2]
        search.earlyTime.lambda = 1.5  // n_2 = 1 < 1.5: search at T = 2
        search.earlyTime.probeAfterEpochs = 1
        search.earlyTime.probeImages = 30
        let spec = Fixture.spec(timeSteps: 3)
        let training = Fixture.training(epochs: 3)
        let straight = try Fixture.runSearch(search, spec: spec, training: training, path: straightPath)
        #expect(straight.results.earlyTime?.chosen == 2)
        #expect(straight.results.earlyBird.allSatisfy { $0.detection != nil })
        #expect(straight.levels.keys.sorted() == [1, 2])
        for level in straight.levels.values {
            #expect(level.info.timeSteps == 3)  // retrained at the full T
            #expect(level.info.sparsity.kept == level.info.earlyBird?.kept)
        }
        var killed = try Fixture.runSearch(search, spec: spec, training: training, path: killedPath, stopAfter: 1)
        while !killed.progress.finished {
            killed = try Fixture.resume(killed, data: Fixture.data(training), path: killedPath, stopAfter: 1)
        }
        expectSameSearch(straight, killed)
    }

    @Test func impWithEarlyTimeRetrainsReportedRoundsAtTheFullT() throws {
        let straightPath = Fixture.temporaryPath("et.h5")
        let killedPath = Fixture.temporaryPath("et-killed.h5")
        defer { removing(straightPath, killedPath) }
        var search = SearchConfig(method: .impET, targets: [.rounds(1), .rounds(2)])
        search.rewind = .epochs(0)
        search.earlyTime.candidates = [2]
        search.earlyTime.lambda = 1.5
        search.earlyTime.probeAfterEpochs = 1
        search.earlyTime.probeImages = 30
        let spec = Fixture.spec(timeSteps: 3)
        let straight = try Fixture.runSearch(search, spec: spec, path: straightPath)
        #expect(straight.progress.completed == ["round0", "final1", "round1", "final2"])
        #expect(straight.levels[0]?.info.timeSteps == 2)  // round 0 switched to T_early after the probe
        #expect(straight.levels[1]?.info.timeSteps == 3 && straight.levels[1]?.info.searchTimeSteps == 2)
        #expect(straight.levels[2]?.info.timeSteps == 3)
        // Level 2's mask was found by rounds 0 and 1 at T_early; its search cost is theirs.
        let chain = straight.results.chainCost
        #expect(straight.levels[2]?.info.searchCost.work == chain[1].work)
        let round1 = try #require(straight.levels[1]?.info.ledger.first { $0.run == "final1" && $0.phase == "train" })
        #expect(round1.timeSteps == 3)
        var killed = try Fixture.runSearch(search, spec: spec, path: killedPath, stopAfter: 2)
        while !killed.progress.finished {
            killed = try Fixture.resume(killed, data: Fixture.data(Fixture.training()), path: killedPath, stopAfter: 2)
        }
        expectSameSearch(straight, killed)
    }

    @Test func snipAndRandomKeepTheRequestedDensity() throws {
        let training = Fixture.training(epochs: 1)
        let data = try Fixture.data(training)
        let parameters = try Fixture.parameters()
        let layout = PrunableLayout(parameters)
        let batch = BatchIterator(data: data.train, batchSize: 20, epoch: 0, seed: 1, normalization: data.normalization).batch(at: 0)
        let scores = try SNIP.saliency(parameters: parameters, spec: Fixture.spec(), batch: batch)
        #expect(scores.count == layout.total && scores.contains { $0 > 0 })
        for target in [DensityTarget.sparsity(50), .sparsity(89.91), .rounds(3)] {
            for scope in PruningScope.allCases {
                let snip = Pruning.keepHighest(scores, layout: layout, target: target, rate: 0.25, scope: scope, ties: .exact)
                let random = Pruning.random(layout: layout, target: target, rate: 0.25, scope: scope, seed: 5)
                let expected = Pruning.keptCount(target, layout: layout, scope: scope, rate: 0.25)
                #expect(snip.keptCount == expected && random.keptCount == expected)
                if scope == .layerwise {
                    for l in 0..<layout.layerCount {
                        let n = target.keptCount(of: layout.count(of: l), rate: 0.25)
                        #expect(snip.keptCount(layer: l) == n && random.keptCount(layer: l) == n)
                    }
                }
                // SNIP keeps the highest saliencies.
                let keptMin = (0..<layout.total).filter { snip.bits[$0] == 1 }.map { scores[$0] }.min() ?? 0
                if scope == .global { #expect((0..<layout.total).filter { snip.bits[$0] == 0 }.allSatisfy { scores[$0] <= keptMin }) }
            }
        }
        #expect(
            Pruning.random(layout: layout, target: .sparsity(50), rate: 0.25, scope: .global, seed: 5)
                != Pruning.random(layout: layout, target: .sparsity(50), rate: 0.25, scope: .global, seed: 6))

        // Through the engine: one level per target, dense to sparse, exact kept counts.
        let path = Fixture.temporaryPath("snip.h5")
        defer { removing(path) }
        var search = SearchConfig(method: .snip, targets: [.sparsity(80), .sparsity(50)])
        search.scope = .layerwise
        let document = try Fixture.runSearch(search, training: training, path: path)
        #expect(document.levels.keys.sorted() == [1, 2])
        #expect(document.levels[1]?.info.sparsity.kept == Pruning.keptCount(.sparsity(50), layout: layout, scope: .layerwise, rate: 0.25))
        #expect(document.levels[2]?.info.sparsity.kept == Pruning.keptCount(.sparsity(80), layout: layout, scope: .layerwise, rate: 0.25))
        #expect((document.results.saliencyCost?.work ?? 0) > 0 && document.levels[1]?.info.searchCost == document.results.saliencyCost)
    }

    @Test func transferMovesTheANNMaskOntoTheSNNNames() throws {
        // The ANN twin has the SNN's parameter names and, from the same seed, its initial values.
        let training = Fixture.training(epochs: 1)
        let snn = try TrainingState(spec: Fixture.spec(), config: training)
        let ann = try TrainingState(spec: Fixture.spec().annTwin, config: training)
        #expect(ann.parameters.parameters.map(\.name) == snn.parameters.parameters.map(\.name))
        #expect(ann.parameters.parameters == snn.parameters.parameters)

        let path = Fixture.temporaryPath("transfer.h5")
        defer { removing(path) }
        var search = SearchConfig(method: .transfer, targets: [.rounds(1)])
        search.rewind = .epochs(0)
        // Stop in the SNN run (after the ANN's 2 epochs): the moved mask is still in the file.
        let stopped = try Fixture.runSearch(search, training: training, path: path, stopAfter: 3)
        #expect(stopped.progress.current?.setup.id == "transfer1")
        let annMask = try #require(stopped.masks["transfer1"])
        #expect(annMask.keptCount == Pruning.keptAfterRounds(annMask.layout.total, rounds: 1, rate: 0.25))
        let finished = try Fixture.resume(stopped, data: Fixture.data(training), path: path)
        let level = try #require(finished.levels[1])
        #expect(level.state.spec.spiking && level.state.spec == Fixture.spec())
        #expect(WeightMask(level.state.parameters).bits == annMask.bits)
        #expect(level.info.annAccuracy == finished.results.annRounds[1].testAccuracy)
        #expect(level.info.searchCost.work == finished.results.annChainCost[0].work)

        // Moving by name: values and mask land on the same names; a foreign mask is refused.
        var annTrained = ann.parameters
        for i in annTrained.parameters.indices { annTrained.parameters[i].value.scalars[0] = 42 }
        let moved = try Transfer.move(mask: annMask, values: annTrained, onto: snn.parameters)
        for (p, q) in zip(moved.parameters, annTrained.parameters) where p.mask?.scalars[0] != 0 {
            #expect(p.value.scalars[0] == q.value.scalars[0])
        }
        #expect(WeightMask(moved).bits == annMask.bits)
        let foreign = WeightMask.dense(PrunableLayout(names: ["other.weight"], shapes: [[3]]))
        #expect(throws: SearchConfigError.self) { try Transfer.move(mask: foreign, values: nil, onto: snn.parameters) }
    }

    /// `--from`: the checkpoint is level 0; replaying its first epochs recovers the rewind point,
    /// so round 1 is the same bits as a search that trained round 0 itself.
    @Test func searchFromACheckpointMatchesASearchFromScratch() throws {
        let scratchPath = Fixture.temporaryPath("scratch.h5")
        let fromPath = Fixture.temporaryPath("from.h5")
        let checkpointPath = Fixture.temporaryPath("dense.h5")
        defer { removing(scratchPath, fromPath, checkpointPath) }
        let training = Fixture.training()
        let data = try Fixture.data(training)
        var search = SearchConfig(method: .imp, targets: [.rounds(1)])
        search.rewind = .epochs(1)
        let scratch = try Fixture.runSearch(search, training: training, path: scratchPath)

        var trainer = try Trainer(state: try TrainingState(spec: Fixture.spec(), config: training), normalization: data.normalization)
        for _ in 0..<training.epochs { _ = trainer.trainEpoch(on: data.train) }
        try Checkpoint.save(trainer.state, to: checkpointPath, snncVersion: "test")
        let checkpoint = try Checkpoint.load(from: checkpointPath)
        let info = SourceCheckpoint(path: checkpointPath, sha256: try SHA256.hexDigest(ofFile: checkpointPath), epochsCompleted: 2)
        let document = try TicketSearch.newDocument(
            search: search, spec: checkpoint.spec, training: checkpoint.config, command: "test",
            snncVersion: "test", source: (checkpoint, info), trainImages: data.train.count)
        let fromCheckpoint = try Fixture.resume(document, data: data, path: fromPath)
        #expect(fromCheckpoint.progress.completed == ["source", "round0", "round1"])
        #expect(fromCheckpoint.levels[0]?.state.parameters == scratch.levels[0]?.state.parameters)
        #expect(fromCheckpoint.levels[1]?.state.parameters == scratch.levels[1]?.state.parameters)
        #expect(fromCheckpoint.states["rewind"]?.parameters == scratch.states["rewind"]?.parameters)
        #expect(fromCheckpoint.header.source?.sha256.count == 64)
        #expect((fromCheckpoint.results.replayCost?.work ?? 0) > 0)
        #expect(fromCheckpoint.levels[0]?.info.trainCost.work == scratch.levels[0]?.info.trainCost.work)

        var pruned = checkpoint
        WeightMask.dense(PrunableLayout(pruned.parameters)).apply(to: &pruned.parameters)
        #expect(throws: SearchConfigError.self) {
            try TicketSearch.newDocument(
                search: search, spec: pruned.spec, training: pruned.config, command: "", snncVersion: "",
                source: (pruned, info), trainImages: data.train.count)
        }
    }

    @Test func ticketFileListsAndLoadsLevels() throws {
        let path = Fixture.temporaryPath("file.h5")
        defer { removing(path) }
        var search = SearchConfig(method: .random, targets: [.rounds(2), .rounds(4)])
        search.scope = .global
        let document = try Fixture.runSearch(search, training: Fixture.training(epochs: 1), path: path)
        let file = try TicketFile.open(path)
        #expect(file.isComplete && file.header.method == .random)
        #expect(file.levels.map(\.level) == [1, 2])
        #expect(file.defaultLevel == 2)
        #expect(file.levels.map(\.label) == ["round 2", "round 4"])
        for info in file.levels {
            #expect(try file.loadLevel(info.level) == document.levels[info.level]?.state)
            #expect(info.spikes.count == 3 && info.spikes.allSatisfy { $0.neurons > 0 })  // lif1, lif2, lif_fc1
            #expect(info.testImages == 20 && info.trainCost.work > 0 && info.searchCost == .zero)
            #expect(info.layers.reduce(0) { $0 + $1.kept } == info.sparsity.kept)
        }
        #expect(throws: TicketFileError.self) { try file.loadLevel(9) }
        let checkpointPath = Fixture.temporaryPath("not-a-ticket.h5")
        defer { removing(checkpointPath) }
        try Checkpoint.save(document.levels[1]!.state, to: checkpointPath, snncVersion: "test")
        #expect(throws: TicketFileError.self) { try TicketFile.open(checkpointPath) }
    }
}
