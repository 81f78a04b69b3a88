import Foundation
import SNNStore
import SNNTickets
import Testing

/// A ticket file written by `snnc prune` (the writer tests' inputs: IMP, levels 0 and 1),
/// damaged in place with SNNStore so that it breaks one rule of `TicketRule`: every command that
/// reads it refuses it with that rule, the object and the key (`Error:/At:/Hint:`, exit status
/// 1, nothing on stdout); `inspect` does not fall back to the deployment reader.
@Suite("A damaged ticket file on the command line")
struct DamagedTicketCLITests {
    let cli = CLITests()

    /// A copy of the writer tests' ticket file in a new folder, damaged by `damage`.
    func damaged(_ damage: (HDF5Group) throws -> Void) throws -> (directory: String, path: String) {
        let directory = try cli.temporaryDirectory()
        let path = directory + "/tickets.h5"
        try FileManager.default.copyItem(atPath: try WriterKillTests.inputs.get().tickets, toPath: path)
        try damage(try HDF5File.openForEditing(path).root)
        return (directory, path)
    }

    /// Replaces `key` of level `level`'s `level.json` by `change` of its value.
    static func editLevel(_ root: HDF5Group, _ level: Int, _ key: String, _ change: (Any?) -> Any) throws {
        let group = try root.group("levels/\(level)")
        var info = try jsonObject(try group.readString("level.json"))
        info[key] = change(info[key])
        try group.remove("level.json")
        try group.write("level.json", string: String(decoding: try JSONSerialization.data(withJSONObject: info), as: UTF8.self))
    }

    @Test func anUndamagedCopyIsInspected() throws {
        let (directory, path) = try damaged { _ in }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inspect = try cli.run(["inspect", path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("round 1"), "\(inspect.stdout)")
    }

    @Test func everyReaderRefusesASummaryThatBreaksARule() throws {
        let (directory, path) = try damaged { root in
            try Self.editLevel(root, 1, "testAccuracy") { _ in 1.25 }
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let expected = """
            Error: is 1.25; an accuracy is in 0…1 (rule: values in range)
            At:    \(path):/levels/1/level.json, key testAccuracy
            Hint:  \(TicketRule.refusalHint)

            """
        for arguments in [
            ["inspect", path], ["inspect", path, "--json"],
            ["export", path, "--level", "0", "--target", "edge", "-o", directory + "/m.snn.h5"],
            ["prune", "--resume", "-o", path], ["report", path, "-o", directory + "/r.html"],
            ["evaluate", path, "--data-dir", CLITests.fixtures, "--test-subset", "20"],
        ] {
            let result = try cli.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr == expected, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/m.snn.h5"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/r.html"))
    }

    @Test func inspectAndExportRefuseAPrunedWeightThatIsNotZero() throws {
        var weight = ""
        var index = 0
        let (directory, path) = try damaged { root in
            let masks = try root.group("levels/1/masks")
            weight = try #require(try masks.children().first)
            index = try #require(try masks.read(weight, as: UInt8.self).values.firstIndex(of: 0))
            let parameters = try root.group("levels/1/parameters")
            let stored = try parameters.read(weight, as: Float.self)
            var values = stored.values
            values[index] = 0.25
            try parameters.remove(weight)
            try parameters.write(weight, values, shape: stored.shape)
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for arguments in [["inspect", path], ["export", path, "--level", "1", "--target", "edge", "-o", directory + "/m.snn.h5"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(
                result.stderr.hasPrefix(
                    "Error: entry \(index) is 0.25 where the mask is 0; a pruned weight is exactly 0 (rule: pruned weights are zero)\n"
                        + "At:    \(path):/levels/1/parameters/\(weight)\n"), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
        }
        // Level 0 is intact: exporting it works.
        let level0 = try cli.run(["export", path, "--level", "0", "--target", "edge", "-o", directory + "/m0.snn.h5"])
        #expect(level0.status == 0, "\(level0.stderr)")
    }
}
