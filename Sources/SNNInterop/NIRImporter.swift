import SNNFormat
import SNNTensor
import SNNTrain

/// A NIR graph as an snnc model: the node list, the image shape, the class count and the
/// weights by parameter name (`<node>.weight`, `<node>.bias`).
public struct ImportedModel: Sendable, Equatable {
    public var graph: GraphSpec
    /// `[C, H, W]` of the NIR Input node.
    public var inputShape: [Int]
    /// Units of the Output node (the class scores).
    public var classes: Int
    public var parameters: [String: Tensor]
    /// Names of the `SumPool2d` nodes recognised as max-pooling (with the IF they absorbed).
    public var maxPools: [(pool: String, fire: String)]

    public static func == (a: ImportedModel, b: ImportedModel) -> Bool {
        a.graph == b.graph && a.inputShape == b.inputShape && a.classes == b.classes && a.parameters == b.parameters
            && a.maxPools.map(\.pool) == b.maxPools.map(\.pool) && a.maxPools.map(\.fire) == b.maxPools.map(\.fire)
    }
}

/// Reads NIR graphs into snnc models, exactly or not at all (docs/NIR.md).
///
/// Node types: Input, Output, Affine, Linear, Conv2d (groups 1, dilation 1), LIF, IF, CubaLIF
/// (tau_syn = dt), SumPool2d, AvgPool2d, Flatten (all dimensions), Scale; several edges into one
/// node sum (an `add` node `<node>.sum`). A SumPool2d whose only consumer is an IF with one
/// value of r and 0 < v_threshold ≤ r, v_reset = 0, reading the spikes of a neuron node, is
/// max-pooling (on binary spikes the window sum is an integer: the IF fires exactly when it is
/// at least 1, and is back at 0 after every step); so is an AvgPool2d with such an IF when
/// v_threshold ≤ r / (kH·kW) (SpikingJelly's exporter writes max-pooling that way).
public enum NIRImporter {
    /// The model of `document`.
    /// - Throws: `NIRImportError` naming the node, the field and the reason for anything that
    ///   cannot be represented exactly.
    public static func model(from document: NIRDocument, mapping: NeuronMapping = NeuronMapping()) throws -> ImportedModel {
        let topology = try NIRTopology(document)
        let nodes = Dictionary(document.nodes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var builder = Builder(mapping: mapping, topology: topology, nodes: nodes)
        builder.subtractiveReset = document.subtractiveResetNodes
        builder.spikeCounts = document.spikeCountNodes
        for name in topology.order { try builder.add(name) }
        return try builder.finish()
    }

    private struct Builder {
        let mapping: NeuronMapping
        let topology: NIRTopology
        let nodes: [String: NIRNode]
        var specs: [NodeSpec] = []
        var parameters: [String: Tensor] = [:]
        /// NIR node → the engine node holding its output, and that output's shape.
        var engineName: [String: String] = [:]
        var shapes: [String: [Int]] = [:]
        var spiking: Set<String> = []
        var absorbed: [String: FireSpec] = [:]
        var maxPools: [(pool: String, fire: String)] = []
        var inputShape: [Int] = []
        var classes = 0
        var used: Set<String>
        /// Neuron nodes that subtract the threshold on a spike (snnc's `snnc_subtractive_reset` metadata).
        var subtractiveReset: Set<String> = []
        /// Current-based nodes' spikes per step and delay (snnc's `snnc_spike_counts` metadata).
        var spikeCounts: [String: NIRDocument.SpikeCountNode] = [:]

        init(mapping: NeuronMapping, topology: NIRTopology, nodes: [String: NIRNode]) {
            self.mapping = mapping
            self.topology = topology
            self.nodes = nodes
            used = Set(nodes.keys)
        }

        mutating func add(_ name: String) throws {
            guard let node = nodes[name] else { return }
            let reader = FieldReader(node: node)
            let kind = node.kind
            if kind == .input {
                let shape = try reader.ints("shape")
                // Each extent at most 2^16, so the element count (at most 2^48) cannot overflow.
                guard shape.count == 3, shape.allSatisfy({ (1...(1 << 16)).contains($0) }), shape.reduce(1, *) <= 1 << 32 else {
                    throw reader.fail(
                        "shape", "the input shape is \(shape); snnc models take images (C, H, W)",
                        hint: "export the graph with an image-shaped Input and a Flatten before the first Affine")
                }
                inputShape = shape
                engineName[name] = GraphSpec.inputName
                shapes[name] = shape
                return
            }
            if name == GraphSpec.inputName {
                throw reader.fail(nil, "the name '\(GraphSpec.inputName)' is reserved for the Input node in snnc", hint: "rename the node")
            }
            let (source, inputShape) = try input(of: name)
            if kind == .output {
                let shape = try reader.ints("shape")
                guard shape == inputShape || shape == [inputShape.reduce(1, *)] else {
                    throw reader.fail("shape", "the Output shape \(shape) does not match the shape \(inputShape) of what feeds it")
                }
                guard inputShape.count == 1 else {
                    throw reader.fail(
                        "shape", "the output has shape \(inputShape); snnc models end in a flat vector of class scores",
                        hint: "end the graph with a Flatten or an Affine")
                }
                guard source != GraphSpec.inputName, specs.last?.name == source else {
                    throw reader.fail("edges", "the Output must be fed by the last layer of the graph")
                }
                classes = inputShape[0]
                return
            }
            if let fire = absorbed[name] {  // the IF of a recognised max-pool
                guard let pool = topology.inputs[name]?.first, let poolEngine = engineName[pool] else { return }
                if let i = specs.firstIndex(where: { $0.name == poolEngine }) {
                    switch specs[i].op {
                    case .sumPool(let window), .avgPool(let window): specs[i].op = .maxPool(window, fire: fire)
                    default: break
                    }
                }
                engineName[name] = poolEngine
                shapes[name] = inputShape
                spiking.insert(name)
                return
            }
            let (op, shape) = try operation(node, kind, reader: reader, inputShape: inputShape)
            // Any layer can declare a huge output (a weight with a zero extent holds no values
            // whatever its other extents): bound every output before later nodes multiply it out.
            guard let units = FieldReader.elementCount(shape), units <= 1 << 32 else {
                throw reader.fail(
                    nil, "the node's output shape \(shape) has more than 2^32 elements",
                    hint: "check the node's weight and shape fields")
            }
            specs.append(NodeSpec(name: name, inputs: [source], op: op))
            engineName[name] = name
            shapes[name] = shape
            if case .neuron = op { spiking.insert(name) }
            let divisor: Int? =
                switch op {
                case .sumPool: 1
                case .avgPool(let window): window.kernel.reduce(1, *)
                default: nil
                }
            if let divisor, let fire = maxPoolFire(pool: name, input: topology.inputs[name] ?? [], divisor: divisor) {
                absorbed[fire.name] = fire
                maxPools.append((pool: name, fire: fire.name))
            }
        }

        /// The engine node a NIR node reads (an `add` for several edges) and its shape.
        mutating func input(of name: String) throws -> (String, [Int]) {
            let sources = topology.inputs[name] ?? []
            let engine = sources.compactMap { engineName[$0] }
            let sourceShapes = sources.compactMap { shapes[$0] }
            guard let first = sourceShapes.first, engine.count == sources.count else {
                throw NIRImportError(node: name, field: "edges", reason: "the node has no input")
            }
            guard sources.count > 1 else { return (engine[0], first) }
            for (source, shape) in zip(sources, sourceShapes) where shape != first {
                throw NIRImportError(
                    node: name, field: "edges",
                    reason: "its inputs have different shapes: '\(sources[0])' gives \(first), "
                        + "'\(source)' gives \(shape); NIR sums the inputs of a node")
            }
            var sum = name + ".sum"
            while used.contains(sum) { sum += "_" }
            used.insert(sum)
            specs.append(NodeSpec(name: sum, inputs: engine, op: .add))
            return (sum, first)
        }

        /// The IF a SumPool2d (`divisor` 1) or an AvgPool2d (`divisor` kH·kW) hands its window
        /// values to, if the pair is exactly max-pooling.
        func maxPoolFire(pool: String, input: [String], divisor: Int) -> FireSpec? {
            guard input.count == 1, spiking.contains(input[0]),
                let next = topology.consumers[pool], next.count == 1,
                let fire = nodes[next[0]], fire.kind == .integrateAndFire, topology.inputs[fire.name]?.count == 1,
                !subtractiveReset.contains(fire.name), let shape = shapes[pool]
            else { return nil }
            let reader = FieldReader(node: fire)
            guard let r = try? reader.uniform("r", neuronShape: shape),
                let threshold = try? reader.uniform("v_threshold", neuronShape: shape),
                let reset = try? reader.uniform("v_reset", neuronShape: shape, default: 0)
            else { return nil }
            let gain = Float(r * mapping.dt) / Float(divisor)
            let theta = mapping.threshold(threshold)
            // Sum 0 → H = 0 < θ; sum n ≥ 1 → H = gain·n ≥ gain ≥ θ (an average: n / divisor).
            // Reset to 0 after each spike.
            guard reset == 0, theta > 0, gain >= theta else { return nil }
            return FireSpec(name: fire.name, r: Float(r), threshold: Float(threshold), averagePool: divisor > 1 ? true : nil)
        }

        /// The engine operation of a layer node of `kind` (nil: a type snnc does not import) and
        /// its output shape, for an input of shape `shape`.
        mutating func operation(
            _ node: NIRNode, _ kind: NIRNodeKind?, reader: FieldReader,
            inputShape shape: [Int]
        ) throws -> (NodeSpecOp, [Int]) {
            switch kind {
            case .affine?, .linear?:
                return try affine(node, reader, shape, hasBias: kind == .affine)
            case .conv2d?:
                return try conv2d(node, reader, shape)
            case .lif?, .integrateAndFire?, .cubaLIF?:
                var neuron = try mapping.neuron(reader, shape: shape)
                if subtractiveReset.contains(node.name) { neuron.reset = .subtract }
                if let counts = spikeCounts[node.name], neuron.synapse != nil {
                    guard counts.maxSpikes >= 1, (0...1).contains(counts.delay), counts.maxSpikes == 1 || neuron.resetMode == .subtract
                    else {
                        throw NIRImportError(
                            node: node.name, field: NIRDocument.spikeCountsKey,
                            reason: "\(counts.maxSpikes) spikes per step with delay \(counts.delay): snnc needs ≥ 1 spikes, a delay "
                                + "of 0 or 1, and a subtractive reset for more than one spike",
                            hint: "list the node in snnc_subtractive_reset or give it one spike per step")
                    }
                    neuron.synapse?.maxSpikes = counts.maxSpikes
                    neuron.synapse?.delay = counts.delay
                }
                return (.neuron(neuron), shape)
            case .sumPool2d?, .avgPool2d?:
                return try pool(node, reader, shape, sum: kind == .sumPool2d)
            case .flatten?:
                return try flatten(node, reader, shape)
            case .scale?:
                return try scale(reader, shape)
            case .input?, .output?, nil:
                throw reader.fail("type", "snnc cannot import a '\(node.type)' node", hint: "supported: \(NIRNodeKind.supportedList)")
            }
        }

        /// `Affine` (with bias) or `Linear` on a flat input.
        private mutating func affine(
            _ node: NIRNode, _ reader: FieldReader, _ shape: [Int],
            hasBias: Bool
        ) throws -> (NodeSpecOp, [Int]) {
            guard shape.count == 1 else {
                throw reader.fail(
                    "weight", "an \(node.type) needs a flat input, but its input has shape \(shape)",
                    hint: "put a Flatten before it")
            }
            let weight = try reader.floats("weight")
            guard weight.shape.count == 2, weight.shape[1] == shape[0] else {
                throw reader.fail("weight", "shape \(weight.shape) does not take the \(shape[0]) inputs the node receives")
            }
            let out = weight.shape[0]
            parameters[node.name + ".weight"] = Tensor(shape: weight.shape, scalars: weight.values)
            if hasBias {
                let bias = try reader.floats("bias", shape: [out])
                parameters[node.name + ".bias"] = Tensor(shape: [out], scalars: bias.values)
            }
            return (.linear(outFeatures: out, bias: hasBias), [out])
        }

        /// `Conv2d`: dense (groups 1), dilation 1, on a `(C, H, W)` input.
        private mutating func conv2d(_ node: NIRNode, _ reader: FieldReader, _ shape: [Int]) throws -> (NodeSpecOp, [Int]) {
            try requireSpatial(node, reader, shape)
            let weight = try reader.floats("weight")
            guard weight.shape.count == 4 else { throw reader.fail("weight", "expected (Cout, Cin, kH, kW), found shape \(weight.shape)") }
            let groups = node.field("groups") == nil ? 1 : try reader.int("groups")
            guard groups == 1 else {
                throw reader.fail(
                    "groups", "groups = \(groups); snnc convolutions are dense (groups = 1)",
                    hint: "write the kernel as a dense groups = 1 convolution (zeros between groups)")
            }
            if node.field("dilation") != nil, try reader.pair("dilation") != [1, 1] {
                throw reader.fail("dilation", "dilation \(try reader.pair("dilation")); snnc convolutions have dilation 1")
            }
            guard weight.shape[1] == shape[0] else {
                throw reader.fail("weight", "shape \(weight.shape) takes \(weight.shape[1]) input channels, but the input has \(shape[0])")
            }
            if node.field("input_shape") != nil {
                let declared = try reader.ints("input_shape")
                guard declared == Array(shape.suffix(2)) else {
                    throw reader.fail("input_shape", "input_shape \(declared) does not match the \(shape[1])×\(shape[2]) input")
                }
            }
            let w = try window(node, reader, shape, kernel: Array(weight.shape.suffix(2)))
            let out = weight.shape[0]
            let bias = try reader.floats("bias", shape: [out])
            parameters[node.name + ".weight"] = Tensor(shape: weight.shape, scalars: weight.values)
            parameters[node.name + ".bias"] = Tensor(shape: [out], scalars: bias.values)
            return (
                .conv(outChannels: out, window: w, bias: true),
                [out, w.window.outputHeight(shape[1]), w.window.outputWidth(shape[2])]
            )
        }

        /// `SumPool2d` or `AvgPool2d` (padding at most half the kernel).
        private func pool(_ node: NIRNode, _ reader: FieldReader, _ shape: [Int], sum: Bool) throws -> (NodeSpecOp, [Int]) {
            try requireSpatial(node, reader, shape)
            let w = try window(node, reader, shape, kernel: try reader.pair("kernel_size"))
            guard 2 * w.padding[0] <= w.kernel[0], 2 * w.padding[1] <= w.kernel[1] else {
                throw reader.fail("padding", "padding \(w.padding) is more than half the kernel \(w.kernel)")
            }
            let out = [shape[0], w.window.outputHeight(shape[1]), w.window.outputWidth(shape[2])]
            return (sum ? .sumPool(w) : .avgPool(w), out)
        }

        /// `Flatten` of all dimensions.
        private func flatten(_ node: NIRNode, _ reader: FieldReader, _ shape: [Int]) throws -> (NodeSpecOp, [Int]) {
            let start = node.field("start_dim") == nil ? 0 : try reader.int("start_dim")
            let end = node.field("end_dim") == nil ? -1 : try reader.int("end_dim")
            let rank = shape.count
            guard [0, -rank].contains(start), [-1, rank - 1].contains(end) else {
                throw reader.fail(
                    "start_dim",
                    "flattens dimensions \(start)…\(end) of a \(shape) input; "
                        + "snnc flattens all of them (start_dim 0, end_dim −1)")
            }
            if node.field("input_type") != nil {
                let declared = try reader.ints("input_type")
                guard declared == shape else {
                    throw reader.fail("input_type", "input_type \(declared) does not match the input shape \(shape)")
                }
            }
            return (.flatten, [shape.reduce(1, *)])
        }

        /// `Scale`: one factor per unit of the input.
        private func scale(_ reader: FieldReader, _ shape: [Int]) throws -> (NodeSpecOp, [Int]) {
            let scale = try reader.floats("scale")
            guard scale.values.count == shape.reduce(1, *), scale.shape == shape || scale.shape.count <= 1 else {
                throw reader.fail("scale", "shape \(scale.shape) does not match the input shape \(shape)")
            }
            return (.scale(scale.values), shape)
        }

        /// Throws unless the input is `(C, H, W)`.
        private func requireSpatial(_ node: NIRNode, _ reader: FieldReader, _ shape: [Int]) throws {
            guard shape.count == 3 else {
                throw reader.fail(nil, "a \(node.type) needs a (C, H, W) input, but its input has shape \(shape)")
            }
        }

        /// The window of a conv or pool node: its stride and padding (a pair, or `valid` / `same`)
        /// around `kernel`, checked to fit the `(C, H, W)` input.
        private func window(_ node: NIRNode, _ reader: FieldReader, _ shape: [Int], kernel: [Int]) throws -> WindowSpec {
            let stride = try reader.pair("stride")
            let padding: [Int]
            if case .string(let mode)? = node.field("padding") {
                switch mode {
                case "valid": padding = [0, 0]
                case "same" where stride == [1, 1] && kernel.allSatisfy({ $0 % 2 == 1 }):
                    padding = kernel.map { ($0 - 1) / 2 }
                default:
                    throw reader.fail("padding", "padding '\(mode)' has no symmetric equivalent here (kernel \(kernel), stride \(stride))")
                }
            } else {
                padding = try reader.pair("padding")
            }
            guard kernel.allSatisfy({ $0 >= 1 }), stride.allSatisfy({ $0 >= 1 }), padding.allSatisfy({ $0 >= 0 }) else {
                throw reader.fail(nil, "kernel \(kernel), stride \(stride) and padding \(padding) must be positive (padding: non-negative)")
            }
            let w = WindowSpec(kernel: kernel, stride: stride, padding: padding)
            guard let out = w.window.outputSize(height: shape[1], width: shape[2]), out.height >= 1, out.width >= 1 else {
                throw reader.fail(nil, "the window \(kernel) with padding \(padding) does not fit the \(shape[1])×\(shape[2]) input")
            }
            return w
        }

        func finish() throws -> ImportedModel {
            guard classes > 0 else {
                throw NIRImportError(
                    node: topology.outputNode, field: "edges",
                    reason: "the graph has no layers between its Input and Output")
            }
            return ImportedModel(
                graph: GraphSpec(nodes: specs, nirInputName: topology.inputNode, nirOutputName: topology.outputNode),
                inputShape: inputShape, classes: classes, parameters: parameters, maxPools: maxPools)
        }
    }
}
