import SNNIR

/// Charges the cost model during one inference: per-core counters per population phase,
/// phase and step cycles, and the totals behind the energy breakdown.
struct CostMeter {
    let plan: CostPlan
    private(set) var cyclesPerStep: [Double] = []
    private var stepCycles = 0.0
    private var rowFetches = 0, hops = 0, ops = 0, updates = 0
    /// The encoders' operations among `ops`: multiply-accumulates on the analog input.
    private var inputMACs = 0

    init(plan: CostPlan) { self.plan = plan }

    /// Records that `count` of the operations charged are the encoders' MACs (priced at
    /// `ChipEnergy.inputMACPJ` when the target has that figure).
    mutating func chargeInputMACs(_ count: Int) { inputMACs += count }

    /// Charges the packets of `count` events of a projection to its target population's cores.
    func chargeDelivery(
        projection: Int, population p: Int, events: UnsafePointer<Int32>, count: Int,
        workspace ws: Workspace
    ) {
        let routes = plan.routes[projection]
        let start = routes.start.base
        let core = routes.core.base
        let routeOps = routes.ops.base
        let routeHops = routes.hops.base
        let fetches = ws.coreFetches[p].base
        let coreOps = ws.coreOps[p].base
        let coreHops = ws.coreHops[p].base
        for e in 0..<count {
            let u = Int(events[e])
            for r in start[u]..<start[u + 1] {
                let c = Int(core[r])
                fetches[c] += 1
                coreOps[c] += Int(routeOps[r])
                coreHops[c] += Int(routeHops[r])
            }
        }
    }

    /// Ends population `p`'s phase of the current step: its busiest core's cycles.
    mutating func closePhase(population p: Int, workspace ws: Workspace) {
        let t = plan.model.timing
        var busiest = 0.0
        for c in 0..<ws.coreFetches[p].count {
            let f = ws.coreFetches[p][c]
            let o = ws.coreOps[p][c]
            let h = ws.coreHops[p][c]
            let u = ws.coreUpdates[p][c]
            let cycles =
                Double(f) * t.cyclesPerRowFetch + Double(o) * t.cyclesPerSynapticOp
                + Double(u) * t.cyclesPerNeuronUpdate + Double(h) * t.cyclesPerHop
            busiest = max(busiest, cycles)
            rowFetches += f
            ops += o
            hops += h
            updates += u
        }
        for buffer in [ws.coreFetches[p], ws.coreOps[p], ws.coreHops[p], ws.coreUpdates[p]] { buffer.fill(0) }
        stepCycles += busiest
    }

    /// Ends a step: adds the barrier.
    mutating func closeStep() {
        cyclesPerStep.append(stepCycles + plan.model.timing.cyclesPerBarrier)
        stepCycles = 0
    }

    /// The inference's cycles, latency and energy.
    func result() -> InferenceCost {
        let timing = plan.model.timing
        let energy = plan.model.energy
        let memory = plan.model.memory
        let seconds = cyclesPerStep.map { cycles in
            max(cycles / timing.clockHz, timing.tickHz.map { 1 / $0 } ?? 0)
        }
        let latency = seconds.reduce(0, +)
        let bytes = Double(rowFetches) * memory.bytesPerRowFetch + Double(ops) * memory.bytesPerSynapticOp
        let operations = energy.operationEnergy(synapticOps: Double(ops), inputMACs: Double(inputMACs))
        let breakdown = EnergyBreakdown(
            synapticOps: operations.synapticOps,
            neuronUpdates: Double(updates) * energy.neuronUpdatePJ,
            routing: Double(hops) * energy.spikeRoutePJ,
            memory: bytes * energy.memoryPJPerByte,
            memoryIncluded: !energy.synapticOpIncludesWeightRead,
            staticEnergy: energy.staticPowerMW * 1e-3 * latency * 1e12, inputMACs: operations.inputMACs)
        return InferenceCost(
            cyclesPerStep: cyclesPerStep, secondsPerStep: seconds, rowFetches: rowFetches, hops: hops,
            synapticOps: ops, neuronUpdates: updates, energy: breakdown)
    }
}
