import SNNStore

/// A NIR file that is not a readable graph (before any node is interpreted).
public struct NIRReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// The HDF5 object involved (e.g. `/node/nodes/conv1/weight`).
    public var object: String
    /// What is wrong.
    public var reason: String

    /// Creates an error.
    public init(path: String, object: String, reason: String) {
        self.path = path
        self.object = object
        self.reason = reason
    }

    /// `'path:object': reason`.
    public var description: String { "'\(path):\(object)': \(reason)" }
}

extension NIRDocument {
    /// Reads a NIR file written by Python's `nir.write` (or by snnc: a deployment file's root is
    /// a NIR graph too). Every dataset of every node is read; groups inside a node (metadata,
    /// a nested graph's nodes) are skipped, attributes are ignored, as `nir.read` does.
    /// - Throws: `NIRReadError` for a file without a NIR graph or with unreadable values;
    ///   `HDF5Error` when the file cannot be opened.
    public static func read(_ path: String) throws -> NIRDocument {
        let root = try HDF5File.open(path).root
        guard root.kind(of: "node") == .group else {
            throw NIRReadError(path: path, object: "/node", reason: "not a NIR file: there is no /node group")
        }
        let graph = try root.group("node")
        let type = try? graph.readString("type")
        guard type == "NIRGraph" else {
            throw NIRReadError(
                path: path, object: "/node/type",
                reason: "the top node is \(type.map { "a '\($0)'" } ?? "missing its type"), not a 'NIRGraph'")
        }
        var edges: [(String, String)] = []
        if graph.contains("edges") {
            let stored = try graph.readStrings("edges")
            guard stored.values.isEmpty || (stored.shape.count == 2 && stored.shape[1] == 2) else {
                throw NIRReadError(
                    path: path, object: "/node/edges", reason: "edges must be an (E, 2) array of node names, found shape \(stored.shape)")
            }
            edges = stride(from: 0, to: stored.values.count, by: 2).map { (stored.values[$0], stored.values[$0 + 1]) }
        }
        var nodes: [NIRNode] = []
        if graph.kind(of: "nodes") == .group {
            let group = try graph.group("nodes")
            for name in try group.children() {
                guard group.kind(of: name) == .group else { continue }
                nodes.append(try readNode(try group.group(name), name: name, path: path))
            }
        }
        var metadata: [(String, NIRField)] = []
        if graph.kind(of: "metadata") == .group {
            let group = try graph.group("metadata")
            for key in try group.children() where group.kind(of: key) == .dataset {
                metadata.append((key, try readField(group, key, object: "/node/metadata/\(key)", path: path)))
            }
        }
        let version = root.kind(of: "version") == .dataset ? try? root.readString("version") : nil
        return NIRDocument(version: version, nodes: nodes, edges: edges, metadata: metadata)
    }

    private static func readNode(_ group: HDF5Group, name: String, path: String) throws -> NIRNode {
        let object = "/node/nodes/\(name)"
        guard group.kind(of: "type") == .dataset, let type = try? group.readString("type") else {
            throw NIRReadError(path: path, object: object, reason: "the node has no 'type' string")
        }
        var fields: [(String, NIRField)] = []
        for key in try group.children() where key != "type" && group.kind(of: key) == .dataset {
            fields.append((key, try readField(group, key, object: "\(object)/\(key)", path: path)))
        }
        return NIRNode(name: name, type: type, fields: fields)
    }

    private static func readField(_ group: HDF5Group, _ name: String, object: String, path: String) throws -> NIRField {
        let info = try group.info(of: name)
        switch info.type {
        case .string:
            let strings = try group.readStrings(name)
            guard strings.values.count == 1 else {
                throw NIRReadError(path: path, object: object, reason: "string arrays are not NIR parameters (shape \(strings.shape))")
            }
            return .string(strings.values[0])
        case .float32:
            let a = try group.read(name, as: Float.self)
            return .floats(a.values, shape: a.shape)
        case .float64:
            let a = try group.read(name, as: Double.self)
            return .doubles(a.values, shape: a.shape)
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32:
            let a = try group.read(name, as: Int64.self, convert: true)
            return .ints(a.values, shape: a.shape)
        case .uint64, .other:
            throw NIRReadError(path: path, object: object, reason: "unsupported element type \(info.type)")
        }
    }
}
