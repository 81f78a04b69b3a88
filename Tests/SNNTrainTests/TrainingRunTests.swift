import Foundation
import SNNData
import Testing

@testable import SNNTrain

/// `TrainingRun`: the epoch loop of `snnc train` — persist after every epoch, resume bit for bit,
/// stop on divergence before persisting.
@Suite("Training run")
struct TrainingRunTests {
    let base = TrainingTests()

    @Test func persistsEveryEpochAndResumesBitForBit() throws {
        let initial = try base.state(epochs: 2)
        let data = try TrainingData.load(initial.config.data, seed: initial.config.seed)
        var persisted: [TrainingState] = []
        var finished: [(EpochRecord, Evaluation)] = []
        var straight = try TrainingRun(state: initial, data: data) { persisted.append($0) }
        #expect(!straight.isFinished)
        try straight.run(epochFinished: { finished.append(($0, $1)) })
        #expect(straight.isFinished)
        #expect(persisted.map(\.epochsCompleted) == [1, 2])
        #expect(finished.map(\.0.epoch) == [0, 1])
        #expect(persisted.map { $0.history.last?.testAccuracy } == finished.map { Optional($0.1.accuracy) })
        base.expectSameModel(persisted[1], straight.state)
        // The same bits as the trainer's own epochs (testing between epochs changes nothing).
        base.expectSameModel(straight.state, try base.train(initial, epochs: 2, data: data))

        let path = base.temporaryPath("run.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.save(persisted[0], to: path, snncVersion: "test")
        var resumed = try TrainingRun(state: try Checkpoint.load(from: path), data: data) { _ in }
        try resumed.run()
        base.expectSameModel(resumed.state, straight.state)
        #expect(resumed.state.history.map(\.testAccuracy) == straight.state.history.map(\.testAccuracy))
    }

    @Test func aDivergedEpochIsNotPersisted() throws {
        var initial = try base.state(epochs: 2)
        initial.config.learningRate = 3e38
        let data = try TrainingData.load(initial.config.data, seed: initial.config.seed)
        var persisted = 0
        var run = try TrainingRun(state: initial, data: data) { _ in persisted += 1 }
        let error = #expect(throws: TrainingDiverged.self) { try run.run() }
        #expect(error?.epoch == 0)
        #expect(persisted == 0)
    }

    @Test func aFinishedRunDoesNothing() throws {
        let initial = try base.state(epochs: 1)
        let data = try TrainingData.load(initial.config.data, seed: initial.config.seed)
        var first = try TrainingRun(state: initial, data: data) { _ in }
        try first.run()
        var persisted = 0
        var again = try TrainingRun(state: first.state, data: data) { _ in persisted += 1 }
        try again.run()
        #expect(persisted == 0)
        base.expectSameModel(again.state, first.state)
    }
}
