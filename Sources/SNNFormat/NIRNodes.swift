/// The NIR nodes snnc writes, spelled once for both writers: the deployment file's NIR root
/// (`NIRGraph`, from the quantised IR) and the plain float export (`SNNInterop.NIRExporter`,
/// from a trained model). Field names, orders and shapes follow the NIR specification; neuron
/// parameters are stored per neuron (one value repeated over `shape`).
extension NIRNode {
    /// An `Input` node of the given shape.
    public static func input(name: String, shape: [Int]) -> NIRNode {
        NIRNode(name: name, type: "Input", fields: [("shape", extents(shape))])
    }

    /// An `Output` node of the given shape.
    public static func output(name: String, shape: [Int]) -> NIRNode {
        NIRNode(name: name, type: "Output", fields: [("shape", extents(shape))])
    }

    /// An `Affine` node: `weight` `[out, in]` C-order and `bias` `[out]`.
    public static func affine(name: String, weight: [Float], outFeatures: Int, inFeatures: Int, bias: [Float]) -> NIRNode {
        NIRNode(
            name: name, type: "Affine",
            fields: [
                ("weight", .floats(weight, shape: [outFeatures, inFeatures])), ("bias", .floats(bias, shape: [outFeatures])),
            ])
    }

    /// A `Linear` node (an affine map without bias): `weight` `[out, in]` C-order.
    public static func linear(name: String, weight: [Float], outFeatures: Int, inFeatures: Int) -> NIRNode {
        NIRNode(name: name, type: "Linear", fields: [("weight", .floats(weight, shape: [outFeatures, inFeatures]))])
    }

    /// A `Conv2d` node (groups 1, dilation 1): `weight` `[Cout, Cin, kH, kW]` C-order, `bias`
    /// `[Cout]`, and the (rows, columns) pairs of stride, padding and the input's size.
    public static func conv2d(
        name: String, weight: [Float], shape: [Int], bias: [Float],
        stride: (Int, Int), padding: (Int, Int), inputSize: (Int, Int)
    ) -> NIRNode {
        NIRNode(
            name: name, type: "Conv2d",
            fields: [
                ("weight", .floats(weight, shape: shape)), ("bias", .floats(bias, shape: [shape[0]])),
                ("stride", pair(stride)), ("padding", pair(padding)), ("dilation", pair((1, 1))), ("groups", .int(1)),
                ("input_shape", pair(inputSize)),
            ])
    }

    /// A `LIF` node (`v_reset` = 0) with one value of each parameter for every neuron of `shape`.
    public static func lif(name: String, shape: [Int], tau: Float, r: Float, vLeak: Float, vThreshold: Float) -> NIRNode {
        NIRNode(
            name: name, type: "LIF",
            fields: [
                ("tau", full(tau, shape)), ("r", full(r, shape)), ("v_leak", full(vLeak, shape)),
                ("v_threshold", full(vThreshold, shape)), ("v_reset", full(0, shape)),
            ])
    }

    /// A `CubaLIF` node (`v_reset` = 0) with one value of each parameter for every neuron of `shape`.
    public static func cubaLIF(
        name: String, shape: [Int], tauSyn: Float, tauMem: Float, r: Float, vLeak: Float,
        vThreshold: Float, wIn: Float
    ) -> NIRNode {
        NIRNode(
            name: name, type: "CubaLIF",
            fields: [
                ("tau_syn", full(tauSyn, shape)), ("tau_mem", full(tauMem, shape)), ("r", full(r, shape)),
                ("v_leak", full(vLeak, shape)), ("v_threshold", full(vThreshold, shape)), ("v_reset", full(0, shape)),
                ("w_in", full(wIn, shape)),
            ])
    }

    /// An `IF` (integrate-and-fire) node (`v_reset` = 0); a max pool is written as a `SumPool2d`
    /// followed by one of these.
    public static func integrateAndFire(name: String, shape: [Int], r: Float, vThreshold: Float) -> NIRNode {
        NIRNode(
            name: name, type: "IF",
            fields: [
                ("r", full(r, shape)), ("v_threshold", full(vThreshold, shape)), ("v_reset", full(0, shape)),
            ])
    }

    /// A `SumPool2d` node, or an `AvgPool2d` one when `average`; each argument is (rows, columns).
    public static func pool2d(name: String, average: Bool, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)) -> NIRNode {
        NIRNode(
            name: name, type: average ? "AvgPool2d" : "SumPool2d",
            fields: [
                ("kernel_size", pair(kernel)), ("stride", pair(stride)), ("padding", pair(padding)),
            ])
    }

    /// A `Flatten` node over every dimension of an input of shape `inputShape`.
    public static func flatten(name: String, inputShape: [Int]) -> NIRNode {
        NIRNode(
            name: name, type: "Flatten",
            fields: [
                ("start_dim", .int(0)), ("end_dim", .int(-1)), ("input_type", extents(inputShape)),
            ])
    }

    /// A `Scale` node: one factor per element of `shape`.
    public static func scale(name: String, factors: [Float], shape: [Int]) -> NIRNode {
        NIRNode(name: name, type: "Scale", fields: [("scale", .floats(factors, shape: shape))])
    }

    private static func pair(_ p: (Int, Int)) -> NIRField { .ints([Int64(p.0), Int64(p.1)], shape: [2]) }
    private static func extents(_ shape: [Int]) -> NIRField { .ints(shape.map(Int64.init), shape: [shape.count]) }
    private static func full(_ value: Float, _ shape: [Int]) -> NIRField {
        .floats(Array(repeating: value, count: shape.reduce(1, *)), shape: shape)
    }
}

extension NIRDocument {
    /// The metadata key listing the neuron nodes that subtract the threshold on a spike
    /// (comma-separated names): NIR's neurons reset to `v_reset`, and NIR has no soft reset.
    public static let subtractiveResetKey = "snnc_subtractive_reset"

    /// The metadata snnc writes: `dt` = 1 (time constants are in steps), the producer, and the
    /// neuron nodes with a soft reset, if any.
    public static func snncMetadata(
        producer: String, subtractiveReset: [String] = [], spikeCounts: [SpikeCountNode] = []
    ) -> [(String, NIRField)] {
        var entries: [(String, NIRField)] = [("dt", .doubles([1.0], shape: [])), ("producer", .string(producer))]
        if !subtractiveReset.isEmpty {
            entries.append((subtractiveResetKey, .string(subtractiveReset.joined(separator: ","))))
        }
        if !spikeCounts.isEmpty {
            let text = spikeCounts.map { "\($0.name):\($0.maxSpikes):\($0.delay)" }.joined(separator: ",")
            entries.append((spikeCountsKey, .string(text)))
        }
        return entries
    }

    /// The metadata key listing neuron nodes that send several spikes per step or with a delay,
    /// which NIR cannot say: `name:maxSpikes:delay`, comma-separated (snnc's CubaLIF nodes).
    public static let spikeCountsKey = "snnc_spike_counts"

    /// A neuron node that sends up to `maxSpikes` spikes per step, `delay` steps later.
    public struct SpikeCountNode: Sendable, Equatable {
        public var name: String
        public var maxSpikes: Int
        public var delay: Int

        /// Creates the entry.
        public init(name: String, maxSpikes: Int, delay: Int) {
            self.name = name
            self.maxSpikes = maxSpikes
            self.delay = delay
        }
    }

    /// The entries under `snnc_spike_counts` (malformed entries are left out), by node name.
    public var spikeCountNodes: [String: SpikeCountNode] {
        guard case .string(let list)? = metadataField(Self.spikeCountsKey) else { return [:] }
        var nodes: [String: SpikeCountNode] = [:]
        for entry in list.split(separator: ",") {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, let maxSpikes = Int(parts[1]), let delay = Int(parts[2]) else { continue }
            nodes[String(parts[0])] = SpikeCountNode(name: String(parts[0]), maxSpikes: maxSpikes, delay: delay)
        }
        return nodes
    }

    /// The names listed under `snnc_subtractive_reset`, if any.
    public var subtractiveResetNodes: Set<String> {
        guard case .string(let list)? = metadataField(Self.subtractiveResetKey) else { return [] }
        return Set(list.split(separator: ",").map(String.init))
    }
}
