import Foundation
import Testing

@testable import SNNStore

/// The files SNNStore writes must read correctly in the reference tool, h5dump (hdf5-tools).
@Suite("h5dump reads SNNStore files")
struct H5DumpTests {
    static let h5dump = ["/usr/bin/h5dump", "/usr/local/bin/h5dump"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func dump(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.h5dump))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try HDF5File.startChildProcess(process)
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: output, as: UTF8.self)
    }

    @Test(.enabled(if: h5dump != nil, "h5dump not installed (apt-get install hdf5-tools)"))
    func headerShowsNamesTypesAndShapes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("dump.h5")
        try HDF5File.write(to: path) { root in
            try root.write("version", string: "1.0.8")
            let fanout = try root.createGroup("snnc/layers/fc1/fanout")
            try fanout.write("data", [Int8](repeating: 3, count: 12), shape: [12])
            try fanout.write("indptr", [Int64](0...4))
            try fanout.write("weights", (0..<20_000).map { Float($0) }, shape: [100, 200])
            try fanout.setAttribute("encoding-type", string: "csr_matrix")
            try fanout.setAttribute("shape", [Int64(4), 3])
        }
        let header = try dump(["-H", "-p", path])
        #expect(header.contains("DATASET \"version\""))
        #expect(header.contains("H5T_STRING"))
        #expect(header.contains("STRSIZE H5T_VARIABLE"))
        #expect(header.contains("CSET H5T_CSET_UTF8"))
        #expect(header.contains("GROUP \"fanout\""))
        #expect(header.contains("DATASET \"data\""))
        #expect(header.contains("H5T_STD_I8LE"))
        #expect(header.contains("DATASPACE  SIMPLE { ( 12 ) / ( 12 ) }"))
        #expect(header.contains("H5T_STD_I64LE"))
        #expect(header.contains("H5T_IEEE_F32LE"))
        #expect(header.contains("DATASPACE  SIMPLE { ( 100, 200 ) / ( 100, 200 ) }"))
        #expect(header.contains("SHUFFLE"))
        #expect(header.contains("COMPRESSION DEFLATE { LEVEL 4 }"))
        #expect(header.contains("ATTRIBUTE \"encoding-type\""))
        let values = try dump(["-d", "/snnc/layers/fc1/fanout/indptr", path])
        #expect(values.contains("0, 1, 2, 3, 4"))
        let version = try dump(["-d", "/version", path])
        #expect(version.contains("\"1.0.8\""))
    }
}
