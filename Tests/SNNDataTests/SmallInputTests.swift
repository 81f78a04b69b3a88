import Foundation
import Testing

@testable import SNNData

/// `fmnist-4x4`: Fashion-MNIST averaged over 7×7 blocks to 1×4×4, classes 0–7 (Xylo's 16 inputs
/// and 8 outputs).
@Suite struct SmallInputTests {
    /// A 2×4 image in 2×2 blocks: each output pixel is its block's mean, halves rounded up.
    @Test func blockAverageRoundsToTheNearestByte() throws {
        let images = try LabeledImages(
            images: [0, 1, 10, 20, 2, 2, 30, 41, 255, 255, 0, 0, 255, 254, 0, 1], labels: [3, 1], channels: 1, height: 2,
            width: 4, classCount: 4)
        let averaged = try images.blockAveraged(block: 2)
        #expect(averaged.imageShape == [1, 1, 2])
        // (0+1+2+2)/4 = 1.25 → 1; (10+20+30+41)/4 = 25.25 → 25; (255·3+254)/4 = 254.75 → 255; (0+0+0+1)/4 → 0.
        #expect(averaged.images == [1, 25, 255, 0])
        #expect(averaged.labels == [3, 1])
        #expect(throws: DataError.self) { try images.blockAveraged(block: 3) }
    }

    @Test func keepingClassesDropsTheOthersInOrder() throws {
        let images = try LabeledImages(
            images: [1, 2, 3, 4, 5], labels: [0, 9, 7, 8, 2], channels: 1, height: 1, width: 1, classCount: 10)
        let kept = try images.keepingClasses(below: 8)
        #expect(kept.images == [1, 3, 5] && kept.labels == [0, 7, 2] && kept.classCount == 8)
    }

    @Test func fixtureLoadsAsSixteenInputsAndEightClasses() throws {
        let test = try LabeledImages.load(.fmnist4x4, directory: fixtureDirectory, split: .test)
        #expect(test.imageShape == [1, 4, 4] && DatasetName.fmnist4x4.imageShape == [1, 4, 4])
        #expect(test.count == 800 && test.classCount == 8)
        #expect(test.countsPerClass() == [Int](repeating: 100, count: 8))
        let full = try LabeledImages.load(.fmnist, directory: fixtureDirectory, split: .test)
        let first = try #require(full.labels.firstIndex { $0 < 8 })
        let block = Array(full.image(at: first))
        let top = (0..<7).flatMap { y in (0..<7).map { x in Int(block[y * 28 + x]) } }.reduce(0, +)
        #expect(Int(test.image(at: 0)[test.image(at: 0).startIndex]) == (top + 24) / 49)
        #expect(DatasetName.fmnist4x4.normalization.apply(to: test.image(at: 0)).allSatisfy { (0...1).contains($0) })
    }
}
