import SNNIR

/// What each layer of a quantised graph does when it runs, checked once for both simulators.
///
/// The simulators execute a graph of this form (the one the compiler produces):
/// - the `input` layer is read only by encoder convs;
/// - event streams are LIF groups (spikes), pools of a stream, and flattens of a stream;
///   any number of synaptic layers, pools and flattens may read a stream;
/// - a synaptic layer (conv, linear, identity) reads one stream (an encoder conv reads the
///   input) and its current flows, through zero or more `add`s, into exactly one population:
///   a LIF group, or the readout (the last layer, a linear layer, which is its own population);
/// - a LIF group reads a synaptic layer or an `add`.
///
/// Anything else (batch norm left unfolded, a pool over currents, a LIF reading a pool) is
/// reported as `SimulatorError.unsupported` naming the layer.
struct Topology: Sendable {
    /// The role of one layer.
    enum Role: Sendable, Equatable {
        /// The analog image.
        case input
        /// A conv on the input, run once per image; its current goes to population `target`.
        case encoder(target: Int)
        /// A synaptic layer reading stream `source` into population `target` (layer indices).
        case projection(source: Int, target: Int)
        /// An `add`: its inputs' currents are summed into population `target`.
        case sum(target: Int)
        /// A LIF group.
        case lif
        /// The readout: a linear layer reading stream `source`, accumulating the logits.
        case readout(source: Int)
        /// A pool over stream `source`.
        case pool(source: Int)
        /// A flatten of stream `source`.
        case flatten(source: Int)
    }

    /// One role per layer, in execution order.
    let roles: [Role]
    /// For every layer index of a population (LIF or readout), the synaptic layers feeding it
    /// (encoders included), in execution order.
    let feeds: [Int: [Int]]

    /// Checks `graph` and assigns roles.
    /// - Parameter requireFanout: whether every synaptic layer must carry its CSR table.
    /// - Throws: `SimulatorError` naming the first layer that breaks a rule.
    init(_ graph: Graph, requireFanout: Bool) throws {
        let problems = graph.structuralProblems()
        guard problems.isEmpty else { throw SimulatorError.invalidGraph(problems: problems) }
        let layers = graph.layers
        guard let last = layers.last, case .linear = last.op, layers.count > 1 else {
            throw SimulatorError.unsupported(
                layer: layers.last?.name ?? "?",
                reason: "the last layer must be the linear readout")
        }
        var index: [String: Int] = [:]
        for (i, layer) in layers.enumerated() { index[layer.name] = i }
        var consumers = [[Int]](repeating: [], count: layers.count)
        for (i, layer) in layers.enumerated() {
            for name in layer.inputs { if let j = index[name] { consumers[j].append(i) } }
        }
        let context = Context(graph: graph, index: index, consumers: consumers)
        // Every layer's own checks first, so the error names the layer at fault rather than a
        // producer whose current it cannot take.
        for i in layers.indices { _ = try context.role(of: i, requireFanout: requireFanout, resolveTargets: false) }
        var roles: [Role] = []
        var feeds: [Int: [Int]] = [:]
        for i in layers.indices {
            let role = try context.role(of: i, requireFanout: requireFanout, resolveTargets: true)
            switch role {
            case .encoder(let target), .projection(_, let target): feeds[target, default: []].append(i)
            case .readout: feeds[i, default: []].append(i)
            default: break
            }
            roles.append(role)
        }
        self.roles = roles
        self.feeds = feeds
    }

    /// The graph plus name lookups, for the per-layer checks.
    private struct Context {
        let graph: Graph
        let index: [String: Int]
        let consumers: [[Int]]

        func input(of i: Int) -> Int { index[graph.layers[i].inputs[0]] ?? 0 }

        func isStream(_ i: Int) -> Bool {
            switch graph.layers[i].op {
            case .lif, .pool, .flatten: true
            default: false
            }
        }

        func role(of i: Int, requireFanout: Bool, resolveTargets: Bool) throws -> Role {
            func target(of i: Int) throws -> Int { resolveTargets ? try self.target(of: i) : -1 }
            let layer = graph.layers[i]
            let isLast = i == graph.layers.count - 1
            if layer.op != .input && layer.op != .add && layer.inputs.count != 1 {
                throw SimulatorError.unsupported(layer: layer.name, reason: "it reads \(layer.inputs.count) layers, expected 1")
            }
            switch layer.op {
            case .input:
                guard Grid(shape: layer.shape) != nil, layer.shape.count == 3 else {
                    throw SimulatorError.shapeMismatch(layer: layer.name, detail: "input shape \(layer.shape) is not [C, H, W]")
                }
                for c in consumers[i] {
                    guard case .conv(let conv) = graph.layers[c].op, conv.encoder else {
                        throw SimulatorError.unsupported(
                            layer: graph.layers[c].name,
                            reason: "only encoder convs may read the analog input")
                    }
                }
                return .input
            case .batchNorm:
                throw SimulatorError.unsupported(layer: layer.name, reason: "batch norm must be folded first (foldBatchNorm)")
            case .conv(let conv):
                let source = input(of: i)
                try LayerChecks.conv(conv, layer: layer, inputShape: graph.layers[source].shape, requireFanout: requireFanout)
                if conv.encoder {
                    guard graph.layers[source].op == .input else {
                        throw SimulatorError.unsupported(layer: layer.name, reason: "an encoder conv must read the input layer")
                    }
                    return .encoder(target: try target(of: i))
                }
                try requireStream(source, reader: i)
                return .projection(source: source, target: try target(of: i))
            case .linear(let linear):
                let source = input(of: i)
                try LayerChecks.linear(linear, layer: layer, inputShape: graph.layers[source].shape, requireFanout: requireFanout)
                try requireStream(source, reader: i)
                return isLast ? .readout(source: source) : .projection(source: source, target: try target(of: i))
            case .identity(let identity):
                let source = input(of: i)
                try LayerChecks.identity(identity, layer: layer, inputShape: graph.layers[source].shape, requireFanout: requireFanout)
                try requireStream(source, reader: i)
                return .projection(source: source, target: try target(of: i))
            case .add:
                for name in layer.inputs {
                    let j = index[name] ?? 0
                    guard graph.layers[j].op.isSynaptic || graph.layers[j].op == .add else {
                        throw SimulatorError.unsupported(
                            layer: layer.name, reason: "it adds '\(name)', which is not a synaptic layer or an add")
                    }
                    guard graph.layers[j].shape == layer.shape else {
                        throw SimulatorError.shapeMismatch(
                            layer: layer.name,
                            detail: "input '\(name)' has shape \(graph.layers[j].shape), the sum \(layer.shape)")
                    }
                }
                return .sum(target: try target(of: i))
            case .lif(let lif):
                let source = input(of: i)
                guard graph.layers[source].op.isSynaptic || graph.layers[source].op == .add else {
                    throw SimulatorError.unsupported(
                        layer: layer.name,
                        reason: "a LIF group must read a synaptic layer or an add, not '\(graph.layers[source].name)'")
                }
                guard graph.layers[source].shape == layer.shape, Grid(shape: layer.shape) != nil else {
                    throw SimulatorError.shapeMismatch(
                        layer: layer.name,
                        detail: "shape \(layer.shape) differs from its input's \(graph.layers[source].shape)")
                }
                guard let quantized = lif.quantized else { throw SimulatorError.notQuantized(layer: layer.name) }
                _ = try NeuronRule(quantized, layer: layer.name)
                return .lif
            case .pool(let pool):
                let source = input(of: i)
                try requireStream(source, reader: i)
                if case .lif(let lif) = graph.layers[source].op, lif.quantized?.current != nil {
                    throw SimulatorError.unsupported(
                        layer: layer.name, reason: "it pools the spike counts of current-based group '\(graph.layers[source].name)'")
                }
                try LayerChecks.pool(pool, layer: layer, inputShape: graph.layers[source].shape)
                return .pool(source: source)
            case .flatten:
                let source = input(of: i)
                try requireStream(source, reader: i)
                guard layer.shape == [graph.layers[source].unitCount] else {
                    throw SimulatorError.shapeMismatch(
                        layer: layer.name,
                        detail:
                            "flatten of \(graph.layers[source].shape) must have shape [\(graph.layers[source].unitCount)], found "
                            + "\(layer.shape)"
                    )
                }
                return .flatten(source: source)
            }
        }

        func requireStream(_ source: Int, reader: Int) throws {
            guard isStream(source) else {
                let s = graph.layers[source]
                throw SimulatorError.unsupported(
                    layer: graph.layers[reader].name,
                    reason: "it reads '\(s.name)' (\(s.op.kindName)); only LIF spikes, pools and flattens carry events")
            }
        }

        /// The population a current producer feeds: follow the single consumer through adds.
        func target(of i: Int) throws -> Int {
            var current = i
            while true {
                let name = graph.layers[current].name
                guard consumers[current].count == 1 else {
                    throw SimulatorError.unsupported(
                        layer: name,
                        reason: "its current must flow to exactly one add or LIF group, found \(consumers[current].count) readers")
                }
                let next = consumers[current][0]
                switch graph.layers[next].op {
                case .lif: return next
                case .add: current = next
                case .batchNorm:
                    throw SimulatorError.unsupported(
                        layer: graph.layers[next].name, reason: "batch norm must be folded first (foldBatchNorm)")
                default:
                    throw SimulatorError.unsupported(
                        layer: graph.layers[next].name,
                        reason: "it reads the current of '\(name)'; only adds and LIF groups may")
                }
            }
        }
    }
}
