import Testing

@testable import SNNData

/// Stratified subsets.
@Suite struct SubsetTests {
    /// 10 classes of 30, 31, ..., 39 images, labels interleaved.
    let data: LabeledImages

    init() throws {
        data = try syntheticData(perClass: (0..<10).map { 30 + $0 })
    }

    /// The original index of every image in `subset` (encoded in its first two bytes).
    func originalIndices(_ subset: LabeledImages) -> [Int] {
        (0..<subset.count).map { i in
            let image = subset.image(at: i)
            return Int(image[image.startIndex]) | Int(image[image.startIndex + 1]) << 8
        }
    }

    @Test func perClassSubsetHasExactCounts() throws {
        let subset = try data.subset(perClass: 7, seed: 42)
        #expect(subset.count == 70)
        #expect(subset.countsPerClass() == [Int](repeating: 7, count: 10))
        #expect(subset.imageShape == data.imageShape)
    }

    @Test func subsetKeepsOriginalOrderAndPairsImagesWithLabels() throws {
        let subset = try data.subset(perClass: 7, seed: 42)
        let origin = originalIndices(subset)
        #expect(
            origin
                == (try data.stratifiedIndices(
                    quotas: [Int](repeating: 7, count: 10),
                    seed: 42)))
        #expect(zip(origin, origin.dropFirst()).allSatisfy { $0 < $1 }, "ascending, no duplicates")
        for (position, original) in origin.enumerated() {
            #expect(subset.labels[position] == data.labels[original])
            #expect(subset.image(at: position) == data.image(at: original))
        }
    }

    @Test func sameSeedSameSubsetDifferentSeedDifferentSubset() throws {
        let a = try data.stratifiedSubset(count: 50, seed: 1)
        let b = try data.stratifiedSubset(count: 50, seed: 1)
        let c = try data.stratifiedSubset(count: 50, seed: 2)
        #expect(a == b)
        #expect(originalIndices(a) != originalIndices(c))
        #expect(c.countsPerClass() == a.countsPerClass())
    }

    @Test func remainderGoesToTheLowestClasses() throws {
        #expect(
            LabeledImages.stratifiedQuotas(count: 23, classCount: 10)
                == [3, 3, 3, 2, 2, 2, 2, 2, 2, 2])
        #expect(
            LabeledImages.stratifiedQuotas(count: 20, classCount: 10)
                == [Int](repeating: 2, count: 10))
        let subset = try data.stratifiedSubset(count: 23, seed: 9)
        #expect(subset.count == 23)
        #expect(subset.countsPerClass() == [3, 3, 3, 2, 2, 2, 2, 2, 2, 2])
    }

    @Test func aClassChoiceDependsOnlyOnTheSeedAndItsOwnQuota() throws {
        // Raising class 9's quota must not change which images of class 0 are picked.
        let small = try data.stratifiedIndices(quotas: [5, 0, 0, 0, 0, 0, 0, 0, 0, 1], seed: 3)
        let large = try data.stratifiedIndices(quotas: [5, 0, 0, 0, 0, 0, 0, 0, 0, 30], seed: 3)
        #expect(small.filter { data.labels[$0] == 0 } == large.filter { data.labels[$0] == 0 })
    }

    @Test func wholeClassSubsetIsTheWholeClass() throws {
        let all = try data.subset(perClass: 30, seed: 5)
        #expect(all.count == 300)
        let classZero = originalIndices(all).filter { data.labels[$0] == 0 }
        #expect(classZero == data.indicesByClass()[0])
    }

    @Test func askingForTooManyIsAnError() throws {
        #expect(throws: DataError.notEnoughExamples(label: 0, requested: 31, available: 30)) {
            try data.subset(perClass: 31, seed: 1)
        }
    }

    @Test func fixtureSubsetIsBalanced() throws {
        let train = try LabeledImages.fashionMNIST(directory: fixtureDirectory, split: .train)
        let subset = try train.stratifiedSubset(count: 105, seed: 7)
        #expect(subset.countsPerClass() == [11, 11, 11, 11, 11, 10, 10, 10, 10, 10])
        #expect(subset.imageShape == [1, 28, 28])
    }
}
