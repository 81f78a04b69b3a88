import Foundation
import SNNIR
import Testing

@testable import SNNCompiler

/// snnc's single-core mapping of Xylo Audio 2 against rockpool 3.1.0, SynSense's own tool.
///
/// `scripts/vendor/xylo-rockpool.py` ran rockpool's Xylo mapper on the networks in
/// `experiments/xylo-rockpool/rockpool-3.1.0.json` and recorded per network the neurons per class,
/// the input channels, the input, recurrent and output weights, the largest hidden fan-out, the
/// neuron ids, and whether it fits with rockpool's reason. These tests build the same networks
/// from the specs in that file and require snnc's answers to be the same.
@Suite("Xylo against rockpool")
struct XyloRockpoolTests {
    struct Results: Decodable {
        var tool: String
        var limits: Limits
        var networks: [Network]
    }

    struct Limits: Decodable {
        var maxHiddenNeurons: Int
        var maxOutputNeurons: Int
        var inputChannels: Int
        var maxFanOut: Int
        var recurrentEntries: Int
    }

    struct Network: Decodable {
        var name: String
        var spec: Spec
        var counts: Counts
        var hiddenIds: [[Int]]?
        var outputIds: [[Int]]?
        var fits: Bool
        var reason: String?
        var reasonClass: String?
    }

    struct Spec: Decodable {
        var inputs: Int
        var layers: [SpecLayer]
    }

    struct SpecLayer: Decodable {
        var out: Int
        var band: Int?
    }

    struct Counts: Decodable {
        var inputs: Int
        var hidden: Int
        var output: Int
        var inputWeights: Int
        var recurrentWeights: Int
        var outputWeights: Int
        var maxHiddenFanOut: Int
    }

    static func results() throws -> Results { try Repository.decodeJSON("experiments/xylo-rockpool/rockpool-3.1.0.json") }

    static func xylo() throws -> ChipProfile { try ChipProfile.load(from: Repository.targets + "/xylo.toml") }

    /// The network as an SNNIR graph: `input [n] → fc0 → lif0 → fc1 → lif1 → … → readout`, each
    /// linear layer dense or banded as in the spec (input i reaches outputs o with
    /// (o − i) mod out < band), weights 0.5, no biases; the last linear layer is the readout.
    static func graph(_ spec: Spec, name: String) -> Graph {
        var layers = [Layer(name: "input", inputs: [], shape: [spec.inputs], op: .input)]
        var inputs = spec.inputs
        for (i, l) in spec.layers.enumerated() {
            var values = [Float](repeating: 0, count: l.out * inputs)
            for o in 0..<l.out {
                for j in 0..<inputs where ((o - j) % l.out + l.out) % l.out < (l.band ?? l.out) { values[o * inputs + j] = 0.5 }
            }
            let linear = LinearLayer(
                inFeatures: inputs, outFeatures: l.out,
                weights: SynapticWeights(weight: DenseTensor(shape: [l.out, inputs], values: values), bias: nil))
            layers.append(Layer(name: "fc\(i)", inputs: [layers[layers.count - 1].name], shape: [l.out], op: .linear(linear)))
            if i < spec.layers.count - 1 {
                layers.append(
                    Layer(
                        name: "lif\(i)", inputs: ["fc\(i)"], shape: [l.out], op: .lif(LIFGroup(tau: 2, threshold: 1, resetMode: .subtract)))
                )
            }
            inputs = l.out
        }
        return Graph(name: name, timeSteps: 1, layers: layers, inputRange: InputRange(maxAbs: 1, source: "test"))
    }

    static func assign(_ graph: Graph, _ profile: ChipProfile) -> Result<SingleCoreAssignment, CompileError> {
        Result { () throws(CompileError) in try assignSingleCore(graph, for: profile) }
    }

    /// The rockpool rule each profile key stands for (the `reason_class` the script records).
    static let ruleOfLimit: [String: String] = [
        "[cores] mapping": "neuron-layers", "[cores] neurons_per_core": "hidden-neurons",
        "[cores] fan_out_per_core": "output-neurons", "[cores] fan_in_per_core": "input-channels",
        "[cores] max_fan_out_per_neuron": "fan-out", "[cores] synapse_memory_bytes_per_core": "recurrent-weights",
    ]

    @Test func theProfileHasRockpoolsLimits() throws {
        let limits = try Self.results().limits
        let xylo = try Self.xylo()
        #expect(try Self.results().tool == "rockpool 3.1.0")
        #expect(xylo.cores.mapping == .singleCore && xylo.cores.count == 1)
        #expect(xylo.cores.neuronsPerCore == limits.maxHiddenNeurons)
        #expect(xylo.cores.fanOutPerCore == limits.maxOutputNeurons)
        #expect(xylo.cores.fanInPerCore == limits.inputChannels)
        #expect(xylo.cores.maxFanOutPerNeuron == limits.maxFanOut)
        #expect(xylo.cores.synapseMemoryBytesPerCore * 8 / xylo.numerics.weightBits == limits.recurrentEntries)
        #expect(xylo.numerics.weightBits == 8)
    }

    @Test func neuronClassesAndWeightCountsEqualRockpool() throws {
        let results = try Self.results()
        #expect(results.networks.count >= 5)
        for network in results.networks {
            let a = try singleCoreUse(Self.graph(network.spec, name: network.name))
            let c = network.counts
            let at = network.name
            #expect(a.inputChannels == c.inputs, "\(at): input channels")
            #expect(a.hiddenNeurons == c.hidden, "\(at): hidden neurons")
            #expect(a.outputNeurons == c.output, "\(at): output neurons")
            #expect(a.inputSynapses == c.inputWeights, "\(at): input weights")
            #expect(a.recurrentSynapses == c.recurrentWeights, "\(at): recurrent weights")
            #expect(a.outputSynapses == c.outputWeights, "\(at): output weights")
            #expect(a.maxHiddenFanOut == c.maxHiddenFanOut, "\(at): largest hidden fan-out")
            if let hidden = network.hiddenIds, let output = network.outputIds {
                let ids = { (k: SingleCoreAssignment.NeuronClass, base: Int) in
                    a.groups.filter { $0.neuronClass == k }.map { [base + $0.firstNeuron, base + $0.firstNeuron + $0.count - 1] }
                }
                // rockpool numbers output neurons after the hidden ones: from max_hidden_neurons.
                #expect(ids(.hidden, 0) == hidden, "\(at): hidden neuron ids")
                #expect(ids(.output, results.limits.maxHiddenNeurons) == output, "\(at): output neuron ids")
            }
        }
    }

    @Test func fitAndReasonEqualRockpool() throws {
        let results = try Self.results()
        let xylo = try Self.xylo()
        #expect(results.networks.contains { $0.fits } && results.networks.contains { !$0.fits })
        for network in results.networks {
            switch Self.assign(Self.graph(network.spec, name: network.name), xylo) {
            case .success:
                #expect(network.fits, "\(network.name): snnc fits it, rockpool does not (\(network.reason ?? ""))")
            case .failure(let error):
                #expect(!network.fits, "\(network.name): rockpool fits it, snnc does not: \(error)")
                let key = error.limit.map { String($0.prefix { $0 != "=" && $0 != "(" }).trimmingCharacters(in: .whitespaces) }
                #expect(
                    key.flatMap { Self.ruleOfLimit[$0] } == network.reasonClass,
                    "\(network.name): snnc says \(error), rockpool \(network.reason ?? "")")
            }
        }
    }

    func failure(_ name: String) throws -> CompileError {
        let network = try #require(try Self.results().networks.first { $0.name == name })
        if case .failure(let error) = Self.assign(Self.graph(network.spec, name: name), try Self.xylo()) { return error }
        Issue.record("\(name) fits")
        return CompileError(.capacity, reason: "")
    }

    @Test func noFitErrorsNameLayerKeyAndLimit() throws {
        let hidden = try failure("too-many-hidden")
        #expect(hidden.layer == "lif0" && hidden.limit == "[cores] neurons_per_core = 1000")
        #expect(hidden.reason.contains("1100 hidden neurons") && hidden.reason.contains("'lif1' 500"))
        let outputs = try failure("too-many-outputs")
        #expect(outputs.layer == "fc1" && outputs.limit == "[cores] fan_out_per_core = 8" && outputs.reason.contains("10 output neurons"))
        let inputs = try failure("too-many-inputs")
        #expect(inputs.layer == "fc0" && inputs.limit == "[cores] fan_in_per_core = 16" && inputs.reason.contains("20 input channels"))
        let fanOut = try failure("fan-out-too-large")
        #expect(fanOut.layer == "lif0" && fanOut.limit == "[cores] max_fan_out_per_neuron = 64")
        #expect(fanOut.reason.contains("128 hidden neurons"))
        let memory = try failure("too-many-recurrent-weights")
        #expect(
            memory.layer == "lif1" && memory.limit == "[cores] synapse_memory_bytes_per_core = 32000 (32000 recurrent weights of 8 bits)")
        #expect(memory.reason.contains("36000 non-zero weights"))
        let flat = try failure("no-hidden-layer")
        #expect(flat.kind == .unsupportedGraph && flat.layer == "fc0" && flat.reason.contains("needs hidden neurons"))
    }

    /// `input [1, s, s] → conv (3×3, 4 channels) → lif → sum pool 2 → flatten → fc (→ 3)`.
    static func convNet(side s: Int) -> Graph {
        let conv = ConvLayer(
            inputShape: [1, s, s], outChannels: 4, geometry: ConvGeometry(kernelH: 3, kernelW: 3, padH: 1, padW: 1),
            encoder: true,
            weights: SynapticWeights(weight: DenseTensor(shape: [4, 1, 3, 3], values: .init(repeating: 0.5, count: 36)), bias: nil))
        let pooled = 4 * (s / 2) * (s / 2)
        let fc = LinearLayer(
            inFeatures: pooled, outFeatures: 3,
            weights: SynapticWeights(weight: DenseTensor(shape: [3, pooled], values: .init(repeating: 0.5, count: 3 * pooled)), bias: nil))
        let pool = PoolLayer(kind: .sum, geometry: ConvGeometry(kernelH: 2, kernelW: 2, strideH: 2, strideW: 2))
        let layers = [
            Layer(name: "input", inputs: [], shape: [1, s, s], op: .input),
            Layer(name: "conv", inputs: ["input"], shape: [4, s, s], op: .conv(conv)),
            Layer(name: "lif", inputs: ["conv"], shape: [4, s, s], op: .lif(LIFGroup(tau: 2, threshold: 1, resetMode: .subtract))),
            Layer(name: "pool", inputs: ["lif"], shape: [4, s / 2, s / 2], op: .pool(pool)),
            Layer(name: "flatten", inputs: ["pool"], shape: [pooled], op: .flatten),
            Layer(name: "fc", inputs: ["flatten"], shape: [3], op: .linear(fc)),
        ]
        return Graph(name: "conv", timeSteps: 1, layers: layers, inputRange: InputRange(maxAbs: 1, source: "test"))
    }

    @Test func sizeIsCheckedBeforePooling() throws {
        // An 8×8 image is 64 input channels: the size error comes first, not the pooling one.
        if case .failure(let e) = Self.assign(Self.convNet(side: 8), try Self.xylo()) {
            #expect(e.layer == "conv" && e.limit == "[cores] fan_in_per_core = 16" && e.reason.contains("64 input channels"))
        } else {
            Issue.record("64 input channels fit a single core")
        }
        // 4×4 = 16 channels and 64 hidden neurons fit; then the pooling is named.
        if case .failure(let e) = Self.assign(Self.convNet(side: 4), try Self.xylo()) {
            #expect(e.kind == .unsupportedGraph && e.layer == "pool" && e.reason.contains("no pooling"))
        } else {
            Issue.record("a pooled network fits a single core")
        }
        #expect(try singleCoreUse(Self.convNet(side: 4)).hiddenNeurons == 64)
    }

    @Test func prunedWeightsFreeFanOutAndMemory() throws {
        // fan-out-too-large with every other weight of fc1 zeroed: each lif0 neuron reaches 64.
        let network = try #require(try Self.results().networks.first { $0.name == "fan-out-too-large" })
        var graph = Self.graph(network.spec, name: "pruned")
        let index = try #require(graph.index(of: "fc1"))
        guard case .linear(var fc1) = graph.layers[index].op else { throw CompileError(.passOrder, reason: "fc1") }
        var values = fc1.weights.weight.values
        for k in values.indices where (k / 128) % 2 == 1 { values[k] = 0 }
        fc1.weights = SynapticWeights(weight: DenseTensor(shape: [128, 128], values: values), bias: nil)
        graph.layers[index].op = .linear(fc1)
        let a = try assignSingleCore(graph, for: Self.xylo())
        #expect(a.maxHiddenFanOut == 64 && a.recurrentSynapses == 128 * 64)
    }

    @Test func compileRunsOnXyloAndPlacesEveryGroupOnCoreZero() throws {
        let network = try #require(try Self.results().networks.first { $0.name == "small-fits" })
        var profile = try Self.xylo()
        profile.numerics.leak = .multiply12  // the LIF leak snnc trains today; Xylo's shift leak is another task
        let g = try compile(Self.graph(network.spec, name: "small"), for: profile)
        let cores = try #require(g.placement?.cores)
        #expect(cores.map(\.population) == ["lif0", "lif1", "fc2"])
        #expect(cores.allSatisfy { $0.core == 0 })
        // lif0: dense 16 × 64 input weights; lif1: 64 × 32 recurrent; fc2: dense 32 × 8 output weights.
        #expect(cores.map(\.storedSynapses) == [1024, 2048, 256])
        #expect(g.estimates?.cores == 1 && g.estimates?.memoryBytes == 1024 + 2048 + 256)
    }

    @Test func aSingleCoreProfileNeedsOneCore() throws {
        var text = try Repository.read("targets/xylo.toml")
        text = text.replacingOccurrences(of: "\ncores = 1 ", with: "\ncores = 2 ")
        #expect {
            try ChipProfile.parse(text, file: "xylo2.toml")
        } throws: { error in
            String(describing: error).contains("needs [cores] cores = 1 (found 2)")
        }
    }
}
