import Foundation
import SNNIR
import SNNSimulator
import SNNSimulatorFixtures
import Testing

/// `SimulationBatches`: images run in consecutive batches add up to one batch of all of them.
@Suite struct SimulationBatchesTests {
    static let graph = BatchRunTests.graph
    static let images = BatchRunTests.images

    /// The float images whose quantisation (scale 1/64) gives `images` back.
    static let floatImages = images.map { $0.map { Float($0) / 64 } }

    func batches(_ simulator: EventSimulator, size: Int, keepTraces: Bool, tracesForEach: Bool) -> SimulationBatches {
        let images = Self.floatImages
        return SimulationBatches(
            simulator: simulator, count: images.count, labels: (0..<images.count).map { $0 % 10 },
            image: { images[$0] }, threads: 2, reference: nil, keepTraces: keepTraces,
            tracesForEach: tracesForEach, unitCounts: true, batchSize: size)
    }

    @Test func floatImagesQuantiseToTheFixtures() throws {
        let simulator = try EventSimulator(Self.graph)
        #expect(try Self.floatImages.map { try simulator.quantize(image: $0) } == Self.images)
    }

    @Test func batchesAddUpToOneBatch() throws {
        // No cost model: its energies are floating-point sums, which batches would group differently.
        let simulator = try EventSimulator(Self.graph)
        let labels = (0..<Self.images.count).map { $0 % 10 }
        let whole = try simulator.run(
            quantizedImages: Self.images, labels: labels,
            options: BatchOptions(threads: 2, trace: true, unitCounts: true))
        var ranges: [Range<Int>] = []
        let split = try batches(simulator, size: 3, keepTraces: true, tracesForEach: false)
            .run(progress: { _ in }, each: { range, _ in ranges.append(range) })
        #expect(ranges == [0..<3, 3..<6, 6..<7])
        #expect(split == whole)
    }

    @Test func tracesForEachAreDroppedAfterwards() throws {
        let simulator = try EventSimulator(Self.graph)
        var traced: [Int] = []
        let result = try batches(simulator, size: 4, keepTraces: false, tracesForEach: true)
            .run(progress: { _ in }, each: { _, batch in traced.append(batch.traces?.count ?? -1) })
        #expect(traced == [4, 3])
        #expect(result.traces == nil)
        #expect(result.images == 7)
    }
}
