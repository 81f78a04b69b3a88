import Foundation
import SNNFormat
import SNNInterop
import SNNTensor
import SNNTrain
import Testing

/// A small NIR graph built in Swift: conv → LIF → SumPool2d + IF (max-pool) → flatten → affine.
func smallDocument(ifThreshold: Float = 1, poolType: String = "SumPool2d") -> NIRDocument {
    func full(_ v: Float, _ shape: [Int]) -> NIRField { .floats(Array(repeating: v, count: shape.reduce(1, *)), shape: shape) }
    let weight = (0..<18).map { Float($0 % 5) * 0.25 - 0.5 }
    let fc = (0..<24).map { Float($0 % 7) * 0.1 - 0.3 }
    return NIRDocument(
        nodes: [
            NIRNode(name: "in", type: "Input", fields: [("shape", .ints([1, 4, 4], shape: [3]))]),
            NIRNode(
                name: "conv", type: "Conv2d",
                fields: [
                    ("weight", .floats(weight, shape: [2, 1, 3, 3])), ("bias", .floats([0.1, -0.1], shape: [2])),
                    ("stride", .ints([1, 1], shape: [2])), ("padding", .ints([1, 1], shape: [2])),
                    ("dilation", .ints([1, 1], shape: [2])), ("groups", .int(1)), ("input_shape", .ints([4, 4], shape: [2])),
                ]),
            NIRNode(
                name: "lif", type: "LIF",
                fields: [
                    ("tau", full(2, [2, 4, 4])), ("r", full(1, [2, 4, 4])),
                    ("v_leak", full(0, [2, 4, 4])), ("v_threshold", full(1, [2, 4, 4])),
                    ("v_reset", full(0, [2, 4, 4])),
                ]),
            NIRNode(
                name: "pool", type: poolType,
                fields: [
                    ("kernel_size", .ints([2, 2], shape: [2])),
                    ("stride", .ints([2, 2], shape: [2])), ("padding", .ints([0, 0], shape: [2])),
                ]),
            NIRNode(
                name: "fire", type: "IF",
                fields: [
                    ("r", full(1, [2, 2, 2])), ("v_threshold", full(ifThreshold, [2, 2, 2])),
                    ("v_reset", full(0, [2, 2, 2])),
                ]),
            NIRNode(
                name: "flat", type: "Flatten",
                fields: [
                    ("start_dim", .int(0)), ("end_dim", .int(-1)),
                    ("input_type", .ints([2, 2, 2], shape: [3])),
                ]),
            NIRNode(
                name: "fc", type: "Affine",
                fields: [("weight", .floats(fc, shape: [3, 8])), ("bias", .floats([0, 0.5, -0.5], shape: [3]))]),
            NIRNode(name: "out", type: "Output", fields: [("shape", .ints([3], shape: [1]))]),
        ], edges: [("in", "conv"), ("conv", "lif"), ("lif", "pool"), ("pool", "fire"), ("fire", "flat"), ("flat", "fc"), ("fc", "out")])
}

func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "snnc-interop-\(UUID().uuidString)-" + name
}

@Suite("NIR import")
struct NIRImportTests {
    @Test func importsAndRecognisesMaxPooling() throws {
        let model = try NIRImporter.model(from: smallDocument())
        #expect(model.inputShape == [1, 4, 4])
        #expect(model.classes == 3)
        #expect(model.maxPools.map(\.pool) == ["pool"])
        #expect(model.graph.nodes.map(\.name) == ["conv", "lif", "pool", "flat", "fc"])
        guard case .maxPool(_, let fire)? = model.graph.nodes.first(where: { $0.name == "pool" })?.op else {
            Issue.record("pool is not a max-pool")
            return
        }
        #expect(fire == FireSpec(name: "fire", r: 1, threshold: 1))
    }

    @Test func anIFAboveTheWindowSumIsNotMaxPooling() throws {
        // Threshold 1.5 > r: one spike in the window does not fire, so the pair stays sum-pool + IF.
        let model = try NIRImporter.model(from: smallDocument(ifThreshold: 1.5))
        #expect(model.maxPools.isEmpty)
        #expect(model.graph.nodes.map(\.name) == ["conv", "lif", "pool", "fire", "flat", "fc"])
    }

    /// SpikingJelly's exporter has no sum pool: max-pooling comes as AvgPool2d + IF with
    /// v_threshold ≤ r / (kH·kW) (here 1/4 for a 2×2 window), which is max-pooling too.
    @Test func anAveragePoolWithAnIFBelowOneSpikeIsMaxPooling() throws {
        let model = try NIRImporter.model(from: smallDocument(ifThreshold: 0.25, poolType: "AvgPool2d"))
        #expect(model.maxPools.map(\.pool) == ["pool"])
        guard case .maxPool(let window, let fire)? = model.graph.nodes.first(where: { $0.name == "pool" })?.op else {
            Issue.record("pool is not a max-pool")
            return
        }
        #expect(window.kernel == [2, 2] && window.stride == [2, 2])
        #expect(fire == FireSpec(name: "fire", r: 1, threshold: 0.25, averagePool: true))
        // Above r / 4 one spike in the window does not fire: an average pool and an IF neuron stay.
        let above = try NIRImporter.model(from: smallDocument(ifThreshold: 0.3, poolType: "AvgPool2d"))
        #expect(above.maxPools.isEmpty)
        #expect(above.graph.nodes.map(\.name) == ["conv", "lif", "pool", "fire", "flat", "fc"])
    }

    @Test(arguments: [("SumPool2d", Float(1)), ("AvgPool2d", Float(0.25))])
    func roundTripPreservesEveryField(_ poolType: String, _ threshold: Float) throws {
        let document = smallDocument(ifThreshold: threshold, poolType: poolType)
        let path = temporaryPath("rt.nir")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try document.write(to: path)
        let read = try NIRDocument.read(path)
        let state = try NIRImporter.model(from: read).trainingState(
            timeSteps: 3, config: TrainingConfig(epochs: 0, data: DataConfig(dataset: "fmnist", directory: "/nonexistent")))
        let back = try NIRExporter.document(of: state, producer: "test")
        #expect(Set(back.nodes.map(\.name)) == Set(document.nodes.map(\.name)))
        #expect(Set(back.edges.map { "\($0.0)>\($0.1)" }) == Set(document.edges.map { "\($0.0)>\($0.1)" }))
        for node in document.nodes {
            let other = try #require(back.node(node.name))
            #expect(other.type == node.type)
            for (key, field) in node.fields {
                let returned = try #require(other.field(key), "\(node.name).\(key) is missing")
                #expect(returned.doubles == field.doubles && returned.shape == field.shape, "\(node.name).\(key)")
            }
        }
    }

    @Test func dtDividesTimeConstantsAndScalesIFInput() throws {
        var document = smallDocument(ifThreshold: 1.5)
        let i = try #require(document.nodes.firstIndex { $0.name == "lif" })
        document.nodes[i].fields[0].1 = .doubles(Array(repeating: 2e-4, count: 32), shape: [2, 4, 4])
        let j = try #require(document.nodes.firstIndex { $0.name == "fire" })
        document.nodes[j].fields[0].1 = .doubles(Array(repeating: 1e4, count: 8), shape: [2, 2, 2])
        let model = try NIRImporter.model(from: document, mapping: NeuronMapping(dt: 1e-4))
        guard case .neuron(let lif)? = model.graph.nodes.first(where: { $0.name == "lif" })?.op,
            case .neuron(let fire)? = model.graph.nodes.first(where: { $0.name == "fire" })?.op
        else {
            Issue.record("neurons missing")
            return
        }
        #expect(lif.tau == 2)
        #expect(fire.tau == nil && fire.gain == 1)
        let strict = try NIRImporter.model(from: document, mapping: NeuronMapping(dt: 1e-4, fireOnGreater: true))
        guard case .neuron(let strictLIF)? = strict.graph.nodes.first(where: { $0.name == "lif" })?.op else { return }
        #expect(strictLIF.threshold == Float(1).nextUp)
    }
}

@Suite("NIR import errors")
struct NIRImportErrorTests {
    func error(_ document: NIRDocument) -> NIRImportError? {
        do {
            _ = try NIRImporter.model(from: document)
            return nil
        } catch let e as NIRImportError {
            return e
        } catch {
            return NIRImportError(node: nil, field: nil, reason: "unexpected \(error)")
        }
    }

    @Test func unknownNodeType() {
        var document = smallDocument()
        document.nodes[2].type = "LI"
        let e = error(document)
        #expect(e?.node == "lif" && e?.field == "type")
    }

    @Test func perNeuronParameter() {
        var document = smallDocument()
        var tau = [Float](repeating: 2, count: 32)
        tau[5] = 3
        document.nodes[2].fields[0].1 = .floats(tau, shape: [2, 4, 4])
        let e = error(document)
        #expect(e?.node == "lif" && e?.field == "tau")
        #expect(e?.reason.contains("flat index 5") == true)
    }

    @Test func cycle() {
        var document = smallDocument()
        document.edges.append(("fire", "lif"))
        let e = error(document)
        #expect(e?.field == "edges")
        #expect(e?.reason.contains("cycle") == true)
    }

    @Test func mismatchedShapes() {
        var document = smallDocument()
        document.nodes[6].fields[0].1 = .floats(Array(repeating: 0, count: 27), shape: [3, 9])
        let e = error(document)
        #expect(e?.node == "fc" && e?.field == "weight")
        var conv = smallDocument()
        conv.nodes[1].fields[6].1 = .ints([5, 5], shape: [2])
        #expect(error(conv)?.field == "input_shape")
    }

    @Test func groupedConvAndReset() {
        var document = smallDocument()
        document.nodes[1].fields[5].1 = .int(2)
        #expect(error(document)?.field == "groups")
        var reset = smallDocument()
        reset.nodes[2].fields[4].1 = .floats(Array(repeating: 0.25, count: 32), shape: [2, 4, 4])
        #expect(error(reset)?.field == "v_reset")
    }

    @Test func unconnectedNode() {
        var document = smallDocument()
        document.nodes.append(NIRNode(name: "stray", type: "Flatten", fields: []))
        let e = error(document)
        #expect(e?.node == "stray" && e?.field == "edges")
    }
}

@Suite("NIR export of built-in models")
struct NIRExportTests {
    /// A small model with batch norm and max-pooling, exported to NIR (BN folded, max-pool as
    /// SumPool2d + IF) and imported again, computes the same logits and predictions.
    /// Also for a `--ternary-weights` model: the NIR graph holds the ternary weights it computes
    /// with, so the reimported float model gives its outputs.
    @Test(arguments: [false, true])
    func exportedModelReimportsWithTheSameOutputs(ternary: Bool) throws {
        var spec = ModelSpec(
            architecture: .small, width: 0.125, inputChannels: 1, inputHeight: 8, inputWidth: 8, classes: 4,
            timeSteps: 3, pooling: .max)
        spec.ternaryWeights = ternary ? true : nil
        let config = TrainingConfig(epochs: 1, data: DataConfig(dataset: "fmnist", directory: "/nonexistent"))
        var state = try TrainingState(spec: spec, config: config)
        // Non-trivial BN statistics, so folding is exercised.
        state.setBatchNormStatistics(variance: { 0.5 + Float($0 % 3) * 0.25 }, mean: { Float($0 % 4) * 0.05 })
        // Larger weights than the initialisation, so that every layer spikes.
        for i in state.parameters.parameters.indices where state.parameters.parameters[i].role == .weight {
            state.parameters.parameters[i].value.scalars = state.parameters.parameters[i].value.scalars.map { $0 * 3 }
        }
        let document = try NIRExporter.document(of: state, producer: "test")
        #expect(document.nodes.contains { $0.type == "IF" && $0.name == "pool1.fire" })
        #expect(!document.nodes.contains { $0.name.hasPrefix("bn") })
        let imported = try NIRImporter.model(from: document)
        #expect(imported.maxPools.count == 2)
        let back = try imported.trainingState(timeSteps: 3, config: config)

        var rng = SeededRNG(seed: 3)
        let images = Tensor(shape: [6, 1, 8, 8], scalars: (0..<384).map { _ in rng.nextFloat(in: -2, 2) * 2 })
        func logits(_ s: TrainingState) throws -> Tensor {
            var network = Network(graph: try LayerGraph(s.spec), parameters: s.parameters)
            var parameters = s.parameters
            let pass = network.forward(images, parameters: &parameters, training: false)
            // Spikes in every layer, so that every weight reaches the logits.
            #expect(pass.spikeCounts.allSatisfy { $0.spikes > 0 }, "\(pass.spikeCounts)")
            return pass.logits
        }
        let a = try logits(state)
        let b = try logits(back)
        #expect(a.shape == b.shape)
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-4, "largest logit difference \(worst)")
        #expect(a.scalars.contains { $0 != 0 })
    }

    /// `smallDocument()` with one node's field replaced.
    static func document(setting field: String, of node: String, to value: NIRField) -> NIRDocument {
        var document = smallDocument()
        for n in document.nodes.indices where document.nodes[n].name == node {
            document.nodes[n].fields = document.nodes[n].fields.map { $0.0 == field ? (field, value) : $0 }
        }
        return document
    }

    /// The import of `document` fails with a `NIRImportError` naming `node` and `field`.
    static func expectImportError(_ document: NIRDocument, node: String?, field: String?, saying fragment: String) {
        #expect {
            try NIRImporter.model(from: document)
        } throws: { error in
            guard let e = error as? NIRImportError else { return false }
            return e.node == node && e.field == field && e.description.contains(fragment)
        }
    }

    @Test func aWindowLargerThanItsPaddedInputIsANamedErrorNotACrash() throws {
        // A 2×2 pool on the 4×4 conv output fits; a 5×5 one does not (and used to trap).
        Self.expectImportError(
            Self.document(setting: "kernel_size", of: "pool", to: .ints([5, 5], shape: [2])),
            node: "pool", field: nil, saying: "does not fit")
        // A conv kernel of 7×7 with padding 1 on a 4×4 input.
        var big = smallDocument()
        for n in big.nodes.indices where big.nodes[n].name == "conv" {
            big.nodes[n].fields = big.nodes[n].fields.map {
                $0.0 == "weight" ? ("weight", .floats(Array(repeating: 0.1, count: 2 * 49), shape: [2, 1, 7, 7])) : $0
            }
        }
        Self.expectImportError(big, node: "conv", field: nil, saying: "does not fit")
    }

    @Test func hugeOrDuplicateValuesAreNamedErrors() throws {
        Self.expectImportError(
            Self.document(setting: "padding", of: "pool", to: .ints([1 << 40, 0], shape: [2])),
            node: "pool", field: "padding", saying: "out of range")
        Self.expectImportError(
            Self.document(setting: "shape", of: "in", to: .ints([1 << 20, 1 << 20, 1 << 20], shape: [3])),
            node: "in", field: "shape", saying: "input shape")
        var twice = smallDocument()
        twice.nodes.append(NIRNode(name: "lif", type: "LIF", fields: []))
        Self.expectImportError(twice, node: "lif", field: nil, saying: "two nodes have this name")
    }
}
