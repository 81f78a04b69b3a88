import Foundation
import SNNIR
import SNNStore

/// The deployment file (`*.snn.h5`): a valid NIR graph at the root plus one `/snnc` group with
/// everything NIR cannot hold (integer tables, quantisation, core map, estimates, provenance).
///
/// The layout is specified in docs/FORMAT.md. `write` requires a graph that has been through
/// `quantize` and `lowerToCSR`; `read` rebuilds that graph exactly (placement, estimates and
/// provenance included when present) except for what the file does not repeat: a quantised
/// layer's float weights come back as its dequantised integers and its mask as nil
/// (`storedForm(of:)` gives that graph).
public struct DeploymentFile: Sendable, Equatable {
    /// The schema's major version: readers reject files of another major version.
    public static let majorVersion: Int32 = 2
    /// The schema's minor version: additions a reader of the same major may ignore.
    public static let minorVersion: Int32 = 3
    /// The value of `/snnc` attribute `format`.
    public static let formatName = "snnc-deployment"
    /// The NIR version the root graph is written for (stored in `/version`).
    public static let nirVersion = "1.0.8"

    /// The deployed graph.
    public var graph: Graph
    /// `[major, minor]` of the file's schema.
    public var formatVersion: [Int32]

    /// Creates a file value.
    public init(graph: Graph, formatVersion: [Int32] = [DeploymentFile.majorVersion, DeploymentFile.minorVersion]) {
        self.graph = graph
        self.formatVersion = formatVersion
    }

    /// Writes `graph` to `path` atomically (a temporary file renamed into place; on any error no
    /// file is left at `path`, and an existing file there is untouched).
    /// - Parameter producer: the producing tool and version, e.g. `snnc 0.1.0` (NIR metadata).
    /// - Throws: `DeploymentFileError` for a graph that is not lowered yet, `HDF5Error` for I/O.
    public static func write(_ graph: Graph, to path: String, producer: String) throws {
        guard graph.passes.contains("quantize"), graph.passes.contains("lowerToCSR") else {
            throw DeploymentFileError(
                path: path, object: nil,
                reason: "the graph has not been quantised and lowered to CSR (passes: \(graph.passes.joined(separator: ", ")))",
                hint: "run the compiler pipeline before writing")
        }
        let nir: NIRGraph
        do {
            nir = try NIRGraph(graph)
        } catch var error as DeploymentFileError {
            if error.path.isEmpty { error.path = path }
            throw error
        }
        try HDF5File.write(to: path) { root in
            try nir.write(into: root, producer: producer)
            try SNNCGroupWriter(graph: graph, nir: nir).write(into: root.createGroup("snnc"))
        }
    }

    /// The graph `read` returns for a file written from `graph`: every quantised layer's float
    /// weights replaced by its dequantised integers (`q · weightScale`, pruned entries 0) and its
    /// mask dropped — the deployment file stores integers, and the ticket keeps the float model.
    public static func storedForm(of graph: Graph) -> Graph {
        var result = graph
        for i in result.layers.indices {
            switch result.layers[i].op {
            case .conv(var conv):
                conv.weights = conv.weights.storedForm
                result.layers[i].op = .conv(conv)
            case .linear(var linear):
                linear.weights = linear.weights.storedForm
                result.layers[i].op = .linear(linear)
            case .identity(var identity):
                identity.weights = identity.weights.storedForm
                result.layers[i].op = .identity(identity)
            default: break
            }
        }
        return result
    }

    /// Reads a deployment file and, unless `validate` is false, checks every rule of
    /// `DeploymentRule` before returning it (`validate(path:)`: what `simulate`, `inspect` and
    /// `report` rely on; docs/HARDENING.md).
    /// - Throws: `DeploymentFileError` for a file that is not a deployment, of an unknown major
    ///   version, or that cannot be built (broken CSR arrays, tables of the wrong shape, sizes
    ///   above `DeploymentLimits`); `DeploymentValidationError` for a rule broken;
    ///   `NIRReadError` for an unreadable NIR root; `HDF5Error` for unreadable files.
    public static func read(_ path: String, validate: Bool = true) throws -> DeploymentFile {
        let file = try readStructure(path)
        if validate { try file.validate(path: path) }
        return file
    }

    /// Checks the rules of `DeploymentRule` on this file's graph and on the file at `path` (the
    /// NIR root and `dt`, which the graph does not hold).
    /// - Throws: `DeploymentValidationError` naming the object and the rule; `NIRReadError` or
    ///   `HDF5Error` when the root cannot be read.
    public func validate(path: String) throws {
        let file = try HDF5File.open(path)
        if file.root.kind(of: "snnc/sim") == .group, try file.root.group("snnc/sim").attributeNames().contains("dt_steps") {
            let dt = try file.root.group("snnc/sim").scalarAttribute("dt_steps", as: Double.self, convert: true)
            guard dt.isFinite, dt > 0 else {
                throw DeploymentValidationError(
                    path: path, object: "/snnc/sim", rule: .finite, detail: "dt_steps \(dt) is not a positive finite number")
            }
        }
        try GraphValidator(path: path, graph: graph).validate()
        var root = NIRRootValidator(path: path, graph: graph, stored: try NIRDocument.read(path))
        for layer in graph.layers where layer.op.isSynaptic {
            let quant = "snnc/layers/\(layer.name)/quant"
            guard file.root.kind(of: quant) == .group, try file.root.group(quant).attributeNames().contains("nir_weight_scale") else {
                continue
            }
            root.storedWeightScales[layer.name] = try file.root.group(quant).scalarAttribute("nir_weight_scale", as: Double.self)
        }
        try root.validate()
    }

    private static func readStructure(_ path: String) throws -> DeploymentFile {
        let file = try HDF5File.open(path)
        let root = file.root
        guard root.kind(of: "snnc") == .group else {
            // A checkpoint or ticket file names itself in its root's `format`.
            let format = (try? root.stringAttribute("format")).map { ": its format is '\($0)'" } ?? ""
            throw DeploymentFileError(
                path: path, object: "/snnc",
                reason: "not an snnc deployment file (no /snnc group)\(format)",
                hint: format.isEmpty
                    ? "pass a file written by 'snnc export'" : "compile it with 'snnc export \(path) --target …' and pass that file")
        }
        let snnc = try root.group("snnc")
        guard (try? snnc.stringAttribute("format")) == formatName else {
            throw DeploymentFileError(
                path: path, object: "/snnc",
                reason: "not an snnc deployment file (no format = \"\(formatName)\" attribute)",
                hint: "pass a file written by 'snnc export'")
        }
        let version = try snnc.attribute("format_version", as: Int32.self, convert: true).values
        guard version.count == 2 else {
            throw DeploymentFileError(path: path, object: "/snnc", reason: "format_version must be [major, minor], found \(version)")
        }
        guard version[0] == majorVersion else {
            throw DeploymentFileError(
                path: path, object: "/snnc",
                reason: "deployment format version \(version[0]).\(version[1]) is not supported (this snnc reads \(majorVersion).x)",
                hint: version[0] > majorVersion ? "upgrade snnc to read this file" : "export the model again with this snnc")
        }
        let graph = try SNNCGroupReader(path: path, group: snnc).read()
        return DeploymentFile(graph: graph, formatVersion: version)
    }
}

/// Sizes a deployment file may declare: the reader checks them before it allocates anything, so a
/// file declaring huge shapes is an error, not an out-of-memory crash.
public enum DeploymentLimits {
    /// The most elements of one array (weights of a layer, units of a shape): 2^31.
    public static let maxElements = 1 << 31
    /// The most time steps a file may ask for.
    public static let maxTimeSteps = 100_000
}

/// A deployment file that cannot be written or read.
public struct DeploymentFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// The HDF5 object involved, if one is.
    public var object: String?
    /// What is wrong.
    public var reason: String
    /// What to do.
    public var hint: String?

    /// Creates an error.
    public init(path: String, object: String?, reason: String, hint: String? = nil) {
        self.path = path
        self.object = object
        self.reason = reason
        self.hint = hint
    }

    /// `'path:object': reason (hint: …)`.
    public var description: String {
        "'\(path)\(object.map { ":" + $0 } ?? "")': \(reason)" + (hint.map { " (hint: \($0))" } ?? "")
    }
}

extension SynapticWeights {
    /// These weights as a deployment file stores them (see `DeploymentFile.storedForm(of:)`).
    var storedForm: SynapticWeights {
        guard let q = quantized else { return self }
        var stored = self
        stored.weight = DenseTensor(shape: weight.shape, values: q.values.map { Float(Double($0) * q.weightScale) })
        stored.mask = nil
        return stored
    }
}
