import SNNTensor

/// One operation of a network, with the sizes it needs.
public enum LayerOp: Equatable, Sendable {
    /// The analog image batch `[B, C, H, W]`.
    case input
    /// Convolution; parameters `<name>.weight` `[Cout, Cin, k, k]` and, if `bias`, `<name>.bias`.
    case conv(inChannels: Int, outChannels: Int, window: Window2d, bias: Bool)
    /// Batch normalisation; parameters `<name>.weight` (γ), `<name>.bias` (β); buffers
    /// `<name>.running_mean`, `<name>.running_var`.
    case batchNorm(channels: Int)
    /// LIF neurons stepping through time (`[T·B, …]` viewed as `[T, B·…]`), with the spec's
    /// global τ and threshold.
    case lif
    /// Spiking neurons with their own parameters (explicit graphs; see `NeuronSpec`).
    case neuron(NeuronSpec)
    /// Elementwise product with fixed per-unit factors (one per unit of the shape).
    case scale([Float])
    /// Sum over each window.
    case sumPool(Window2d)
    /// ReLU (the ANN twin's neuron).
    case relu
    case maxPool(Window2d)
    case avgPool(Window2d)
    /// `[N, C, H, W]` → `[N, C·H·W]`.
    case flatten
    /// Fully connected; parameters `<name>.weight` `[out, in]` and, if `bias`, `<name>.bias`.
    case linear(inFeatures: Int, outFeatures: Int, bias: Bool)
    /// Elementwise sum of two or more inputs (residual join, NIR fan-in).
    case add
    /// `[B, …]` → `[T·B, …]`: the same values at every time step (the direct-coding boundary).
    case repeatTime
}

/// A node: an operation applied to the outputs of earlier nodes.
public struct LayerNode: Equatable, Sendable {
    /// Unique name; parameter names are `<name>.weight` and so on.
    public var name: String
    public var op: LayerOp
    /// Indices of the nodes whose outputs this node consumes (always earlier nodes).
    public var inputs: [Int]
    /// Output shape of one image at one time step: `[C, H, W]` or `[F]`.
    public var shape: [Int]
    /// Whether the node runs on all time steps (`[T·B, …]`) or once per batch (`[B, …]`).
    public var perStep: Bool
}

/// A network as a list of nodes in execution order; the last node gives the logits.
///
/// Invariants: node 0 is `.input`; every input index is smaller than the node's own index;
/// names are unique.
public struct LayerGraph: Equatable, Sendable {
    public private(set) var nodes: [LayerNode] = []
    public let spec: ModelSpec

    /// Builds the graph of `spec`.
    /// - Throws: `ModelError` if the input is too small for the architecture's pooling, or a size
    ///   is beyond `ModelLimits` (checked before anything of that size is computed).
    public init(_ spec: ModelSpec) throws {
        self.spec = spec
        var builder = LayerGraphBuilder(spec: spec)
        try builder.build()
        nodes = builder.nodes
    }

    /// Index of the node named `name`.
    public func index(of name: String) -> Int? { nodes.firstIndex { $0.name == name } }

    /// The output node (logits).
    public var output: LayerNode { nodes[nodes.count - 1] }
}

/// A structural error in a model specification.
public struct ModelError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

/// Assembles the node list of one architecture.
struct LayerGraphBuilder {
    let spec: ModelSpec
    var nodes: [LayerNode] = []
    /// True once the time dimension has been introduced.
    var inTime = false
    /// Output channels of every hidden conv and linear layer of the unpruned architecture
    /// (built-in architectures that take `ModelSpec.keptChannels`).
    var fullChannels: [String: Int] = [:]

    init(spec: ModelSpec) { self.spec = spec }

    mutating func build() throws {
        try checkSpecLimits()
        nodes.append(
            LayerNode(
                name: "input", op: .input, inputs: [],
                shape: [spec.inputChannels, spec.inputHeight, spec.inputWidth],
                perStep: false))
        if !spec.spiking {
            inTime = true  // the ANN twin has one pass: every node sees [B, …]
        } else if spec.encoding == .repeated {
            enterTime(after: 0)
        }
        switch spec.architecture {
        case .vgg16: try buildVGG16()
        case .resnet19: try buildResNet19()
        case .small: try buildSmall()
        case .mlp: buildMLP()
        case .imported: try buildExplicit()
        }
        try validateKeptChannels(full: fullChannels)
        try checkGraphLimits()
    }

    /// The output channels of hidden layer `name`, whose unpruned architecture has `full`.
    mutating func hiddenChannels(_ name: String, full: Int) -> Int {
        fullChannels[name] = full
        return spec.outputs(of: name, full: full)
    }

    @discardableResult
    mutating func add(_ name: String, _ op: LayerOp, _ inputs: [Int], _ shape: [Int]) -> Int {
        precondition(!nodes.contains { $0.name == name }, "duplicate node name \(name)")
        nodes.append(LayerNode(name: name, op: op, inputs: inputs, shape: shape, perStep: inTime))
        return nodes.count - 1
    }

    /// Appends the `repeat` node that turns `[B, …]` into `[T·B, …]`.
    mutating func enterTime(after index: Int) {
        guard !inTime else { return }
        inTime = true
        nodes.append(
            LayerNode(
                name: "repeat", op: .repeatTime, inputs: [index],
                shape: nodes[index].shape, perStep: true))
    }

    var last: Int { nodes.count - 1 }

    /// conv → BN, entering the time dimension after the first BN under direct coding.
    mutating func convBN(
        _ conv: String, _ bn: String, from input: Int, out: Int, kernel: Int = 3,
        stride: Int = 1, padding: Int = 1, bias: Bool
    ) throws -> Int {
        let shape = nodes[input].shape
        let window = Window2d(kernel: kernel, stride: stride, padding: padding)
        guard shape[1] + 2 * padding >= kernel, shape[2] + 2 * padding >= kernel else {
            throw ModelError(
                description: "input \(spec.inputHeight)×\(spec.inputWidth) is too small for '\(conv)' of \(spec.architecture.rawValue)")
        }
        let h = window.outputHeight(shape[1])
        let w = window.outputWidth(shape[2])
        let c = add(conv, .conv(inChannels: shape[0], outChannels: out, window: window, bias: bias), [input], [out, h, w])
        let b = add(bn, .batchNorm(channels: out), [c], [out, h, w])
        if !inTime { enterTime(after: b) }
        return last
    }

    mutating func neuron(_ name: String, from input: Int) -> Int {
        add(name, spec.spiking ? .lif : .relu, [input], nodes[input].shape)
    }

    mutating func pool(_ name: String, from input: Int, kernel: Int, stride: Int) throws -> Int {
        let shape = nodes[input].shape
        let window = Window2d(kernel: kernel, stride: stride, padding: 0)
        guard shape[1] >= kernel, shape[2] >= kernel else {
            throw ModelError(
                description:
                    "input \(spec.inputHeight)×\(spec.inputWidth) is too small for \(spec.architecture.rawValue): '\(name)' would "
                    + "have no pixels (use 32×32, e.g. --pad 2 for 28×28 images)"
            )
        }
        let h = window.outputHeight(shape[1])
        let w = window.outputWidth(shape[2])
        let op: LayerOp = spec.pooling == .max ? .maxPool(window) : .avgPool(window)
        return add(name, op, [input], [shape[0], h, w])
    }

    mutating func classifier(from input: Int, hidden: Int?) {
        var x = add("flatten", .flatten, [input], [nodes[input].shape.reduce(1, *)])
        if let hidden {
            x = add("fc1", .linear(inFeatures: nodes[x].shape[0], outFeatures: hidden, bias: true), [x], [hidden])
            x = neuron("lif_fc1", from: x)
            add("fc2", .linear(inFeatures: hidden, outFeatures: spec.classes, bias: true), [x], [spec.classes])
        } else {
            add("fc", .linear(inFeatures: nodes[x].shape[0], outFeatures: spec.classes, bias: true), [x], [spec.classes])
        }
    }

    mutating func buildVGG16() throws {
        let config: [Int?] = [
            64, 64, nil, 128, 128, nil, 256, 256, 256, nil,
            512, 512, 512, nil, 512, 512, 512, nil,
        ]
        var x = last
        var conv = 0
        var pools = 0
        for entry in config {
            if let channels = entry {
                conv += 1
                let out = hiddenChannels("conv\(conv)", full: spec.channels(channels))
                x = try convBN("conv\(conv)", "bn\(conv)", from: x, out: out, bias: spec.convBias)
                x = neuron("lif\(conv)", from: x)
            } else {
                pools += 1
                x = try pool("pool\(pools)", from: x, kernel: 2, stride: 2)
            }
        }
        classifier(from: x, hidden: nil)
    }

    mutating func buildSmall() throws {
        var x = try convBN("conv1", "bn1", from: last, out: hiddenChannels("conv1", full: spec.channels(32)), bias: spec.convBias)
        x = neuron("lif1", from: x)
        x = try pool("pool1", from: x, kernel: 2, stride: 2)
        x = try convBN("conv2", "bn2", from: x, out: hiddenChannels("conv2", full: spec.channels(64)), bias: spec.convBias)
        x = neuron("lif2", from: x)
        x = try pool("pool2", from: x, kernel: 2, stride: 2)
        classifier(from: x, hidden: hiddenChannels("fc1", full: spec.channels(128)))
    }

    mutating func buildMLP() {
        let shape = nodes[last].shape
        let hidden = spec.channels(64)
        let window = Window2d(kernelH: shape[1], kernelW: shape[2])
        let fc1 = add("fc1", .conv(inChannels: shape[0], outChannels: hidden, window: window, bias: false), [last], [hidden, 1, 1])
        if !inTime { enterTime(after: fc1) }
        let x = neuron("lif1", from: last)
        let flat = add("flatten", .flatten, [x], [hidden])
        add("fc2", .linear(inFeatures: hidden, outFeatures: spec.classes, bias: false), [flat], [spec.classes])
    }

    mutating func buildResNet19() throws {
        var x = try convBN("conv1", "bn1", from: last, out: spec.channels(64), bias: spec.convBias)
        x = neuron("lif1", from: x)
        for (stage, (paperChannels, blocks)) in [(128, 3), (256, 3), (512, 2)].enumerated() {
            for block in 0..<blocks {
                let prefix = "layer\(stage + 1).\(block)"
                let stride = block == 0 ? 2 : 1
                let out = spec.channels(paperChannels)
                let blockInput = x
                var main = try convBN(
                    "\(prefix).conv1", "\(prefix).bn1", from: blockInput, out: out,
                    stride: stride, bias: spec.convBias)
                main = neuron("\(prefix).lif1", from: main)
                main = try convBN("\(prefix).conv2", "\(prefix).bn2", from: main, out: out, bias: spec.convBias)
                var shortcut = blockInput
                if stride != 1 || nodes[blockInput].shape[0] != out {
                    shortcut = try convBN(
                        "\(prefix).shortcut.conv", "\(prefix).shortcut.bn", from: blockInput,
                        out: out, kernel: 1, stride: stride, padding: 0, bias: spec.convBias)
                }
                let sum = add("\(prefix).add", .add, [main, shortcut], nodes[main].shape)
                x = neuron("\(prefix).lif2", from: sum)
            }
        }
        let shape = nodes[x].shape
        x = add(
            "avgpool", .avgPool(Window2d(kernelH: shape[1], kernelW: shape[2], strideH: shape[1], strideW: shape[2])),
            [x], [shape[0], 1, 1])
        classifier(from: x, hidden: spec.channels(256))
    }
}
