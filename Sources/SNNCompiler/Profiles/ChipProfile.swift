/// A neuromorphic target: what the compiler, mapper, estimator and simulator need to know about a chip.
///
/// Profiles are read from `targets/*.toml` (see `targets/README.md` for every key, unit and range)
/// with `ChipProfile.load(from:)` or `ChipProfile.named(_:searchPath:)`. A loaded profile has been
/// validated: counts are positive, bit widths fit, energies are not negative.
///
/// Some values are not published for a chip and are estimates; `estimates` lists them, and text
/// renderings mark them, so an estimate is never shown as a measurement.
public struct ChipProfile: Sendable, Equatable {
    /// Whether a profile describes a real chip or a generic design point.
    public enum Kind: String, Sendable, CaseIterable {
        /// A made-up but plausible target built from several chips' numbers (e.g. `edge`).
        case generic
        /// A real chip, every number traced to a source.
        case chip
    }

    /// How a neuron compares its membrane potential with its threshold.
    public enum ThresholdCompare: String, Sendable, CaseIterable {
        /// Fires when `v >= threshold`.
        case greaterOrEqual = ">="
        /// Fires when `v > threshold`.
        case greater = ">"
    }

    /// How the membrane potential leaks between time steps, in integer arithmetic.
    public enum Leak: String, Sendable, CaseIterable {
        /// Decay by an arithmetic right shift (a decay of 0.25 is `v >> 2`).
        case shift
        /// Decay by a 12-bit multiplier: `v * (4096 - d) >> 12`, rounding toward zero (Loihi).
        case multiply12
        /// A constant subtracted per step, no multiplicative decay (TrueNorth, Speck).
        case subtract
    }

    /// Core counts and per-core capacity: what the mapper packs layers into.
    public struct Cores: Sendable, Equatable {
        /// Cores available to the network.
        public var count: Int
        /// Neurons (compartments) one core holds.
        public var neuronsPerCore: Int
        /// Bytes of synapse (weight) memory per core.
        public var synapseMemoryBytesPerCore: Int
        /// Distinct input axons a core accepts (input channels on weight-sharing cores).
        public var fanInPerCore: Int
        /// Distinct output axons (routes) a core can drive.
        public var fanOutPerCore: Int
        /// Most synapses one neuron may receive, if the chip has such a limit.
        public var maxFanInPerNeuron: Int?

        /// Creates the core description.
        public init(
            count: Int, neuronsPerCore: Int, synapseMemoryBytesPerCore: Int,
            fanInPerCore: Int, fanOutPerCore: Int, maxFanInPerNeuron: Int?
        ) {
            self.count = count
            self.neuronsPerCore = neuronsPerCore
            self.synapseMemoryBytesPerCore = synapseMemoryBytesPerCore
            self.fanInPerCore = fanInPerCore
            self.fanOutPerCore = fanOutPerCore
            self.maxFanInPerNeuron = maxFanInPerNeuron
        }
    }

    /// Integer formats and storage rules: what the quantiser and the CSR lowering produce.
    public struct Numerics: Sendable, Equatable {
        /// Bits per stored weight; the compiler quantises to this width.
        public var weightBits: Int
        /// Bits of the membrane-potential state (at least `weightBits`).
        public var stateBits: Int
        /// Bits per column index in compressed-sparse storage.
        public var indexBits: Int
        /// Bits per row pointer (or per row header) in compressed-sparse storage.
        public var pointerBits: Int
        /// Whether a convolution kernel is stored once per core rather than unrolled into synapses.
        public var weightSharing: Bool
        /// Whether zero weights are left out of memory (true) or occupy it (false).
        public var sparseStorage: Bool
        /// The firing comparison.
        public var thresholdCompare: ThresholdCompare
        /// The leak arithmetic.
        public var leak: Leak

        /// Creates the numeric description.
        public init(
            weightBits: Int, stateBits: Int, indexBits: Int, pointerBits: Int,
            weightSharing: Bool, sparseStorage: Bool, thresholdCompare: ThresholdCompare, leak: Leak
        ) {
            self.weightBits = weightBits
            self.stateBits = stateBits
            self.indexBits = indexBits
            self.pointerBits = pointerBits
            self.weightSharing = weightSharing
            self.sparseStorage = sparseStorage
            self.thresholdCompare = thresholdCompare
            self.leak = leak
        }
    }

    /// The cycle model: latency per time step is counted in clock cycles per event.
    ///
    /// Asynchronous chips get a notional clock (an estimate) so that their published
    /// nanosecond figures become cycles.
    public struct Timing: Sendable, Equatable {
        /// Clock frequency in hertz (notional for asynchronous chips).
        public var clockHz: Double
        /// Cycles to fetch one synapse row (the fan-out list of one presynaptic spike).
        public var cyclesPerRowFetch: Double
        /// Cycles per synaptic operation (one weight accumulated into one neuron).
        public var cyclesPerSynapticOp: Double
        /// Cycles to update one neuron's state.
        public var cyclesPerNeuronUpdate: Double
        /// Cycles for a spike packet to cross one router hop.
        public var cyclesPerHop: Double
        /// Cycles for the end-of-time-step barrier across cores.
        public var cyclesPerBarrier: Double
        /// Time steps per second when the chip steps on a fixed timer (e.g. 1000 for TrueNorth's
        /// 1 ms tick); nil when a step starts as soon as the previous one has finished.
        public var tickHz: Double?

        /// Creates the cycle model.
        public init(
            clockHz: Double, cyclesPerRowFetch: Double, cyclesPerSynapticOp: Double,
            cyclesPerNeuronUpdate: Double, cyclesPerHop: Double, cyclesPerBarrier: Double,
            tickHz: Double? = nil
        ) {
            self.clockHz = clockHz
            self.cyclesPerRowFetch = cyclesPerRowFetch
            self.cyclesPerSynapticOp = cyclesPerSynapticOp
            self.cyclesPerNeuronUpdate = cyclesPerNeuronUpdate
            self.cyclesPerHop = cyclesPerHop
            self.cyclesPerBarrier = cyclesPerBarrier
            self.tickHz = tickHz
        }
    }

    /// The energy model, in picojoules per event plus static power.
    public struct Energy: Sendable, Equatable {
        /// Energy per synaptic operation, pJ.
        public var synapticOpPJ: Double
        /// Whether `synapticOpPJ` already includes reading the weight from memory.
        ///
        /// When true, memory energy (`memoryPJPerByte` × bytes read) is reported beside the total
        /// for comparing storage formats, not added to it.
        public var synapticOpIncludesWeightRead: Bool
        /// Energy per neuron state update, pJ.
        public var neuronUpdatePJ: Double
        /// Energy to route one spike packet across one hop, pJ.
        public var spikeRoutePJ: Double
        /// Energy per byte read from weight memory, pJ.
        public var memoryPJPerByte: Double
        /// Static (leakage and idle) power of the whole chip, mW.
        public var staticPowerMW: Double

        /// Creates the energy model.
        public init(
            synapticOpPJ: Double, synapticOpIncludesWeightRead: Bool, neuronUpdatePJ: Double,
            spikeRoutePJ: Double, memoryPJPerByte: Double, staticPowerMW: Double
        ) {
            self.synapticOpPJ = synapticOpPJ
            self.synapticOpIncludesWeightRead = synapticOpIncludesWeightRead
            self.neuronUpdatePJ = neuronUpdatePJ
            self.spikeRoutePJ = spikeRoutePJ
            self.memoryPJPerByte = memoryPJPerByte
            self.staticPowerMW = staticPowerMW
        }
    }

    /// Short identifier, equal to the profile's file name without `.toml` (e.g. `loihi`).
    public var name: String
    /// One line for people: maker, chip, process, year.
    public var description: String
    /// Real chip or generic design point.
    public var kind: Kind
    /// Core counts and capacities.
    public var cores: Cores
    /// Integer formats and storage rules.
    public var numerics: Numerics
    /// Cycle model.
    public var timing: Timing
    /// Energy model.
    public var energy: Energy
    /// The fields whose values are estimates rather than published figures.
    public var estimates: Set<ProfileField>

    /// Creates a profile from its parts; `load(from:)` is the usual way to get one.
    public init(
        name: String, description: String, kind: Kind, cores: Cores, numerics: Numerics,
        timing: Timing, energy: Energy, estimates: Set<ProfileField> = []
    ) {
        self.name = name
        self.description = description
        self.kind = kind
        self.cores = cores
        self.numerics = numerics
        self.timing = timing
        self.energy = energy
        self.estimates = estimates
    }

    /// Whether `field`'s value is an estimate (no published figure).
    public func isEstimate(_ field: ProfileField) -> Bool { estimates.contains(field) }
}
