import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
import SNNSimulator
import Testing

/// Every profile in `targets/` deploys a model built here: the first of a few small networks
/// (convolutional IF with a soft reset, the same with LIF and a hard reset, a Xylo-sized LIF MLP
/// with a soft reset, a smaller IF net for TrueNorth) that compiles for it is written, read back and simulated spike for spike
/// against the dense reference.
/// (`scripts/deploy-every-target.sh` does the same with models trained on the fixtures.)
@Suite("Every target deploys a model")
struct EveryTargetTests {
    static let targets = ["edge", "loihi", "loihi2", "speck", "spinnaker", "spinnaker2", "truenorth", "xylo"]

    /// `input [2, s, s] → conv (3×3, 4 channels, encoder) → neurons → flatten → fc (4·s² → 10)`.
    static func convNet(tau: Float?, reset: ResetMode, side s: Int = 8) -> Graph {
        let n = 4 * s * s
        let conv = ConvLayer(
            inputShape: [2, s, s], outChannels: 4, geometry: ConvGeometry(kernelH: 3, kernelW: 3, padH: 1, padW: 1), encoder: true,
            weights: SynapticWeights(
                weight: DenseTensor(shape: [4, 2, 3, 3], values: (0..<72).map { Float($0 % 7 - 2) / 6 }), bias: [0.1, 0, -0.1, 0.2]))
        let fc = LinearLayer(
            inFeatures: n, outFeatures: 10,
            weights: SynapticWeights(weight: DenseTensor(shape: [10, n], values: (0..<(10 * n)).map { Float($0 % 9 - 4) / 8 }), bias: nil))
        return Graph(
            name: "conv\(s)-\(tau == nil ? "if" : "lif")-\(reset.rawValue)", timeSteps: 4,
            layers: [
                Layer(name: "input", inputs: [], shape: [2, s, s], op: .input),
                Layer(name: "conv1", inputs: ["input"], shape: [4, s, s], op: .conv(conv)),
                Layer(name: "lif1", inputs: ["conv1"], shape: [4, s, s], op: .lif(LIFGroup(tau: tau, threshold: 1, resetMode: reset))),
                Layer(name: "flatten", inputs: ["lif1"], shape: [n], op: .flatten),
                Layer(name: "fc", inputs: ["flatten"], shape: [10], op: .linear(fc)),
            ],
            inputRange: InputRange(maxAbs: 2, source: "test"))
    }

    /// `input [16, 1, 1] → conv0 (1×1 encoder: 16 → 64) → LIF → flatten → fc1 (64 → 8)`: 16
    /// inputs, 64 hidden and 8 output neurons (Xylo's input weights are the encoder).
    static func mlp() -> Graph {
        XyloMLP.graph(
            name: "mlp", timeSteps: 4, hidden: "lif0", neurons: LIFGroup(tau: 2, threshold: 1, resetMode: .subtract), encoderOffset: 4,
            inputMaxAbs: 2)
    }

    /// In order of preference; the 4×4 IF net fits TrueNorth's 256 axons per core (every input
    /// takes a positive and a negative axon there).
    static let candidates = [
        convNet(tau: nil, reset: .subtract), convNet(tau: 2, reset: .zero), mlp(), convNet(tau: nil, reset: .subtract, side: 4),
    ]

    @Test(arguments: targets)
    func deploysAModel(target: String) throws {
        let profile = try ChipProfile.load(from: Repository.targets + "/\(target).toml")
        var errors: [String] = []
        var deployed: Graph?
        for candidate in Self.candidates {
            do {
                deployed = try compile(candidate, for: profile)
                break
            } catch {
                errors.append("\(candidate.name): \(error)")
            }
        }
        guard let graph = deployed else {
            Issue.record("no model deploys to \(target): \(errors)")
            return
        }
        let d = try TemporaryDirectory()
        let path = d.path + "/\(target).snn.h5"
        try DeploymentFile.write(graph, to: path, producer: "test")
        let read = try DeploymentFile.read(path).graph
        let simulator = try EventSimulator(read)
        let reference = try DenseReference(read)
        let units = read.layers[0].shape.reduce(1, *)
        var spikes = 0
        for k in 0..<3 {
            let image = (0..<units).map { Int32(($0 * 37 + k * 101) % 255) - 127 }
            let (inference, mismatch) = try simulator.check(quantizedImage: image, against: reference, image: k)
            #expect(mismatch == nil, "\(target) \(graph.name): \(String(describing: mismatch))")
            spikes += inference.spikes.total
        }
        #expect(spikes > 0, "\(target): no spikes, the check would be vacuous")
    }
}
