/// Integer counts per layer and time step (spikes, synaptic events, neuron updates).
public struct StepCounts: Sendable, Equatable {
    /// Layer names, in execution order.
    public var layers: [String]
    /// `counts[l][t]`: the count of layer `layers[l]` at step `t`.
    public var counts: [[Int]]

    /// All zeros for `layers` over `steps` steps.
    public init(layers: [String], steps: Int) {
        self.layers = layers
        counts = Array(repeating: Array(repeating: 0, count: steps), count: layers.count)
    }

    /// Counts from their arrays.
    public init(layers: [String], counts: [[Int]]) {
        precondition(layers.count == counts.count, "\(layers.count) layers but \(counts.count) count rows")
        self.layers = layers
        self.counts = counts
    }

    /// The counts of the layer called `name`, one per step, if present.
    public subscript(name: String) -> [Int]? { layers.firstIndex(of: name).map { counts[$0] } }

    /// Per layer, the sum over steps.
    public var perLayer: [Int] { counts.map { $0.reduce(0, +) } }

    /// The sum over layers and steps.
    public var total: Int { perLayer.reduce(0, +) }

    /// Elementwise sum of two counts over the same layers and steps.
    public static func + (a: StepCounts, b: StepCounts) -> StepCounts {
        precondition(a.layers == b.layers, "adding counts of different layers")
        var sum = a
        for l in sum.counts.indices {
            for t in sum.counts[l].indices { sum.counts[l][t] += b.counts[l][t] }
        }
        return sum
    }
}
