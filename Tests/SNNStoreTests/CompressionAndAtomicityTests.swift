import Foundation
import Testing

@testable import SNNStore

@Suite("Compression and atomic writes")
struct CompressionAndAtomicityTests {
    struct InjectedFailure: Error {}

    @Test func largeArraysAreShuffledAndDeflated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("compressed.h5")
        let big = (0..<200_000).map { Int32($0 % 97) }
        try HDF5File.write(to: path) { root in
            try root.write("big", big, shape: [400, 500])
            try root.write("small", [Int32](repeating: 1, count: 10))
            try root.write("plain", big, compression: .none)
        }
        let root = try HDF5File.open(path).root
        #expect(try root.filters(of: "big") == [.shuffle, .deflate])
        #expect(try root.filters(of: "small") == [])
        #expect(try root.filters(of: "plain") == [])
        #expect(try root.read("big", as: Int32.self).values == big)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        // Raw: 800 KB for each of "big" and "plain"; compression must shrink "big" well below raw.
        #expect(size < 800_000 + 200_000)
    }

    @Test func chunksStayUnderOneMebibyte() {
        #expect(HDF5Group.chunkShape([10], elementBytes: 4) == [10])
        #expect(HDF5Group.chunkShape([1_000_000], elementBytes: 4) == [262_144])
        #expect(HDF5Group.chunkShape([4096, 4608], elementBytes: 4) == [56, 4608])
        let huge = HDF5Group.chunkShape([2, 600_000], elementBytes: 4)
        #expect(huge.reduce(4, *) <= 1 << 20)
    }

    @Test func failureMidWriteLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("model.h5")
        #expect(throws: InjectedFailure.self) {
            try HDF5File.write(to: path) { root in
                try root.write("weights", (0..<100_000).map { Float($0) })
                throw InjectedFailure()
            }
        }
        #expect(directory.entries.isEmpty, "left behind: \(directory.entries)")
    }

    @Test func failureMidWriteKeepsTheOldFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("model.h5")
        try HDF5File.write(to: path) { try $0.write("generation", scalar: Int32(1)) }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: InjectedFailure.self) {
            try HDF5File.write(to: path) { root in
                try root.write("generation", scalar: Int32(2))
                throw InjectedFailure()
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(directory.entries == ["model.h5"])
        #expect(try HDF5File.open(path).root.readScalar("generation", as: Int32.self) == 1)
    }

    @Test func libraryFailureMidWriteLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("dup.h5")
        let error = #expect(throws: HDF5Error.self) {
            try HDF5File.write(to: path) { root in
                try root.write("x", [Float(1)])
                try root.write("x", [Float(2)])  // the name is taken: libhdf5 refuses
            }
        }
        #expect(error?.kind == .writeFailed)
        #expect(error?.object == "/x")
        #expect(directory.entries.isEmpty)
    }

    @Test func writingIntoMissingFolderFailsClearly() throws {
        let error = #expect(throws: HDF5Error.self) {
            try HDF5File.write(to: "/nonexistent-snnc-folder/out.h5") { _ in }
        }
        #expect(error?.description.contains("/nonexistent-snnc-folder") == true)
    }
}
