import SNNCompiler
import SNNIR
import Testing

@testable import SNNTrain

/// A `--ternary-weights` model deploys with the weights it computes with: every neuron's integer
/// weights are one magnitude, and their signs and zeros are those of its trained ternary weights —
/// on TrueNorth (one-bit synapses, a per-neuron value per axon type, where the compiler's own
/// ternarisation of the folded weights is the trainer's, `TernaryRule`) and on a target with
/// multi-bit weights (edge), where only the export's ternary weights make it so.
@Suite("Ternary weights deploy as trained")
struct TernaryDeploymentTests {
    @Test(arguments: ["truenorth", "edge"])
    func aTernaryModelKeepsItsTernaryWeights(target: String) throws {
        var state = try Models.state(.small, width: 0.0625, size: 28, prune: 0.3)
        state.spec.neuronModel = .if
        state.spec.resetMode = .subtract
        state.spec.ternaryWeights = true
        let profile = try ChipProfile.load(from: Repository.targets + "/\(target).toml")
        let graph = try compile(DeploymentBridge.graph(from: state, name: "ternary"), for: profile)
        var layers = 0
        for layer in graph.layers {
            let weights: SynapticWeights
            switch layer.op {
            case .conv(let conv): weights = conv.weights
            case .linear(let linear): weights = linear.weights
            default: continue
            }
            layers += 1
            let q = try #require(weights.quantized).values
            let trained = TernaryWeights.ternarize(state.parameters[layer.name + ".weight"]).scalars
            #expect(q.count == trained.count, "\(layer.name)")
            let units = weights.weight.shape[0]
            let perUnit = q.count / units
            for j in 0..<units {
                let range = (j * perUnit)..<((j + 1) * perUnit)
                // Batch-norm scales here are positive, so folding keeps each weight's sign.
                #expect(
                    range.allSatisfy { q[$0].signum() == Int32(trained[$0].sign == .minus ? -1 : (trained[$0] == 0 ? 0 : 1)) },
                    "\(layer.name) unit \(j): signs or zeros differ from the trained ternary weights")
                #expect(Set(range.compactMap { q[$0] == 0 ? nil : abs(q[$0]) }).count <= 1, "\(layer.name) unit \(j): several magnitudes")
            }
        }
        #expect(layers == 4)
    }
}
