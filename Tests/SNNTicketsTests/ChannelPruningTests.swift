import Foundation
import SNNData
import SNNTensor
import SNNTrain
import Testing

@testable import SNNTickets

/// Channel (neuron) pruning: the L1 criterion and its ties, which layer a round prunes, and the
/// reduced model (`TrainingState.keepingChannels`) against the unpruned one with the same
/// channels silenced.
@Suite("Channel pruning: filter L1 norms, reduced models")
struct ChannelPruningTests {
    /// The fixture model (`small` at width 0.125: conv 1→4, conv 4→8, fc 392→16, fc 16→10) with
    /// random batch-norm parameters and statistics, so that every slice of them matters, and
    /// weights scaled up so that every layer spikes.
    static func state(seed: UInt64 = 3) throws -> TrainingState {
        var state = try TrainingState(spec: Fixture.spec(), config: Fixture.training(seed: seed))
        var rng = SeededRNG(seed: seed + 100)
        for i in state.parameters.parameters.indices where state.parameters.parameters[i].name.hasPrefix("bn") {
            let scale = state.parameters.parameters[i].role == .scale
            for j in state.parameters.parameters[i].value.scalars.indices {
                state.parameters.parameters[i].value.scalars[j] = scale ? rng.nextFloat(in: 0.5, 2) : rng.nextFloat(in: 0, 1)
            }
        }
        for i in state.parameters.parameters.indices where state.parameters.parameters[i].role == .weight {
            // Larger weights than the initialisation's, so that spikes reach every layer.
            state.parameters.parameters[i].value.scalars = state.parameters.parameters[i].value.scalars.map { $0 * 6 }
        }
        for i in state.parameters.buffers.indices {
            let variance = state.parameters.buffers[i].name.hasSuffix("running_var")
            for j in state.parameters.buffers[i].value.scalars.indices {
                state.parameters.buffers[i].value.scalars[j] = variance ? rng.nextFloat(in: 0.5, 1.5) : rng.nextFloat(in: -0.2, 0.2)
            }
        }
        return state
    }

    static let selections = [
        ChannelSelection(layer: "conv1", channels: [0, 2, 3]),
        ChannelSelection(layer: "conv2", channels: [1, 3, 4, 5, 7]),
        ChannelSelection(layer: "fc1", channels: Array(0..<16).filter { $0 % 5 != 2 }),
    ]

    @Test func filtersRankByL1NormAndTiesGoToTheLowerIndex() throws {
        var parameters = try Fixture.parameters()
        var weight = parameters["conv1.weight"]
        // Rows of 9 weights with L1 norms 3, 1, 1, 2 (signs must not matter).
        let values: [Float] = [-1.0 / 3, 1.0 / 9, -1.0 / 9, 2.0 / 9]
        for (c, value) in values.enumerated() {
            for j in 0..<9 { weight.value.scalars[c * 9 + j] = j.isMultiple(of: 2) ? value : -value }
        }
        parameters["conv1.weight"] = weight
        let norms = ChannelPruning.filterNorms(parameters, layer: "conv1")
        #expect(norms.count == 4)
        for (norm, expected) in zip(norms, [3.0, 1, 1, 2]) { #expect(abs(norm - expected) < 1e-5) }
        #expect(ChannelPruning.weakest([3, 1, 1, 2], count: 1) == [1])
        #expect(ChannelPruning.weakest([3, 1, 1, 2], count: 3) == [1, 2, 3])
        #expect(ChannelPruning.weakest([0, 0, 0], count: 2) == [0, 1])
        #expect(ChannelPruning.weakest([2, 1], count: 0).isEmpty)
        // ⌊rate·C⌋, at least one, never the last channel.
        #expect(ChannelPruning.removalCount(of: 4, rate: 0.25) == 1)
        #expect(ChannelPruning.removalCount(of: 8, rate: 0.3) == 2)
        #expect(ChannelPruning.removalCount(of: 3, rate: 0.1) == 1)
        #expect(ChannelPruning.removalCount(of: 2, rate: 0.9) == 1)
        #expect(ChannelPruning.removalCount(of: 1, rate: 0.5) == 0)
        // The round removes exactly the weakest filters and records them as unpruned indices.
        var state = try Self.state()
        state.parameters = parameters
        let (reduced, removed) = try ChannelPruning.removingChannels(state, layer: "conv1", rate: 0.5)
        #expect(removed == [1, 2])
        #expect(reduced.spec.keptChannels == [ChannelSelection(layer: "conv1", channels: [0, 3])])
        let (again, second) = try ChannelPruning.removingChannels(reduced, layer: "conv1", rate: 0.5)
        #expect(second == [3])  // norms 3 and 2: the second filter of the reduced layer is channel 3
        #expect(again.spec.keptChannels == [ChannelSelection(layer: "conv1", channels: [0])])
    }

    @Test func theRoundPrunesTheLayerThatFeedsTheNamedNeurons() throws {
        let graph = try LayerGraph(Fixture.spec())
        #expect(ChannelPruning.prunableLayers(graph).map(\.name) == ["conv1", "conv2", "fc1"])
        #expect(ChannelPruning.layerToPrune(graph, named: "lif1") == "conv1")
        #expect(ChannelPruning.layerToPrune(graph, named: "lif2") == "conv2")
        #expect(ChannelPruning.layerToPrune(graph, named: "lif_fc1") == "fc1")
        // The classifier's outputs are never pruned: the layer with the most neurons is.
        #expect(ChannelPruning.layerToPrune(graph, named: "fc2") == "conv1")
        #expect(ChannelPruning.layerToPrune(graph, named: nil) == "conv1")
        var spec = Fixture.spec()
        spec.keptChannels = [ChannelSelection(layer: "conv1", channels: [2])]
        #expect(ChannelPruning.layerToPrune(try LayerGraph(spec), named: "lif1") == "conv2")
        spec.keptChannels? += [ChannelSelection(layer: "conv2", channels: [0]), ChannelSelection(layer: "fc1", channels: [9])]
        #expect(ChannelPruning.layerToPrune(try LayerGraph(spec), named: "lif1") == nil)
    }

    /// The reduced model computes, bit for bit in its spikes and up to float rounding in its
    /// logits, what the unpruned model computes with the removed channels silenced (BN γ = β = 0,
    /// a linear unit's row and bias 0): removing a channel removes it everywhere it is read.
    @Test func theReducedModelComputesWhatTheSilencedModelComputes() throws {
        let state = try Self.state()
        let reduced = try state.keepingChannels(Self.selections)
        #expect(try LayerGraph(reduced.spec).nodes.compactMap { $0.name.hasPrefix("lif") ? $0.shape[0] : nil } == [3, 5, 13])
        var silenced = state
        for (layer, bn) in [("conv1", "bn1"), ("conv2", "bn2")] {
            let kept = Set(Self.selections.first { $0.layer == layer }?.channels ?? [])
            for suffix in [".weight", ".bias"] {
                for c in silenced.parameters[bn + suffix].value.scalars.indices where !kept.contains(c) {
                    silenced.parameters[bn + suffix].value.scalars[c] = 0
                }
            }
        }
        let units = Set(Self.selections[2].channels)
        var weight = silenced.parameters["fc1.weight"]
        var bias = silenced.parameters["fc1.bias"]
        for c in 0..<16 where !units.contains(c) {
            for j in 0..<392 { weight.value.scalars[c * 392 + j] = 0 }
            bias.value.scalars[c] = 0
        }
        silenced.parameters["fc1.weight"] = weight
        silenced.parameters["fc1.bias"] = bias
        var rng = SeededRNG(seed: 11)
        var images = Tensor.zeros([6, 1, 28, 28])
        for i in images.scalars.indices { images.scalars[i] = rng.nextFloat(in: -1, 3) }
        var full = try Trainer(state: silenced, normalization: .fashionMNIST)
        var small = try Trainer(state: reduced, normalization: .fashionMNIST)
        let a = full.infer(images)
        let b = small.infer(images)
        #expect(a.shape == b.shape)
        let difference = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference < 1e-4, "largest logit difference \(difference)")
        #expect(Set(b.scalars.map { ($0 * 1e4).rounded() }).count > 10, "the logits vary: the network is active")
    }

    @Test func reductionsComposeKeepMasksAndRoundTripThroughACheckpoint() throws {
        var state = try Self.state()
        var mask = Tensor(repeating: 1, shape: [8, 4, 3, 3])
        for i in mask.scalars.indices where i % 3 == 0 { mask.scalars[i] = 0 }
        state.parameters["conv2.weight"].mask = mask
        state.parameters.applyMasks()
        let direct = try state.keepingChannels(Self.selections)
        let first = try state.keepingChannels([ChannelSelection(layer: "conv2", channels: [1, 2, 3, 4, 5, 7])])
        let stepwise = try first.keepingChannels(Self.selections)
        #expect(stepwise == direct)
        // conv2's kept filters (rows) and conv1's kept inputs (columns) of the mask and weights.
        let kept = direct.parameters["conv2.weight"]
        #expect(kept.value.shape == [5, 3, 3, 3])
        for (r, row) in [1, 3, 4, 5, 7].enumerated() {
            for (q, column) in [0, 2, 3].enumerated() {
                for j in 0..<9 {
                    let old = (row * 4 + column) * 9 + j
                    let new = (r * 3 + q) * 9 + j
                    #expect(kept.mask?.scalars[new] == mask.scalars[old])
                    #expect(kept.value.scalars[new] == state.parameters["conv2.weight"].value.scalars[old])
                }
            }
        }
        #expect(direct.parameters.buffers.first { $0.name == "bn2.running_var" }?.value.count == 5)
        // The file keeps the reduced architecture and its map.
        let path = Fixture.temporaryPath("reduced.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.save(direct, to: path, snncVersion: "test")
        let loaded = try Checkpoint.load(from: path)
        #expect(loaded.spec.keptChannels == Self.selections)
        #expect(loaded.parameters == direct.parameters)
    }

    @Test func selectionsTheModelCannotTakeAreNamedErrors() throws {
        let state = try Self.state()
        let reduced = try state.keepingChannels([ChannelSelection(layer: "conv1", channels: [1, 2])])
        let restored = #expect(throws: ModelError.self) {
            try reduced.keepingChannels([ChannelSelection(layer: "conv1", channels: [0, 1])])
        }
        #expect(restored?.description == "kept channels of 'conv1': channel 0 was already removed; a selection can only drop channels")
        let cases: [([ChannelSelection], String)] = [
            ([ChannelSelection(layer: "conv1", channels: [4])], "kept channels of 'conv1': need ascending indices in 0..<4"),
            ([ChannelSelection(layer: "conv2", channels: [3, 1])], "kept channels of 'conv2': need ascending indices in 0..<8"),
            ([ChannelSelection(layer: "fc1", channels: [])], "kept channels of 'fc1': need ascending indices in 0..<16"),
            ([ChannelSelection(layer: "fc2", channels: [0])], "kept channels of 'fc2': not a hidden conv or linear layer"),
            ([ChannelSelection(layer: "bn1", channels: [0])], "kept channels of 'bn1': not a hidden conv or linear layer"),
        ]
        for (selections, message) in cases {
            var spec = Fixture.spec()
            spec.keptChannels = selections
            let error = #expect(throws: ModelError.self) { try LayerGraph(spec) }
            #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
        }
        var resnet = ModelSpec(
            architecture: .resnet19, width: 0.0625, inputChannels: 1, inputHeight: 32, inputWidth: 32, classes: 10)
        resnet.keptChannels = [ChannelSelection(layer: "conv1", channels: [0])]
        let error = #expect(throws: ModelError.self) { try LayerGraph(resnet) }
        #expect(error?.description.contains("kept channels apply to vgg16 and small only") == true)
    }
}
