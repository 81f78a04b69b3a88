import Foundation
import SNNFormat
import SNNIR
import SNNStore
import Testing

/// A deployment file written by `snnc export` whose `/snnc` fan-out table no longer matches the
/// NIR graph's weights in the same file (one stored weight changed in place with SNNStore):
/// `snnc inspect`, `snnc simulate` and `snnc simulate --check` refuse it with the rule named,
/// and so does the reader.
@Suite("A tampered fan-out table")
struct TamperedTableTests {
    let cli = CLITests()

    /// Changes entry `index` of `/snnc/layers/<layer>/fanout/data` by one step away from zero
    /// (so it stays a non-zero weight within its bits), keeping the dataset's element type.
    static func nudge(_ path: String, layer: String, index: Int) throws {
        let file = try HDF5File.openForEditing(path)
        let fanout = try file.root.group("snnc/layers/\(layer)/fanout")
        let info = try fanout.info(of: "data")
        var values = try fanout.read("data", as: Int64.self, convert: true).values
        try #require(values.indices.contains(index))
        let v = values[index]
        values[index] = v > 0 ? (v == 1 ? 2 : v - 1) : (v == -1 ? -2 : v + 1)
        try fanout.remove("data")
        switch info.type {
        case .int8: try fanout.write("data", values.map { Int8($0) })
        case .int16: try fanout.write("data", values.map { Int16($0) })
        case .int32: try fanout.write("data", values.map { Int32($0) })
        default: try fanout.write("data", values)
        }
    }

    @Test func inspectAndSimulateRefuseTablesThatDisagreeWithTheNIRWeights() throws {
        let inputs = try WriterKillTests.inputs.get()
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/tampered.snn.h5"
        try FileManager.default.copyItem(atPath: inputs.deployment, toPath: path)
        let layer = try #require(try DeploymentFile.read(path).graph.synapticLayers.last).name
        // As exported, the file is accepted.
        let before = try cli.run(["simulate", path, "--data-dir", CLITests.fixtures, "--limit", "2", "--check"])
        #expect(before.status == 0, "\(before.stderr)")

        try Self.nudge(path, layer: layer, index: 0)
        let error = #expect(throws: DeploymentValidationError.self) { try DeploymentFile.read(path) }
        #expect(error?.rule == .nirConsistency, "\(String(describing: error))")
        #expect(error?.object == "/node/nodes/\(layer)/weight", "\(String(describing: error))")
        for arguments in [
            ["inspect", path], ["simulate", path, "--data-dir", CLITests.fixtures, "--limit", "2"],
            ["simulate", path, "--data-dir", CLITests.fixtures, "--limit", "2", "--check"],
        ] {
            let result = try cli.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("(rule: NIR root matches /snnc)"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("At:    \(path):/node/nodes/\(layer)/weight"), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
        }
    }
}
