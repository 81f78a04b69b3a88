import Foundation
import SNNData
import SNNTensor
import SNNTrain
import Testing

@testable import SNNTickets

/// The validation set of `prune --validation-subset`: held-out training images, the same for
/// every training seed, evaluated on every level as the test set is.
@Suite("Ticket search: validation set")
struct ValidationSetTests {
    static func config(seed: UInt64, subsetSeed: UInt64? = 5, images: Int = 100) -> DataConfig {
        var data = DataConfig(dataset: "fmnist", directory: Fixture.directory, trainSubset: images, testSubset: 20)
        data.subsetSeed = subsetSeed
        return data
    }

    @Test func disjointFromTheTrainingSubsetStratifiedAndTheSameForEveryTrainingSeed() throws {
        let split = try LabeledImages.load(.fmnist, directory: Fixture.directory, split: .train)
        let subset = try split.stratifiedIndices(quotas: LabeledImages.stratifiedQuotas(count: 100, classCount: 10), seed: 5)
        let held = try TrainingData.validationIndices(of: split, count: 50, trainingSubset: subset, subsetSeed: 5)
        #expect(held.count == 50 && Set(held).isDisjoint(with: subset))
        #expect(split.selecting(held).indicesByClass().map(\.count) == [Int](repeating: 5, count: 10))
        // Through `load`: the training subset is the one drawn before validation sets existed, the
        // validation set those images, and neither depends on the training seed.
        let a = try TrainingData.load(Self.config(seed: 1), seed: 1, validationImages: 50)
        let b = try TrainingData.load(Self.config(seed: 2), seed: 2, validationImages: 50)
        #expect(a.train == (try split.stratifiedSubset(count: 100, seed: 5)))
        #expect(a.validation == split.selecting(held))
        #expect(a.validation == b.validation && a.train == b.train)
        #expect(try TrainingData.load(Self.config(seed: 1), seed: 1).validation == nil)
        // Another data seed holds out other images (still outside its own training subset).
        let other = try TrainingData.load(Self.config(seed: 1, subsetSeed: 6), seed: 1, validationImages: 50)
        #expect(other.validation != a.validation)
        // Its own stream: not the draw the subset seed itself would give.
        #expect(held != (try split.stratifiedIndices(count: 50, excluding: subset, seed: 5)))
    }

    @Test func aWholeSplitOrTooFewImagesLeftAreErrors() throws {
        var whole = Self.config(seed: 1)
        whole.trainSubset = nil
        #expect(throws: ValidationSetError.wholeSplitTrained(images: 2000)) {
            try TrainingData.load(whole, seed: 1, validationImages: 10)
        }
        let error = #expect(throws: ValidationSetError.self) {
            try TrainingData.load(Self.config(seed: 1, images: 1990), seed: 1, validationImages: 20)
        }
        #expect(error?.reason.contains("outside the training subset") == true, "\(String(describing: error))")
    }

    /// Every level's validation accuracy is the trainer's evaluation of the stored level on the
    /// validation images; a search that adds the set to a finished file gets the same numbers.
    @Test func levelsAreEvaluatedOnTheValidationSetAndAddingItLaterGivesTheSameNumbers() throws {
        var training = Fixture.training(epochs: 2, seed: 3, images: 60)
        training.data.subsetSeed = 5
        let data = try TrainingData.load(training.data, seed: training.seed, validationImages: 40)
        var search = SearchConfig(method: .imp, targets: [.rounds(2)])
        search.rewind = .percent(50)
        search.validationImages = 40
        let path = Fixture.temporaryPath("validated.h5")
        let later = Fixture.temporaryPath("later.h5")
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: later)
        }
        let new = try TicketSearch.newDocument(
            search: search, spec: Fixture.spec(), training: training, command: "test", snncVersion: "test", trainImages: 60)
        let done = try Fixture.resume(new, data: data, path: path)
        #expect(done.levels.keys.sorted() == [0, 1, 2])
        let validation = try #require(data.validation)
        for (k, level) in done.levels {
            var trainer = try Trainer(state: level.state, normalization: data.normalization)
            let expected = trainer.evaluate(on: validation)
            #expect(level.info.validationAccuracy == expected.accuracy, "level \(k)")
            #expect(level.info.validationImages == 40)
        }
        // The same search without the set, then resumed with it: the same levels, the same numbers.
        var plain = new
        plain.header.search.validationImages = nil
        var finished = try Fixture.resume(plain, data: data, path: later)
        #expect(finished.levels.values.allSatisfy { $0.info.validationAccuracy == nil })
        finished.header.search.validationImages = 40
        let added = try Fixture.resume(finished, data: data, path: later)
        for k in [0, 1, 2] {
            #expect(added.levels[k]?.info.validationAccuracy == done.levels[k]?.info.validationAccuracy, "level \(k)")
            #expect(added.levels[k]?.state.parameters == done.levels[k]?.state.parameters, "level \(k)")
        }
        // A search told of a validation set it was not given stops before training.
        #expect(throws: SearchConfigError.self) {
            _ = try Fixture.resume(new, data: try Fixture.data(training), path: Fixture.temporaryPath("missing.h5"))
        }
    }
}
