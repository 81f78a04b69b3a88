import SNNTensor

extension LayerGraphBuilder {
    /// Builds the nodes of `spec.graph` (an `.imported` model).
    ///
    /// Time: a node runs at every step if it is a neuron or reads a node that does; the others
    /// (e.g. a first convolution on the image) run once per batch, and a `repeat` node
    /// (`<source>.repeat`) carries their output into the steps. Every step sees the same image,
    /// so this gives the same values as running everything per step. The ANN twin (or
    /// `repeated` encoding) runs every node per step.
    mutating func buildExplicit() throws {
        guard let graph = spec.graph else {
            throw ModelError(description: "an imported model needs its node list (model_spec.graph is missing)")
        }
        guard !graph.nodes.isEmpty else { throw ModelError(description: "the imported graph has no nodes") }
        var reserved = Set(graph.nodes.map(\.name))
        reserved.insert(GraphSpec.inputName)
        var index: [String: Int] = [GraphSpec.inputName: last]
        var repeats: [Int: Int] = [:]
        for node in graph.nodes {
            guard !nodes.contains(where: { $0.name == node.name }) else {
                throw ModelError(description: "node '\(node.name)': the name is used twice")
            }
            var inputs = try node.inputs.map { name in
                guard let i = index[name] else {
                    throw ModelError(description: "node '\(node.name)' reads '\(name)', which is not an earlier node")
                }
                return i
            }
            guard !inputs.isEmpty, node.op == .add || inputs.count == 1 else {
                throw ModelError(description: "node '\(node.name)' has \(inputs.count) inputs; only an add node takes several")
            }
            let isNeuron = if case .neuron = node.op { true } else { false }
            let perStep = inTime || isNeuron || inputs.contains { nodes[$0].perStep }
            if perStep {
                inputs = inputs.map { i in
                    if nodes[i].perStep { return i }
                    if let r = repeats[i] { return r }
                    var name = nodes[i].name + ".repeat"
                    while reserved.contains(name) { name += "_" }
                    reserved.insert(name)
                    nodes.append(LayerNode(name: name, op: .repeatTime, inputs: [i], shape: nodes[i].shape, perStep: true))
                    repeats[i] = last
                    return last
                }
            }
            let (op, shape) = try operation(node, inputShapes: inputs.map { nodes[$0].shape })
            try checkShape(node.name, shape)  // before a later node multiplies it out
            nodes.append(LayerNode(name: node.name, op: op, inputs: inputs, shape: shape, perStep: perStep))
            index[node.name] = last
        }
    }

    /// The engine operation of an explicit node and its output shape.
    private func operation(_ node: NodeSpec, inputShapes: [[Int]]) throws -> (LayerOp, [Int]) {
        let shape = inputShapes[0]
        func fail(_ reason: String) -> ModelError { ModelError(description: "node '\(node.name)': \(reason)") }
        func spatial(_ window: WindowSpec) throws -> Window2d {
            guard shape.count == 3 else { throw fail("needs a [C, H, W] input, got \(shape)") }
            guard window.kernel.count == 2, window.stride.count == 2, window.padding.count == 2,
                window.kernel.allSatisfy({ $0 >= 1 }), window.stride.allSatisfy({ $0 >= 1 }),
                window.padding.allSatisfy({ $0 >= 0 }),
                (window.kernel + window.stride + window.padding).allSatisfy({ $0 <= ModelLimits.maxWindowExtent })
            else {
                throw fail(
                    "kernel, stride and padding must be pairs of positive (padding: non-negative) sizes, at most "
                        + "\(ModelLimits.maxWindowExtent)")
            }
            let w = window.window
            guard let out = w.outputSize(height: shape[1], width: shape[2]), out.height >= 1, out.width >= 1 else {
                throw fail("the window \(window.kernel) does not fit the \(shape[1])×\(shape[2]) input")
            }
            return w
        }
        func pooled(_ window: WindowSpec) throws -> (Window2d, [Int]) {
            let w = try spatial(window)
            guard 2 * w.padH <= w.kernelH, 2 * w.padW <= w.kernelW else {
                throw fail("pooling padding \(window.padding) is more than half the kernel \(window.kernel)")
            }
            return (w, [shape[0], w.outputHeight(shape[1]), w.outputWidth(shape[2])])
        }
        func checkOutputs(_ count: Int) throws {
            guard count >= 1, count <= ModelLimits.maxChannels else {
                throw fail("\(count) outputs: must be in 1…\(ModelLimits.maxChannels)")
            }
        }
        switch node.op {
        case .conv(let outChannels, let window, let bias):
            try checkOutputs(outChannels)
            let w = try spatial(window)
            return (
                .conv(inChannels: shape[0], outChannels: outChannels, window: w, bias: bias),
                [outChannels, w.outputHeight(shape[1]), w.outputWidth(shape[2])]
            )
        case .linear(let outFeatures, let bias):
            try checkOutputs(outFeatures)
            guard shape.count == 1 else { throw fail("needs a flat [F] input, got \(shape) (add a Flatten)") }
            return (.linear(inFeatures: shape[0], outFeatures: outFeatures, bias: bias), [outFeatures])
        case .neuron(let neuron):
            return (spec.spiking ? .neuron(neuron) : .relu, shape)
        case .scale(let factors):
            guard factors.count == shape.reduce(1, *) else {
                throw fail("\(factors.count) factors for an input of shape \(shape)")
            }
            return (.scale(factors), shape)
        case .sumPool(let window):
            let (w, out) = try pooled(window)
            return (.sumPool(w), out)
        case .avgPool(let window):
            let (w, out) = try pooled(window)
            return (.avgPool(w), out)
        case .maxPool(let window, _):
            let (w, out) = try pooled(window)
            return (.maxPool(w), out)
        case .flatten:
            return (.flatten, [shape.reduce(1, *)])
        case .add:
            guard inputShapes.allSatisfy({ $0 == shape }) else {
                throw fail("sums inputs of different shapes \(inputShapes)")
            }
            return (.add, shape)
        }
    }
}
