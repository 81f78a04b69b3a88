import Foundation
import SNNFormat
import SNNIR
import Testing

/// The README's Xylo row, small: `snnc train --model mlp --dataset fmnist-4x4 --neuron cuba-lif`
/// on the fixtures, exported to `xylo`, simulated with `--check`; every other target refuses it.
@Suite("Xylo's neurons, trained and deployed")
struct XyloCLITests {
    static let data = Repository.root + "/fixtures/fashion-mnist"

    @Test func trainsExportsAndSimulatesOnXylo() throws {
        let d = try TemporaryDirectory()
        let model = d.path + "/xylo-mlp.h5"
        let train = try CLI.run([
            "train", "--model", "mlp", "--dataset", "fmnist-4x4", "--neuron", "cuba-lif", "--tau-syn-shift", "1",
            "--tau-mem-shift", "2", "--threshold", "0.25", "--time-steps", "4", "--data-dir", Self.data, "--train-subset", "160",
            "--test-subset", "40", "--batch-size", "16", "--epochs", "2", "--lr", "0.05", "--no-augment", "-o", model,
        ])
        #expect(train.status == 0, "\(train.stderr)")
        let output = d.path + "/xylo-mlp.snn.h5"
        let export = try CLI.run(["export", model, "--target", "xylo", "-o", output])
        #expect(export.status == 0, "\(export.stderr)")
        let graph = try DeploymentFile.read(output).graph
        #expect(graph.layers[0].shape == [1, 4, 4] && graph.layers.last?.shape == [8])
        guard case .lif(let group) = graph.layers[2].op, let q = group.quantized, let current = q.current else {
            Issue.record("layer 2 is not a quantised current-based group: \(graph.layers.map(\.name))")
            return
        }
        #expect(group.synapse == SynapticCurrent(tau: 2, maxSpikes: 31, delay: 1) && group.tau == 4)
        #expect(q.decay == .decrementShift(2) && current.decay == .decrementShift(1))
        let simulate = try CLI.run(["simulate", output, "--data-dir", Self.data, "--limit", "40", "--check"])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(simulate.stdout.contains("check: spike trains identical to the dense integer reference on"), "\(simulate.stdout)")
        let inspect = try CLI.run(["inspect", output])
        #expect(inspect.stdout.contains("neurons: CUBA-LIF, subtractive reset"), "\(inspect.stdout)")
        let edge = try CLI.run(["export", model, "--target", "edge", "-o", d.path + "/edge.snn.h5"])
        #expect(edge.status != 0 && edge.stderr.contains("synaptic_current"), "\(edge.stderr)")
    }

    @Test func cubaOptionsAreChecked() throws {
        let d = try TemporaryDirectory()
        let common = ["train", "--model", "mlp", "--dataset", "fmnist-4x4", "--data-dir", Self.data, "-o", d.path + "/m.h5"]
        let zero = try CLI.run(common + ["--neuron", "cuba-lif", "--reset", "zero"])
        #expect(zero.status != 0 && zero.stderr.contains("--reset subtract"), "\(zero.stderr)")
        let shift = try CLI.run(common + ["--neuron", "cuba-lif", "--tau-syn-shift", "16"])
        #expect(shift.status != 0 && shift.stderr.contains("0…15"), "\(shift.stderr)")
        let lif = try CLI.run(common + ["--tau-mem-shift", "2"])
        #expect(lif.status != 0 && lif.stderr.contains("cuba-lif"), "\(lif.stderr)")
    }
}
