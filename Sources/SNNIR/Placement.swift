/// Where the neurons and synapses live on the chip, as produced by `mapCores`.
///
/// A *population* is a layer whose units are neurons on the chip: every LIF group, and the
/// readout (its units accumulate the logits). A population is split into contiguous ranges of
/// neuron indices, one per core, and a core hosts one population only. A core also stores the
/// synapses of every synaptic layer feeding its population, restricted to its own neurons
/// (for weight-sharing targets: the kernel entries of its output channels). Pooling and
/// flattening are done where their input neurons live and use no neurons of their own.
public struct Placement: Sendable, Equatable {
    /// Cores used, indexed by core id (0-based, consecutive).
    public var cores: [CoreAllocation]
    /// Width of the 2-D mesh the core ids are laid out on, row-major (core id `k` sits at
    /// `(k % meshWidth, k / meshWidth)`); used to count router hops.
    public var meshWidth: Int

    /// Creates a placement.
    public init(cores: [CoreAllocation], meshWidth: Int) {
        self.cores = cores
        self.meshWidth = meshWidth
    }

    /// The cores hosting `population`, in neuron order.
    public func cores(of population: String) -> [CoreAllocation] { cores.filter { $0.population == population } }

    /// Router hops between two cores: the Manhattan distance on the mesh.
    public func hops(from a: Int, to b: Int) -> Int {
        abs(a % meshWidth - b % meshWidth) + abs(a / meshWidth - b / meshWidth)
    }
}

/// One core's share of a population.
public struct CoreAllocation: Sendable, Equatable {
    /// Core id.
    public var core: Int
    /// The population (layer name) whose neurons the core hosts.
    public var population: String
    /// First neuron index (C-order within the population's shape).
    public var neuronStart: Int
    /// Neurons hosted (the range is `neuronStart ..< neuronStart + neuronCount`).
    public var neuronCount: Int
    /// Synapse entries stored (kernel entries on weight-sharing targets, else unrolled synapses;
    /// zeros included on dense-storage targets).
    public var storedSynapses: Int
    /// Bytes of synapse memory used, in the target's storage format.
    public var synapseBytes: Int
    /// Distinct input axons (presynaptic units, or input channels on weight-sharing targets).
    public var fanIn: Int
    /// Distinct output axons: Σ over hosted neurons of the destination cores each one reaches.
    public var fanOut: Int

    /// Creates a core allocation.
    public init(
        core: Int, population: String, neuronStart: Int, neuronCount: Int, storedSynapses: Int,
        synapseBytes: Int, fanIn: Int, fanOut: Int
    ) {
        self.core = core
        self.population = population
        self.neuronStart = neuronStart
        self.neuronCount = neuronCount
        self.storedSynapses = storedSynapses
        self.synapseBytes = synapseBytes
        self.fanIn = fanIn
        self.fanOut = fanOut
    }
}
