import Foundation
import SNNFormat
import SNNStore
import Testing

@testable import SNNTrain

/// `snnc export`, `inspect` and `targets` as a user runs them.
@Suite("CLI")
struct CLITests {
    /// A pruned VGG16 at width 1/32 on 32×32 F-MNIST-shaped input, saved as a checkpoint.
    static func checkpoint(in directory: TemporaryDirectory) throws -> String {
        let path = directory.path + "/vgg.h5"
        try Checkpoint.save(Models.state(.vgg16, width: 1.0 / 32, size: 32, prune: 0.6), to: path, snncVersion: "test")
        return path
    }

    func expectDiagnostic(_ r: CLI.Result, _ fragments: [String]) {
        #expect(r.status == 1)
        #expect(r.stderr.contains("Error: ") && r.stderr.contains("At: ") && r.stderr.contains("Hint: "), "\(r.stderr)")
        for f in fragments { #expect(r.stderr.contains(f), "missing '\(f)' in \(r.stderr)") }
    }

    @Test func exportThenInspect() throws {
        let d = try TemporaryDirectory()
        let input = try Self.checkpoint(in: d)
        let output = d.path + "/m.snn.h5"
        let export = try CLI.run(["export", input, "--target", "edge", "-o", output])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("structure only"))
        let graph = try DeploymentFile.read(output).graph
        #expect(graph.target == "edge")
        #expect(graph.provenance?.sourceSHA256 == SHA256.hex(of: try Data(contentsOf: URL(fileURLWithPath: input))))
        #expect(graph.provenance?.command.contains("export") == true)

        let table = try CLI.run(["inspect", output])
        #expect(table.status == 0)
        for column in ["neurons", "synapses", "density", "CSR", "dense", "cores", "SOPs", "energy", "total"] {
            #expect(table.stdout.contains(column))
        }
        let json = try CLI.run(["inspect", output, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["layers"] as? [Any])?.count == 14)
        #expect((object?["totals"] as? [String: Any])?["cores"] as? Int == graph.estimates?.cores)

        let over = try CLI.run(["inspect", output, "--budget", "cores=1,memory=1KiB,energy=1J"])
        #expect(over.status == 3)
        #expect(over.stderr.contains("budget exceeded: cores") && over.stderr.contains("budget exceeded: memory"))
        #expect(!over.stderr.contains("budget exceeded: energy"))
        #expect(over.stdout.contains("budget ok: energy"))
        let bad = try CLI.run(["inspect", output, "--budget", "speed=3"])
        expectDiagnostic(bad, ["unknown budget"])
    }

    @Test func badInputsGiveDiagnosticsAndNoOutput() throws {
        let d = try TemporaryDirectory()
        let output = d.path + "/out.snn.h5"
        expectDiagnostic(try CLI.run(["export", d.path + "/missing.h5", "-o", output]), ["no such file"])
        // An HDF5 file that is not a checkpoint.
        let plain = d.path + "/plain.h5"
        try SNNStore.HDF5File.write(to: plain) { root in try root.write("x", [Float(1)]) }
        expectDiagnostic(try CLI.run(["export", plain, "-o", output]), ["cannot export this file", "checkpoint"])
        // A profile with a syntax error: file, line and column.
        let input = try Self.checkpoint(in: d)
        let profile = d.path + "/broken.toml"
        try "[chip]\nname = \"broken\"\ndescription = \n".write(toFile: profile, atomically: true, encoding: .utf8)
        expectDiagnostic(try CLI.run(["export", input, "--target", profile, "-o", output]), ["broken.toml:3"])
        // An unknown target name.
        expectDiagnostic(try CLI.run(["export", input, "--target", "edgy", "-o", output]), ["did you mean 'edge'"])
        // A target the network does not fit: the layer and the limit are named.
        let tiny = try String(contentsOfFile: Repository.targets + "/edge.toml", encoding: .utf8)
            .replacingOccurrences(of: "name = \"edge\"", with: "name = \"tiny\"")
            .replacingOccurrences(of: "synapse_memory_bytes_per_core = 16384", with: "synapse_memory_bytes_per_core = 64")
        let tinyPath = d.path + "/tiny.toml"
        try tiny.write(toFile: tinyPath, atomically: true, encoding: .utf8)
        expectDiagnostic(
            try CLI.run(["export", input, "--target", tinyPath, "-o", output]),
            ["layer 'conv", "synapse_memory_bytes_per_core = 64"])
        // A target whose leak cannot do the LIF decay.
        expectDiagnostic(try CLI.run(["export", input, "--target", "speck", "-o", output]), ["leak = \"subtract\"", "lif1"])
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path).allSatisfy { !$0.contains("out.snn.h5") })
        // An existing output is not overwritten without --force.
        try Data("keep".utf8).write(to: URL(fileURLWithPath: output))
        expectDiagnostic(try CLI.run(["export", input, "-o", output]), ["already exists"])
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "keep")
        // inspect on something that is not a deployment.
        expectDiagnostic(try CLI.run(["inspect", input]), ["not an snnc deployment file"])
    }

    @Test func targetsListAndShow() throws {
        let list = try CLI.run(["targets"])
        #expect(list.status == 0)
        for name in ["edge", "loihi", "truenorth", "speck"] { #expect(list.stdout.contains(name)) }
        let show = try CLI.run(["targets", "show", "edge"])
        #expect(show.status == 0 && show.stdout.contains("neurons_per_core") && show.stdout.contains("~"))
        let missing = try CLI.run(["targets", "show", "nosuch"])
        #expect(missing.status == 1 && missing.stderr.contains("Error: ") && missing.stderr.contains("Hint: "))
    }
}

/// Paths in this repository, found from `#filePath`.
enum Repository {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var targets: String { root + "/targets" }
}
