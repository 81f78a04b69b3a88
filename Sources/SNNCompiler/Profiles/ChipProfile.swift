import SNNIR

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

    /// Which membrane resets the chip's neurons can do (`[numerics] reset`).
    public enum ResetSupport: String, Sendable, CaseIterable {
        /// A spike sets the membrane to a reset value (0); the default.
        case zero
        /// A spike subtracts the threshold from the membrane.
        case subtract
        /// Either, chosen per layer (e.g. DYNAP-CNN's `return_to_zero` flag).
        case zeroOrSubtract = "zero-or-subtract"

        /// Whether neurons with `mode` can run.
        public func supports(_ mode: ResetMode) -> Bool {
            switch (self, mode) {
            case (.zeroOrSubtract, _), (.zero, .zero), (.subtract, .subtract): true
            default: false
            }
        }
    }

    /// Whether the neurons have a synaptic current between the weights and the membrane
    /// (`[numerics] synaptic_current`).
    public enum SynapticCurrentSupport: String, Sendable, CaseIterable {
        /// No synaptic current: the membrane integrates the weighted input; the default.
        case none
        /// A synaptic current and a membrane that both decay by `v −= v >> dash`, at least 1
        /// toward 0 per step, and saturate at the state range (Xylo Audio 2).
        case decrementShift = "decrement-shift"
    }

    /// How the mapper places a layer on cores (`[cores] mapping`).
    public enum Mapping: String, Sendable, CaseIterable {
        /// A layer's neurons are cut into ranges over as many cores as the per-core limits need
        /// (Loihi, SpiNNaker, the generic edge); the default.
        case split
        /// Each conv or linear layer with its neurons takes exactly one core whose kernel and
        /// neuron memory hold it, with power-of-two padding, and a core sends to at most
        /// `fan_out_per_core` destination layers (DYNAP-CNN, Speck).
        case layerPerCore = "layer-per-core"
        /// The whole network runs on one core (Xylo): LIF groups are its hidden neurons, the
        /// readout its output neurons; the core limits hidden and output neurons, input channels,
        /// the fan-out of a hidden neuron and the recurrent weights (`assignSingleCore`).
        case singleCore = "single-core"
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
        /// Most neurons of the core one neuron may send to, if the chip has such a limit
        /// (checked by the single-core mapping).
        public var maxFanOutPerNeuron: Int?
        /// How a layer is placed on cores.
        public var mapping: Mapping
        /// Kernel memory entries of each core, in core order (layer-per-core targets).
        public var kernelMemoryPerCore: [Int]?
        /// Neuron memory (neuron states) of each core, in core order (layer-per-core targets).
        public var neuronMemoryPerCore: [Int]?
        /// Bias memory entries of each core, in core order, if the chip limits biases.
        public var biasMemoryPerCore: [Int]?

        /// Creates the core description.
        public init(
            count: Int, neuronsPerCore: Int, synapseMemoryBytesPerCore: Int,
            fanInPerCore: Int, fanOutPerCore: Int, maxFanInPerNeuron: Int?, maxFanOutPerNeuron: Int? = nil,
            mapping: Mapping = .split, kernelMemoryPerCore: [Int]? = nil, neuronMemoryPerCore: [Int]? = nil,
            biasMemoryPerCore: [Int]? = nil
        ) {
            self.mapping = mapping
            self.kernelMemoryPerCore = kernelMemoryPerCore
            self.neuronMemoryPerCore = neuronMemoryPerCore
            self.biasMemoryPerCore = biasMemoryPerCore
            self.count = count
            self.neuronsPerCore = neuronsPerCore
            self.synapseMemoryBytesPerCore = synapseMemoryBytesPerCore
            self.fanInPerCore = fanInPerCore
            self.fanOutPerCore = fanOutPerCore
            self.maxFanInPerNeuron = maxFanInPerNeuron
            self.maxFanOutPerNeuron = maxFanOutPerNeuron
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
        /// The membrane resets the neurons can do.
        public var reset: ResetSupport
        /// Axon types of a binary-synapse chip (TrueNorth: 4): each neuron holds one signed weight
        /// per axon type, and a 1-bit synapse selects it. nil for chips with stored weight values.
        public var axonTypes: Int?
        /// Bits of each neuron's per-axon-type weight (TrueNorth: 9, signed).
        public var axonTypeWeightBits: Int?
        /// Whether neurons have a synaptic current (current-based LIF groups need one).
        public var synapticCurrent: SynapticCurrentSupport = .none
        /// Spikes a neuron may send in one step (nil: 1).
        public var maxSpikesPerStep: Int?
        /// Steps between a spike of a neuron group and its arrival at the next layer (nil: 0).
        public var spikeDelaySteps: Int?
        /// The largest left shift applied to a weight matrix's integers (nil: 0, no shift).
        public var maxWeightShift: Int?
        /// When set, the chip's inputs are event counts 0…N per channel and step (Xylo: 15), and
        /// the analog input is quantised to them (negative values to 0).
        public var maxInputEventsPerStep: Int?

        /// Whether weights are a connection bit times a per-neuron value picked by axon type: the
        /// quantiser then ternarises each neuron's weights to `{−s, 0, +s}`, with the sign carried by
        /// two axon types (every input reaches a core on a positive and a negative axon).
        public var signsByAxonType: Bool { weightBits == 1 && (axonTypes ?? 0) >= 2 && (axonTypeWeightBits ?? 0) >= 2 }

        /// Creates the numeric description.
        public init(
            weightBits: Int, stateBits: Int, indexBits: Int, pointerBits: Int,
            weightSharing: Bool, sparseStorage: Bool, thresholdCompare: ThresholdCompare, leak: Leak,
            reset: ResetSupport = .zero, axonTypes: Int? = nil, axonTypeWeightBits: Int? = nil
        ) {
            self.reset = reset
            self.axonTypes = axonTypes
            self.axonTypeWeightBits = axonTypeWeightBits
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

    /// The cycle model (`[timing]`): see `SNNIR.ChipTiming`.
    public typealias Timing = ChipTiming

    /// The energy model (`[energy]`): see `SNNIR.ChipEnergy`.
    public typealias Energy = ChipEnergy

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
