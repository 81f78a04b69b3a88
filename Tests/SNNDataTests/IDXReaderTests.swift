import Foundation
import Testing

@testable import SNNData

/// IDX reading, happy path and every error path, on small files written per test.
@Suite struct IDXReaderTests {
    let pixels = randomBytes(3 * 4 * 5, seed: 1)

    @Test(arguments: [false, true])
    func readsImagesAndLabelsRawOrCompressed(compressed: Bool) throws {
        let dir = try TemporaryDirectory()
        let imagesPath = try dir.write(
            "images",
            idxImageBytes(
                count: 3, height: 4, width: 5,
                pixels: pixels),
            compressed: compressed)
        let labelsPath = try dir.write("labels", idxLabelBytes([9, 0, 4]), compressed: compressed)
        let images = try IDXReader.readImages(path: imagesPath)
        #expect(images == IDXImages(count: 3, height: 4, width: 5, pixels: pixels))
        #expect(try IDXReader.readLabels(path: labelsPath, classCount: 10) == [9, 0, 4])
    }

    @Test func missingFileNamesThePathAndHowToGetIt() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("train-images-idx3-ubyte.gz")
        let error = try #require(throws: DataError.self) { try IDXReader.readImages(path: path) }
        guard case .missingFile(let reported, let hint) = error else {
            Issue.record("expected .missingFile, got \(error)")
            return
        }
        #expect(reported == path)
        #expect(hint.contains("apt-get install dataset-fashion-mnist"))
        #expect(hint.contains("--data-dir"))
        #expect(error.description.contains(path))
    }

    @Test func missingDirectoryReportsTheImageFile() throws {
        let dir = try TemporaryDirectory()
        let error = try #require(throws: DataError.self) {
            try LabeledImages.fashionMNIST(directory: dir.path, split: .test)
        }
        #expect(
            error
                == .missingFile(
                    path: dir.file("t10k-images-idx3-ubyte.gz"),
                    hint: IDXReader.defaultMissingFileHint))
    }

    @Test func wrongMagicSaysExpectedAndFound() throws {
        let dir = try TemporaryDirectory()
        // A label file where the image file should be.
        let path = try dir.write("swapped.gz", idxLabelBytes([1, 2]), compressed: true)
        let error = try #require(throws: DataError.self) { try IDXReader.readImages(path: path) }
        #expect(error == .wrongMagic(path: path, expected: 0x803, found: 0x801))
        #expect(error.description.contains(path))
        #expect(error.description.contains("0x00000803"))
        #expect(error.description.contains("0x00000801"))
        #expect(error.hint?.contains("swapped") == true)
    }

    @Test func truncatedImageFileSaysExpectedAndGotBytes() throws {
        let dir = try TemporaryDirectory()
        let full = idxImageBytes(count: 3, height: 4, width: 5, pixels: pixels)
        let path = try dir.write("short.gz", Array(full.dropLast(7)), compressed: true)
        let error = try #require(throws: DataError.self) { try IDXReader.readImages(path: path) }
        #expect(error == .truncated(path: path, expectedBytes: 16 + 60, gotBytes: 16 + 53))
        #expect(error.description.contains(path))
        #expect(error.description.contains("76") && error.description.contains("69"))
    }

    @Test func headerClaimingBillionsOfImagesIsTruncatedNotACrash() throws {
        let dir = try TemporaryDirectory()
        let lying = idxImageBytes(count: 1_000_000_000, height: 28, width: 28, pixels: [1, 2])
        let path = try dir.write("lying", lying)
        #expect(
            throws: DataError.truncated(
                path: path, expectedBytes: 16 + 784_000_000_000,
                gotBytes: 18)
        ) {
            try IDXReader.readImages(path: path)
        }
    }

    @Test func headerWhoseSizeOverflowsIsABadHeader() throws {
        let dir = try TemporaryDirectory()
        let lying = idxImageBytes(
            count: 0xFFFF_FFFF, height: 0xFFFF_FFFF, width: 0xFFFF_FFFF,
            pixels: [])
        let path = try dir.write("overflow", lying)
        let error = try #require(throws: DataError.self) { try IDXReader.readImages(path: path) }
        guard case .badHeader(let reported, let reason) = error else {
            Issue.record("expected .badHeader, got \(error)")
            return
        }
        #expect(reported == path)
        #expect(reason.contains("overflow"))
    }

    @Test func emptyAndHeaderOnlyFilesAreTruncated() throws {
        let dir = try TemporaryDirectory()
        let empty = try dir.write("empty", [])
        #expect(throws: DataError.truncated(path: empty, expectedBytes: 8, gotBytes: 0)) {
            try IDXReader.readLabels(path: empty, classCount: 10)
        }
        let partialHeader = try dir.write("partial", [0, 0, 8, 3, 0, 0])
        #expect(throws: DataError.truncated(path: partialHeader, expectedBytes: 16, gotBytes: 6)) {
            try IDXReader.readImages(path: partialHeader)
        }
    }

    @Test func trailingBytesAreReported() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("long", idxLabelBytes([1, 2, 3]) + [0])
        #expect(throws: DataError.trailingBytes(path: path, expectedBytes: 11, gotBytes: 12)) {
            try IDXReader.readLabels(path: path, classCount: 10)
        }
    }

    @Test func emptyImageSizeIsABadHeader() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("flat", idxImageBytes(count: 2, height: 0, width: 5, pixels: []))
        let error = try #require(throws: DataError.self) { try IDXReader.readImages(path: path) }
        guard case .badHeader(let reported, _) = error else {
            Issue.record("expected .badHeader, got \(error)")
            return
        }
        #expect(reported == path)
    }

    @Test func labelOutOfRangeNamesRecordAndValue() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("labels.gz", idxLabelBytes([0, 9, 10, 3]), compressed: true)
        let error = try #require(throws: DataError.self) {
            try IDXReader.readLabels(path: path, classCount: 10)
        }
        #expect(error == .labelOutOfRange(path: path, index: 2, label: 10, classCount: 10))
        #expect(error.description.contains(path))
        #expect(error.description.contains("record 2 has label 10"))
    }

    @Test func imageAndLabelCountMismatch() throws {
        let dir = try TemporaryDirectory()
        let imagesPath = try dir.write(
            "train-images-idx3-ubyte.gz",
            idxImageBytes(count: 3, height: 28, width: 28, pixels: randomBytes(3 * 784, seed: 2)),
            compressed: true)
        let labelsPath = try dir.write(
            "train-labels-idx1-ubyte.gz", idxLabelBytes([1, 2]),
            compressed: true)
        let error = try #require(throws: DataError.self) {
            try LabeledImages.fashionMNIST(directory: dir.path, split: .train)
        }
        #expect(
            error
                == .countMismatch(
                    imagesPath: imagesPath, images: 3,
                    labelsPath: labelsPath, labels: 2))
        #expect(error.description.contains(imagesPath) && error.description.contains(labelsPath))
        #expect(error.description.contains("3 images but 2 labels"))
    }

    @Test func uncompressedFilesAreFoundWithoutGzSuffix() throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            "t10k-images-idx3-ubyte",
            idxImageBytes(count: 2, height: 2, width: 3, pixels: Array(0..<12)))
        try dir.write("t10k-labels-idx1-ubyte", idxLabelBytes([7, 1]))
        let data = try LabeledImages.fashionMNIST(directory: dir.path, split: .test)
        #expect(data.imageShape == [1, 2, 3])
        #expect(data.labels == [7, 1])
        #expect(Array(data.image(at: 1)) == [6, 7, 8, 9, 10, 11])
    }

    @Test func cutShortGzipStreamIsUnreadable() throws {
        let dir = try TemporaryDirectory()
        let whole = try dir.write(
            "whole.gz",
            idxImageBytes(
                count: 3, height: 4, width: 5,
                pixels: pixels), compressed: true)
        let compressed = try #require(FileManager.default.contents(atPath: whole))
        let path = try dir.write("cut.gz", Array(compressed.prefix(compressed.count / 2)))
        let error = try #require(throws: DataError.self) { try IDXReader.readImages(path: path) }
        guard case .unreadable(let reported, let reason) = error else {
            Issue.record("expected .unreadable, got \(error)")
            return
        }
        #expect(reported == path)
        #expect(reason.contains("cut short") || reason.contains("corrupt"))
    }

    @Test func directoryInsteadOfFileIsUnreadable() throws {
        let dir = try TemporaryDirectory()
        let error = try #require(throws: DataError.self) { try IDXReader.readImages(path: dir.path) }
        #expect(error == .unreadable(path: dir.path, reason: "it is a directory, not a file"))
    }
}
