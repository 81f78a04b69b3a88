import SNNIR

/// The event-driven integer simulator of a compiled (quantised, lowered) graph.
///
/// Per time step, in layer order: every event of a stream (a spike, or a pooled count) fans out
/// through its row of the layer's CSR table (a conv's kernel CSR, offset by the event's position,
/// stride and padding); a LIF group updates only the neurons that received input, carry a bias
/// or encoder current, or have a membrane to leak; pools and flattens turn events into events;
/// the readout adds its currents to the logits. The encoder conv runs once per image on the
/// quantised pixels. Integer semantics are SNNIR's (`QuantizedNeurons`, `QuantizedSynapses`),
/// and the spike trains equal `DenseReference`'s step by step (`Verification`).
///
/// With a `CostModel`, every inference also reports cycles, latency and energy, using the
/// graph's placement (or one core per population without one).
///
/// The value is immutable and `Sendable`: threads share one simulator, each with its own
/// scratch state.
public struct EventSimulator: Sendable {
    let plan: ExecutionPlan
    let costPlan: CostPlan?

    /// Compiles `graph` for event-driven execution.
    /// - Parameter cost: the target's cycle and energy figures; nil skips cost accounting.
    /// - Throws: `SimulatorError` when the graph is malformed, not quantised or not lowered to
    ///   CSR, or its placement does not tile the populations.
    public init(_ graph: Graph, cost: CostModel? = nil) throws {
        let plan = try ExecutionPlan(graph)
        self.plan = plan
        costPlan = try cost.map { try CostPlan(plan: plan, placement: graph.placement, model: $0) }
    }

    /// Time steps per inference.
    public var timeSteps: Int { plan.timeSteps }

    /// The layers whose events are counted and traced (LIF groups and pools), in layer order.
    public var recordedLayers: [String] { plan.recordedStreams.map { plan.streams[$0].name } }

    /// The synaptic layers, in layer order (the rows of `Work.synapticEvents`).
    public var synapticLayers: [String] { plan.projections.sorted { $0.layer < $1.layer }.map(\.name) }

    /// The populations (LIF groups, then the readout last), in layer order.
    public var populations: [String] { plan.populations.map(\.name) }

    /// The LIF groups, in layer order (the rows of `Inference.membraneChanges`).
    public var neuronGroups: [String] { plan.populations.filter { $0.rule != nil }.map(\.name) }

    /// The placement costs are charged with (nil without a cost model).
    public var placement: Placement? { costPlan?.placement }

    /// Quantises a normalised image (C-order `[C, H, W]`) with the graph's input quantisation.
    /// - Throws: `SimulatorError.imageSize` or `.missingInputQuantization`.
    public func quantize(image: [Float]) throws -> [Int32] {
        try InputEncoding.quantize(image, quantization: plan.inputQuantization, expected: plan.inputGrid.count)
    }

    /// Runs one normalised image.
    public func run(image: [Float], trace: Bool = false) throws -> Inference {
        try run(quantizedImage: quantize(image: image), trace: trace)
    }

    /// Runs one quantised image (C-order `[C, H, W]` integers).
    /// - Throws: `SimulatorError.imageSize` when the image does not fit the input layer.
    public func run(quantizedImage image: [Int32], trace: Bool = false) throws -> Inference {
        guard image.count == plan.inputGrid.count else {
            throw SimulatorError.imageSize(expected: plan.inputGrid.count, found: image.count)
        }
        return run(image, trace: trace, workspace: makeWorkspace())
    }

    /// Runs quantised inputs that change from step to step: `steps[t]` (C-order `[C, H, W]`
    /// integers) is the input at step t, as Xylo receives its input events per channel and step;
    /// the encoders run on it at every step. `steps` holds one input per time step.
    /// - Throws: `SimulatorError.imageSize` when the step count or an input's size is wrong.
    public func run(quantizedSteps steps: [[Int32]], trace: Bool = false) throws -> Inference {
        guard steps.count == plan.timeSteps else { throw SimulatorError.imageSize(expected: plan.timeSteps, found: steps.count) }
        for input in steps where input.count != plan.inputGrid.count {
            throw SimulatorError.imageSize(expected: plan.inputGrid.count, found: input.count)
        }
        return run(steps: steps, trace: trace, workspace: makeWorkspace())
    }

    /// Scratch state for one thread.
    func makeWorkspace() -> Workspace { Workspace(plan: plan, cost: costPlan) }
}

/// Turning normalised pixels into the encoder's integer inputs.
enum InputEncoding {
    static func quantize(_ image: [Float], quantization: InputQuantization?, expected: Int) throws -> [Int32] {
        guard image.count == expected else { throw SimulatorError.imageSize(expected: expected, found: image.count) }
        guard let quantization else { throw SimulatorError.missingInputQuantization }
        return image.map { quantization.quantize($0) }
    }
}
