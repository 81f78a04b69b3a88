/// The output channels (conv filters, or units of a hidden linear layer) one structurally pruned
/// layer keeps: indices into the layer of the unpruned architecture (`ModelSpec.unpruned`),
/// ascending. Removing channel c of a layer also removes the channel of the batch norm after it
/// and input channel c (or its block of flattened features) of the next conv or linear layer.
public struct ChannelSelection: Codable, Equatable, Sendable {
    /// The conv or linear node, e.g. `conv3` or `fc1`.
    public var layer: String
    /// Kept channels of the unpruned layer, ascending, at least one.
    public var channels: [Int]

    /// Creates a selection.
    public init(layer: String, channels: [Int]) {
        self.layer = layer
        self.channels = channels
    }
}

extension LayerGraphBuilder {
    /// Checks `spec.keptChannels` against the unpruned layer sizes of a built-in graph: only
    /// VGG16 and `small` take it, every entry names a hidden conv or linear layer once, and its
    /// channels are ascending, in range and not empty.
    /// - Throws: `ModelError` naming the entry and the rule.
    func validateKeptChannels(full: [String: Int]) throws {
        guard let selections = spec.keptChannels else { return }
        guard spec.architecture == .vgg16 || spec.architecture == .small else {
            throw ModelError(
                description: "kept channels apply to vgg16 and small only, not \(spec.architecture.rawValue) "
                    + "(residual additions and imported graphs tie channels across layers)")
        }
        var seen = Set<String>()
        for selection in selections {
            guard let count = full[selection.layer] else {
                throw ModelError(description: "kept channels of '\(selection.layer)': not a hidden conv or linear layer of the model")
            }
            guard seen.insert(selection.layer).inserted else {
                throw ModelError(description: "kept channels of '\(selection.layer)': the layer is listed twice")
            }
            let c = selection.channels
            guard !c.isEmpty, c.allSatisfy({ $0 >= 0 && $0 < count }), zip(c, c.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw ModelError(
                    description: "kept channels of '\(selection.layer)': need ascending indices in 0..<\(count), at least one")
            }
        }
    }
}
