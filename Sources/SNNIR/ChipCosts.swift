// The cycle and energy models of a target, shared by the compiler's chip profiles (`[timing]`,
// `[energy]`) and the simulator's cost model, so both read the same figures.

/// The cycle model: latency per time step is counted in clock cycles per event.
///
/// Asynchronous chips get a notional clock (an estimate) so that their published
/// nanosecond figures become cycles.
public struct ChipTiming: Sendable, Equatable {
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
public struct ChipEnergy: Sendable, Equatable {
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
    /// Energy per multiply-accumulate of the analog input layer (the direct-coding encoder, which
    /// multiplies real-valued pixels by weights), pJ; nil charges those MACs as synaptic operations
    /// (`synapticOpPJ`), as files and profiles without the figure always did.
    public var inputMACPJ: Double?

    /// Creates the energy model.
    public init(
        synapticOpPJ: Double, synapticOpIncludesWeightRead: Bool, neuronUpdatePJ: Double,
        spikeRoutePJ: Double, memoryPJPerByte: Double, staticPowerMW: Double, inputMACPJ: Double? = nil
    ) {
        self.synapticOpPJ = synapticOpPJ
        self.synapticOpIncludesWeightRead = synapticOpIncludesWeightRead
        self.neuronUpdatePJ = neuronUpdatePJ
        self.spikeRoutePJ = spikeRoutePJ
        self.memoryPJPerByte = memoryPJPerByte
        self.staticPowerMW = staticPowerMW
        self.inputMACPJ = inputMACPJ
    }

    /// Splits the energy of `synapticOps` operations, `inputMACs` of them the encoder's MACs: with
    /// `inputMACPJ` set, those MACs are charged at it and the rest at `synapticOpPJ`; without it,
    /// every operation is a synaptic operation and `inputMACs` energy is 0.
    public func operationEnergy(synapticOps: Double, inputMACs: Double) -> (synapticOps: Double, inputMACs: Double) {
        guard let mac = inputMACPJ else { return (synapticOps * synapticOpPJ, 0) }
        return ((synapticOps - inputMACs) * synapticOpPJ, inputMACs * mac)
    }
}

/// The cost figures of one target: what `estimate` charged for a graph and what the simulator's
/// cost model charges (`SNNSimulator.CostModel` is this type). Built from a chip profile by
/// `SNNCompiler.ChipProfile.costs`, stored with the estimates in a deployment file, so a file
/// carries the numbers it was compiled with even when its profile file is not at hand.
public struct TargetCosts: Sendable, Equatable {
    /// Cycle costs (`[timing]` of a profile).
    public typealias Timing = ChipTiming

    /// Energy costs in picojoules (`[energy]` of a profile).
    public typealias Energy = ChipEnergy

    /// Bytes read from synapse memory.
    ///
    /// From a profile's `[numerics]`: with `sparse_storage`, a row fetch reads one row pointer
    /// (`pointer_bits / 8`) and each synaptic op one weight and one column index
    /// (`(weight_bits + index_bits) / 8`); with dense storage, a row fetch reads no pointer and
    /// each op reads one weight (`weight_bits / 8`): the zero weights a dense row also holds are
    /// not charged, so dense figures are a lower bound.
    public struct Memory: Sendable, Equatable {
        /// Bytes per row fetch.
        public var bytesPerRowFetch: Double
        /// Bytes per synaptic op.
        public var bytesPerSynapticOp: Double

        /// Creates the memory costs.
        public init(bytesPerRowFetch: Double, bytesPerSynapticOp: Double) {
            self.bytesPerRowFetch = bytesPerRowFetch
            self.bytesPerSynapticOp = bytesPerSynapticOp
        }
    }

    /// The target's name, for reports.
    public var target: String
    /// Cycle costs.
    public var timing: Timing
    /// Energy costs.
    public var energy: Energy
    /// Memory traffic.
    public var memory: Memory

    /// Creates the cost figures.
    public init(target: String, timing: Timing, energy: Energy, memory: Memory) {
        self.target = target
        self.timing = timing
        self.energy = energy
        self.memory = memory
    }
}
