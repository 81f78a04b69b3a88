/// The mutable state of one event-driven inference: accumulators, membranes, marks, event
/// lists and cost counters, sized for one plan. One workspace per thread; reused across images.
final class Workspace {
    // Per population (HWC).
    let current: [IntegerBuffer]
    let state: [IntegerBuffer]
    let constant: [ScratchBuffer<Int64>]
    let marks: [ScratchBuffer<UInt8>]
    let pinned: [ScratchBuffer<UInt8>]
    /// Per current-based population, the synaptic currents (HWC); empty for the others.
    let synapticCurrent: [ScratchBuffer<Int64>]
    /// Per current-based population with a delay, the spikes of the previous step (HWC, ascending)
    /// and their counts, sent at this step; empty for the others.
    let delayedEvents: [ScratchBuffer<Int32>]
    let delayedPayloads: [ScratchBuffer<Int32>]
    var delayedCount: [Int]
    /// Per population, whether this image's constant currents fit 32 bits (for the fast LIF loop).
    var smallConstants: [Bool]
    /// Per population, whether every position is pinned this image (events need not mark).
    var allPinned: [Bool]
    // Per stream (HWC events).
    let events: [ScratchBuffer<Int32>]
    let payloads: [ScratchBuffer<Int32>]
    var eventCount: [Int]
    let poolValue: [ScratchBuffer<Int32>]
    let poolSeen: [ScratchBuffer<UInt8>]
    // The encoder's input events (non-zero quantised pixels, HWC) and its output buffer.
    let inputEvents: ScratchBuffer<Int32>
    let inputPayloads: ScratchBuffer<Int32>
    let encoderOutput: [ScratchBuffer<Int64>]
    let encoderMarks: [ScratchBuffer<UInt8>]
    let stepOutput: ScratchBuffer<Int64>
    // Per population, per local core: row fetches, synaptic ops, hops, updates.
    let coreFetches: [ScratchBuffer<Int>]
    let coreOps: [ScratchBuffer<Int>]
    let coreHops: [ScratchBuffer<Int>]
    let coreUpdates: [ScratchBuffer<Int>]

    init(plan: ExecutionPlan, cost: CostPlan?) {
        let populations = plan.populations
        current = populations.map { IntegerBuffer(narrow: $0.narrowCurrent, count: $0.layout.count) }
        state = populations.map { IntegerBuffer(narrow: $0.narrowState, count: $0.grid.count) }
        constant = populations.map { ScratchBuffer(repeating: 0, count: $0.perNeuronConstant ? $0.grid.count : $0.grid.channels) }
        marks = populations.map { ScratchBuffer(repeating: 0, count: $0.layout.paddedPositions) }
        pinned = populations.map { ScratchBuffer(repeating: 0, count: $0.grid.positions) }
        synapticCurrent = populations.map { ScratchBuffer(repeating: 0, count: $0.rule?.current == nil ? 0 : $0.grid.count) }
        let delayedSizes = populations.map { ($0.rule?.current?.delay ?? 0) > 0 ? $0.grid.count + 1 : 0 }
        delayedEvents = delayedSizes.map { ScratchBuffer(repeating: 0, count: $0) }
        delayedPayloads = delayedSizes.map { ScratchBuffer(repeating: 0, count: $0) }
        delayedCount = Array(repeating: 0, count: populations.count)
        smallConstants = Array(repeating: false, count: populations.count)
        allPinned = Array(repeating: false, count: populations.count)
        // One spare slot: the branch-free appends write one past the last event.
        events = plan.streams.map { ScratchBuffer(repeating: 0, count: $0.grid.count + 1) }
        payloads = plan.streams.map { ScratchBuffer(repeating: 1, count: $0.grid.count) }
        eventCount = Array(repeating: 0, count: plan.streams.count)
        poolValue = plan.streams.map { stream in
            if case .pool = stream.source {
                ScratchBuffer(repeating: 0, count: stream.grid.count)
            } else {
                ScratchBuffer(repeating: 0, count: 0)
            }
        }
        poolSeen = plan.streams.map { stream in
            if case .pool = stream.source {
                ScratchBuffer(repeating: 0, count: stream.grid.count)
            } else {
                ScratchBuffer(repeating: 0, count: 0)
            }
        }
        inputEvents = ScratchBuffer(repeating: 0, count: plan.inputGrid.count)
        inputPayloads = ScratchBuffer(repeating: 0, count: plan.inputGrid.count)
        encoderOutput = plan.encoders.map { populations[plan.projections[$0].target].grid.count }
            .map { ScratchBuffer(repeating: 0, count: $0) }
        encoderMarks = plan.encoders.map { populations[plan.projections[$0].target].grid.positions }
            .map { ScratchBuffer(repeating: 0, count: $0) }
        stepOutput = ScratchBuffer(repeating: 0, count: populations[plan.readout].grid.count)
        let coreCounts = populations.indices.map { cost?.populationCores[$0].count ?? 0 }
        coreFetches = coreCounts.map { ScratchBuffer(repeating: 0, count: $0) }
        coreOps = coreCounts.map { ScratchBuffer(repeating: 0, count: $0) }
        coreHops = coreCounts.map { ScratchBuffer(repeating: 0, count: $0) }
        coreUpdates = coreCounts.map { ScratchBuffer(repeating: 0, count: $0) }
    }
}
