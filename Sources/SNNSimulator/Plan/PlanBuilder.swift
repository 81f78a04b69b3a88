import SNNIR

extension ExecutionPlan {
    /// Compiles `graph` for the event simulator.
    /// - Throws: `SimulatorError` when the graph is malformed, not quantised or not lowered.
    init(_ graph: Graph) throws {
        let topology = try Topology(graph, requireFanout: true)
        let layers = graph.layers
        var streamOf: [Int: Int] = [:]
        var populationOf: [Int: Int] = [:]
        var streams: [StreamPlan] = []
        var populations: [PopulationPlan] = []
        var projections: [ProjectionPlan] = []
        var encoders: [Int] = []
        var actions: [StepAction] = []
        // Populations first, so projections can name them; their streams get ids in layer order.
        var populationLayers: [Int] = []
        for (i, role) in topology.roles.enumerated() {
            switch role {
            case .lif, .readout: populationLayers.append(i)
            default: break
            }
        }
        for (p, i) in populationLayers.enumerated() { populationOf[i] = p }
        var streamCount = 0
        for (i, role) in topology.roles.enumerated() {
            switch role {
            case .lif, .pool, .flatten:
                streamOf[i] = streamCount
                streamCount += 1
            default: break
            }
        }
        let layouts = Self.layouts(graph, topology: topology)
        func project(_ i: Int, source: Int?, target: Int) throws {
            // An encoder adds into its own halo-free buffer, once per image.
            let layout = source == nil ? layouts[target].map { AccumulatorLayout(grid: $0.grid, haloH: 0, haloW: 0) } : layouts[target]
            guard let layout else {
                throw SimulatorError.shapeMismatch(
                    layer: layers[target].name, detail: "population shape \(layers[target].shape) is not [C, H, W] or [F]")
            }
            let fanout = try Self.fanout(of: layers[i], sourceGrid: source.map { streams[$0].grid }, target: layout)
            projections.append(
                ProjectionPlan(
                    layer: i, name: layers[i].name, source: source,
                    target: populationOf[target] ?? 0, fanout: fanout))
            if source == nil {
                encoders.append(projections.count - 1)
            } else {
                actions.append(.deliver(projection: projections.count - 1))
            }
        }
        for (i, role) in topology.roles.enumerated() {
            let layer = layers[i]
            switch role {
            case .input, .sum:
                break
            case .encoder(let target):
                try project(i, source: nil, target: target)
            case .projection(let source, let target):
                try project(i, source: streamOf[source], target: target)
            case .readout(let source):
                try project(i, source: streamOf[source], target: i)
                populations.append(try Self.population(i, graph: graph, topology: topology, layout: layouts[i], rule: nil, stream: nil))
                actions.append(.update(population: populations.count - 1))
            case .lif:
                guard case .lif(let lif) = layer.op, let q = lif.quantized else { throw SimulatorError.notQuantized(layer: layer.name) }
                let rule = try NeuronRule(q, layer: layer.name)
                let s = streamOf[i] ?? 0
                populations.append(try Self.population(i, graph: graph, topology: topology, layout: layouts[i], rule: rule, stream: s))
                streams.append(
                    StreamPlan(
                        layer: i, name: layer.name, shape: layer.shape,
                        grid: Grid(shape: layer.shape) ?? Grid(channels: 1, height: 1, width: 1),
                        source: .population(populations.count - 1), binary: rule.current == nil))
                actions.append(.update(population: populations.count - 1))
            case .pool(let source):
                guard case .pool(let pool) = layer.op, let u = streamOf[source] else { continue }
                let input = streams[u].grid
                let g = pool.geometry
                let grid = Grid(channels: layer.shape[0], height: layer.shape[1], width: layer.shape[2])
                let rows = AxisTaps(inputCount: input.height, outputCount: grid.height, kernel: g.kernelH, stride: g.strideH, pad: g.padH)
                let columns = AxisTaps(inputCount: input.width, outputCount: grid.width, kernel: g.kernelW, stride: g.strideW, pad: g.padW)
                streams.append(
                    StreamPlan(
                        layer: i, name: layer.name, shape: layer.shape, grid: grid,
                        source: .pool(stream: u, kind: pool.kind, geometry: g, rows: rows, columns: columns),
                        binary: pool.kind == .max))
                actions.append(.derive(stream: streams.count - 1))
            case .flatten(let source):
                guard let u = streamOf[source] else { continue }
                streams.append(
                    StreamPlan(
                        layer: i, name: layer.name, shape: layer.shape,
                        grid: Grid(channels: layer.unitCount, height: 1, width: 1),
                        source: .flatten(stream: u), binary: streams[u].binary))
                actions.append(.derive(stream: streams.count - 1))
            }
        }
        for p in populations.indices {
            let bound = Self.currentBound(of: p, projections: projections, streams: streams, populations: populations)
            populations[p].narrowCurrent = bound <= Double(Int32.max)
        }
        let input = layers[0]
        self.init(
            graphName: graph.name, timeSteps: graph.timeSteps, inputName: input.name, inputShape: input.shape,
            inputGrid: Grid(shape: input.shape) ?? Grid(channels: 1, height: 1, width: 1),
            inputQuantization: graph.inputQuantization, streams: streams, populations: populations,
            projections: projections, encoders: encoders, actions: actions, readout: populations.count - 1)
    }

    /// The fan-out of synaptic layer `layer`, whose source stream has grid `sourceGrid` (nil: the input).
    private static func fanout(of layer: Layer, sourceGrid: Grid?, target: AccumulatorLayout) throws -> Fanout {
        switch layer.op {
        case .conv(let conv):
            guard let table = conv.weights.fanout else { throw SimulatorError.notLowered(layer: layer.name) }
            return .conv(ConvFanout(conv, table: table, target: target))
        case .linear(let linear):
            guard let table = linear.weights.fanout, let grid = sourceGrid else { throw SimulatorError.notLowered(layer: layer.name) }
            return .linear(LinearFanout(input: grid, outputs: linear.outFeatures, table: table))
        case .identity(let identity):
            guard let table = identity.weights.fanout, let grid = sourceGrid else { throw SimulatorError.notLowered(layer: layer.name) }
            return .identity(IdentityFanout(grid: grid, table: table, target: target))
        default:
            throw SimulatorError.unsupported(layer: layer.name, reason: "not a synaptic layer")
        }
    }

    /// The plan of the population at layer `i`: its biases summed over every feeding layer.
    /// The largest |synaptic current| population `p` can receive in one step (encoders excluded:
    /// they add into their own 64-bit buffer): Σ over its projections of the largest payload of
    /// the source times the largest Σ|w| into one unit. Computed in `Double`, so it cannot overflow.
    private static func currentBound(
        of p: Int, projections: [ProjectionPlan], streams: [StreamPlan], populations: [PopulationPlan]
    ) -> Double {
        func payload(_ s: Int) -> Double {
            switch streams[s].source {
            case .population(let q): Double(populations[q].rule?.current?.maxSpikes ?? 1)
            case .pool(let u, let kind, let g, _, _): kind == .max ? 1 : Double(g.kernelH * g.kernelW) * payload(u)
            case .flatten(let u): payload(u)
            }
        }
        var bound = 0.0
        for projection in projections where projection.target == p {
            guard let s = projection.source else { continue }
            var sums: [Double]
            switch projection.fanout {
            case .conv(let f):
                sums = Array(repeating: 0, count: f.output.channels)
                for k in 0..<f.channel.count { sums[Int(f.channel[k])] += Double(abs(Int64(f.weight[k]))) }
            case .linear(let f):
                sums = Array(repeating: 0, count: f.outputs)
                for k in 0..<f.column.count { sums[Int(f.column[k])] += Double(abs(Int64(f.weight[k]))) }
            case .identity(let f):
                sums = (0..<f.gain.count).map { Double(abs(Int64(f.gain[$0]))) }
            }
            bound += payload(s) * (sums.max() ?? 0)
        }
        return bound
    }

    /// Per layer index of a population, its accumulator layout: the halo is the widest any
    /// stride-1 conv feeding it needs.
    private static func layouts(_ graph: Graph, topology: Topology) -> [Int: AccumulatorLayout] {
        var layouts: [Int: AccumulatorLayout] = [:]
        for (target, feeders) in topology.feeds {
            guard let grid = Grid(shape: graph.layers[target].shape) else { continue }
            var haloH = 0
            var haloW = 0
            for f in feeders {
                guard case .projection = topology.roles[f], case .conv(let conv) = graph.layers[f].op,
                    let (h, w) = ConvFanout.halo(of: conv)
                else { continue }
                (haloH, haloW) = (max(haloH, h), max(haloW, w))
            }
            layouts[target] = AccumulatorLayout(grid: grid, haloH: haloH, haloW: haloW)
        }
        return layouts
    }

    private static func population(
        _ i: Int, graph: Graph, topology: Topology, layout: AccumulatorLayout?,
        rule: NeuronRule?, stream: Int?
    ) throws -> PopulationPlan {
        let layer = graph.layers[i]
        guard let grid = Grid(shape: layer.shape), let layout else {
            throw SimulatorError.shapeMismatch(layer: layer.name, detail: "population shape \(layer.shape) is not [C, H, W] or [F]")
        }
        var current = [Int64](repeating: 0, count: grid.count)
        var hasEncoder = false
        for f in topology.feeds[i] ?? [] {
            let feeder = graph.layers[f]
            switch feeder.op {
            case .conv(let conv):
                hasEncoder = hasEncoder || conv.encoder
                guard let bias = conv.weights.quantized?.bias else { continue }
                for u in 0..<grid.count { current[u] += Int64(bias[u % grid.channels]) }
            case .linear(let linear):
                guard let bias = linear.weights.quantized?.bias else { continue }
                for u in 0..<grid.count { current[u] += Int64(bias[u]) }
            case .identity(let identity):
                guard let bias = identity.weights.quantized?.bias else { continue }
                for chw in 0..<grid.count { current[grid.hwc(fromCHW: chw)] += Int64(bias[chw]) }
            default:
                break
            }
        }
        // A per-channel constant (every position equal) is C values instead of C·H·W.
        let uniform = (0..<grid.count).allSatisfy { current[$0] == current[$0 % grid.channels] }
        let perNeuron = hasEncoder || !uniform
        return PopulationPlan(
            layer: i, name: layer.name, shape: layer.shape, grid: grid, layout: layout, rule: rule, stream: stream,
            staticCurrent: FrozenBuffer(perNeuron ? current : Array(current.prefix(grid.channels))),
            perNeuronConstant: perNeuron, hasEncoder: hasEncoder,
            updateAll: (rule?.firesAtRest ?? false) || rule?.current != nil)
    }
}
