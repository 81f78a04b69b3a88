import SNNIR

/// Where each source unit's events go, per projection: one row per destination core.
struct RouteTable: Sendable {
    /// `units + 1` offsets into the route arrays, per source unit (HWC).
    let start: FrozenBuffer<Int>
    /// Destination core, as an index into the target population's cores.
    let core: FrozenBuffer<Int32>
    /// Synapses of the unit on that core (synaptic ops per event).
    let ops: FrozenBuffer<Int32>
    /// Router hops from the unit's core to that core (0 for the encoder's host input).
    let hops: FrozenBuffer<Int32>
}

/// A placement prepared for charging costs: the core of every neuron, the core every event
/// leaves from, and the route tables of every projection.
struct CostPlan: Sendable {
    let model: CostModel
    let placement: Placement
    /// Per population: its cores' global ids, in neuron order.
    let populationCores: [[Int]]
    /// Per population: the index (into `populationCores[p]`) of each neuron's core, HWC.
    let coreOfNeuron: [FrozenBuffer<Int32>]
    /// Per projection: its route table.
    let routes: [RouteTable]

    init(plan: ExecutionPlan, placement given: Placement?, model: CostModel) throws {
        let placement = try given.map { try Self.validated($0, plan: plan) } ?? Self.onePerPopulation(plan)
        self.model = model
        self.placement = placement
        var populationCores: [[Int]] = []
        var coreOfNeuron: [FrozenBuffer<Int32>] = []
        for population in plan.populations {
            let allocations = placement.cores(of: population.name).sorted { $0.neuronStart < $1.neuronStart }
            var local = [Int32](repeating: 0, count: population.grid.count)
            for (k, a) in allocations.enumerated() {
                for chw in a.neuronStart..<(a.neuronStart + a.neuronCount) { local[population.grid.hwc(fromCHW: chw)] = Int32(k) }
            }
            populationCores.append(allocations.map(\.core))
            coreOfNeuron.append(FrozenBuffer(local))
        }
        // The global core each stream unit's events leave from.
        var sourceCore: [[Int32]] = []
        for stream in plan.streams {
            switch stream.source {
            case .population(let p):
                sourceCore.append((0..<stream.grid.count).map { Int32(populationCores[p][Int(coreOfNeuron[p][$0])]) })
            case .pool(let s, _, let g, _, _):
                let input = plan.streams[s].grid
                sourceCore.append(
                    (0..<stream.grid.count).map { u in
                        // A pooled event leaves from the core of its window's first input neuron.
                        let position = u / stream.grid.channels
                        let c = u % stream.grid.channels
                        let oy = position / stream.grid.width
                        let ox = position % stream.grid.width
                        let y = min(max(oy * g.strideH - g.padH, 0), input.height - 1)
                        let x = min(max(ox * g.strideW - g.padW, 0), input.width - 1)
                        return sourceCore[s][(y * input.width + x) * input.channels + c]
                    })
            case .flatten(let s):
                let input = plan.streams[s].grid
                sourceCore.append((0..<stream.grid.count).map { sourceCore[s][input.hwc(fromCHW: $0)] })
            }
        }
        routes = plan.projections.map { projection in
            let units = projection.source.map { plan.streams[$0].grid.count } ?? plan.inputGrid.count
            let cores = populationCores[projection.target]
            let local = coreOfNeuron[projection.target]
            var start = [0]
            var core: [Int32] = []
            var ops: [Int32] = []
            var hops: [Int32] = []
            var perCore = [Int32](repeating: 0, count: cores.count)
            for u in 0..<units {
                projection.fanout.forEachSynapse(ofUnit: u) { target, _ in perCore[Int(local[target])] += 1 }
                for k in perCore.indices where perCore[k] > 0 {
                    core.append(Int32(k))
                    ops.append(perCore[k])
                    let from = projection.source.map { Int(sourceCore[$0][u]) }
                    hops.append(Int32(from.map { placement.hops(from: $0, to: cores[k]) } ?? 0))
                    perCore[k] = 0
                }
                start.append(core.count)
            }
            return RouteTable(
                start: FrozenBuffer(start), core: FrozenBuffer(core), ops: FrozenBuffer(ops),
                hops: FrozenBuffer(hops))
        }
        self.populationCores = populationCores
        self.coreOfNeuron = coreOfNeuron
    }

    /// Without a placement from `mapCores`: one core per population, ids in layer order, on a
    /// square mesh `⌈√n⌉` cores wide.
    static func onePerPopulation(_ plan: ExecutionPlan) -> Placement {
        var width = 1
        while width * width < plan.populations.count { width += 1 }
        let cores = plan.populations.enumerated().map { k, p in
            CoreAllocation(
                core: k, population: p.name, neuronStart: 0, neuronCount: p.grid.count, storedSynapses: 0,
                synapseBytes: 0, fanIn: 0, fanOut: 0)
        }
        return Placement(cores: cores, meshWidth: width)
    }

    /// `placement` after checking that it tiles every population exactly.
    static func validated(_ placement: Placement, plan: ExecutionPlan) throws -> Placement {
        guard placement.meshWidth >= 1 else {
            throw SimulatorError.invalidPlacement(detail: "mesh width \(placement.meshWidth) is not positive")
        }
        // A core may host several populations (Xylo's single core holds every group and the
        // readout; their phases add up in the step's cycles), but each population only once.
        var seen: Set<String> = []
        let names = Set(plan.populations.map(\.name))
        for a in placement.cores {
            guard a.core >= 0, seen.insert("\(a.core) \(a.population)").inserted else {
                throw SimulatorError.invalidPlacement(detail: "core \(a.core) appears twice for '\(a.population)' or is negative")
            }
            guard names.contains(a.population) else {
                throw SimulatorError.invalidPlacement(
                    detail: "core \(a.core) hosts '\(a.population)', which is not a LIF group or the readout")
            }
        }
        for p in plan.populations {
            var next = 0
            for a in placement.cores(of: p.name).sorted(by: { $0.neuronStart < $1.neuronStart }) {
                guard a.neuronStart == next, a.neuronCount > 0 else {
                    throw SimulatorError.invalidPlacement(
                        detail:
                            "the cores of '\(p.name)' do not tile its neurons: core \(a.core) starts at \(a.neuronStart), expected \(next)")
                }
                next += a.neuronCount
            }
            guard next == p.grid.count else {
                throw SimulatorError.invalidPlacement(detail: "the cores of '\(p.name)' hold \(next) of its \(p.grid.count) neurons")
            }
        }
        return placement
    }
}
