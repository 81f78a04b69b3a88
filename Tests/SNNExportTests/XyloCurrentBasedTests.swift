import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
import SNNSimulator
import SNNTrain
import Testing

/// Xylo's own neuron deployed, as `EveryTargetTests` deploys the others: a 16 → 64 → 8 MLP of
/// current-based LIF neurons (`synaptic_current = "decrement-shift"`) compiles for `xylo`, is
/// written, read back and simulated event by event against the dense reference; every other
/// profile refuses it, naming `[numerics] synaptic_current`.
@Suite("Xylo runs current-based neurons")
struct XyloCurrentBasedTests {
    /// `input [16, 1, 1] → conv0 (1×1 encoder, 16 → 64) → CUBA-LIF (τ_mem 8, τ_syn 4, up to 31
    /// spikes, delay 1) → flatten → fc1 (64 → 8)`, no biases.
    static func mlp(synapse: SynapticCurrent = SynapticCurrent(tau: 4)) -> Graph {
        XyloMLP.graph(
            name: "cuba-mlp", timeSteps: 6, hidden: "cuba0",
            neurons: LIFGroup(tau: 8, threshold: 1, resetMode: .subtract, synapse: synapse),
            encoderOffset: 3, inputMaxAbs: 1)
    }

    @Test func deploysToXyloAndSimulatesExactly() throws {
        let profile = try ChipProfile.load(from: Repository.targets + "/xylo.toml")
        let graph = try compile(Self.mlp(), for: profile)
        guard case .lif(let lif) = graph.layers[2].op, let q = lif.quantized, let current = q.current else {
            Issue.record("cuba0 is not a quantised current-based group")
            return
        }
        #expect(q.decay == .decrementShift(3))
        #expect(current.decay == .decrementShift(2))
        #expect(current.maxSpikes == 31 && current.delay == 1)
        // Weights use the full int8 range; the shift makes the state unit finer, the threshold
        // stays within 2^14 (a quarter of the int16 range).
        #expect(current.inputShift >= 1 && current.inputShift <= 7)
        #expect(q.threshold > 8192 && q.threshold <= 16384)
        #expect(graph.inputQuantization?.eventLimit == 15)
        let d = try TemporaryDirectory()
        let path = d.path + "/xylo.snn.h5"
        try DeploymentFile.write(graph, to: path, producer: "test")
        let read = try DeploymentFile.read(path).graph
        #expect(read == DeploymentFile.storedForm(of: graph))
        let simulator = try EventSimulator(read)
        let reference = try DenseReference(read)
        var largest: Int32 = 0
        for k in 0..<3 {
            let image = (0..<16).map { Int32(($0 * 7 + k * 3) % 16) }
            let (inference, mismatch) = try simulator.check(quantizedImage: image, against: reference, image: k)
            #expect(mismatch == nil, "\(String(describing: mismatch))")
            let steps = inference.trace?.layers.first { $0.name == "cuba0" }?.steps ?? []
            largest = max(largest, steps.flatMap { $0.payloads ?? [] }.max() ?? 0)
        }
        #expect(largest > 1, "no neuron sent more than one spike in a step: the counts are not exercised")
    }

    /// `snnc train --model mlp --dataset fmnist-4x4 --neuron cuba-lif` (untrained here): the
    /// trainer's model bridges to a graph that compiles for Xylo (16 inputs, 64 hidden, 8 output
    /// neurons, no biases, inputs as 0…15 events) and simulates exactly.
    @Test func theTrainersMLPDeploysToXylo() throws {
        var spec = ModelSpec(architecture: .mlp, inputChannels: 1, inputHeight: 4, inputWidth: 4, classes: 8, timeSteps: 8)
        spec.neuronModel = .cubaLIF
        spec.resetMode = .subtract
        spec.tau = 8
        spec.tauSyn = 4
        spec.threshold = 0.25
        let config = TrainingConfig(epochs: 1, data: DataConfig(dataset: "fmnist-4x4", directory: "/nonexistent"))
        let state = try TrainingState(spec: spec, config: config)
        let profile = try ChipProfile.load(from: Repository.targets + "/xylo.toml")
        let graph = try compile(try DeploymentBridge.graph(from: state, name: "mlp"), for: profile)
        #expect(graph.inputQuantization?.eventLimit == 15)
        let d = try TemporaryDirectory()
        try DeploymentFile.write(graph, to: d.path + "/mlp.snn.h5", producer: "test")
        let read = try DeploymentFile.read(d.path + "/mlp.snn.h5").graph
        let simulator = try EventSimulator(read)
        let reference = try DenseReference(read)
        var spikes = 0
        for k in 0..<3 {
            let image = (0..<16).map { Float(($0 * 5 + k * 7) % 16) / 15 }
            let (inference, mismatch) = try simulator.check(
                quantizedImage: image.map { read.inputQuantization?.quantize($0) ?? 0 }, against: reference, image: k)
            #expect(mismatch == nil, "\(String(describing: mismatch))")
            spikes += inference.spikes.total
        }
        #expect(spikes > 0)
    }

    static let others = EveryTargetTests.targets.filter { $0 != "xylo" }

    /// A compile error's key and reason.
    static func text(_ error: any Error) -> String {
        guard let error = error as? CompileError else { return "\(error)" }
        return (error.limit ?? "") + " " + error.reason
    }

    @Test(arguments: others)
    func otherTargetsRefuseIt(target: String) throws {
        let profile = try ChipProfile.load(from: Repository.targets + "/\(target).toml")
        do {
            _ = try compile(Self.mlp(), for: profile)
            Issue.record("\(target) compiled a current-based model")
        } catch {
            #expect(Self.text(error).contains("synaptic_current"), "\(target): \(error)")
        }
    }

    @Test func xyloRefusesWhatItCannotRun() throws {
        let profile = try ChipProfile.load(from: Repository.targets + "/xylo.toml")
        let cases: [(SynapticCurrent, String)] = [
            (SynapticCurrent(tau: 3), "tau_syn"),
            (SynapticCurrent(tau: 4, maxSpikes: 40), "max_spikes_per_step"),
            (SynapticCurrent(tau: 4, delay: 0), "spike_delay_steps"),
        ]
        for (synapse, key) in cases {
            #expect(throws: CompileError.self) { _ = try compile(Self.mlp(synapse: synapse), for: profile) }
            do {
                _ = try compile(Self.mlp(synapse: synapse), for: profile)
            } catch {
                #expect(Self.text(error).contains(key), "\(error)")
            }
        }
    }
}
