import SNNData
import SNNFormat
import SNNIR
import SNNInterop
import SNNTensor
import SNNTrain
import Testing

/// Xylo's neuron through NIR: a model trained with `--neuron cuba-lif` exports its neurons as
/// `CubaLIF` (tau_syn, tau_mem, w_in = τs − 1, r = τ) with their spikes per step and delay in
/// `snnc_spike_counts`, and imports back to the same neurons computing the same logits.
@Suite("NIR CubaLIF round trip")
struct NIRCubaLIFTests {
    static func state() throws -> TrainingState {
        var spec = ModelSpec(
            architecture: .small, width: 0.125, inputChannels: 1, inputHeight: 8, inputWidth: 8, classes: 4, timeSteps: 4)
        spec.neuronModel = .cubaLIF
        spec.resetMode = .subtract
        spec.tau = 8
        spec.tauSyn = 4
        spec.threshold = 0.25
        let config = TrainingConfig(epochs: 1, data: DataConfig(dataset: "fmnist", directory: "/nonexistent"))
        return try TrainingState(spec: spec, config: config)
    }

    @Test func exportsCubaLIFAndImportsItBack() throws {
        let state = try Self.state()
        let document = try NIRExporter.document(of: state, producer: "test")
        let cuba = document.nodes.filter { $0.type == "CubaLIF" }
        #expect(cuba.map(\.name) == ["lif1", "lif2", "lif_fc1"])
        for node in cuba {
            guard case .floats(let tauSyn, _)? = node.field("tau_syn"), case .floats(let wIn, _)? = node.field("w_in"),
                case .floats(let r, _)? = node.field("r"), case .floats(let tauMem, _)? = node.field("tau_mem")
            else {
                Issue.record("\(node.name) lacks CubaLIF fields")
                continue
            }
            #expect(Set(tauSyn) == [4] && Set(tauMem) == [8] && Set(wIn) == [3] && Set(r) == [8])
        }
        #expect(document.spikeCountNodes["lif1"] == NIRDocument.SpikeCountNode(name: "lif1", maxSpikes: 31, delay: 1))

        let imported = try NIRImporter.model(from: document)
        for node in imported.graph.nodes {
            guard case .neuron(let neuron) = node.op else { continue }
            #expect(neuron.synapse == NeuronSpec.Synapse(tau: 4, maxSpikes: 31, delay: 1), "\(node.name)")
            #expect(neuron.tau == 8 && neuron.gain == 1 && neuron.threshold == 0.25 && neuron.resetMode == .subtract)
        }
        let back = try imported.trainingState(timeSteps: 4, config: state.config)
        var before = try Trainer(state: state, normalization: .fashionMNIST)
        var after = try Trainer(state: back, normalization: .fashionMNIST)
        var rng = SeededRNG(seed: 5)
        let images = Tensor(shape: [6, 1, 8, 8], scalars: (0..<384).map { _ in rng.nextFloat(in: -1, 2) })
        let a = before.infer(images)
        let b = after.infer(images)
        #expect(a.shape == b.shape)
        let largest = a.scalars.map(abs).max() ?? 0
        #expect(largest > 0, "silent network: the comparison would be vacuous")
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-3 * max(1, largest), "logits differ by \(worst)")
    }

    /// The deployment bridge hands the neurons on as current-based LIF groups.
    @Test func bridgeKeepsTheSynapticCurrent() throws {
        let graph = try DeploymentBridge.graph(from: try Self.state(), name: "cuba")
        let groups = graph.layers.compactMap { layer -> LIFGroup? in if case .lif(let g) = layer.op { g } else { nil } }
        #expect(groups.count == 3)
        for group in groups {
            #expect(group.synapse == SynapticCurrent(tau: 4, maxSpikes: 31, delay: 1) && group.tau == 8 && group.resetMode == .subtract)
        }
    }
}
