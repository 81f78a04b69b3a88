import SNNSimulator

/// Spike counts of one LIF layer in the float model and in the integer simulation, over the
/// same images: per step, how many (neuron, image) pairs spiked in each and in both.
///
/// Every figure derives from these counts, so accumulating batch by batch gives the same
/// result as one pass over all images.
public struct LayerAgreement: Sendable, Equatable {
    /// The layer's name.
    public var name: String
    /// Neurons per image and step.
    public var units: Int
    /// Images counted.
    public var images: Int = 0
    /// Float spikes at each step, summed over images.
    public var floatSpikes: [Int]
    /// Integer spikes at each step, summed over images.
    public var integerSpikes: [Int]
    /// (neuron, image) pairs that spiked in both at each step.
    public var bothSpiked: [Int]

    /// Zero counts for a layer of `units` neurons over `steps` steps.
    public init(name: String, units: Int, steps: Int) {
        self.name = name
        self.units = units
        floatSpikes = Array(repeating: 0, count: steps)
        integerSpikes = floatSpikes
        bothSpiked = floatSpikes
    }

    /// Time steps.
    public var timeSteps: Int { floatSpikes.count }

    /// Adds one image at one step: the float spikes (one value per neuron, non-zero = spike)
    /// and the integer events (ascending C-order indices).
    /// - Throws: `ComparisonError` if an event index is outside the layer or the float row has
    ///   the wrong length (the deployment and the model disagree on the layer's shape).
    public mutating func add(float: ArraySlice<Float>, integer: EventList, step t: Int) throws {
        guard float.count == units else {
            throw ComparisonError(reason: "layer '\(name)': the float model has \(float.count) neurons, the deployment \(units)")
        }
        var fired = 0
        for value in float where value != 0 { fired += 1 }
        var both = 0
        let base = float.startIndex
        for index in integer.indices {
            let u = Int(index)
            guard u >= 0, u < units else {
                throw ComparisonError(reason: "layer '\(name)': integer event at neuron \(u) outside its \(units) neurons")
            }
            if float[base + u] != 0 { both += 1 }
        }
        floatSpikes[t] += fired
        integerSpikes[t] += integer.count
        bothSpiked[t] += both
    }

    /// (neuron, step) pairs per image times images: the denominator of every rate.
    public var pairs: Int { images * units * timeSteps }

    /// Float spikes per neuron per step.
    public var floatRate: Double { Self.ratio(floatSpikes.reduce(0, +), pairs) }
    /// Integer spikes per neuron per step.
    public var integerRate: Double { Self.ratio(integerSpikes.reduce(0, +), pairs) }
    /// Float spikes per neuron at each step.
    public var floatRatePerStep: [Double] { floatSpikes.map { Self.ratio($0, images * units) } }
    /// Integer spikes per neuron at each step.
    public var integerRatePerStep: [Double] { integerSpikes.map { Self.ratio($0, images * units) } }

    /// The fraction of (neuron, image, step) triples where both spike or both stay silent.
    /// At low firing rates this is dominated by shared silence (a layer that never fires
    /// agrees on 1 − rate of the pairs); `jaccard` is the figure to read for the spikes.
    public var agreement: Double {
        let f = floatSpikes.reduce(0, +)
        let i = integerSpikes.reduce(0, +)
        let both = bothSpiked.reduce(0, +)
        return pairs == 0 ? 1 : 1 - Double(f + i - 2 * both) / Double(pairs)
    }

    /// Spikes in both over spikes in either (1 when neither spikes).
    public var jaccard: Double {
        let union = floatSpikes.reduce(0, +) + integerSpikes.reduce(0, +) - bothSpiked.reduce(0, +)
        return union == 0 ? 1 : Double(bothSpiked.reduce(0, +)) / Double(union)
    }

    /// The fraction of integer spikes the float model also fires (1 without integer spikes).
    public var precision: Double {
        let i = integerSpikes.reduce(0, +)
        return i == 0 ? 1 : Double(bothSpiked.reduce(0, +)) / Double(i)
    }

    /// The fraction of float spikes the integer network also fires (1 without float spikes).
    public var recall: Double {
        let f = floatSpikes.reduce(0, +)
        return f == 0 ? 1 : Double(bothSpiked.reduce(0, +)) / Double(f)
    }

    private static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}
