import Foundation
import SNNData
import Testing

@testable import SNNTrain

/// `--data-seed`: the subsets depend on it alone, so runs with different training seeds see the
/// same images; without it they follow the training seed as before, and the config's bytes do not change.
@Suite("Data seed")
struct DataSeedTests {
    func data(subsetSeed: UInt64?, seed: UInt64) throws -> TrainingData {
        var config = DataConfig(dataset: "fmnist", directory: TrainingTests.fixtures, trainSubset: 50, testSubset: 30)
        config.subsetSeed = subsetSeed
        return try TrainingData.load(config, seed: seed)
    }

    @Test func theDataSeedAloneChoosesTheSubsets() throws {
        let a = try data(subsetSeed: 5, seed: 1)
        let b = try data(subsetSeed: 5, seed: 2)
        #expect(a.train.images == b.train.images && a.train.labels == b.train.labels)
        #expect(a.test.images == b.test.images && a.test.labels == b.test.labels)
        // Without a data seed the training seed draws them, as before: seeds 1 and 2 differ.
        let c = try data(subsetSeed: nil, seed: 1)
        let d = try data(subsetSeed: nil, seed: 2)
        #expect(c.train.images != d.train.images)
        // And a data seed equal to the training seed is the old behaviour.
        #expect(try data(subsetSeed: 1, seed: 9).train.images == c.train.images)
    }

    @Test func aConfigWithoutADataSeedEncodesAsBefore() throws {
        let config = DataConfig(dataset: "fmnist", directory: "d", trainSubset: 50)
        let text = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        #expect(!text.contains("subsetSeed"))
        var seeded = config
        seeded.subsetSeed = 4
        #expect(try JSONDecoder().decode(DataConfig.self, from: try JSONEncoder().encode(seeded)).subsetSeed == 4)
    }
}
