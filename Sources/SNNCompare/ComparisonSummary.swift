/// The float model against the integer simulation of its deployment, on the same images.
public struct ComparisonSummary: Sendable, Equatable, Encodable {
    /// One LIF layer. Rates are spikes per neuron per step.
    public struct Layer: Sendable, Equatable, Encodable {
        /// The layer's name.
        public var name: String
        /// Neurons per image and step.
        public var units: Int
        /// The float model's rate, over all images and steps.
        public var floatRate: Double
        /// The integer simulation's rate.
        public var integerRate: Double
        /// The float rate at each step.
        public var floatRatePerStep: [Double]
        /// The integer rate at each step.
        public var integerRatePerStep: [Double]
        /// Fraction of (neuron, image, step) triples where both spike or both stay silent.
        public var agreement: Double
        /// Spikes in both over spikes in either.
        public var jaccard: Double
        /// Fraction of integer spikes the float model also fires.
        public var precision: Double
        /// Fraction of float spikes the integer network also fires.
        public var recall: Double
        /// What `FlagThresholds` found wrong (empty: nothing).
        public var flags: [LayerFlag]
    }

    /// Images compared.
    public var images: Int
    /// Time steps.
    public var timeSteps: Int
    /// Images the float model classified correctly (nil without labels).
    public var floatCorrect: Int?
    /// Images the integer simulation classified correctly (nil without labels).
    public var integerCorrect: Int?
    /// Images on which both predict the same class.
    public var samePredictions: Int
    /// Every LIF layer, in execution order.
    public var layers: [Layer]
    /// The thresholds the flags were set with.
    public var thresholds: FlagThresholds

    /// The float model's accuracy (nil without labels).
    public var floatAccuracy: Double? { floatCorrect.map { Double($0) / Double(max(images, 1)) } }
    /// The integer simulation's accuracy (nil without labels).
    public var integerAccuracy: Double? { integerCorrect.map { Double($0) / Double(max(images, 1)) } }
    /// The fraction of images on which both predict the same class.
    public var predictionAgreement: Double { images == 0 ? 1 : Double(samePredictions) / Double(images) }
    /// The layers with at least one flag, in execution order.
    public var flagged: [Layer] { layers.filter { !$0.flags.isEmpty } }

    private enum CodingKeys: String, CodingKey {
        case images, timeSteps, floatCorrect, integerCorrect, floatAccuracy, integerAccuracy, samePredictions
        case predictionAgreement, layers, thresholds, flagged
    }

    /// Encodes the stored figures and the derived accuracies, agreement and flagged layer names.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(images, forKey: .images)
        try c.encode(timeSteps, forKey: .timeSteps)
        try c.encodeIfPresent(floatCorrect, forKey: .floatCorrect)
        try c.encodeIfPresent(integerCorrect, forKey: .integerCorrect)
        try c.encodeIfPresent(floatAccuracy, forKey: .floatAccuracy)
        try c.encodeIfPresent(integerAccuracy, forKey: .integerAccuracy)
        try c.encode(samePredictions, forKey: .samePredictions)
        try c.encode(predictionAgreement, forKey: .predictionAgreement)
        try c.encode(layers, forKey: .layers)
        try c.encode(thresholds, forKey: .thresholds)
        try c.encode(flagged.map(\.name), forKey: .flagged)
    }
}
