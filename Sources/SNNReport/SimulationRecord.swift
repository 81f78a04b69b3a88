/// The figures of `snnc simulate --json` the report draws (keys in snake case, as printed).
public struct SimulationRecord: Sendable, Equatable, Decodable {
    /// Spikes of one layer.
    public struct EventLayer: Sendable, Equatable, Decodable {
        public var name: String
        public var units: Int
        public var eventsPerImage: Double
        public var eventsPerStep: [Double]
        public var rate: Double
    }

    /// Cycles and energy on the target.
    public struct Cost: Sendable, Equatable, Decodable {
        public var target: String
        public var cyclesPerStep: [Double]
        public var latencySeconds: Double
    }

    /// `--compare`: the float model against this simulation.
    public struct Comparison: Sendable, Equatable, Decodable {
        public var model: String
        public var level: Int?
        public var result: Result
    }

    /// The comparison's figures.
    public struct Result: Sendable, Equatable, Decodable {
        public var images: Int
        public var timeSteps: Int
        public var floatAccuracy: Double?
        public var integerAccuracy: Double?
        public var predictionAgreement: Double
        public var layers: [LayerAgreement]
    }

    /// One LIF layer of the comparison.
    public struct LayerAgreement: Sendable, Equatable, Decodable {
        public var name: String
        public var units: Int
        public var floatRate: Double
        public var integerRate: Double
        public var agreement: Double
        public var jaccard: Double
        public var precision: Double
        public var recall: Double
        public var flags: [String]
    }

    /// The deployment file simulated.
    public var file: String
    /// Images simulated.
    public var images: Int
    /// Time steps per image.
    public var timeSteps: Int
    /// Test accuracy, when the images have labels.
    public var accuracy: Double?
    /// Spikes per layer.
    public var spikes: [EventLayer]
    /// Cycles and latency, when the file (or `--target`) has cost figures.
    public var cost: Cost?
    /// The float model comparison, when run with `--compare`.
    public var comparison: Comparison?
}
