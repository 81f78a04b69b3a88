/// Measured activity: how many non-zero outputs each layer produces, from running the
/// quantised model on sample images (the simulator's dense integer reference produces it).
public struct Calibration: Sendable, Equatable {
    /// Images the counts are averaged over.
    public var images: Int
    /// For each layer name (LIF groups; pooling and flatten layers may be given too), the mean
    /// number of non-zero outputs per image at each time step (`timeSteps` entries).
    /// Layers left out are derived: a pool from its input by the assumed-rate formula, a
    /// flatten from its input.
    public var events: [String: [Double]]
    /// Optionally, for layers whose events feed synapses (LIF groups, pools), the mean number
    /// of events of each unit per image, summed over the steps (C-order, one entry per unit).
    /// With it the estimate weights each unit's events by that unit's own fan-out instead of
    /// the layer's mean fan-out (which misses that border units and busy channels differ).
    public var unitEvents: [String: [Double]]

    /// Creates a calibration.
    public init(images: Int, events: [String: [Double]], unitEvents: [String: [Double]] = [:]) {
        self.images = images
        self.events = events
        self.unitEvents = unitEvents
    }
}

/// Where the activity figures of an estimate come from.
public enum ActivitySource: Sendable, Equatable {
    /// Spike counts measured on sample images.
    case calibrated(images: Int)
    /// No measurement: every neuron is assumed to fire with this probability per step
    /// (structure-only estimate).
    case assumedRate(Double)

    /// `calibrated on N images` or `structure only: assumed firing rate r per neuron per step`.
    public var label: String {
        switch self {
        case .calibrated(let images): "calibrated on \(images) image\(images == 1 ? "" : "s")"
        case .assumedRate(let rate): "structure only: assumed firing rate \(rate) per neuron per step"
        }
    }
}

/// Energy in picojoules per inference, by cause.
public struct EnergyBreakdown: Sendable, Equatable {
    /// Synaptic operations (and the encoder's MACs when the target has no separate price for them:
    /// `ChipEnergy.inputMACPJ` nil).
    public var synapticOps: Double
    /// The encoder's multiply-accumulates on the analog input, at `ChipEnergy.inputMACPJ`; 0 when
    /// the target has no such figure (they are then in `synapticOps`).
    public var inputMACs: Double
    /// Neuron state updates.
    public var neuronUpdates: Double
    /// Spike packets across router hops.
    public var routing: Double
    /// Weight-memory reads in the target's storage format. Included in `dynamic` only when the
    /// target's per-op energy does not already contain the weight read (`memoryIncluded`).
    public var memory: Double
    /// Whether `memory` is part of `dynamic`.
    public var memoryIncluded: Bool
    /// Static power × inference time.
    public var staticEnergy: Double

    /// Creates a breakdown.
    public init(
        synapticOps: Double, neuronUpdates: Double, routing: Double, memory: Double,
        memoryIncluded: Bool, staticEnergy: Double, inputMACs: Double = 0
    ) {
        self.synapticOps = synapticOps
        self.inputMACs = inputMACs
        self.neuronUpdates = neuronUpdates
        self.routing = routing
        self.memory = memory
        self.memoryIncluded = memoryIncluded
        self.staticEnergy = staticEnergy
    }

    /// All zeros.
    public static let zero = EnergyBreakdown(
        synapticOps: 0, neuronUpdates: 0, routing: 0, memory: 0,
        memoryIncluded: false, staticEnergy: 0)

    /// Activity-dependent energy: ops + input MACs + updates + routing (+ memory when not included in ops).
    public var dynamic: Double { synapticOps + inputMACs + neuronUpdates + routing + (memoryIncluded ? memory : 0) }

    /// Dynamic plus static energy.
    public var total: Double { dynamic + staticEnergy }
}

/// The estimate of one synaptic layer. Figures are per inference (all `timeSteps` steps of one
/// image) unless the name says per step. Population figures (neurons, cores, neuron updates,
/// routed spikes) belong to the layer's post population and are reported on the first synaptic
/// layer feeding it; later layers into the same population (residual branches) report 0 there.
public struct LayerEstimate: Sendable, Equatable {
    /// The synaptic layer.
    public var layer: String
    /// `conv`, `linear` or `identity`.
    public var kind: String
    /// The population it feeds (a LIF group or the readout).
    public var population: String
    /// Post neurons counted on this row.
    public var neurons: Int
    /// Cores counted on this row.
    public var cores: Int
    /// Stored weight entries in the dense form (kernel entries for conv).
    public var weights: Int
    /// Non-zero stored entries (kernel entries for conv).
    public var nonZeroWeights: Int
    /// Unrolled synapses with a non-zero weight (input unit × output unit connections).
    public var synapses: Int
    /// Unrolled connections including zero weights (the structural count).
    public var connections: Int
    /// Bytes of the compressed-sparse tables (kernel CSR on weight-sharing targets).
    public var csrBytes: Int
    /// Bytes of the same weights stored densely.
    public var denseBytes: Int
    /// Bytes of synapse memory used on the chip (format of the target, summed over cores).
    public var memoryBytes: Int
    /// Mean input events per step (spikes, or non-zero counts after pooling). For the encoder:
    /// the non-zero analog inputs, delivered once.
    public var inputEventsPerStep: Double
    /// Output spikes per step of the population (0 for the readout and on later rows).
    public var outputSpikesPerStep: Double
    /// Synaptic operations with a non-zero weight (events × fan-out non-zeros).
    public var synapticOps: Double
    /// Structural synaptic operations (events × fan-out including zero weights; sinabs-style).
    public var structuralOps: Double
    /// Neuron updates (every neuron of the population, every step).
    public var neuronUpdates: Double
    /// Spike packets sent from the population to destination cores.
    public var routedSpikes: Double
    /// Router hops of those packets.
    public var hops: Double
    /// Weight bytes read, compressed-sparse rows.
    public var bytesMovedCSR: Double
    /// Weight bytes read, dense rows.
    public var bytesMovedDense: Double
    /// Energy of this row.
    public var energy: EnergyBreakdown
    /// Cycles per step of the busiest core of the population for this layer's work.
    public var cyclesPerStep: Double

    /// Creates a layer estimate.
    public init(
        layer: String, kind: String, population: String, neurons: Int, cores: Int, weights: Int,
        nonZeroWeights: Int, synapses: Int, connections: Int, csrBytes: Int, denseBytes: Int,
        memoryBytes: Int, inputEventsPerStep: Double, outputSpikesPerStep: Double, synapticOps: Double,
        structuralOps: Double, neuronUpdates: Double, routedSpikes: Double, hops: Double,
        bytesMovedCSR: Double, bytesMovedDense: Double, energy: EnergyBreakdown, cyclesPerStep: Double
    ) {
        self.layer = layer
        self.kind = kind
        self.population = population
        self.neurons = neurons
        self.cores = cores
        self.weights = weights
        self.nonZeroWeights = nonZeroWeights
        self.synapses = synapses
        self.connections = connections
        self.csrBytes = csrBytes
        self.denseBytes = denseBytes
        self.memoryBytes = memoryBytes
        self.inputEventsPerStep = inputEventsPerStep
        self.outputSpikesPerStep = outputSpikesPerStep
        self.synapticOps = synapticOps
        self.structuralOps = structuralOps
        self.neuronUpdates = neuronUpdates
        self.routedSpikes = routedSpikes
        self.hops = hops
        self.bytesMovedCSR = bytesMovedCSR
        self.bytesMovedDense = bytesMovedDense
        self.energy = energy
        self.cyclesPerStep = cyclesPerStep
    }

    /// Non-zero fraction of the stored weights.
    public var density: Double { weights == 0 ? 0 : Double(nonZeroWeights) / Double(weights) }
}

/// Cost estimates of a mapped graph on a target.
public struct Estimates: Sendable, Equatable {
    /// Measured or assumed activity.
    public var activity: ActivitySource
    /// Time steps per inference the figures cover.
    public var timeSteps: Int
    /// One row per synaptic layer, in execution order.
    public var layers: [LayerEstimate]
    /// Synapse memory used on each core, by core id.
    public var memoryPerCore: [Int]
    /// Cycles per time step: Σ over layers of the busiest core's cycles, plus the barrier.
    public var cyclesPerStep: Double
    /// Seconds per inference: `timeSteps` steps at the clock, or at the tick rate when the
    /// target steps on a timer (whichever is longer).
    public var latencySeconds: Double
    /// Static energy of one inference, pJ (static power × latency); not in any layer row.
    public var staticEnergyPJ: Double

    /// The target's cost figures these estimates were computed with, if recorded.
    public var costs: TargetCosts?

    /// Creates estimates.
    public init(
        activity: ActivitySource, timeSteps: Int, layers: [LayerEstimate], memoryPerCore: [Int],
        cyclesPerStep: Double, latencySeconds: Double, staticEnergyPJ: Double, costs: TargetCosts? = nil
    ) {
        self.costs = costs
        self.activity = activity
        self.timeSteps = timeSteps
        self.layers = layers
        self.memoryPerCore = memoryPerCore
        self.cyclesPerStep = cyclesPerStep
        self.latencySeconds = latencySeconds
        self.staticEnergyPJ = staticEnergyPJ
    }

    /// Cores used.
    public var cores: Int { memoryPerCore.count }
    /// Neurons on the chip.
    public var neurons: Int { layers.reduce(0) { $0 + $1.neurons } }
    /// Unrolled non-zero synapses.
    public var synapses: Int { layers.reduce(0) { $0 + $1.synapses } }
    /// Synapse memory used, bytes.
    public var memoryBytes: Int { memoryPerCore.reduce(0, +) }
    /// Compressed-sparse bytes of all layers.
    public var csrBytes: Int { layers.reduce(0) { $0 + $1.csrBytes } }
    /// Dense bytes of all layers.
    public var denseBytes: Int { layers.reduce(0) { $0 + $1.denseBytes } }
    /// Output spikes per step of all populations.
    public var spikesPerStep: Double { layers.reduce(0) { $0 + $1.outputSpikesPerStep } }
    /// Synaptic operations per inference.
    public var synapticOps: Double { layers.reduce(0) { $0 + $1.synapticOps } }
    /// Energy per inference, summed over layers plus static.
    public var energy: EnergyBreakdown {
        var e = layers.reduce(EnergyBreakdown.zero) { sum, row in
            EnergyBreakdown(
                synapticOps: sum.synapticOps + row.energy.synapticOps,
                neuronUpdates: sum.neuronUpdates + row.energy.neuronUpdates,
                routing: sum.routing + row.energy.routing, memory: sum.memory + row.energy.memory,
                memoryIncluded: row.energy.memoryIncluded, staticEnergy: 0,
                inputMACs: sum.inputMACs + row.energy.inputMACs)
        }
        e.staticEnergy = staticEnergyPJ
        return e
    }
}

/// Where a deployment came from.
public struct Provenance: Sendable, Equatable {
    /// The input file (checkpoint or ticket) as given on the command line.
    public var sourceFile: String
    /// SHA-256 of the input file's bytes, lowercase hex.
    public var sourceSHA256: String
    /// The command line that produced the deployment.
    public var command: String
    /// snnc's version.
    public var toolVersion: String
    /// The target profile name.
    public var target: String
    /// Creation time, ISO 8601 UTC (empty for reproducible output).
    public var createdUTC: String
    /// The ticket-file level that was compiled (nil for a checkpoint, or a file written before
    /// format 1.1).
    public var sourceLevel: Int?

    /// Creates provenance.
    public init(
        sourceFile: String, sourceSHA256: String, command: String, toolVersion: String, target: String,
        createdUTC: String, sourceLevel: Int? = nil
    ) {
        self.sourceFile = sourceFile
        self.sourceSHA256 = sourceSHA256
        self.command = command
        self.toolVersion = toolVersion
        self.target = target
        self.createdUTC = createdUTC
        self.sourceLevel = sourceLevel
    }
}
