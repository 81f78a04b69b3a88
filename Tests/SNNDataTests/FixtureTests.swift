import Foundation
import Testing

@testable import SNNData

/// The committed Fashion-MNIST fixtures (fixtures/fashion-mnist).
@Suite struct FixtureTests {
    @Test func trainingFixtureHas200ImagesPerClass() throws {
        let train = try LabeledImages.fashionMNIST(directory: fixtureDirectory, split: .train)
        #expect(train.count == 2000)
        #expect(train.imageShape == [1, 28, 28])
        #expect(train.images.count == 2000 * 28 * 28)
        #expect(train.classCount == 10)
        #expect(train.countsPerClass() == [Int](repeating: 200, count: 10))
        #expect(train.labels.allSatisfy { (0..<10).contains($0) })
    }

    @Test func testFixtureHas100ImagesPerClass() throws {
        let test = try LabeledImages.load(.fmnist, directory: fixtureDirectory, split: .test)
        #expect(test.count == 1000)
        #expect(test.imageShape == [1, 28, 28])
        #expect(test.countsPerClass() == [Int](repeating: 100, count: 10))
        #expect(test.labels.allSatisfy { (0..<10).contains($0) })
    }

    @Test func fixtureImagesAreRealPictures() throws {
        // Not blank and not noise: Fashion-MNIST has a black border and bright garments.
        let train = try LabeledImages.fashionMNIST(directory: fixtureDirectory, split: .train)
        for index in [0, 999, 1999] {
            let image = Array(train.image(at: index))
            #expect(image[0] == 0 && image[27] == 0, "corner pixels are background")
            #expect(image.contains { $0 > 200 }, "image \(index) has bright pixels")
        }
    }

    /// Parses indices.txt into [split prefix: original index per fixture position].
    private func fixtureIndices() throws -> [String: [Int]] {
        let text = try String(contentsOfFile: fixtureDirectory + "/indices.txt", encoding: .ascii)
        var result: [String: [Int]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            try #require(fields.count == 3, "malformed line \(line)")
            let position = try #require(Int(fields[1]))
            let original = try #require(Int(fields[2]))
            #expect(position == result[String(fields[0]), default: []].count)
            result[String(fields[0]), default: []].append(original)
        }
        return result
    }

    @Test func indicesFileIsAscendingAndComplete() throws {
        let indices = try fixtureIndices()
        #expect(indices["train"]?.count == 2000)
        #expect(indices["t10k"]?.count == 1000)
        for list in indices.values {
            #expect(zip(list, list.dropFirst()).allSatisfy { $0 < $1 }, "original order kept")
        }
    }

    @Test(
        .enabled(if: fullFashionMNISTInstalled, "needs the dataset-fashion-mnist package"),
        arguments: [Split.train, .test])
    func fixtureImagesEqualTheFullDataSet(split: Split) throws {
        let fixture = try LabeledImages.fashionMNIST(directory: fixtureDirectory, split: split)
        let full = try LabeledImages.fashionMNIST(directory: fullFashionMNISTDirectory, split: split)
        #expect(full.count == (split == .train ? 60_000 : 10_000))
        let originals = try #require(try fixtureIndices()[split == .train ? "train" : "t10k"])
        try #require(originals.count == fixture.count)
        var mismatches = 0
        for (position, original) in originals.enumerated() {
            if fixture.image(at: position) != full.image(at: original)
                || fixture.labels[position] != full.labels[original]
            {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        // And the match is not trivial: a neighbouring original image differs.
        let first = try #require(originals.first)
        #expect(fixture.image(at: 0) != full.image(at: first + 1))
    }
}
