/// How `UpdateKernels.lifLoop` updates one neuron: whether it is visited and counted, and its
/// next membrane. One type per loop variant, so the loop specialises and inlines it (no
/// closure or existential per neuron).
protocol MembraneUpdate {
    /// 1 to update the neuron and count it, 0 to update it without counting it, nil to leave it
    /// untouched (membrane, accumulator and spikes).
    func activity(synaptic: Int64, constant: Int64, membrane v: Int64) -> Int?
    /// The neuron's next membrane and whether it fired (1) or not (0).
    func step(synaptic: Int64, constant: Int64, membrane v: Int64) -> (next: Int64, fired: Int)
}

/// The integer limits of a group's membrane, read once from its `NeuronRule`.
struct MembraneLimits {
    let minState: Int64
    let maxState: Int64
    let reset: Int64
    /// The smallest membrane that fires: `>` t is `>=` t + 1 on integers.
    let fireAt: Int64

    @inline(__always) init(_ rule: NeuronRule) {
        minState = rule.minState
        maxState = rule.maxState
        reset = rule.reset
        fireAt = rule.fireOnEqual ? rule.threshold : rule.threshold &+ 1
    }
}

/// The general update: skips neurons at rest with no input (unless the group fires at rest,
/// `updateAll`) and saturates on overflow.
struct CheckedUpdate<L: LeakKernel>: MembraneUpdate {
    let leak: L
    let limits: MembraneLimits
    let updateAll: Bool

    @inline(__always) func activity(synaptic: Int64, constant: Int64, membrane v: Int64) -> Int? {
        !updateAll && (synaptic | constant | v) == 0 ? nil : 1
    }

    @inline(__always) func step(synaptic: Int64, constant: Int64, membrane v: Int64) -> (next: Int64, fired: Int) {
        let input = synaptic &+ constant
        let (sum, overflow) = leak.apply(v).addingReportingOverflow(input)
        let h = overflow ? (input > 0 ? limits.maxState : limits.minState) : min(max(sum, limits.minState), limits.maxState)
        // Branch-free: select the reset by multiplying with the spike bit (exact in wrapping
        // arithmetic); the loop always writes the spike slot and advances only on a spike.
        let fired = Int64(h >= limits.fireAt ? 1 : 0)
        return (h &+ (limits.reset &- h) &* fired, Int(fired))
    }
}

/// The update when every quantity is known to be small: membranes, one step's synaptic current
/// and the constant current all within 32 bits (`UpdateKernels.lif(… fast: true)`).
///
/// Then `decay(v) + i` cannot leave `Int64` and `h − threshold` cannot overflow, so the update is
/// written without branches: the clamp is `min`/`max`, the spike decision a sign mask, and a
/// neuron at rest with no input is processed like any other (it stays at 0 and does not fire,
/// since the group does not fire at rest) and only left out of the update count.
struct FastUpdate<L: LeakKernel>: MembraneUpdate {
    let leak: L
    let limits: MembraneLimits

    @inline(__always) func activity(synaptic: Int64, constant: Int64, membrane v: Int64) -> Int? {
        (synaptic | constant | v) != 0 ? 1 : 0
    }

    @inline(__always) func step(synaptic: Int64, constant: Int64, membrane v: Int64) -> (next: Int64, fired: Int) {
        let h = min(max(leak.apply(v) &+ synaptic &+ constant, limits.minState), limits.maxState)
        // Sign arithmetic, not comparisons: LLVM would turn a compare-and-select on the spike
        // (a loop-carried count) back into a mispredicted branch.
        let spike = (limits.fireAt &- 1 &- h) &>> 63  // −1: spike, 0: none
        return (h ^ ((h ^ limits.reset) & spike), 0 &- Int(spike))
    }
}
