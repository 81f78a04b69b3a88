/// The figures of `snnc simulate --json` the report draws (keys in snake case, as printed).
public struct SimulationRecord: Sendable, Equatable, Decodable {
    /// Spikes of one layer.
    public struct EventLayer: Sendable, Equatable, Decodable {
        /// The layer.
        public var name: String
        /// Neurons (units) of the layer.
        public var units: Int
        /// Mean spikes per image over all steps.
        public var eventsPerImage: Double
        /// Mean spikes per image at each step.
        public var eventsPerStep: [Double]
        /// Spikes per neuron per step.
        public var rate: Double
    }

    /// Cycles and energy on the target.
    public struct Cost: Sendable, Equatable, Decodable {
        /// The target whose cost figures were used.
        public var target: String
        /// Mean cycles of each step per image.
        public var cyclesPerStep: [Double]
        /// Seconds per inference.
        public var latencySeconds: Double
    }

    /// `--compare`: the float model against this simulation.
    public struct Comparison: Sendable, Equatable, Decodable {
        /// The float model's file.
        public var model: String
        /// The ticket level compared (nil for a checkpoint).
        public var level: Int?
        /// The figures.
        public var result: Result
    }

    /// The comparison's figures.
    public struct Result: Sendable, Equatable, Decodable {
        /// Images compared.
        public var images: Int
        /// Time steps per image.
        public var timeSteps: Int
        /// The float model's accuracy (nil without labels).
        public var floatAccuracy: Double?
        /// The integer simulation's accuracy (nil without labels).
        public var integerAccuracy: Double?
        /// Fraction of images with the same prediction.
        public var predictionAgreement: Double
        /// Every LIF layer, in execution order.
        public var layers: [LayerAgreement]
    }

    /// One LIF layer of the comparison.
    public struct LayerAgreement: Sendable, Equatable, Decodable {
        /// The layer.
        public var name: String
        /// Neurons per image and step.
        public var units: Int
        /// The float model's spikes per neuron per step.
        public var floatRate: Double
        /// The integer simulation's spikes per neuron per step.
        public var integerRate: Double
        /// Fraction of (neuron, image, step) where both spike or both stay silent.
        public var agreement: Double
        /// Spikes in both over spikes in either.
        public var jaccard: Double
        /// Fraction of integer spikes the float model also fires.
        public var precision: Double
        /// Fraction of float spikes the integer simulation also fires.
        public var recall: Double
        /// `silent`, `saturated` (empty: nothing found).
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
