import SNNIR

/// A layer whose output is a list of events per step (LIF spikes, pools, flattens).
struct StreamPlan: Sendable {
    /// Where the events come from.
    enum Source: Sendable {
        /// The spikes of population `population`.
        case population(Int)
        /// A pool over stream `stream`.
        case pool(stream: Int, kind: PoolLayer.Kind, geometry: ConvGeometry, rows: AxisTaps, columns: AxisTaps)
        /// Stream `stream` re-indexed from HWC to C-order (`[C, H, W]` → `[C·H·W]`).
        case flatten(stream: Int)
    }

    let layer: Int
    let name: String
    let shape: [Int]
    let grid: Grid
    let source: Source
    /// Whether every payload is 1 (spikes and max-pools).
    let binary: Bool
    /// Whether the stream's events are reported (LIF groups and pools; a flatten only
    /// re-indexes its input).
    var recorded: Bool { if case .flatten = source { false } else { true } }
}

/// A population: a LIF group, or the readout's logit accumulators.
struct PopulationPlan: Sendable {
    let layer: Int
    let name: String
    let shape: [Int]
    let grid: Grid
    /// The layout of the accumulators and position marks (the grid plus a halo).
    let layout: AccumulatorLayout
    /// The integer LIF step, or nil for the readout.
    let rule: NeuronRule?
    /// The output stream of a LIF group.
    let stream: Int?
    /// Σ of the integer biases of every synaptic layer feeding the population: a current that
    /// flows at every step. Per channel (`C` values) unless `perNeuronConstant` (HWC).
    let staticCurrent: FrozenBuffer<Int64>
    /// Whether the constant current differs between positions of a channel (an encoder feeds
    /// the population, or an identity layer has a per-unit bias).
    let perNeuronConstant: Bool
    /// Whether the synaptic currents of one step provably fit `Int32` (see `currentBound`).
    var narrowCurrent: Bool = false
    /// Whether an encoder feeds the population (its constant current then depends on the image).
    let hasEncoder: Bool
    /// Whether a neuron at rest fires (threshold ≤ 0), or the group is current-based: then every
    /// neuron is updated every step.
    let updateAll: Bool

    /// Whether the membrane fits `Int32` (state bits ≤ 32; the readout's logits never do).
    var narrowState: Bool { rule.map { $0.maxState <= Int64(Int32.max) } ?? false }
}

/// A synaptic layer: a fan-out from a stream (or the input, for an encoder) into a population.
struct ProjectionPlan: Sendable {
    let layer: Int
    let name: String
    /// The stream it reads, or nil for an encoder (which reads the quantised image).
    let source: Int?
    let target: Int
    let fanout: Fanout
}

/// One thing to do, in layer order, at every step.
enum StepAction: Sendable {
    /// Scatter the events of a projection's source into its population's accumulators.
    case deliver(projection: Int)
    /// Leak, integrate, fire and reset a population (or accumulate the readout).
    case update(population: Int)
    /// Pool or flatten into a stream.
    case derive(stream: Int)
}

/// A quantised graph compiled for the event simulator: which buffers exist and, per step,
/// what runs in which order. Built once, read by every thread.
struct ExecutionPlan: Sendable {
    let graphName: String
    let timeSteps: Int
    /// The graph's input layer.
    let inputName: String
    let inputShape: [Int]
    let inputGrid: Grid
    let inputQuantization: InputQuantization?
    let streams: [StreamPlan]
    let populations: [PopulationPlan]
    let projections: [ProjectionPlan]
    /// Projections that run once per image, before step 0.
    let encoders: [Int]
    /// What runs at every step, in layer order (encoders excluded).
    let actions: [StepAction]
    /// The readout population.
    let readout: Int

    /// Streams whose events are reported, in layer order.
    var recordedStreams: [Int] { streams.indices.filter { streams[$0].recorded } }
}
