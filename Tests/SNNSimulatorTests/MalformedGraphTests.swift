import SNNIR
import SNNSimulator
import SNNSimulatorFixtures
import Testing

/// Malformed or unsupported IR values fail with an error naming the layer, never a crash.
@Suite struct MalformedGraphTests {
    static func chain() -> Graph { TinyNetworks.chain(compareB: .greaterOrEqual) }

    /// `graph` with the layer `name` changed; a name the graph does not have is a test failure
    /// (the change would silently do nothing).
    static func withLayer(
        _ name: String, in graph: Graph, sourceLocation: SourceLocation = #_sourceLocation,
        _ change: (inout Layer) -> Void
    ) -> Graph {
        var graph = graph
        guard let i = graph.index(of: name) else {
            Issue.record("the graph has no layer '\(name)'", sourceLocation: sourceLocation)
            return graph
        }
        change(&graph.layers[i])
        return graph
    }

    static func expectBoth(_ graph: Graph, _ error: SimulatorError) {
        #expect(throws: error) { try EventSimulator(graph) }
        #expect(throws: error) { try DenseReference(graph) }
    }

    @Test func convOutputShapeMismatch() throws {
        // The encoder conv of the small VGG maps [2, 12, 12] to [6, 12, 12]; one row less is malformed.
        let graph = SyntheticPresets.smallVGG(options: SyntheticOptions(density: 1, seed: 1))
        let conv = try #require(graph.layers.first { if case .conv = $0.op { true } else { false } })
        #expect(conv.shape == [6, 12, 12])
        let broken = Self.withLayer(conv.name, in: graph) { layer in layer.shape = [6, 11, 12] }
        Self.expectBoth(
            broken,
            .shapeMismatch(
                layer: conv.name,
                detail: "output shape [6, 11, 12] but the convolution gives [6, 12, 12]"))
    }

    @Test func weightCountMismatch() {
        let graph = Self.withLayer("fc", in: Self.chain()) { layer in
            guard case .linear(var linear) = layer.op else { return }
            linear.weights.quantized?.values = [30, 1]
            layer.op = .linear(linear)
        }
        Self.expectBoth(graph, .shapeMismatch(layer: "fc", detail: "2 integer weights, expected 1"))
    }

    @Test func biasCountMismatch() {
        let graph = Self.withLayer("readout", in: Self.chain()) { layer in
            guard case .linear(var linear) = layer.op else { return }
            linear.weights.quantized?.bias = [1, 2, 3]
            layer.op = .linear(linear)
        }
        Self.expectBoth(graph, .shapeMismatch(layer: "readout", detail: "3 integer bias values, expected 1"))
    }

    @Test func fanoutOfTheWrongSize() {
        let graph = Self.withLayer("fc", in: Self.chain()) { layer in
            guard case .linear(var linear) = layer.op else { return }
            linear.weights.fanout = CSRMatrix(dense: [30, 30], rows: 1, columns: 2)
            layer.op = .linear(linear)
        }
        #expect(throws: SimulatorError.invalidFanout(layer: "fc", detail: "table is 1×2, expected 1×1")) {
            try EventSimulator(graph)
        }
    }

    @Test func missingFanoutStopsOnlyTheEventSimulator() throws {
        let graph = Self.withLayer("fc", in: Self.chain()) { layer in
            guard case .linear(var linear) = layer.op else { return }
            linear.weights.fanout = nil
            layer.op = .linear(linear)
        }
        #expect(throws: SimulatorError.notLowered(layer: "fc")) { try EventSimulator(graph) }
        #expect(try DenseReference(graph).run(quantizedImage: [3]).logits == [16])
    }

    @Test func unquantizedNeurons() {
        let graph = Self.withLayer("b", in: Self.chain()) { layer in
            layer.op = .lif(LIFGroup(tau: 4.0 / 3.0, threshold: 1))
        }
        Self.expectBoth(graph, .notQuantized(layer: "b"))
    }

    @Test func unfoldedBatchNorm() {
        var graph = Self.chain()
        graph.layers.insert(
            Layer(
                name: "bn", inputs: ["enc"], shape: [1, 1, 1],
                op: .batchNorm(BatchNormLayer(mean: [0], variance: [1], gamma: [1], beta: [0]))), at: 2)
        graph.layers[3].inputs = ["bn"]
        Self.expectBoth(graph, .unsupported(layer: "bn", reason: "batch norm must be folded first (foldBatchNorm)"))
    }

    @Test func lifReadingAStreamIsUnsupported() {
        let graph = Self.withLayer("b", in: Self.chain()) { layer in layer.inputs = ["a"] }
        Self.expectBoth(graph, .unsupported(layer: "b", reason: "a LIF group must read a synaptic layer or an add, not 'a'"))
    }

    @Test func unfoldedAveragePool() {
        var graph = SyntheticPresets.smallResNet(options: SyntheticOptions(density: 1, seed: 1))
        let i = graph.layers.firstIndex { if case .pool = $0.op { true } else { false } } ?? 0
        guard case .pool(var pool) = graph.layers[i].op else { return }
        pool.kind = .average
        graph.layers[i].op = .pool(pool)
        Self.expectBoth(
            graph,
            .unsupported(
                layer: graph.layers[i].name,
                reason: "an average pool must be folded into its readers first (the compiler's foldAveragePooling makes it a sum pool)"))
    }

    @Test func readoutMustBeLinear() {
        var graph = Self.chain()
        graph.layers.removeLast()
        Self.expectBoth(graph, .unsupported(layer: "b", reason: "the last layer must be the linear readout"))
    }

    @Test func danglingInputIsAStructuralProblem() {
        let graph = Self.withLayer("fc", in: Self.chain()) { layer in layer.inputs = ["nowhere"] }
        Self.expectBoth(graph, .invalidGraph(problems: ["layer 'fc' reads 'nowhere', which is not an earlier layer"]))
    }

    @Test func wrongImageSize() throws {
        #expect(throws: SimulatorError.imageSize(expected: 1, found: 4)) {
            try EventSimulator(Self.chain()).run(quantizedImage: [1, 2, 3, 4])
        }
        #expect(throws: SimulatorError.imageSize(expected: 1, found: 4)) {
            try DenseReference(Self.chain()).run(quantizedImage: [1, 2, 3, 4])
        }
    }

    @Test func analogImagesNeedAnInputQuantization() throws {
        var graph = Self.chain()
        graph.inputQuantization = nil
        #expect(throws: SimulatorError.missingInputQuantization) { try EventSimulator(graph).run(image: [0.5]) }
        // With the fixture's scale 1/64: 3/64 quantises to 3.
        #expect(try EventSimulator(Self.chain()).run(image: [3.0 / 64]).logits == [16])
    }

    @Test func placementThatMissesNeurons() {
        var graph = TinyNetworks.placedChain()
        graph.placement?.cores.removeLast()
        #expect(throws: SimulatorError.invalidPlacement(detail: "the cores of 'b' do not tile its neurons: core 2 starts at 1, expected 0"))
        {
            try EventSimulator(graph, cost: CostModelTests.model)
        }
    }

    @Test func errorsReadAsSentences() {
        #expect(
            SimulatorError.notLowered(layer: "conv3").description
                == "layer 'conv3' has no fan-out table (run the compiler's lowerToCSR pass first)")
        #expect(SimulatorError.shapeMismatch(layer: "fc", detail: "x").description == "layer 'fc' has inconsistent shapes: x")
    }
}
