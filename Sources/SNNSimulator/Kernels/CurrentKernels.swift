/// The update loop of current-based populations (Xylo's neurons) in the event simulator.
///
/// Every neuron is updated every step (the population is `updateAll`): a neuron's synaptic
/// current and membrane both decay toward 0 by at least 1 per step, so a neuron without input
/// still changes until both are 0.
enum CurrentKernels {
    /// One step of every neuron of a current-based population. Clears the accumulators it reads
    /// (`current`, padded like `layout`), adds the constant current (per neuron HWC, or per
    /// channel), and writes each spiking neuron's HWC index (ascending) to `spikes` and its spike
    /// count to `counts`.
    /// - Returns: neurons with spikes, neuron updates (a non-zero input, current or membrane), and
    ///   membrane changes (the stored membrane after the step differs from the one before).
    static func step<A: KernelInteger, S: KernelInteger>(
        _ rule: CurrentRule, layout: AccumulatorLayout, current: UnsafeMutablePointer<A>,
        constant: UnsafePointer<Int64>, perNeuronConstant: Bool, synaptic: UnsafeMutablePointer<Int64>,
        state: UnsafeMutablePointer<S>, spikes: UnsafeMutablePointer<Int32>, counts: UnsafeMutablePointer<Int32>,
        charge: UpdateKernels.CoreCharge?
    ) -> (spikes: Int, updates: Int, changes: Int) {
        let grid = layout.grid
        let channels = grid.channels
        let constantStride = perNeuronConstant ? channels : 0
        var spikeCount = 0
        var updates = 0
        var changes = 0
        for position in 0..<grid.positions {
            let padded = layout.paddedPosition(position) &* channels
            for c in 0..<channels {
                let j = position &* channels &+ c
                let input = Int64(current[padded &+ c]) &+ constant[position &* constantStride &+ c]
                current[padded &+ c] = 0
                let i = synaptic[j]
                let v = Int64(state[j])
                guard (input | i | v) != 0 else { continue }
                updates &+= 1
                if let charge { charge.updates[Int(charge.coreOfNeuron[j])] &+= 1 }
                let next = rule.step(current: i, membrane: v, input: input)
                synaptic[j] = next.current
                state[j] = S(truncatingIfNeeded: next.membrane)
                if next.membrane != v { changes &+= 1 }
                if next.spikes > 0 {
                    spikes[spikeCount] = Int32(truncatingIfNeeded: j)
                    counts[spikeCount] = Int32(next.spikes)
                    spikeCount &+= 1
                }
            }
        }
        return (spikeCount, updates, changes)
    }
}
