import SNNIR
import SNNSimulator
import SNNSimulatorFixtures
import Testing

/// The comparison names the first mismatching layer, step and neuron.
@Suite struct VerificationTests {
    /// A kernel-CSR entry that disagrees with the integer weights (a `lowerToCSR` bug) changes
    /// the event simulator's spikes; the check names the first LIF group that differs.
    @Test func corruptedTableIsCaught() throws {
        var graph = SyntheticPresets.smallVGG(options: SyntheticOptions(density: 1, seed: 3))
        let i = try #require(graph.layers.firstIndex { if case .conv(let c) = $0.op { !c.encoder } else { false } })
        guard case .conv(var conv) = graph.layers[i].op, var table = conv.weights.fanout else { return }
        for k in table.values.indices { table.values[k] = -table.values[k] }
        conv.weights.fanout = table
        graph.layers[i].op = .conv(conv)
        let image = SyntheticImages.make(count: 1, shape: graph.layers[0].shape, seed: 3)[0]
        let (_, found) = try EventSimulator(graph).check(quantizedImage: image, against: DenseReference(graph))
        let mismatch = try #require(found)
        #expect(mismatch.layer == graph.layers[i + 1].name)  // the LIF group the conv feeds
        #expect(mismatch.coordinates.count == 3)
        #expect(mismatch.simulator != mismatch.reference)
        #expect(String(describing: mismatch).contains("layer '\(mismatch.layer)', step \(mismatch.step), neuron \(mismatch.neuron)"))
    }

    @Test func batchStopsAtTheFirstMismatchingImage() throws {
        var graph = SyntheticPresets.smallVGG(options: SyntheticOptions(density: 1, seed: 3))
        let reference = try DenseReference(graph)
        guard case .linear(var readout) = graph.layers[graph.layers.count - 1].op, var table = readout.weights.fanout else { return }
        table.values[0] += 1
        readout.weights.fanout = table
        graph.layers[graph.layers.count - 1].op = .linear(readout)
        let images = SyntheticImages.make(count: 6, shape: graph.layers[0].shape, seed: 3)
        let result = try EventSimulator(graph).run(quantizedImages: images, options: BatchOptions(threads: 2, reference: reference))
        let mismatch = try #require(result.mismatch)
        #expect(mismatch.layer == "readout")
        #expect(result.images == mismatch.image + 1)
    }

    @Test func firstDifferenceIsTheLowestUnitOfTheEarliestStep() {
        func inference(_ steps: [[Int32]]) -> Inference {
            Inference(
                logits: [0], logitsPerStep: steps.map { _ in [0] }, spikes: StepCounts(layers: ["l"], steps: steps.count),
                trace: SpikeTrace(layers: [LayerTrace(name: "l", shape: [2, 2, 3], steps: steps.map { EventList(indices: $0) })]))
        }
        let a = inference([[1, 4], [0, 5, 7], [2]])
        let b = inference([[1, 4], [0, 7, 9], [3]])
        let mismatch = Verification.firstMismatch(a, b, readout: "out", image: 4)
        #expect(mismatch == Mismatch(image: 4, layer: "l", step: 1, neuron: 5, coordinates: [0, 1, 2], simulator: 1, reference: 0))
        #expect(Verification.firstMismatch(a, a, readout: "out") == nil)
    }

    @Test func tracesAreSortedAndMatchTheCounts() throws {
        let graph = SyntheticPresets.smallResNet(options: SyntheticOptions(density: 0.3, seed: 8))
        let image = SyntheticImages.make(count: 1, shape: graph.layers[0].shape, seed: 8)[0]
        let result = try EventSimulator(graph).run(quantizedImage: image, trace: true)
        let trace = try #require(result.trace)
        #expect(trace.layers.map(\.name) == result.spikes.layers)
        for (l, layer) in trace.layers.enumerated() {
            #expect(layer.steps.map(\.count) == result.spikes.counts[l])
            for step in layer.steps { #expect(step.indices == step.indices.sorted()) }
        }
        // The (folded average) sum pool's counts carry payloads; spikes do not.
        #expect(trace.layers.first { $0.name.hasPrefix("sumpool") }?.steps.contains { $0.payloads != nil } == true)
        #expect(trace.layers.first { $0.name.hasPrefix("lif") }?.steps.allSatisfy { $0.payloads == nil } == true)
    }

    /// In a sparse network without biases, most neurons are never touched: the dirty tracking
    /// updates far fewer neurons than a dense sweep would.
    @Test func sparseNetworksUpdateFewNeurons() throws {
        let graph = SyntheticPresets.smallVGG(options: SyntheticOptions(density: 0.05, seed: 2, bias: false))
        let image = SyntheticImages.make(count: 1, shape: graph.layers[0].shape, seed: 2)[0]
        let result = try EventSimulator(graph).run(quantizedImage: image)
        let work = try #require(result.work)
        let neurons = graph.neuronGroups.reduce(0) { $0 + $1.unitCount } + 10
        #expect(work.neuronUpdates.total < neurons * graph.timeSteps)
    }
}
