import SNNTensor
import Testing

@testable import SNNData

/// Deterministic shuffling and batching.
@Suite struct BatchTests {
    let data: LabeledImages

    init() throws {
        data = try syntheticData(perClass: [20, 21, 22, 19, 21], channels: 3, height: 6, width: 5)
    }

    func iterator(
        epoch: Int, seed: UInt64 = 1234, batchSize: Int = 10, dropLast: Bool = false,
        augmentation: Augmentation = .standard, shuffle: Bool = true
    ) -> BatchIterator {
        BatchIterator(
            data: data, batchSize: batchSize, epoch: epoch, seed: seed, shuffle: shuffle,
            augmentation: augmentation,
            normalization: Normalization(mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3]),
            dropLast: dropLast)
    }

    @Test func everyIndexAppearsExactlyOncePerEpoch() {
        #expect(data.count == 103)
        for epoch in 0..<3 {
            let batches = Array(iterator(epoch: epoch))
            #expect(batches.count == 11)
            let seen = batches.flatMap(\.indices)
            #expect(seen.count == 103)
            #expect(seen.sorted() == Array(0..<103))
            #expect(seen != Array(0..<103), "shuffled")
        }
    }

    @Test func lastPartialBatchIsKeptOrDropped() {
        let kept = Array(iterator(epoch: 0))
        #expect(kept.map(\.count) == [Int](repeating: 10, count: 10) + [3])
        #expect(kept.last?.images.shape == [3, 3, 6, 5])
        let dropped = Array(iterator(epoch: 0, dropLast: true))
        #expect(dropped.count == 10)
        #expect(dropped.allSatisfy { $0.images.shape == [10, 3, 6, 5] })
        #expect(Set(dropped.flatMap(\.indices)).count == 100)
        #expect(dropped.flatMap(\.indices) == Array(kept.flatMap(\.indices).prefix(100)))
    }

    @Test func epochOrderDoesNotDependOnEarlierEpochs() {
        // Run epochs 0, 1, 2 in full, then build epoch 2 fresh (as after a restart).
        var afterHistory: [Batch] = []
        for epoch in 0..<3 {
            afterHistory = Array(iterator(epoch: epoch))
        }
        let fresh = Array(iterator(epoch: 2))
        #expect(fresh == afterHistory)
        #expect(iterator(epoch: 2).order == BatchIterator.permutation(count: 103, seed: 1234, epoch: 2))
        #expect(iterator(epoch: 2).order != iterator(epoch: 3).order)
        #expect(iterator(epoch: 2).order != iterator(epoch: 2, seed: 1235).order)
    }

    @Test func anyBatchCanBeRebuiltAloneForResume() {
        let all = Array(iterator(epoch: 4))
        let single = iterator(epoch: 4).batch(at: 6)
        #expect(single == all[6])
        var resumed = BatchIterator(
            data: data, batchSize: 10, epoch: 4, seed: 1234, augmentation: .standard,
            normalization: Normalization(mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3]),
            startBatch: 7)
        var rest: [Batch] = []
        while let batch = resumed.next() { rest.append(batch) }
        #expect(rest == Array(all[7...]))
    }

    @Test func unaugmentedBatchIsTheNormalisedImages() {
        let norm = Normalization(mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3])
        let batch = iterator(epoch: 0, augmentation: .none).batch(at: 3)
        #expect(batch.images.shape == [10, 3, 6, 5])
        let expected = batch.indices.flatMap { norm.apply(to: data.image(at: $0)) }
        #expect(batch.images.scalars == expected)
        #expect(batch.labels == batch.indices.map { data.labels[$0] })
    }

    @Test func augmentedBatchHoldsCropFlipsOfTheRightImages() {
        let norm = Normalization(mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3])
        let batch = iterator(epoch: 1).batch(at: 2)
        let size = data.imageSize
        var changed = 0
        for (slot, index) in batch.indices.enumerated() {
            let got = Array(batch.images.scalars[(slot * size)..<((slot + 1) * size)])
            let source = Array(data.image(at: index))
            // Some crop/flip with offsets in -4...4 must reproduce the output exactly.
            let candidates = (-4...4).flatMap { dy in
                (-4...4).flatMap { dx in
                    [false, true].map { CropFlip(offsetY: dy, offsetX: dx, flipped: $0) }
                }
            }
            let matches = candidates.filter {
                norm.apply(to: $0.apply(to: source, channels: 3, height: 6, width: 5)) == got
            }
            #expect(!matches.isEmpty, "slot \(slot) is a crop/flip of image \(index)")
            if !matches.contains(.identity) { changed += 1 }
        }
        #expect(changed > 0, "augmentation changed at least one image")
    }

    @Test func evaluationOrderIsTheDataOrder() {
        let batches = Array(iterator(epoch: 7, augmentation: .none, shuffle: false))
        #expect(batches.flatMap(\.indices) == Array(0..<103))
    }

    @Test func paddedFixtureBatchesHaveTrainingShape() throws {
        let train = try LabeledImages.fashionMNIST(directory: fixtureDirectory, split: .train)
            .padded(by: 2)
        let batches = BatchIterator(
            data: train, batchSize: 128, epoch: 0, seed: 1,
            augmentation: .standard, normalization: .fashionMNIST)
        #expect(batches.batchCount == 16)
        let first = batches.batch(at: 0)
        #expect(first.images.shape == [128, 1, 32, 32])
        #expect(first.labels.count == 128)
        #expect(batches.batch(at: 15).images.shape == [2000 - 15 * 128, 1, 32, 32])
        let low = Normalization.fashionMNIST.value(of: 0, channel: 0)
        let high = Normalization.fashionMNIST.value(of: 255, channel: 0)
        #expect(first.images.scalars.allSatisfy { $0 >= low && $0 <= high })
    }
}
