import Foundation
import SNNIR
import Testing

@testable import SNNCompiler

/// snnc's layer-per-core mapping of Speck against sinabs 3.1.3, SynSense's own tool.
///
/// `scripts/vendor/speck-sinabs.py` ran sinabs on the networks in
/// `experiments/speck-sinabs/sinabs-3.1.3.json` and recorded per layer the kernel, neuron and bias
/// memory, the cores whose memory holds it, its destinations and the core sinabs assigns, and
/// per network whether it fits. These tests build the same networks from the specs in that file
/// and require snnc's answers to be the same.
@Suite("Speck against sinabs")
struct SpeckSinabsTests {
    struct Results: Decodable {
        var tool: String
        var cores: [CoreSize]
        var networks: [Network]
    }

    struct CoreSize: Decodable {
        var kernelMemory: Int
        var neuronMemory: Int
        var biasMemory: Int
    }

    struct Network: Decodable {
        var name: String
        var spec: Spec
        var fits: Bool
        var layers: [Row]
    }

    struct Spec: Decodable {
        var input: [Int]
        var layers: [SpecLayer]
    }

    struct SpecLayer: Decodable {
        var op: String
        var out: Int?
        var kernel: Int?
        var stride: Int?
        var padding: Int?
        var size: Int?
    }

    struct Row: Decodable {
        var index: Int
        var kernelMemory: Int
        var neuronMemory: Int
        var biasMemory: Int
        var candidateCores: [Int]
        var destinations: [Int]
        var core: Int?
    }

    static func results() throws -> Results { try Repository.decodeJSON("experiments/speck-sinabs/sinabs-3.1.3.json") }

    static func speck() throws -> ChipProfile { try ChipProfile.load(from: Repository.targets + "/speck.toml") }

    /// The network as an SNNIR graph: each conv and linear layer followed by a LIF group, except
    /// the last linear layer, which is the readout; sum pooling; zero weights, no biases.
    static func graph(_ spec: Spec, name: String) -> Graph {
        var layers = [Layer(name: "input", inputs: [], shape: spec.input, op: .input)]
        var shape = spec.input
        let synaptic = spec.layers.filter { $0.op == "conv" || $0.op == "linear" }.count
        var seen = 0
        for (i, l) in spec.layers.enumerated() {
            let previous = layers[layers.count - 1].name
            switch l.op {
            case "conv":
                let (k, s, p, f) = (l.kernel ?? 1, l.stride ?? 1, l.padding ?? 0, l.out ?? 1)
                let geometry = ConvGeometry(kernelH: k, kernelW: k, strideH: s, strideW: s, padH: p, padW: p)
                let conv = ConvLayer(
                    inputShape: shape, outChannels: f, geometry: geometry, encoder: seen == 0,
                    weights: SynapticWeights(weight: DenseTensor.zeros([f, shape[0], k, k]), bias: nil))
                shape = conv.outputShape
                layers.append(Layer(name: "conv\(i)", inputs: [previous], shape: shape, op: .conv(conv)))
            case "linear":
                let f = l.out ?? 1
                let inFeatures = shape.reduce(1, *)
                let linear = LinearLayer(
                    inFeatures: inFeatures, outFeatures: f,
                    weights: SynapticWeights(weight: DenseTensor.zeros([f, inFeatures]), bias: nil))
                shape = [f]
                layers.append(Layer(name: "fc\(i)", inputs: [previous], shape: shape, op: .linear(linear)))
            case "pool":
                let s = l.size ?? 2
                let geometry = ConvGeometry(kernelH: s, kernelW: s, strideH: s, strideW: s)
                shape = [shape[0], geometry.outputHeight(shape[1]), geometry.outputWidth(shape[2])]
                layers.append(
                    Layer(name: "pool\(i)", inputs: [previous], shape: shape, op: .pool(PoolLayer(kind: .sum, geometry: geometry))))
            default:
                shape = [shape.reduce(1, *)]
                layers.append(Layer(name: "flatten\(i)", inputs: [previous], shape: shape, op: .flatten))
            }
            if l.op == "conv" || l.op == "linear" {
                seen += 1
                if seen < synaptic {
                    layers.append(
                        Layer(
                            name: "lif\(i)", inputs: [layers[layers.count - 1].name], shape: shape, op: .lif(LIFGroup(tau: 2, threshold: 1))
                        ))
                }
            }
        }
        return Graph(name: name, timeSteps: 1, layers: layers, inputRange: InputRange(maxAbs: 1, source: "test"))
    }

    static func assign(_ graph: Graph, _ profile: ChipProfile) -> Result<LayerCoreAssignment, CompileError> {
        Result { () throws(CompileError) in try assignLayerCores(graph, for: profile) }
    }

    @Test func theProfileHasSinabsCoreSizes() throws {
        let results = try Self.results()
        let cores = try Self.speck().cores
        #expect(results.tool == "sinabs 3.1.3")
        #expect(cores.mapping == .layerPerCore)
        #expect(cores.count == results.cores.count)
        #expect(cores.kernelMemoryPerCore == results.cores.map(\.kernelMemory))
        #expect(cores.neuronMemoryPerCore == results.cores.map(\.neuronMemory))
        #expect(cores.biasMemoryPerCore == results.cores.map(\.biasMemory))
    }

    @Test func memoryCandidatesAndDestinationsEqualSinabs() throws {
        let results = try Self.results()
        let speck = try Self.speck()
        #expect(results.networks.count >= 5)
        for network in results.networks {
            let uses = try layerCoreUses(Self.graph(network.spec, name: network.name), for: speck)
            try #require(uses.count == network.layers.count, "\(network.name): layer count")
            let position = Dictionary(uniqueKeysWithValues: uses.enumerated().map { ($1.population, $0) })
            for (use, row) in zip(uses, network.layers) {
                let at = "\(network.name) layer \(row.index) (\(use.layer))"
                #expect(use.memory.kernel == row.kernelMemory, "\(at): kernel memory")
                #expect(use.memory.neurons == row.neuronMemory, "\(at): neuron memory")
                #expect(use.memory.bias == row.biasMemory, "\(at): bias memory")
                #expect(use.candidateCores == row.candidateCores, "\(at): cores that hold it")
                #expect(use.destinations.compactMap { position[$0] } == row.destinations, "\(at): destinations")
            }
        }
    }

    @Test func fitAndAssignmentEqualSinabs() throws {
        let results = try Self.results()
        let speck = try Self.speck()
        #expect(results.networks.contains { $0.fits } && results.networks.contains { !$0.fits })
        for network in results.networks {
            switch Self.assign(Self.graph(network.spec, name: network.name), speck) {
            case .success(let assignment):
                #expect(network.fits, "\(network.name): snnc fits it, sinabs does not")
                #expect(assignment.layers.map(\.core) == network.layers.map(\.core), "\(network.name): cores")
            case .failure(let error):
                #expect(!network.fits, "\(network.name): sinabs fits it, snnc does not: \(error)")
                #expect(error.kind == .capacity)
            }
        }
    }

    func failure(_ name: String) throws -> CompileError {
        let network = try #require(try Self.results().networks.first { $0.name == name })
        let speck = try Self.speck()
        if case .failure(let error) = Self.assign(Self.graph(network.spec, name: name), speck) { return error }
        Issue.record("\(name) fits")
        return CompileError(.capacity, reason: "")
    }

    @Test func noFitErrorsNameLayerCoresKeyAndLimit() throws {
        let taken = try failure("vgg-no-fit-cores")
        #expect(taken.layer == "conv9")
        #expect(taken.limit == "[cores] kernel_memory_per_core: 2 of 9 cores hold 65536 kernel entries (cores 5, 6)")
        #expect(taken.reason.contains("'conv6' needs them too") && taken.reason.contains("'conv8' needs them too"))
        let both = try failure("vgg-no-fit-memory")
        #expect(both.layer == "conv3")
        #expect(
            both.reason.contains("32768 kernel entries (cores 3-6 hold them)") && both.reason.contains("65536 neuron states (cores 0-2"))
        let wide = try failure("too-wide")
        #expect(wide.layer == "conv1")
        #expect(wide.limit == "[cores] kernel_memory_per_core = 65536 (largest, cores 5, 6)")
        #expect(wide.reason.contains("131072 kernel entries"))
        let vgg16 = try failure("vgg16-eighth")
        #expect(vgg16.limit?.hasPrefix("[cores] kernel_memory_per_core") == true)
    }

    @Test func theDestinationLimitIsTwoLayers() throws {
        // input → conv → lif0 feeding three linear layers summed into one readout is a residual sum;
        // three consumers: lif0 → fc1 → lif1, lif0 → fc2 → lif2, lif0 → fc3 → lif3, then the readout.
        let speck = try Self.speck()
        let zero = { (f: Int, n: Int) in SynapticWeights(weight: DenseTensor.zeros([f, n]), bias: nil) }
        let conv = ConvLayer(
            inputShape: [1, 4, 4], outChannels: 2, geometry: ConvGeometry(kernelH: 1, kernelW: 1), encoder: true,
            weights: SynapticWeights(weight: DenseTensor.zeros([2, 1, 1, 1]), bias: nil))
        var layers = [
            Layer(name: "input", inputs: [], shape: [1, 4, 4], op: .input),
            Layer(name: "conv", inputs: ["input"], shape: [2, 4, 4], op: .conv(conv)),
            Layer(name: "lif0", inputs: ["conv"], shape: [2, 4, 4], op: .lif(LIFGroup(tau: 2, threshold: 1))),
            Layer(name: "flat", inputs: ["lif0"], shape: [32], op: .flatten),
        ]
        for b in 1...3 {
            layers.append(
                Layer(
                    name: "fc\(b)", inputs: ["flat"], shape: [4],
                    op: .linear(LinearLayer(inFeatures: 32, outFeatures: 4, weights: zero(4, 32)))))
            layers.append(Layer(name: "lif\(b)", inputs: ["fc\(b)"], shape: [4], op: .lif(LIFGroup(tau: 2, threshold: 1))))
        }
        layers.append(
            Layer(name: "out", inputs: ["lif3"], shape: [2], op: .linear(LinearLayer(inFeatures: 4, outFeatures: 2, weights: zero(2, 4)))))
        let graph = Graph(name: "fan", timeSteps: 1, layers: layers, inputRange: InputRange(maxAbs: 1, source: "test"))
        #expect {
            try assignLayerCores(graph, for: speck)
        } throws: { error in
            guard let e = error as? CompileError else { return false }
            return e.layer == "conv" && e.limit == "[cores] fan_out_per_core = 2" && e.reason.contains("3 layers ('lif1', 'lif2', 'lif3')")
        }
    }

    @Test func mapCoresPlacesEachLayerOnItsAssignedCore() throws {
        // Speck's neurons do not leak; with a LIF-capable leak the rest of the pipeline runs and
        // mapCores places every population on the core assignLayerCores picks.
        var profile = try Self.speck()
        profile.numerics.leak = .multiply12
        let g = try compile(IRFixtures.convNet(), for: profile)
        let cores = try #require(g.placement?.cores)
        #expect(cores.map(\.population) == ["lif1", "fc"])
        #expect(cores.map(\.core) == [0, 1])
        // conv1: 1 input channel, 1×1 kernel, 2 outputs → 1·2^(0+1) = 2 entries; 2·2^(1+1) = 8 neurons.
        #expect(cores[0].storedSynapses == 2 && cores[0].neuronCount == 8 && cores[0].fanOut == 1)
        // fc reads a flattened [2, 2, 2]: a 2×2 kernel on 2 channels, 2 outputs → 2·2^(2+1) = 16.
        #expect(cores[1].storedSynapses == 16 && cores[1].fanIn == 2 && cores[1].fanOut == 0)
    }

    @Test func speckRejectsLIFSayingItRunsIntegrateAndFire() throws {
        #expect {
            try compile(IRFixtures.convNet(), for: Self.speck())
        } throws: { error in
            guard let e = error as? CompileError else { return false }
            return e.kind == .leak && e.reason.contains("speck runs integrate-and-fire neurons")
                && e.hint?.contains("--neuron if --reset subtract") == true
        }
    }

    @Test func matchingFollowsSinabsOrder() {
        // Breadth-first augmenting paths move an earlier layer when a later one needs its core.
        #expect(matchLayersToCores([[0, 1], [0]], cores: 2) == [1, 0])
        #expect(matchLayersToCores([[0, 1], [0, 1], [0, 1]], cores: 2) == [0, 1, nil])
        #expect(LayerCoreMemory.ceilLog2(1) == 0 && LayerCoreMemory.ceilLog2(9) == 4 && LayerCoreMemory.ceilLog2(16) == 4)
    }
}
