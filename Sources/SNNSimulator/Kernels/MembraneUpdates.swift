/// The LIF loop when every quantity is known to be small: membranes, one step's synaptic
/// current and the constant current all within 32 bits (`UpdateKernels.lif(… fast: true)`).
///
/// Then `decay(v) + i` cannot leave `Int64` and `h − threshold` cannot overflow, so the update is
/// written without branches: the clamp is `min`/`max`, the spike decision a sign mask, and a
/// neuron at rest with no input is processed like any other (it stays at 0 and does not fire,
/// since the group does not fire at rest) and only left out of the update count.
extension UpdateKernels {
    @inline(__always)
    static func fastLoop<L: LeakKernel, A: KernelInteger, S: KernelInteger>(
        _ leak: L, _ rule: NeuronRule, _ layout: AccumulatorLayout, _ b: LIFBuffers<A, S>, _ charge: CoreCharge?
    ) -> (spikes: Int, updates: Int) {
        let grid = layout.grid, channels = grid.channels
        let current = b.current, constant = b.constant, state = b.state, spikes = b.spikes
        let minState = rule.minState, maxState = rule.maxState, reset = rule.reset
        let fireAt = rule.fireOnEqual ? rule.threshold : rule.threshold &+ 1
        var spikeCount = 0, updates = 0
        var position = 0
        for y in 0..<grid.height {
            var padded = layout.paddedPosition(y: y, x: 0)
            for _ in 0..<grid.width {
                defer { position &+= 1; padded &+= 1 }
                guard b.marks[padded] != 0 else { continue }
                var keep: Int64 = 0
                let base = position &* channels, paddedBase = padded &* channels
                let constantBase = position &* b.constantStride
                for c in 0..<channels {
                    let j = base &+ c
                    let synaptic = Int64(current[paddedBase &+ c]), bias = constant[constantBase &+ c]
                    let v = Int64(state[j])
                    let active = (synaptic | bias | v) != 0 ? 1 : 0
                    updates &+= active
                    if let charge { charge.updates[Int(charge.coreOfNeuron[j])] &+= active }
                    current[paddedBase &+ c] = 0
                    let h = min(max(leak.apply(v) &+ synaptic &+ bias, minState), maxState)
                    // Sign arithmetic, not comparisons: LLVM would turn a compare-and-select on
                    // the spike (a loop-carried count) back into a mispredicted branch.
                    let spike = (fireAt &- 1 &- h) &>> 63     // −1: spike, 0: none
                    let next = h ^ ((h ^ reset) & spike)
                    state[j] = S(truncatingIfNeeded: next)
                    spikes[spikeCount] = Int32(truncatingIfNeeded: j)
                    spikeCount &-= Int(spike)
                    keep |= next
                }
                b.marks[padded] = (keep != 0 || b.pinned[position] != 0) ? 1 : 0
            }
        }
        return (spikeCount, updates)
    }
}
