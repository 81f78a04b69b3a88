import Foundation
import SNNTensor

/// What a learnable tensor is, which decides how it is initialised and whether it can be pruned.
public enum ParameterRole: String, Codable, Sendable {
    /// Conv or linear weight: prunable.
    case weight
    /// Conv or linear bias.
    case bias
    /// BatchNorm γ.
    case scale
    /// BatchNorm β.
    case shift
}

/// A learnable tensor of a network.
public struct Parameter: Equatable, Sendable {
    /// `<node>.weight`, `<node>.bias` (PyTorch's naming).
    public var name: String
    public var role: ParameterRole
    public var value: Tensor
    /// Pruning mask (1 keeps, 0 prunes), same shape as `value`; `nil` means dense.
    /// Only weights carry masks. Invariant: where the mask is 0, `value` is exactly 0.
    public var mask: Tensor?

    /// Whether pruning applies to this parameter (conv and linear weights, never biases or BN).
    public var isPrunable: Bool { role == .weight }
}

/// A non-learnable tensor a network updates while training (BN running statistics).
public struct Buffer: Equatable, Sendable {
    public var name: String
    public var value: Tensor
}

/// Initialisation schemes.
public enum InitScheme: String, Codable, Sendable, CaseIterable {
    /// PyTorch defaults: conv/linear weight and bias U(±1/√fan_in); BN γ = 1, β = 0.
    case pytorch
    /// The paper's released VGG code: conv Kaiming-normal (fan_out, ReLU gain), bias 0;
    /// linear N(0, 0.01), bias 0; BN γ = 1, β = 0. (ResNet19 there uses PyTorch defaults.)
    case paper
}

/// All learnable parameters and buffers of a network, in graph order.
public struct ParameterSet: Equatable, Sendable {
    public var parameters: [Parameter]
    public var buffers: [Buffer]

    /// The parameter layout of `graph` with every weight and bias 0 (BN γ = 1, β = 0, running
    /// mean 0, running variance 1): the structure a checkpoint is read into. Order: node by node,
    /// weight before bias.
    public init(layoutOf graph: LayerGraph) {
        let layout = Self.shapes(of: graph)
        parameters = layout.parameters.map { p in
            Parameter(name: p.name, role: p.role, value: Tensor(repeating: p.role == .scale ? 1 : 0, shape: p.shape), mask: nil)
        }
        buffers = layout.buffers.map { b in
            Buffer(name: b.name, value: Tensor(repeating: b.name.hasSuffix(".running_var") ? 1 : 0, shape: b.shape))
        }
    }

    /// The names, roles and shapes of `graph`'s parameters and of its buffers, in the order of
    /// `init(layoutOf:)`, without allocating them: a file's tensors are checked against these
    /// before the layout is allocated.
    public static func shapes(
        of graph: LayerGraph
    ) -> (parameters: [(name: String, role: ParameterRole, shape: [Int])], buffers: [(name: String, shape: [Int])]) {
        var parameters: [(name: String, role: ParameterRole, shape: [Int])] = []
        var buffers: [(name: String, shape: [Int])] = []
        for node in graph.nodes {
            switch node.op {
            case .conv(let cin, let cout, let window, let bias):
                parameters.append((node.name + ".weight", .weight, [cout, cin, window.kernelH, window.kernelW]))
                if bias { parameters.append((node.name + ".bias", .bias, [cout])) }
            case .linear(let inFeatures, let outFeatures, let bias):
                parameters.append((node.name + ".weight", .weight, [outFeatures, inFeatures]))
                if bias { parameters.append((node.name + ".bias", .bias, [outFeatures])) }
            case .batchNorm(let channels):
                parameters.append((node.name + ".weight", .scale, [channels]))
                parameters.append((node.name + ".bias", .shift, [channels]))
                buffers.append((node.name + ".running_mean", [channels]))
                buffers.append((node.name + ".running_var", [channels]))
            default:
                break
            }
        }
        return (parameters, buffers)
    }

    /// Creates the parameters of `graph`, drawing from `rng` parameter by parameter in layout
    /// order (node by node, weight before bias), each tensor in row-major order.
    public init(graph: LayerGraph, scheme: InitScheme, rng: inout SeededRNG) {
        self.init(layoutOf: graph)
        let usePaper = scheme == .paper && graph.spec.architecture == .vgg16
        var fanIn = 1  // of the last weight seen: a bias uses its layer's fan-in
        for i in parameters.indices {
            let shape = parameters[i].value.shape
            switch parameters[i].role {
            case .weight:
                fanIn = shape.dropFirst().reduce(1, *)
                if !usePaper {
                    parameters[i].value = uniform(shape, fanIn: fanIn, rng: &rng)
                } else if shape.count == 4 {  // Kaiming-normal, fan_out, ReLU gain
                    let std = (2.0 / Float(shape[0] * shape[2] * shape[3])).squareRoot()
                    parameters[i].value = normal(shape, std: std, rng: &rng)
                } else {
                    parameters[i].value = normal(shape, std: 0.01, rng: &rng)
                }
            case .bias:
                if !usePaper { parameters[i].value = uniform(shape, fanIn: fanIn, rng: &rng) }
            case .scale, .shift:
                break
            }
        }
    }

    /// Index of the parameter named `name`.
    public func parameterIndex(_ name: String) -> Int? { parameters.firstIndex { $0.name == name } }

    /// Index of the buffer named `name`.
    public func bufferIndex(_ name: String) -> Int? { buffers.firstIndex { $0.name == name } }

    /// The parameter named `name`; the name must exist (a programmer error otherwise).
    public subscript(name: String) -> Parameter {
        get {
            guard let i = parameterIndex(name) else { preconditionFailure("no parameter \(name)") }
            return parameters[i]
        }
        set {
            guard let i = parameterIndex(name) else { preconditionFailure("no parameter \(name)") }
            parameters[i] = newValue
        }
    }

    /// Number of scalars in all parameters (the paper's sparsity denominator).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Number of scalars in prunable weights.
    public var prunableCount: Int { parameters.filter(\.isPrunable).reduce(0) { $0 + $1.value.count } }

    /// Number of prunable weights kept by the masks (all of them when dense).
    public var keptCount: Int {
        parameters.filter(\.isPrunable).reduce(0) { total, p in
            total + (p.mask.map { $0.scalars.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } } ?? p.value.count)
        }
    }

    /// Number of prunable weights whose value is exactly 0 (masked out, or pruned by a search that
    /// learns its mask, whose weights are 0 where the connection is off).
    public var zeroWeightCount: Int {
        parameters.filter(\.isPrunable).reduce(0) { total, p in total + p.value.scalars.reduce(0) { $0 + ($1 == 0 ? 1 : 0) } }
    }

    /// Sets every masked-out weight to exactly 0.
    public mutating func applyMasks() {
        for i in parameters.indices {
            guard let mask = parameters[i].mask else { continue }
            parameters[i].value.scalars.withUnsafeMutableBufferPointer { w in
                mask.scalars.withUnsafeBufferPointer { m in
                    for j in w.indices where m[j] == 0 { w[j] = 0 }
                }
            }
        }
    }
}

/// U(−b, b) with b = 1/√fan_in: PyTorch's `kaiming_uniform_(a=√5)` for weights and its bias rule.
private func uniform(_ shape: [Int], fanIn: Int, rng: inout SeededRNG) -> Tensor {
    let bound = 1 / Float(max(fanIn, 1)).squareRoot()
    var t = Tensor.zeros(shape)
    for i in t.scalars.indices { t.scalars[i] = rng.nextFloat(in: -bound, bound) }
    return t
}

/// N(0, std²) by the Box–Muller transform, two draws per pair of values.
private func normal(_ shape: [Int], std: Float, rng: inout SeededRNG) -> Tensor {
    var t = Tensor.zeros(shape)
    var i = 0
    while i < t.count {
        let u1 = max(rng.nextUnitFloat(), Float.leastNormalMagnitude)
        let u2 = rng.nextUnitFloat()
        let r = (-2 * log(u1)).squareRoot() * std
        t.scalars[i] = r * cos(2 * Float.pi * u2)
        if i + 1 < t.count { t.scalars[i + 1] = r * sin(2 * Float.pi * u2) }
        i += 2
    }
    return t
}
