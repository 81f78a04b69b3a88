import Foundation
import HDF5Shim
import Testing

@testable import SNNStore

/// A small file can declare a huge dataset: a chunked dataset whose chunks were never written
/// costs a few hundred bytes whatever its shape. Reading it must be an error before anything of
/// that size is allocated, not an out-of-memory kill or an overflow trap.
@Suite("Declared sizes are checked before reading")
struct DeclaredSizeLimitTests {
    /// Adds a float32 dataset of `dims`, chunked by `chunk`, without writing any of it.
    static func declare(_ name: String, _ dims: [hsize_t], chunk: [hsize_t], in path: String) throws {
        let file = try HDF5File.openForEditing(path)
        let id = HDF5Library.locked {
            snnc_h5_dataset_create(
                file.root.handle.id, name, HDF5ElementType.float32.rawValue, Int32(dims.count), dims, chunk, 0, -1)
        }
        try #require(id >= 0, "libhdf5 refused to create '\(name)'")
        _ = HDF5Library.locked { snnc_h5_dataset_close(id) }
    }

    @Test func aDatasetDeclaringMoreThanTheFileHoldsIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("crafted.h5")
        try HDF5File.write(to: path) { try $0.write("small", [Float(1), 2, 3]) }
        try Self.declare("huge", [1 << 40], chunk: [1 << 16], in: path)
        try Self.declare("square", [1 << 32, 1 << 32], chunk: [1, 1 << 16], in: path)
        try Self.declare("lying", [1 << 28], chunk: [1 << 16], in: path)
        try Self.declare("fill", [1000], chunk: [100], in: path)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 64 << 10, "the crafted file is \(size) bytes")

        let root = try HDF5File.open(path).root
        for name in ["huge", "square"] {
            let error = #expect(throws: HDF5Error.self) { try root.read(name, as: Float.self) }
            #expect(error?.kind == .readFailed && error?.object == "/\(name)", "\(String(describing: error))")
            #expect(error?.reason.contains("more than 2147483648 elements; refused before reading") == true, "\(String(describing: error))")
        }
        let lying = #expect(throws: HDF5Error.self) { try root.read("lying", as: Double.self, convert: true) }
        #expect(
            lying?.reason == "declares shape [268435456] (1073741824 bytes) but holds only 0 bytes in the file; refused before reading",
            "\(String(describing: lying))")
        #expect(lying?.hint == "the file is damaged or was not written by snnc")
        // What a file may declare without storing: a small dataset of fill values still reads.
        #expect(try root.read("fill", as: Float.self).values == [Float](repeating: 0, count: 1000))
        #expect(try root.read("small", as: Float.self).values == [1, 2, 3])
        #expect(try root.info(of: "huge").shape == [1 << 40])
    }

    @Test func compressedDataWithinTheDeflateRatioReads() throws {
        // 16 MiB of zeros deflate to a few KiB: legitimate data far above the 1 MiB slack.
        let directory = try TemporaryDirectory()
        let path = directory.file("zeros.h5")
        try HDF5File.write(to: path) { try $0.write("zeros", [Float](repeating: 0, count: 4 << 20)) }
        #expect(try HDF5File.open(path).root.read("zeros", as: Float.self).values.count == 4 << 20)
    }
}
