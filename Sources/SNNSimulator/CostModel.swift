import SNNIR

/// The cycle and energy figures of a target that the simulator charges per event.
///
/// SNNSimulator does not read chip profiles; the caller builds this value from one (in snnc,
/// from `SNNCompiler.ChipProfile`: `[timing]` and `[energy]` map field by field, and the memory
/// figures follow from `[numerics]` as described on `Memory`).
///
/// What is charged, per time step (see DESIGN.md, "Simulator"):
/// - a *packet* is one event delivered to one destination core that holds at least one synapse of
///   the event's source unit; each packet costs one row fetch on that core and
///   `hops × cyclesPerHop` for its hops (Manhattan distance between source and destination core
///   on the placement's mesh);
/// - each non-zero synapse reached costs one synaptic op on the core of its post neuron;
/// - each neuron updated costs one neuron update on its core;
/// - the cores of one population work in parallel, so a population's phase lasts as long as its
///   busiest core; populations run one after the other in layer order (each needs the previous
///   one's spikes of the same step); every step ends with one barrier.
public struct CostModel: Sendable, Equatable {
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

    /// Creates a cost model.
    public init(target: String, timing: Timing, energy: Energy, memory: Memory) {
        self.target = target
        self.timing = timing
        self.energy = energy
        self.memory = memory
    }
}
