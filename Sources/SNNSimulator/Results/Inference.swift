import SNNIR

/// What one inference (one image, all time steps) produced and cost.
public struct Inference: Sendable, Equatable {
    /// The readout's integer logits summed over all steps.
    public var logits: [Int64]
    /// The readout's integer output at each step (`logitsPerStep[t][k]`); they sum to `logits`.
    public var logitsPerStep: [[Int64]]
    /// The predicted class: the index of the largest logit, the lowest index on ties.
    public var prediction: Int
    /// Events per step of every LIF group (spikes) and pool (non-zero outputs), in layer order.
    public var spikes: StepCounts
    /// Per LIF group and step, the neurons whose membrane after the step (reset included)
    /// differs from the membrane before it: NeuroBench's membrane-update rule for steps after
    /// the first (`NeuroBenchWorkload`). Both the event simulator and the dense reference count them.
    public var membraneChanges: StepCounts?
    /// The event simulator's work, or nil for the dense reference.
    public var work: Work?
    /// Cycles, latency and energy, when the event simulator ran with a cost model.
    public var cost: InferenceCost?
    /// Every event, when a trace was requested.
    public var trace: SpikeTrace?

    /// Creates an inference result.
    public init(
        logits: [Int64], logitsPerStep: [[Int64]], spikes: StepCounts, membraneChanges: StepCounts? = nil,
        work: Work? = nil, cost: InferenceCost? = nil, trace: SpikeTrace? = nil
    ) {
        self.logits = logits
        self.logitsPerStep = logitsPerStep
        self.prediction = Inference.argmax(logits)
        self.spikes = spikes
        self.membraneChanges = membraneChanges
        self.work = work
        self.cost = cost
        self.trace = trace
    }

    /// The index of the largest value, the lowest index on ties (0 for an empty array).
    public static func argmax(_ values: [Int64]) -> Int {
        var best = 0
        for k in values.indices where values[k] > values[best] { best = k }
        return best
    }
}

/// The operations the event simulator performed for one inference (or a batch, summed).
public struct Work: Sendable, Equatable {
    /// Synaptic operations (non-zero synapses reached by an event) per synaptic layer per step.
    /// An encoder's operations, done once per image, are counted at step 0.
    public var synapticEvents: StepCounts
    /// Neurons updated per population (LIF groups and the readout) per step: those with a
    /// non-zero input current this step, a non-zero bias or encoder current, or a non-zero
    /// membrane to leak (every neuron, when a group fires at rest).
    public var neuronUpdates: StepCounts

    /// Creates the work counts.
    public init(synapticEvents: StepCounts, neuronUpdates: StepCounts) {
        self.synapticEvents = synapticEvents
        self.neuronUpdates = neuronUpdates
    }

    /// Elementwise sum.
    public static func + (a: Work, b: Work) -> Work {
        Work(synapticEvents: a.synapticEvents + b.synapticEvents, neuronUpdates: a.neuronUpdates + b.neuronUpdates)
    }
}

/// Cycles, latency and energy of one inference (or a batch, summed), from a `CostModel`.
public struct InferenceCost: Sendable, Equatable {
    /// Cycles of each step: the populations' phases (busiest core each) plus the barrier.
    public var cyclesPerStep: [Double]
    /// Seconds of each step: cycles at the clock, or the timer tick if that is longer.
    public var secondsPerStep: [Double]
    /// Packets (event × destination core); each is one row fetch.
    public var rowFetches: Int
    /// Router hops summed over packets.
    public var hops: Int
    /// Synaptic operations charged (all layers, all steps).
    public var synapticOps: Int
    /// Neuron updates charged.
    public var neuronUpdates: Int
    /// Energy by cause, pJ.
    public var energy: EnergyBreakdown

    /// Creates a cost record.
    public init(
        cyclesPerStep: [Double], secondsPerStep: [Double], rowFetches: Int, hops: Int,
        synapticOps: Int, neuronUpdates: Int, energy: EnergyBreakdown
    ) {
        self.cyclesPerStep = cyclesPerStep
        self.secondsPerStep = secondsPerStep
        self.rowFetches = rowFetches
        self.hops = hops
        self.synapticOps = synapticOps
        self.neuronUpdates = neuronUpdates
        self.energy = energy
    }

    /// Cycles of the inference.
    public var cycles: Double { cyclesPerStep.reduce(0, +) }
    /// Latency of the inference, seconds.
    public var latencySeconds: Double { secondsPerStep.reduce(0, +) }

    /// Elementwise sum (for batch totals).
    public static func + (a: InferenceCost, b: InferenceCost) -> InferenceCost {
        InferenceCost(
            cyclesPerStep: zip(a.cyclesPerStep, b.cyclesPerStep).map(+),
            secondsPerStep: zip(a.secondsPerStep, b.secondsPerStep).map(+),
            rowFetches: a.rowFetches + b.rowFetches, hops: a.hops + b.hops,
            synapticOps: a.synapticOps + b.synapticOps, neuronUpdates: a.neuronUpdates + b.neuronUpdates,
            energy: EnergyBreakdown(
                synapticOps: a.energy.synapticOps + b.energy.synapticOps,
                neuronUpdates: a.energy.neuronUpdates + b.energy.neuronUpdates,
                routing: a.energy.routing + b.energy.routing,
                memory: a.energy.memory + b.energy.memory,
                memoryIncluded: a.energy.memoryIncluded,
                staticEnergy: a.energy.staticEnergy + b.energy.staticEnergy,
                inputMACs: a.energy.inputMACs + b.energy.inputMACs))
    }

    /// Every figure divided by `n` (for the mean over a batch); counts round down.
    public func divided(by n: Int) -> InferenceCost {
        let d = Double(max(n, 1))
        let e = energy
        return InferenceCost(
            cyclesPerStep: cyclesPerStep.map { $0 / d }, secondsPerStep: secondsPerStep.map { $0 / d },
            rowFetches: rowFetches / max(n, 1), hops: hops / max(n, 1),
            synapticOps: synapticOps / max(n, 1), neuronUpdates: neuronUpdates / max(n, 1),
            energy: EnergyBreakdown(
                synapticOps: e.synapticOps / d, neuronUpdates: e.neuronUpdates / d,
                routing: e.routing / d, memory: e.memory / d,
                memoryIncluded: e.memoryIncluded, staticEnergy: e.staticEnergy / d, inputMACs: e.inputMACs / d))
    }
}
