import Foundation
import Testing

@testable import SNNStore

@Suite("Clear errors on bad files")
struct ReadErrorTests {
    @Test func missingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent.h5")
        let error = #expect(throws: HDF5Error.self) { try HDF5File.open(path) }
        #expect(error?.kind == .fileNotFound)
        #expect(error?.description.contains(path) == true)
    }

    @Test func textFileRenamedH5() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.h5")
        try "just some text, not HDF5\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: HDF5Error.self) { try HDF5File.open(path) }
        #expect(error?.kind == .notHDF5)
        #expect(error?.description.contains("not an HDF5 file") == true)
        #expect(error?.description.contains(path) == true)
    }

    @Test func truncatedFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("cut.h5")
        try HDF5File.write(to: path) { root in
            try root.write("weights", (0..<50_000).map { Float($0) }, compression: .none)
        }
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: path))
        // libhdf5 notices the end-of-file mismatch when opening; either way, a clear error.
        let error = #expect(throws: HDF5Error.self) {
            _ = try HDF5File.open(path).root.read("weights", as: Float.self)
        }
        #expect(error?.kind == .unreadable)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("truncated") == true)
    }

    @Test func missingDatasetNamesTheObjectPath() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("partial.h5")
        try HDF5File.write(to: path) { root in try root.createGroup("snnc/layers") }
        let layers = try HDF5File.open(path).root.group("snnc/layers")
        let error = #expect(throws: HDF5Error.self) { try layers.read("conv1/weight", as: Float.self) }
        #expect(error?.kind == .missingObject)
        #expect(error?.object == "/snnc/layers/conv1/weight")
        #expect(error?.description.contains(path) == true)
        let groupError = #expect(throws: HDF5Error.self) { try layers.group("fc") }
        #expect(groupError?.object == "/snnc/layers/fc")
        let attributeError = #expect(throws: HDF5Error.self) { try layers.stringAttribute("encoding-type") }
        #expect(attributeError?.kind == .missingObject)
        #expect(attributeError?.description.contains("encoding-type") == true)
    }

    @Test func shapeAndTypeChecks() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("shapes.h5")
        try HDF5File.write(to: path) { try $0.write("w", [Float](repeating: 1, count: 6), shape: [2, 3]) }
        let root = try HDF5File.open(path).root
        let shapeError = #expect(throws: HDF5Error.self) { try root.read("w", as: Float.self, shape: [3, 2]) }
        #expect(shapeError?.kind == .shapeMismatch)
        let typeError = #expect(throws: HDF5Error.self) { try root.read("w", as: Int32.self) }
        #expect(typeError?.kind == .typeMismatch)
        let stringError = #expect(throws: HDF5Error.self) { try root.readString("w") }
        #expect(stringError?.kind == .typeMismatch)
    }
}
