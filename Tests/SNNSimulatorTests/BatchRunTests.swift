import Foundation
import SNNIR
import SNNSimulator
import SNNSimulatorFixtures
import Testing

/// Batches: identical figures for any thread count, per-image results equal single runs,
/// accuracy, calibration and early stop on a mismatch.
@Suite struct BatchRunTests {
    static let graph = SyntheticPresets.smallResNet(options: SyntheticOptions(density: 0.3, seed: 21))
    static let images = SyntheticImages.make(count: 7, shape: [2, 10, 10], seed: 21)

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let simulator = try EventSimulator(Self.graph, cost: CostModelTests.model)
        let labels = (0..<Self.images.count).map { $0 % 10 }
        let one = try simulator.run(quantizedImages: Self.images, labels: labels, options: BatchOptions(threads: 1, trace: true))
        let two = try simulator.run(quantizedImages: Self.images, labels: labels, options: BatchOptions(threads: 2, trace: true))
        let three = try simulator.run(quantizedImages: Self.images, labels: labels, options: BatchOptions(threads: 3, trace: true))
        #expect(one == two)
        #expect(one == three)
        #expect(one.images == 7)
        #expect(one.cost != nil)
    }

    @Test func batchFiguresAreSumsOfSingleRuns() throws {
        let simulator = try EventSimulator(Self.graph)
        let batch = try simulator.run(quantizedImages: Self.images, options: BatchOptions(threads: 2, trace: true))
        let singles = try Self.images.map { try simulator.run(quantizedImage: $0, trace: true) }
        #expect(batch.predictions == singles.map(\.prediction))
        #expect(batch.traces == singles.compactMap(\.trace))
        #expect(batch.spikes == singles.dropFirst().reduce(singles[0].spikes) { $0 + $1.spikes })
        #expect(batch.work.synapticEvents.total == singles.reduce(0) { $0 + ($1.work?.synapticEvents.total ?? 0) })
    }

    @Test func accuracyCountsCorrectPredictions() throws {
        let simulator = try EventSimulator(Self.graph)
        let predictions = try simulator.run(quantizedImages: Self.images).predictions
        var labels = predictions
        labels[0] = (labels[0] + 1) % 10
        let result = try simulator.run(quantizedImages: Self.images, labels: labels, options: BatchOptions(threads: 2))
        #expect(result.correct == 6)
        #expect(result.accuracy == 6.0 / 7.0)
    }

    @Test func calibrationIsTheMeanEventCountPerImage() throws {
        let result = try EventSimulator(Self.graph).run(quantizedImages: Self.images)
        let calibration = result.calibration()
        #expect(calibration.images == 7)
        for (l, layer) in result.spikes.layers.enumerated() {
            #expect(calibration.events[layer] == result.spikes.counts[l].map { Double($0) / 7 })
        }
    }

    @Test func checkedBatchAgreesWithTheReference() throws {
        let reference = try DenseReference(Self.graph)
        let result = try EventSimulator(Self.graph).run(
            quantizedImages: Self.images,
            options: BatchOptions(threads: 2, reference: reference))
        #expect(result.mismatch == nil)
        #expect(result.checkedImages == 7)
        #expect(result.traces == nil)
    }

    @Test func progressReportsEveryImage() throws {
        let counter = Counter()
        _ = try EventSimulator(Self.graph).run(
            quantizedImages: Self.images,
            options: BatchOptions(
                threads: 2,
                progress: { done, total in
                    counter.add(done, total)
                }))
        #expect(counter.seen.sorted() == Array(1...7))
    }

    @Test func aWrongSizedImageFailsTheBatch() throws {
        var images = Self.images
        images[3] = [1, 2, 3]
        #expect(throws: SimulatorError.imageSize(expected: 200, found: 3)) {
            try EventSimulator(Self.graph).run(quantizedImages: images, options: BatchOptions(threads: 2))
        }
    }
}

/// Collects progress calls from worker threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int] = []

    var seen: [Int] { lock.withLock { values } }

    func add(_ done: Int, _ total: Int) {
        lock.withLock { values.append(done) }
        precondition(total == 7)
    }
}
