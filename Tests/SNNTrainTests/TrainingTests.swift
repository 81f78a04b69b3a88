import Foundation
import SNNData
import SNNStore
import SNNTensor
import Testing

@testable import SNNTrain

/// Training on the committed Fashion-MNIST fixtures: determinism, resume, masks, checkpoints.
@Suite("Training")
struct TrainingTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/fashion-mnist").path

    func state(epochs: Int = 2, seed: UInt64 = 3) throws -> TrainingState {
        let spec = ModelSpec(
            architecture: .small, width: 0.25, inputChannels: 1, inputHeight: 28, inputWidth: 28,
            classes: 10, timeSteps: 2)
        let data = DataConfig(dataset: "fmnist", directory: Self.fixtures, trainSubset: 60, testSubset: 40)
        return try TrainingState(
            spec: spec,
            config: TrainingConfig(
                epochs: epochs, batchSize: 20, learningRate: 0.1,
                seed: seed, data: data))
    }

    func train(_ state: TrainingState, epochs: Int, data: TrainingData) throws -> TrainingState {
        var trainer = try Trainer(state: state, normalization: data.normalization)
        for _ in 0..<epochs { _ = trainer.trainEpoch(on: data.train) }
        return trainer.state
    }

    func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "snnc-train-\(UUID().uuidString)-\(name)"
    }

    /// History records hold wall-clock times; compare everything else.
    func expectSameModel(_ a: TrainingState, _ b: TrainingState) {
        #expect(a.parameters == b.parameters)
        #expect(a.momentum == b.momentum)
        #expect(a.epochsCompleted == b.epochsCompleted)
        #expect(a.history.map(\.trainLoss) == b.history.map(\.trainLoss))
    }

    @Test func sameSeedGivesSameBits() throws {
        let initial = try state()
        let data = try TrainingData.load(initial.config.data, seed: initial.config.seed)
        let a = try train(initial, epochs: 1, data: data)
        let b = try train(try state(), epochs: 1, data: data)
        expectSameModel(a, b)
        let other = try train(try state(seed: 4), epochs: 1, data: data)
        #expect(other.parameters != a.parameters)
    }

    @Test func resumeFromCheckpointIsBitIdentical() throws {
        let initial = try state()
        let data = try TrainingData.load(initial.config.data, seed: initial.config.seed)
        let straight = try train(initial, epochs: 2, data: data)

        let path = temporaryPath("resume.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let half = try train(initial, epochs: 1, data: data)
        try Checkpoint.save(half, to: path, snncVersion: "test")
        let loaded = try Checkpoint.load(from: path)
        expectSameModel(loaded, half)
        #expect(loaded.spec == half.spec && loaded.config == half.config)
        let resumed = try train(loaded, epochs: 1, data: data)
        expectSameModel(resumed, straight)
    }

    @Test func maskedWeightsStayZeroAndTheRestLearn() throws {
        var initial = try state(epochs: 1)
        var rng = SeededRNG(seed: 99)
        for i in initial.parameters.parameters.indices where initial.parameters.parameters[i].isPrunable {
            let shape = initial.parameters.parameters[i].value.shape
            var mask = Tensor.zeros(shape)
            for j in mask.scalars.indices { mask.scalars[j] = rng.nextUnitFloat() < 0.5 ? 1 : 0 }
            initial.parameters.parameters[i].mask = mask
        }
        initial.parameters.applyMasks()
        let data = try TrainingData.load(initial.config.data, seed: initial.config.seed)
        let trained = try train(initial, epochs: 1, data: data)
        for (before, after) in zip(initial.parameters.parameters, trained.parameters.parameters) {
            guard let mask = after.mask else { continue }
            var changed = 0
            for j in mask.scalars.indices {
                if mask.scalars[j] == 0 {
                    #expect(after.value.scalars[j] == 0, "\(after.name)[\(j)] was pruned but is \(after.value.scalars[j])")
                    #expect(trained.momentum[trained.parameters.parameterIndex(after.name)!].scalars[j] == 0)
                } else if after.value.scalars[j] != before.value.scalars[j] {
                    changed += 1
                }
            }
            if after.name != "fc2.weight" || changed > 0 {
                // fc2 learns only if its LIF inputs spiked in this tiny run; every other layer must.
                #expect(changed > 0, "\(after.name): no kept weight was updated")
            }
        }
        #expect(trained.parameters.keptCount == initial.parameters.keptCount)
    }

    @Test func checkpointRejectsOtherFiles() throws {
        let path = temporaryPath("other.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "not hdf5".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: HDF5Error.self) { try Checkpoint.load(from: path) }
        #expect(error?.kind == .notHDF5)
        #expect(error?.file == path)
    }

    @Test func cosineScheduleMatchesThePaper() {
        let config = TrainingConfig(epochs: 4, learningRate: 0.3, data: DataConfig(dataset: "fmnist", directory: ""))
        let rates = (0..<4).map { config.learningRate(atEpoch: $0) }
        #expect(rates[0] == 0.3)
        #expect(abs(rates[1] - 0.3 * (1 + Float(cos(Double.pi / 4))) / 2) < 1e-7)
        #expect(abs(rates[2] - 0.15) < 1e-7)
    }
}
