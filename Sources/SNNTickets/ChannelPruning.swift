import SNNTrain

/// How a search removes whole channels (`snnc prune --structured`).
public struct StructuredPruning: Codable, Equatable, Sendable {
    /// Fraction of a layer's remaining channels one structured round removes (⌊rate·C⌋, at
    /// least 1, never the last).
    public var channelRate: Double

    /// Creates the settings; the default rate is IMP's weight rate, 25%.
    public init(channelRate: Double = 0.25) { self.channelRate = channelRate }
}

/// Channel (neuron) pruning by the L1 norm of each filter (Li et al., "Pruning Filters for
/// Efficient ConvNets", ICLR 2017): a conv's output channel c scores Σ|w[c, …]| over its
/// filter (a hidden linear layer's unit, over its row), and the lowest scores go first. The
/// score needs no data, is deterministic, and is the structured form of the |w| that IMP
/// ranks weights by; pruned weights are exact zeros, so a filter IMP has thinned scores lower.
public enum ChannelPruning {
    /// L1 norm of every output channel of the conv or linear parameter `layer.weight`, summed
    /// in Double in row-major order.
    /// - Precondition: the model has that layer.
    public static func filterNorms(_ parameters: ParameterSet, layer: String) -> [Double] {
        let weight = parameters[layer + ".weight"].value
        let channels = weight.shape[0]
        let size = weight.count / max(channels, 1)
        return (0..<channels).map { c in
            weight.scalars[(c * size)..<((c + 1) * size)].reduce(0.0) { $0 + Double(abs($1)) }
        }
    }

    /// The `count` channels with the lowest norms, ascending by (norm, index): among equal
    /// norms the lower index goes first, so ties never depend on anything but the weights.
    public static func weakest(_ norms: [Double], count: Int) -> [Int] {
        Array(norms.indices.sorted { (norms[$0], $0) < (norms[$1], $1) }.prefix(max(count, 0)))
    }

    /// Channels one round removes from a layer of `channels`: ⌊rate·channels⌋, at least 1,
    /// and never the last one (0 for a layer of one channel).
    public static func removalCount(of channels: Int, rate: Double) -> Int {
        min(max(1, Pruning.floorCount(Double(channels) * rate)), channels - 1)
    }

    /// The hidden conv and linear layers of `graph` (every one but the classifier), in order.
    public static func prunableLayers(_ graph: LayerGraph) -> [LayerNode] {
        graph.nodes.dropLast().filter(\.isSynaptic)
    }

    /// The layer a structured round prunes: the conv or linear layer producing `named` (a
    /// neuron layer such as `lif1`, as the fit check names it), when it can lose a channel;
    /// otherwise the hidden layer with the most neurons (C·H·W; the first of equals) that can.
    /// Nil when every hidden layer is down to one channel.
    public static func layerToPrune(_ graph: LayerGraph, named name: String?) -> String? {
        let candidates = prunableLayers(graph).filter { $0.shape[0] > 1 }
        if let name, var i = graph.index(of: name) {
            while !graph.nodes[i].isSynaptic, let input = graph.nodes[i].inputs.first { i = input }
            if candidates.contains(where: { $0.name == graph.nodes[i].name }) { return graph.nodes[i].name }
        }
        var best: LayerNode?
        for node in candidates where best.map({ node.shape.reduce(1, *) > $0.shape.reduce(1, *) }) ?? true { best = node }
        return best?.name
    }

    /// `state` without the `removalCount` weakest channels of `layer`.
    /// - Returns: the reduced state and the removed channels (indices of the unpruned layer).
    /// - Throws: `ModelError` when the model cannot be reduced (see `keepingChannels`).
    public static func removingChannels(
        _ state: TrainingState, layer: String, rate: Double
    ) throws -> (state: TrainingState, removed: [Int]) {
        let norms = filterNorms(state.parameters, layer: layer)
        let positions = Set(weakest(norms, count: removalCount(of: norms.count, rate: rate)))
        var selections = state.spec.keptChannels ?? []
        let current = selections.first { $0.layer == layer }?.channels ?? Array(norms.indices)
        let kept = current.enumerated().filter { !positions.contains($0.offset) }.map(\.element)
        let removed = current.enumerated().filter { positions.contains($0.offset) }.map(\.element)
        selections.removeAll { $0.layer == layer }
        selections.append(ChannelSelection(layer: layer, channels: kept))
        return (try state.keepingChannels(selections), removed)
    }
}
