import Foundation
import Testing

@testable import SNNStore

@Suite("HDF5 round trips")
struct RoundTripTests {
    /// Writes `values` with `shape`, reads it back, and checks values, shape and stored type.
    func roundTrip<E: HDF5Element>(_ values: [E], shape: [Int], in directory: TemporaryDirectory) throws {
        let path = directory.file("\(E.hdf5Type).h5")
        try HDF5File.write(to: path) { root in
            try root.write("array", values, shape: shape)
            try root.write("scalar", scalar: values[1])
        }
        let root = try HDF5File.open(path).root
        let array = try root.read("array", as: E.self)
        #expect(array.shape == shape)
        #expect(array.values == values)
        #expect(try root.info(of: "array").type == E.hdf5Type)
        #expect(try root.readScalar("scalar", as: E.self) == values[1])
        #expect(try root.info(of: "scalar").shape == [])
    }

    @Test func everyNumericTypeRoundTrips() throws {
        let directory = try TemporaryDirectory()
        try roundTrip([Float(-1.5), 0, 3.25, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, 7], shape: [2, 3], in: directory)
        try roundTrip([Double.pi, -2e300, 0, 1, 2, 3], shape: [3, 2], in: directory)
        try roundTrip([Int8.min, -1, 0, 1, Int8.max, 5], shape: [6], in: directory)
        try roundTrip([Int16.min, -300, 0, 300, Int16.max, 9], shape: [1, 2, 3], in: directory)
        try roundTrip([Int32.min, -70000, 0, 70000, Int32.max, 4], shape: [2, 1, 3], in: directory)
        try roundTrip([Int64.min, -1 << 40, 0, 1 << 40, Int64.max, 8], shape: [6, 1], in: directory)
        try roundTrip([UInt8.min, 1, 127, 128, 254, UInt8.max], shape: [2, 3], in: directory)
        try roundTrip([UInt16(0), 1, 65535, 3], shape: [4], in: directory)
        try roundTrip([UInt32(0), 1, .max, 3], shape: [2, 2], in: directory)
        try roundTrip([UInt64(0), 1, .max, 3], shape: [4], in: directory)
    }

    @Test func emptyArrayRoundTrips() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("empty.h5")
        try HDF5File.write(to: path) { try $0.write("nothing", [Float](), shape: [0, 4]) }
        let array = try HDF5File.open(path).root.read("nothing", as: Float.self)
        #expect(array.shape == [0, 4])
        #expect(array.values.isEmpty)
    }

    @Test func stringsRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("strings.h5")
        let edges = ["input", "conv1", "conv1", "lif1", "lif1", "output", "ünïcode ✓", ""]
        try HDF5File.write(to: path) { root in
            try root.write("type", string: "NIRGraph")
            try root.write("edges", strings: edges, shape: [4, 2])
        }
        let root = try HDF5File.open(path).root
        #expect(try root.readString("type") == "NIRGraph")
        let read = try root.readStrings("edges")
        #expect(read.shape == [4, 2])
        #expect(read.values == edges)
        #expect(try root.info(of: "type").type == .string)
    }

    @Test func attributesOfEveryKindRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("attributes.h5")
        try HDF5File.write(to: path) { root in
            let group = try root.createGroup("snnc/layers/conv1")
            try group.setAttribute("encoding-type", string: "csr_matrix")
            try group.setAttribute("shape", [Int64(72), 4096])
            try group.setAttribute("format_version", scalar: Int32(1))
            try group.setAttribute("scale", scalar: 0.125)
            try group.setAttribute("names", strings: ["a", "bb", "ccc"])
            try group.setAttribute("grid", [UInt8(1), 2, 3, 4, 5, 6], shape: [2, 3])
            try group.write("data", [Int8(1), -2, 3])
            try group.setAttribute("unit", string: "pJ", on: "data")
            try group.setAttribute("scale", scalar: 2, on: "data")  // replaced below
            try group.setAttribute("scale", scalar: Float(0.5), on: "data")
        }
        let group = try HDF5File.open(path).root.group("snnc/layers/conv1")
        #expect(group.path == "/snnc/layers/conv1")
        #expect(try group.stringAttribute("encoding-type") == "csr_matrix")
        #expect(try group.attribute("shape", as: Int64.self).values == [72, 4096])
        #expect(try group.scalarAttribute("format_version", as: Int32.self) == 1)
        #expect(try group.scalarAttribute("scale", as: Double.self) == 0.125)
        #expect(try group.stringsAttribute("names").values == ["a", "bb", "ccc"])
        let grid = try group.attribute("grid", as: UInt8.self)
        #expect(grid.shape == [2, 3] && grid.values == [1, 2, 3, 4, 5, 6])
        #expect(try group.stringAttribute("unit", on: "data") == "pJ")
        #expect(try group.scalarAttribute("scale", as: Float.self, on: "data") == 0.5)
        #expect(try group.attributeNames() == ["encoding-type", "format_version", "grid", "names", "scale", "shape"])
        #expect(try group.attributeNames(on: "data") == ["scale", "unit"])
    }

    @Test func groupsListChildrenAndKinds() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("groups.h5")
        try HDF5File.write(to: path) { root in
            try root.createGroup("node/nodes/lif1")
            try root.createGroup("node/nodes/conv1")
            try root.write("version", string: "1.0.8")
        }
        let root = try HDF5File.open(path).root
        #expect(try root.children() == ["node", "version"])
        #expect(try root.group("node").children() == ["nodes"])
        #expect(try root.group("node/nodes").children() == ["conv1", "lif1"])
        #expect(root.kind(of: "node") == .group)
        #expect(root.kind(of: "version") == .dataset)
        #expect(root.kind(of: "node/missing/deeper") == nil)
        #expect(!root.contains("nope"))
    }

    @Test func conversionIsOptIn() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("convert.h5")
        try HDF5File.write(to: path) { try $0.write("w", [Double(1.5), -2.25]) }
        let root = try HDF5File.open(path).root
        #expect(try root.read("w", as: Float.self, convert: true).values == [1.5, -2.25])
        let error = #expect(throws: HDF5Error.self) { try root.read("w", as: Float.self) }
        #expect(error?.kind == .typeMismatch)
        #expect(error?.description.contains("float64") == true)
    }

    @Test func sameContentGivesSameBytes() throws {
        let directory = try TemporaryDirectory()
        func make(_ name: String) throws -> Data {
            let path = directory.file(name)
            try HDF5File.write(to: path) { root in
                let group = try root.createGroup("g")
                try group.write("big", (0..<5000).map { Float($0) })
                try group.setAttribute("note", string: "same")
            }
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        let first = try make("a.h5")
        Thread.sleep(forTimeInterval: 1.1)  // object timestamps, if recorded, would now differ
        #expect(first == (try make("b.h5")))
    }
}
