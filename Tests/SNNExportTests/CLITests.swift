import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
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

    /// A deployment file for Speck's cores (integrate-and-fire neurons with a subtractive reset,
    /// as Speck runs them); `inspect` shows the layer → core assignment and the neuron model.
    @Test func inspectShowsTheLayerCoresOnSpeck() throws {
        let d = try TemporaryDirectory()
        let speck = try ChipProfile.named("speck")
        let conv = ConvLayer(
            inputShape: [2, 8, 8], outChannels: 4, geometry: ConvGeometry(kernelH: 3, kernelW: 3, padH: 1, padW: 1), encoder: true,
            weights: SynapticWeights(weight: DenseTensor(shape: [4, 2, 3, 3], values: (0..<72).map { Float($0 % 7 - 3) / 8 }), bias: nil))
        let fc = LinearLayer(
            inFeatures: 256, outFeatures: 3,
            weights: SynapticWeights(weight: DenseTensor(shape: [3, 256], values: (0..<768).map { Float($0 % 5 - 2) / 8 }), bias: nil))
        let graph = Graph(
            name: "speck-cores", timeSteps: 2,
            layers: [
                Layer(name: "input", inputs: [], shape: [2, 8, 8], op: .input),
                Layer(name: "conv1", inputs: ["input"], shape: [4, 8, 8], op: .conv(conv)),
                Layer(
                    name: "lif1", inputs: ["conv1"], shape: [4, 8, 8],
                    op: .lif(LIFGroup(tau: nil, threshold: 1, resetMode: .subtract))),
                Layer(name: "flatten", inputs: ["lif1"], shape: [256], op: .flatten),
                Layer(name: "fc", inputs: ["flatten"], shape: [3], op: .linear(fc)),
            ],
            inputRange: InputRange(maxAbs: 1, source: "test"))
        let output = d.path + "/speck.snn.h5"
        try DeploymentFile.write(try compile(graph, for: speck), to: output, producer: "test")
        let table = try CLI.run(["inspect", output])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("core assignment (one layer per core): conv1 → core 0, fc → core 1"), "\(table.stdout)")
        #expect(table.stdout.contains("neurons: IF, subtractive reset (lif1)"), "\(table.stdout)")
        let json = try CLI.run(["inspect", output, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let layers = try #require(object?["layers"] as? [[String: Any]])
        #expect(layers.map { $0["core"] as? Int } == [0, 1])
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
        #expect(table.stdout.contains("of the dynamic, input-layer MACs"), "\(table.stdout)")  // edge has e_mac_pj
        let json = try CLI.run(["inspect", output, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(((object?["totals"] as? [String: Any])?["input_mac_energy_pj"] as? Double ?? 0) > 0)
        #expect((object?["layers"] as? [Any])?.count == 14)
        // A split target has no layer → core assignment.
        #expect((object?["layers"] as? [[String: Any]])?.allSatisfy { $0["core"] == nil } == true)
        #expect(!table.stdout.contains("core assignment"))
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
        // A layer-per-core target with fewer cores than the network has layers: checked before the
        // neuron model (Speck runs integrate-and-fire; its leak check is in SpeckSinabsTests).
        expectDiagnostic(
            try CLI.run(["export", input, "--target", "speck", "-o", output]),
            ["14 conv and linear layers", "[cores] cores = 9"])
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path).allSatisfy { !$0.contains("out.snn.h5") })
        // An existing output is not overwritten without --force.
        try Data("keep".utf8).write(to: URL(fileURLWithPath: output))
        expectDiagnostic(try CLI.run(["export", input, "-o", output]), ["already exists"])
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "keep")
        // inspect on something that is not a deployment.
        expectDiagnostic(
            try CLI.run(["inspect", input]), ["not an snnc deployment file", "its format is 'snnc-checkpoint'", "'snnc export \(input)"])
        // Options that would not change what is written are usage errors, not silently dropped.
        let nir = try CLI.run(["export", input, "--format", "nir", "--target", "loihi", "--assume-rate", "0.2", "-o", d.path + "/m.nir"])
        #expect(
            nir.status == 64 && nir.stderr.contains("--format nir writes the float model, which --target, --assume-rate"), "\(nir.stderr)")
        let both = try CLI.run(["export", input, "--calibration", d.path + "/c.json", "--assume-rate", "0.2", "-o", d.path + "/x.snn.h5"])
        #expect(both.status == 64 && both.stderr.contains("--assume-rate is for estimates without --calibration"), "\(both.stderr)")
        #expect(!FileManager.default.fileExists(atPath: d.path + "/m.nir") && !FileManager.default.fileExists(atPath: d.path + "/x.snn.h5"))
    }

    @Test func targetsListAndShow() throws {
        let list = try CLI.run(["targets"])
        #expect(list.status == 0)
        for name in ["edge", "loihi", "truenorth", "speck"] { #expect(list.stdout.contains(name)) }
        let show = try CLI.run(["targets", "show", "edge"])
        #expect(show.status == 0 && show.stdout.contains("neurons_per_core") && show.stdout.contains("~"))
        let missing = try CLI.run(["targets", "show", "nosuch"])
        #expect(missing.status == 1 && missing.stderr.contains("Error: ") && missing.stderr.contains("Hint: "))
        #expect(try CLI.run(["targets", "show", "nosuch", "--json"]).status == 1)
        // --json: the TOML file's fields by table, the estimates named, the list holding every profile.
        let shown = try CLI.run(["targets", "show", "edge", "--json"])
        let edge = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], "\(shown.stderr)")
        #expect(edge["name"] as? String == "edge" && (edge["file"] as? String)?.hasSuffix("targets/edge.toml") == true)
        let cores = try #require(edge["cores"] as? [String: Any])
        #expect(cores["cores"] as? Int == 64 && cores["neurons_per_core"] as? Int == 1024)
        #expect((edge["numerics"] as? [String: Any])?["leak"] as? String == "multiply12")
        #expect((edge["timing"] as? [String: Any])?["clock_hz"] as? Double == 100e6)
        let estimated = try #require(edge["estimated"] as? [String])
        #expect(
            estimated.contains("cores.cores") && estimated.contains("numerics.index_bits") && !estimated.contains("numerics.weight_bits"))
        let listed = try CLI.run(["targets", "list", "--json"])
        let all = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]], "\(listed.stderr)")
        #expect(Set(all.compactMap { $0["name"] as? String }).isSuperset(of: ["edge", "loihi", "truenorth", "speck"]))
        #expect(NSDictionary(dictionary: try #require(all.first { $0["name"] as? String == "edge" })).isEqual(to: edge))
        // Defaults in effect and unset optional keys as null; a profile given by path has its absolute path.
        #expect(cores["mapping"] as? String == "split" && cores["max_fan_in_per_neuron"] is NSNull)
        let byPath = try CLI.run(["targets", "show", "\(Repository.root)/targets/./edge.toml", "--json"])
        let fromPath = try #require(try JSONSerialization.jsonObject(with: Data(byPath.stdout.utf8)) as? [String: Any], "\(byPath.stderr)")
        #expect(
            fromPath["file"] as? String == edge["file"] as? String && fromPath["file"] as? String == "\(Repository.root)/targets/edge.toml")
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
