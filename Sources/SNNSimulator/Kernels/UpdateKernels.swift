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
    /// ascending) to `spikes`, and leaves `marks[p]` set where the next step must visit again.
    /// - Returns: spikes and neuron updates.
    static func lif(_ rule: NeuronRule, grid: Grid, updateAll: Bool, current: UnsafeMutablePointer<Int64>,
                    constant: UnsafePointer<Int64>, state: UnsafeMutablePointer<Int64>,
                    marks: UnsafeMutablePointer<UInt8>, pinned: UnsafePointer<UInt8>,
                    spikes: UnsafeMutablePointer<Int32>, charge: CoreCharge?) -> (spikes: Int, updates: Int) {
        let channels = grid.channels
        var spikeCount = 0, updates = 0
        for position in 0..<grid.positions where marks[position] != 0 {
            var keep = false
            let base = position * channels
            for c in 0..<channels {
                let j = base + c
                let input = current[j], constantInput = constant[j], v = state[j]
                if !updateAll && (input | constantInput | v) == 0 { continue }
                current[j] = 0
                updates += 1
                if let charge { charge.updates[Int(charge.coreOfNeuron[j])] += 1 }
                let (next, spike) = rule.step(v, input: input &+ constantInput)
                state[j] = next
                if spike {
                    spikes[spikeCount] = Int32(j)
                    spikeCount += 1
                }
                if next != 0 { keep = true }
            }
            marks[position] = (keep || pinned[position] != 0) ? 1 : 0
        }
        return (spikeCount, updates)
    }

    /// One step of the readout (`[F]`): adds each output's current to its logit and writes the
    /// step's outputs to `stepOutput` (all `F` of them, zeros included).
    /// - Returns: the number of outputs updated (non-zero input or constant current).
    static func readout(outputs: Int, current: UnsafeMutablePointer<Int64>, constant: UnsafePointer<Int64>,
                        logits: UnsafeMutablePointer<Int64>, stepOutput: UnsafeMutablePointer<Int64>,
                        marks: UnsafeMutablePointer<UInt8>, pinned: UnsafePointer<UInt8>, charge: CoreCharge?) -> Int {
        var updates = 0
        let visit = marks[0] != 0 || pinned[0] != 0
        for o in 0..<outputs {
            guard visit else { stepOutput[o] = 0; continue }
            let input = current[o], constantInput = constant[o]
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
