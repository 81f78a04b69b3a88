import Foundation
import Testing

@testable import SNNData

/// CIFAR-10 / CIFAR-100 binary files generated in the format, in temporary directories.
@Suite struct CIFARReaderTests {
    /// The 3072 pixel bytes of synthetic image `id`: red plane, green plane, blue plane.
    static func pixels(_ id: Int) -> [UInt8] {
        (0..<3072).map { offset in
            let channel = offset / 1024
            return UInt8(truncatingIfNeeded: id &* 31 &+ channel &* 100 &+ offset % 1024)
        }
    }

    /// One CIFAR-10 file of records `(label, image id)`.
    static func cifar10File(_ records: [(label: UInt8, id: Int)]) -> [UInt8] {
        records.flatMap { [$0.label] + pixels($0.id) }
    }

    /// One CIFAR-100 file of records `(coarse, fine, image id)`.
    static func cifar100File(_ records: [(coarse: UInt8, fine: UInt8, id: Int)]) -> [UInt8] {
        records.flatMap { [$0.coarse, $0.fine] + pixels($0.id) }
    }

    /// A CIFAR-10 directory: data_batch_b.bin holds images 10b, 10b+1 with labels b, 9-b;
    /// test_batch.bin holds images 100...102.
    static func makeCIFAR10(in dir: TemporaryDirectory) throws {
        for batch in 1...5 {
            try dir.write(
                "data_batch_\(batch).bin",
                cifar10File([
                    (UInt8(batch), 10 * batch), (UInt8(9 - batch), 10 * batch + 1),
                ]))
        }
        try dir.write("test_batch.bin", cifar10File([(0, 100), (5, 101), (9, 102)]))
    }

    @Test func readsCIFAR10TrainingBatchesInOrder() throws {
        let dir = try TemporaryDirectory()
        try Self.makeCIFAR10(in: dir)
        let train = try LabeledImages.cifar10(directory: dir.path, split: .train)
        #expect(train.count == 10)
        #expect(train.imageShape == [3, 32, 32])
        #expect(train.classCount == 10)
        #expect(train.labels == [1, 8, 2, 7, 3, 6, 4, 5, 5, 4])
        let ids = (1...5).flatMap { [10 * $0, 10 * $0 + 1] }
        for (position, id) in ids.enumerated() {
            #expect(Array(train.image(at: position)) == Self.pixels(id))
        }

        let test = try LabeledImages.load(.cifar10, directory: dir.path, split: .test)
        #expect(test.labels == [0, 5, 9])
        #expect(Array(test.image(at: 2)) == Self.pixels(102))
    }

    @Test func readsCIFAR100FineLabels() throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            "train.bin", Self.cifar100File([(19, 99, 1), (0, 0, 2), (7, 42, 3)]),
            compressed: true)
        try dir.write("test.bin", Self.cifar100File([(3, 55, 4)]))
        let train = try LabeledImages.cifar100(directory: dir.path, split: .train)
        #expect(train.classCount == 100)
        #expect(train.labels == [99, 0, 42])
        #expect(Array(train.image(at: 2)) == Self.pixels(3))
        let test = try LabeledImages.cifar100(directory: dir.path, split: .test)
        #expect(test.labels == [55])
        #expect(Array(test.image(at: 0)) == Self.pixels(4))
    }

    @Test func findsFilesInTheArchiveSubdirectory() throws {
        let outer = try TemporaryDirectory()
        let nested = outer.file("cifar-10-batches-bin")
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        try FileIO.write(
            Self.cifar10File([(3, 7)]), to: nested + "/test_batch.bin",
            compressed: false)
        let test = try LabeledImages.cifar10(directory: outer.path, split: .test)
        #expect(test.labels == [3])
    }

    @Test(arguments: CIFARVariant.allCases)
    func sizeNotAMultipleOfTheRecordIsAnError(variant: CIFARVariant) throws {
        let dir = try TemporaryDirectory()
        let bytes = [UInt8](repeating: 1, count: 2 * variant.recordSize + 5)
        let path = try dir.write("odd.bin", bytes)
        let error = try #require(throws: DataError.self) {
            try CIFARReader.read(files: [path], variant: variant)
        }
        #expect(
            error
                == .badRecordSize(
                    path: path, size: 2 * variant.recordSize + 5,
                    recordSize: variant.recordSize))
        #expect(error.description.contains(path))
        #expect(error.description.contains("2 whole records and 5 bytes left over"))
    }

    @Test func emptyFileIsTruncated() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("empty.bin", [])
        #expect(throws: DataError.truncated(path: path, expectedBytes: 3073, gotBytes: 0)) {
            try CIFARReader.read(files: [path], variant: .cifar10)
        }
    }

    @Test func cifar10LabelOutOfRange() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("bad.bin", Self.cifar10File([(1, 1), (2, 2), (10, 3)]))
        let error = try #require(throws: DataError.self) {
            try CIFARReader.read(files: [path], variant: .cifar10)
        }
        #expect(error == .labelOutOfRange(path: path, index: 2, label: 10, classCount: 10))
    }

    @Test func cifar100FineAndCoarseLabelsOutOfRange() throws {
        let dir = try TemporaryDirectory()
        let fine = try dir.write("fine.bin", Self.cifar100File([(1, 100, 1)]))
        #expect(throws: DataError.labelOutOfRange(path: fine, index: 0, label: 100, classCount: 100)) {
            try CIFARReader.read(files: [fine], variant: .cifar100)
        }
        let coarse = try dir.write("coarse.bin", Self.cifar100File([(1, 1, 1), (20, 1, 2)]))
        #expect(throws: DataError.labelOutOfRange(path: coarse, index: 1, label: 20, classCount: 20)) {
            try CIFARReader.read(files: [coarse], variant: .cifar100)
        }
    }

    @Test func missingBatchFileIsNamedWithADownloadHint() throws {
        let dir = try TemporaryDirectory()
        try Self.makeCIFAR10(in: dir)
        try FileManager.default.removeItem(atPath: dir.file("data_batch_3.bin"))
        let error = try #require(throws: DataError.self) {
            try LabeledImages.cifar10(directory: dir.path, split: .train)
        }
        guard case .missingFile(let path, let hint) = error else {
            Issue.record("expected .missingFile, got \(error)")
            return
        }
        #expect(path == dir.file("data_batch_3.bin"))
        #expect(hint.contains("cifar-10-binary.tar.gz"))
        #expect(error.description.contains("data_batch_3.bin"))
    }
}
