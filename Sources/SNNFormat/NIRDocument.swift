import SNNStore

/// One dataset of a NIR node: numbers with a shape (`[]` for a scalar) or a string.
public enum NIRField: Sendable, Equatable {
    /// float32 values.
    case floats([Float], shape: [Int])
    /// float64 values (what NumPy writes by default).
    case doubles([Double], shape: [Int])
    /// Integer values of any width, widened to 64 bits.
    case ints([Int64], shape: [Int])
    /// A scalar integer (written as an int64 scalar; read back as `.ints(_, shape: [])`).
    case int(Int64)
    /// A string (e.g. Conv2d `padding = "same"`).
    case string(String)

    /// The extents (`[]` for scalars and strings).
    public var shape: [Int] {
        switch self {
        case .floats(_, let shape), .doubles(_, let shape), .ints(_, let shape): shape
        case .int, .string: []
        }
    }

    /// The numbers as doubles (exact for float32 and for integers below 2^53), or nil for a string.
    public var doubles: [Double]? {
        switch self {
        case .floats(let v, _): v.map(Double.init)
        case .doubles(let v, _): v
        case .ints(let v, _): v.map(Double.init)
        case .int(let v): [Double(v)]
        case .string: nil
        }
    }

    /// The numbers as integers if the field is integer-typed, else nil.
    public var integers: [Int64]? {
        switch self {
        case .ints(let v, _): v
        case .int(let v): [v]
        default: nil
        }
    }
}

/// A node of a NIR graph: its name (the key in `/node/nodes`), type and datasets.
public struct NIRNode: Sendable, Equatable {
    public var name: String
    /// The NIR class name (`Affine`, `LIF`, …).
    public var type: String
    /// The node's datasets in writing order (reading gives HDF5's alphabetical order).
    public var fields: [(String, NIRField)]

    /// Creates a node.
    public init(name: String, type: String, fields: [(String, NIRField)]) {
        self.name = name
        self.type = type
        self.fields = fields
    }

    /// The field called `name`, if present.
    public func field(_ name: String) -> NIRField? { fields.first { $0.0 == name }?.1 }

    public static func == (a: NIRNode, b: NIRNode) -> Bool {
        a.name == b.name && a.type == b.type && a.fields.map(\.0) == b.fields.map(\.0) && a.fields.map(\.1) == b.fields.map(\.1)
    }
}

/// A whole NIR graph as stored by Python's `nir.write`: `/version`, then `/node` with `type =
/// "NIRGraph"`, `edges` (E, 2) strings, `nodes/<name>/…` and optional `metadata/…`.
///
/// Reading and writing are plain: no node type is interpreted here (see `SNNInterop` for the
/// mapping to snnc models). Nested graphs are read as nodes of type `NIRGraph` without fields.
public struct NIRDocument: Sendable, Equatable {
    /// `/version` (the NIR package version the file was written for), if stored.
    public var version: String?
    public var nodes: [NIRNode]
    /// (source, destination) node names.
    public var edges: [(String, String)]
    /// `/node/metadata/<key>` datasets (numbers and strings; nested groups are skipped).
    public var metadata: [(String, NIRField)]

    /// Creates a document.
    public init(
        version: String? = DeploymentFile.nirVersion, nodes: [NIRNode], edges: [(String, String)],
        metadata: [(String, NIRField)] = []
    ) {
        self.version = version
        self.nodes = nodes
        self.edges = edges
        self.metadata = metadata
    }

    /// The node called `name`, if any.
    public func node(_ name: String) -> NIRNode? { nodes.first { $0.name == name } }

    /// The metadata entry called `key`, if any.
    public func metadataField(_ key: String) -> NIRField? { metadata.first { $0.0 == key }?.1 }

    public static func == (a: NIRDocument, b: NIRDocument) -> Bool {
        a.version == b.version && a.nodes == b.nodes && a.edges.map(\.0) == b.edges.map(\.0)
            && a.edges.map(\.1) == b.edges.map(\.1) && a.metadata.map(\.0) == b.metadata.map(\.0)
            && a.metadata.map(\.1) == b.metadata.map(\.1)
    }

    /// Writes `/version` and `/node` into `root` (a file's root group).
    public func write(into root: HDF5Group) throws {
        if let version { try root.write("version", string: version) }
        let graph = try root.createGroup("node")
        try graph.write("type", string: "NIRGraph")
        try graph.write("edges", strings: edges.flatMap { [$0.0, $0.1] }, shape: [edges.count, 2])
        if !metadata.isEmpty {
            let group = try graph.createGroup("metadata")
            for (key, field) in metadata { try Self.write(field, named: key, into: group) }
        }
        let group = try graph.createGroup("nodes")
        for node in nodes {
            let g = try group.createGroup(node.name)
            try g.write("type", string: node.type)
            for (name, field) in node.fields { try Self.write(field, named: name, into: g) }
        }
    }

    /// Writes the document to `path` atomically (nothing is left at `path` on an error).
    public func write(to path: String) throws {
        try HDF5File.write(to: path) { root in try write(into: root) }
    }

    private static func write(_ field: NIRField, named name: String, into group: HDF5Group) throws {
        switch field {
        case .floats(let values, let shape): try group.write(name, values, shape: shape)
        case .doubles(let values, let shape): try group.write(name, values, shape: shape)
        case .ints(let values, let shape): try group.write(name, values, shape: shape)
        case .int(let value): try group.write(name, scalar: value)
        case .string(let value): try group.write(name, string: value)
        }
    }
}
