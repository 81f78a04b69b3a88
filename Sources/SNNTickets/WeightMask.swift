import SNNTensor
import SNNTrain

/// The prunable weights of a model in parameter order: the coordinate system of a `WeightMask`.
///
/// Position `i` of a flat mask is weight `i - offsets[l]` (row-major) of prunable parameter `l`,
/// where `l` is the layer whose range contains `i`. Every criterion, tie rule and distance in
/// this module uses this order.
public struct PrunableLayout: Codable, Equatable, Sendable {
    /// Names of the prunable parameters (conv and linear weights), in `ParameterSet` order.
    public let names: [String]
    /// Their shapes.
    public let shapes: [[Int]]
    /// Start of each parameter in the flat order; `offsets.last` is the total.
    public let offsets: [Int]

    public init(_ parameters: ParameterSet) {
        let prunable = parameters.parameters.filter(\.isPrunable)
        names = prunable.map(\.name)
        shapes = prunable.map(\.value.shape)
        var offsets = [0]
        for p in prunable { offsets.append(offsets[offsets.count - 1] + p.value.count) }
        self.offsets = offsets
    }

    /// A layout of the given parameter names and shapes (in this order).
    public init(names: [String], shapes: [[Int]]) {
        precondition(names.count == shapes.count, "one shape per name")
        self.names = names
        self.shapes = shapes
        var offsets = [0]
        for shape in shapes { offsets.append(offsets[offsets.count - 1] + shape.reduce(1, *)) }
        self.offsets = offsets
    }

    /// Number of prunable weights.
    public var total: Int { offsets[offsets.count - 1] }

    /// Number of prunable parameters (layers).
    public var layerCount: Int { names.count }

    /// Flat positions of layer `l`.
    public func range(of layer: Int) -> Range<Int> { offsets[layer]..<offsets[layer + 1] }

    /// Weights in layer `l`.
    public func count(of layer: Int) -> Int { offsets[layer + 1] - offsets[layer] }
}

/// How many weights of one prunable parameter a mask keeps.
public struct LayerDensity: Codable, Equatable, Sendable {
    public var name: String
    public var kept: Int
    public var count: Int

    public init(name: String, kept: Int, count: Int) {
        self.name = name
        self.kept = kept
        self.count = count
    }

    /// Fraction kept, in [0, 1].
    public var density: Double { count == 0 ? 0 : Double(kept) / Double(count) }
}

/// A keep (1) / prune (0) decision for every prunable weight, flat in `PrunableLayout` order.
public struct WeightMask: Equatable, Sendable {
    public let layout: PrunableLayout
    /// One byte per prunable weight: 1 keeps, 0 prunes.
    public var bits: [UInt8]

    public init(layout: PrunableLayout, bits: [UInt8]) {
        precondition(bits.count == layout.total, "a mask of \(bits.count) entries for \(layout.total) weights")
        self.layout = layout
        self.bits = bits
    }

    /// The mask that keeps everything.
    public static func dense(_ layout: PrunableLayout) -> WeightMask {
        WeightMask(layout: layout, bits: [UInt8](repeating: 1, count: layout.total))
    }

    /// The masks carried by `parameters` (a parameter without a mask keeps every weight).
    public init(_ parameters: ParameterSet) {
        let layout = PrunableLayout(parameters)
        var bits = [UInt8]()
        bits.reserveCapacity(layout.total)
        for p in parameters.parameters where p.isPrunable {
            if let mask = p.mask {
                bits.append(contentsOf: mask.scalars.map { $0 != 0 ? 1 : 0 })
            } else {
                bits.append(contentsOf: repeatElement(1, count: p.value.count))
            }
        }
        self.init(layout: layout, bits: bits)
    }

    /// Number of kept weights.
    public var keptCount: Int { bits.reduce(0) { $0 + Int($1) } }

    /// Kept weights of layer `l`.
    public func keptCount(layer: Int) -> Int {
        bits[layout.range(of: layer)].reduce(0) { $0 + Int($1) }
    }

    /// Kept and total weights per prunable parameter.
    public var layerDensities: [LayerDensity] {
        (0..<layout.layerCount).map {
            LayerDensity(name: layout.names[$0], kept: keptCount(layer: $0), count: layout.count(of: $0))
        }
    }

    /// The mask of layer `l` as a 0/1 tensor of the parameter's shape.
    public func tensor(layer: Int) -> Tensor {
        Tensor(shape: layout.shapes[layer], scalars: bits[layout.range(of: layer)].map { Float($0) })
    }

    /// Installs this mask on `parameters` and sets every pruned weight to exactly 0.
    /// - Precondition: `parameters` has this mask's layout.
    public func apply(to parameters: inout ParameterSet) {
        var layer = 0
        for i in parameters.parameters.indices where parameters.parameters[i].isPrunable {
            precondition(parameters.parameters[i].name == layout.names[layer], "mask layout does not match the parameters")
            parameters.parameters[i].mask = tensor(layer: layer)
            layer += 1
        }
        precondition(layer == layout.layerCount, "mask layout does not match the parameters")
        parameters.applyMasks()
    }

    /// Positions where the two masks differ.
    public func differences(from other: WeightMask) -> Int {
        precondition(other.bits.count == bits.count, "masks of different layouts")
        var count = 0
        for i in bits.indices where bits[i] != other.bits[i] { count += 1 }
        return count
    }

    /// Normalised Hamming distance: differing positions over `layout.total + extraPositions`.
    ///
    /// The early-bird code pools the masks of every "weight" tensor, which includes BatchNorm γ
    /// masks that are always 1; `extraPositions` adds those to the denominator.
    public func distance(to other: WeightMask, extraPositions: Int = 0) -> Double {
        Double(differences(from: other)) / Double(max(1, layout.total + extraPositions))
    }
}
