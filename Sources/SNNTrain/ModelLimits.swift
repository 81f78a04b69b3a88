/// Bounds on the sizes a model specification may declare, checked by `LayerGraph.init` before
/// anything of that size is computed or allocated. A spec comes from a file (a checkpoint's
/// `model_spec`, a ticket file's header and levels), so a damaged or crafted one must be a named
/// error, not an arithmetic trap (`Int(width · 512)` of a width of 1e300) or a multi-gigabyte
/// allocation of the parameter layout (docs/HARDENING.md).
///
/// The bounds are far above any model snnc trains: VGG16 at width 1 has 15 M parameters and its
/// largest layer output 65,536 values per image.
public enum ModelLimits {
    /// Channels or units of one layer (convolution outputs, linear outputs, classes).
    public static let maxChannels = 1 << 20
    /// Input channels, height and width, each.
    public static let maxInputExtent = 1 << 16
    /// Kernel, stride and padding of an imported graph's windows, each.
    public static let maxWindowExtent = 1 << 16
    /// Time steps of one inference (the deployment file's `time_steps` bound): the compiler's
    /// estimates allocate and multiply per step.
    public static let maxTimeSteps = 100_000
    /// Values one node outputs per image and time step.
    public static let maxNodeElements = 1 << 28
    /// Parameter values of the whole model (1 GiB of float32).
    public static let maxParameters = 1 << 28

    /// The product of `extents`, nil when it overflows `Int` or an extent is negative.
    static func product(_ extents: [Int]) -> Int? {
        var result = 1
        for extent in extents {
            guard extent >= 0 else { return nil }
            let (next, overflow) = result.multipliedReportingOverflow(by: extent)
            guard !overflow else { return nil }
            result = next
        }
        return result
    }
}

extension LayerGraphBuilder {
    /// Checks the spec's sizes before the graph is built: width, input and classes in range, so
    /// the channel counts and shapes the builders compute cannot overflow.
    /// - Throws: `ModelError` naming the field, its value and the bound.
    func checkSpecLimits() throws {
        func fail(_ field: String, _ value: String, _ rule: String) -> ModelError {
            ModelError(description: "model spec field '\(field)' is \(value): \(rule)")
        }
        // The widest built-in layer is 512 channels at width 1.
        let widest = 512 * spec.width
        guard spec.width.isFinite, spec.width > 0, widest <= Double(ModelLimits.maxChannels) else {
            throw fail("width", "\(spec.width)", "it must be positive, at most \(ModelLimits.maxChannels / 512)")
        }
        for (field, value) in [("inputChannels", spec.inputChannels), ("inputHeight", spec.inputHeight), ("inputWidth", spec.inputWidth)] {
            guard value >= 1, value <= ModelLimits.maxInputExtent else {
                throw fail(field, "\(value)", "it must be in 1…\(ModelLimits.maxInputExtent)")
            }
        }
        guard spec.classes >= 1, spec.classes <= ModelLimits.maxChannels else {
            throw fail("classes", "\(spec.classes)", "it must be in 1…\(ModelLimits.maxChannels)")
        }
        guard spec.timeSteps >= 1, spec.timeSteps <= ModelLimits.maxTimeSteps else {
            throw fail("timeSteps", "\(spec.timeSteps)", "it must be in 1…\(ModelLimits.maxTimeSteps)")
        }
    }

    /// Checks one node's output shape: every extent positive, at most `maxNodeElements` values.
    /// - Throws: `ModelError` naming the node.
    func checkShape(_ name: String, _ shape: [Int]) throws {
        guard shape.allSatisfy({ $0 >= 1 }), let count = ModelLimits.product(shape), count <= ModelLimits.maxNodeElements else {
            throw ModelError(
                description: "node '\(name)' outputs shape \(shape): an empty extent, or more than \(ModelLimits.maxNodeElements) "
                    + "values per image")
        }
    }

    /// Checks the built nodes: every output shape (`checkShape`), and the parameters at most
    /// `maxParameters` values in all.
    /// - Throws: `ModelError` naming the node.
    func checkGraphLimits() throws {
        var parameters = 0
        for node in nodes {
            try checkShape(node.name, node.shape)
            let weights: Int? =
                switch node.op {
                case .conv(let cin, let cout, let window, _): ModelLimits.product([cout, cin, window.kernelH, window.kernelW])
                case .linear(let inFeatures, let outFeatures, _): ModelLimits.product([outFeatures, inFeatures])
                default: 0
                }
            let (sum, overflow) = parameters.addingReportingOverflow(weights ?? .max)
            guard weights != nil, !overflow, sum <= ModelLimits.maxParameters else {
                throw ModelError(
                    description: "node '\(node.name)': the model would have more than \(ModelLimits.maxParameters) parameter values")
            }
            parameters = sum
        }
    }
}
