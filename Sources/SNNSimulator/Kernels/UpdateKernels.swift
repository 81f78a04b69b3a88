/// The neuron-update loops of the event simulator.
///
/// Only marked positions are visited (positions an event reached this step, or where a neuron
/// has a non-zero membrane or a constant current), and within them only neurons with a non-zero
/// input, constant current or membrane are updated: a neuron at rest with no input stays at
/// rest (decay(0) = 0 for every leak) unless the group fires at rest (`updateAll`).
enum UpdateKernels {
    /// Per-core update counts, when costs are charged.
    struct CoreCharge {
        /// Local core index of each neuron (HWC).
        let coreOfNeuron: UnsafePointer<Int32>
        /// Updates per local core, incremented here.
        let updates: UnsafeMutablePointer<Int>
    }

    /// One step of a LIF group. Clears the accumulators it reads, writes the spikes (HWC,
    /// ascending) to `spikes`, and leaves a position's mark set where the next step must visit
    /// again. `current` and `marks` follow `layout` (padded); `state`, `pinned` and the spikes
    /// are unpadded HWC; `constant` is per neuron (HWC, `perNeuronConstant`) or per channel.
    /// `fast` selects the branch-free update, valid when membranes, currents and constants all
    /// fit 32 bits and the group does not fire at rest (see `FastUpdate`).
    /// - Returns: spikes, neuron updates, and membrane changes (neurons whose stored membrane
    ///   after the step, reset included, differs from the one before it).
    static func lif<A: KernelInteger, S: KernelInteger>(
        _ rule: NeuronRule, layout: AccumulatorLayout, updateAll: Bool, fast: Bool, current: UnsafeMutablePointer<A>,
        constant: UnsafePointer<Int64>, perNeuronConstant: Bool, state: UnsafeMutablePointer<S>,
        marks: UnsafeMutablePointer<UInt8>, pinned: UnsafePointer<UInt8>, spikes: UnsafeMutablePointer<Int32>,
        charge: CoreCharge?
    ) -> (spikes: Int, updates: Int, changes: Int) {
        let buffers = LIFBuffers(
            current: current, constant: constant, constantStride: perNeuronConstant ? layout.grid.channels : 0,
            state: state, marks: marks, pinned: pinned, spikes: spikes)
        switch rule.reset {
        case .toValue(let value):
            return lifLoop(ResetToValue(value: value), rule, layout, updateAll, fast, buffers, charge)
        case .subtract(let amount):
            return lifLoop(SubtractThreshold(amount: amount), rule, layout, updateAll, fast, buffers, charge)
        }
    }

    /// Picks the specialised loop for the update kind and the leak.
    @inline(__always)
    private static func lifLoop<R: ResetKernel, A: KernelInteger, S: KernelInteger>(
        _ reset: R, _ rule: NeuronRule, _ layout: AccumulatorLayout, _ updateAll: Bool, _ fast: Bool,
        _ buffers: LIFBuffers<A, S>, _ charge: CoreCharge?
    ) -> (spikes: Int, updates: Int, changes: Int) {
        if fast && !updateAll {
            switch rule.leak {
            case .shift(let k): return lifLoop(FastUpdate.self, ShiftLeak(k: k), reset, rule, layout, false, buffers, charge)
            case .multiply(let m): return lifLoop(FastUpdate.self, MultiplyLeak(m: m), reset, rule, layout, false, buffers, charge)
            }
        }
        switch rule.leak {
        case .shift(let k): return lifLoop(CheckedUpdate.self, ShiftLeak(k: k), reset, rule, layout, updateAll, buffers, charge)
        case .multiply(let m): return lifLoop(CheckedUpdate.self, MultiplyLeak(m: m), reset, rule, layout, updateAll, buffers, charge)
        }
    }

    /// The memory one LIF step reads and writes.
    struct LIFBuffers<A: KernelInteger, S: KernelInteger> {
        let current: UnsafeMutablePointer<A>
        let constant: UnsafePointer<Int64>
        /// 0 for a per-channel constant, `C` for a per-neuron one.
        let constantStride: Int
        let state: UnsafeMutablePointer<S>
        let marks: UnsafeMutablePointer<UInt8>
        let pinned: UnsafePointer<UInt8>
        let spikes: UnsafeMutablePointer<Int32>
    }

    /// The LIF loop, once for both updates (`U`) and every leak and storage type (specialised, so
    /// `U.isFast` is a constant and nothing is a branch per neuron except the skip of neurons at
    /// rest in the checked update). Visits the marked positions, clears the accumulators of the
    /// neurons it updates, writes every updated neuron's index to the next spike slot and advances
    /// only on a spike, and keeps a position marked while a membrane there is non-zero or pinned.
    ///
    /// The group's limits are locals of this function, not fields of a value passed in: held in
    /// registers that way, the loop runs as fast as two hand-written copies did (BENCHMARKS.md).
    @inline(__always)
    private static func lifLoop<U: MembraneUpdate, L: LeakKernel, R: ResetKernel, A: KernelInteger, S: KernelInteger>(
        _ update: U.Type, _ leak: L, _ reset: R, _ rule: NeuronRule, _ layout: AccumulatorLayout, _ updateAll: Bool,
        _ b: LIFBuffers<A, S>, _ charge: CoreCharge?
    ) -> (spikes: Int, updates: Int, changes: Int) {
        let grid = layout.grid
        let channels = grid.channels
        let current = b.current
        let constant = b.constant
        let state = b.state
        let spikes = b.spikes
        let minState = rule.minState
        let maxState = rule.maxState
        // `>` t is `>=` t + 1 on integers.
        let fireAt = rule.fireOnEqual ? rule.threshold : rule.threshold &+ 1
        var spikeCount = 0
        var updates = 0
        var changes = 0
        var position = 0
        for y in 0..<grid.height {
            var padded = layout.paddedPosition(y: y, x: 0)
            for _ in 0..<grid.width {
                defer {
                    position &+= 1
                    padded &+= 1
                }
                guard b.marks[padded] != 0 else { continue }
                var keep: Int64 = 0
                let base = position &* channels
                let paddedBase = padded &* channels
                let constantBase = position &* b.constantStride
                for c in 0..<channels {
                    let j = base &+ c
                    let synaptic = Int64(current[paddedBase &+ c])
                    let bias = constant[constantBase &+ c]
                    let v = Int64(state[j])
                    if U.isFast {
                        // Every neuron of a visited position is processed (no branch per neuron);
                        // only those with input, constant current or membrane count as updates.
                        let active = (synaptic | bias | v) != 0 ? 1 : 0
                        updates &+= active
                        if let charge { charge.updates[Int(charge.coreOfNeuron[j])] &+= active }
                        current[paddedBase &+ c] = 0
                        let h = min(max(leak.apply(v) &+ synaptic &+ bias, minState), maxState)
                        // Sign arithmetic, not comparisons: LLVM would turn a compare-and-select on
                        // the spike (a loop-carried count) back into a mispredicted branch.
                        let spike = (fireAt &- 1 &- h) &>> 63  // −1: spike, 0: none
                        let next = h ^ ((h ^ reset.after(h)) & spike)
                        state[j] = S(truncatingIfNeeded: next)
                        spikes[spikeCount] = Int32(truncatingIfNeeded: j)
                        spikeCount &-= Int(spike)
                        // −1 when the membrane changed (d ≠ 0 has d or −d negative), without a branch.
                        let d = next ^ v
                        changes &-= Int((d | (0 &- d)) &>> 63)
                        keep |= next
                    } else {
                        if !updateAll && (synaptic | bias | v) == 0 { continue }
                        current[paddedBase &+ c] = 0
                        updates &+= 1
                        if let charge { charge.updates[Int(charge.coreOfNeuron[j])] &+= 1 }
                        let input = synaptic &+ bias
                        let (sum, overflow) = leak.apply(v).addingReportingOverflow(input)
                        let h = overflow ? (input > 0 ? maxState : minState) : min(max(sum, minState), maxState)
                        // Branch-free: select the reset by multiplying with the spike bit (exact in
                        // wrapping arithmetic).
                        let spike = Int64(h >= fireAt ? 1 : 0)
                        let next = h &+ (reset.after(h) &- h) &* spike
                        state[j] = S(truncatingIfNeeded: next)
                        spikes[spikeCount] = Int32(truncatingIfNeeded: j)
                        spikeCount &+= Int(spike)
                        changes &+= next != v ? 1 : 0
                        keep |= next
                    }
                }
                b.marks[padded] = (keep != 0 || b.pinned[position] != 0) ? 1 : 0
            }
        }
        return (spikeCount, updates, changes)
    }

    /// One step of the readout (`[F]`): adds each output's current to its logit and writes the
    /// step's outputs to `stepOutput` (all `F` of them, zeros included).
    /// - Returns: the number of outputs updated (non-zero input or constant current).
    static func readout<A: KernelInteger>(
        outputs: Int, current: UnsafeMutablePointer<A>, constant: UnsafePointer<Int64>,
        logits: UnsafeMutablePointer<Int64>, stepOutput: UnsafeMutablePointer<Int64>,
        marks: UnsafeMutablePointer<UInt8>, pinned: UnsafePointer<UInt8>, charge: CoreCharge?
    ) -> Int {
        var updates = 0
        let visit = marks[0] != 0 || pinned[0] != 0
        for o in 0..<outputs {
            guard visit else {
                stepOutput[o] = 0
                continue
            }
            let input = Int64(current[o])
            let constantInput = constant[o]
            current[o] = 0
            stepOutput[o] = input &+ constantInput
            guard (input | constantInput) != 0 else { continue }
            logits[o] &+= input &+ constantInput
            updates += 1
            if let charge { charge.updates[Int(charge.coreOfNeuron[o])] += 1 }
        }
        marks[0] = 0
        return updates
    }
}

/// What a spike does to the membrane in the LIF loop (one type per `NeuronRule.Reset` case). The
/// loop computes `after(h)` for every neuron and keeps it only where the neuron spiked, so it
/// must not trap for any state in range.
protocol ResetKernel {
    func after(_ h: Int64) -> Int64
}

/// Hard reset: the membrane becomes `value`.
struct ResetToValue: ResetKernel {
    let value: Int64
    @inline(__always) func after(_ h: Int64) -> Int64 { value }
}

/// Soft reset: the threshold is subtracted (`amount` > 0, so `h − amount` stays in range for
/// every `h` at or above the threshold, the only values kept).
struct SubtractThreshold: ResetKernel {
    let amount: Int64
    @inline(__always) func after(_ h: Int64) -> Int64 { h &- amount }
}

/// A leak applied in the LIF loop (one type per `NeuronRule.Leak` case, so the loop specialises).
protocol LeakKernel {
    func apply(_ v: Int64) -> Int64
}

/// `v >> k`.
struct ShiftLeak: LeakKernel {
    let k: Int64
    @inline(__always) func apply(_ v: Int64) -> Int64 { v &>> k }  // k in 0…63 (checked by NeuronRule): a plain shift
}

/// `sign(v) · ((|v| · m) >> 12)`, without a branch on the sign.
struct MultiplyLeak: LeakKernel {
    let m: UInt64
    @inline(__always) func apply(_ v: Int64) -> Int64 {
        let sign = v &>> 63  // 0 or −1
        let magnitude = Int64(bitPattern: (v.magnitude &* m) &>> 12)
        return (magnitude ^ sign) &- sign  // −magnitude when v < 0
    }
}
