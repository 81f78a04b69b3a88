import SNNFormat

/// Why a NIR graph cannot become an snnc model exactly: the node, the field and the reason.
public struct NIRImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The NIR node involved (`nil` for whole-graph problems such as a missing Input).
    public var node: String?
    /// The node's field (dataset) involved, e.g. `tau`, `groups`, `type`, `edges`.
    public var field: String?
    /// What is wrong.
    public var reason: String
    /// What to do about it.
    public var hint: String?

    /// Creates an error.
    public init(node: String?, field: String?, reason: String, hint: String? = nil) {
        self.node = node
        self.field = field
        self.reason = reason
        self.hint = hint
    }

    /// Where: `node 'lif1', field 'tau'`; nil when neither is known.
    public var location: String? {
        let parts = [node.map { "node '\($0)'" }, field.map { "field '\($0)'" }].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// `node 'x', field 'y': reason (hint: …)`.
    public var description: String {
        (location.map { $0 + ": " } ?? "") + reason + (hint.map { " (hint: \($0))" } ?? "")
    }
}

/// Typed access to a NIR node's fields, with errors naming the node and field.
struct FieldReader {
    let node: NIRNode

    func fail(_ field: String?, _ reason: String, hint: String? = nil) -> NIRImportError {
        NIRImportError(node: node.name, field: field, reason: reason, hint: hint)
    }

    func require(_ name: String) throws -> NIRField {
        guard let field = node.field(name) else { throw fail(name, "the \(node.type) node has no '\(name)' field") }
        return field
    }

    /// A float array, checking its shape if `shape` is given.
    func floats(_ name: String, shape: [Int]? = nil) throws -> (values: [Float], shape: [Int]) {
        let field = try require(name)
        guard let values = field.doubles else {
            throw fail(name, "expected numbers, found a string")
        }
        if let shape, field.shape != shape {
            throw fail(name, "shape \(field.shape) does not match the expected \(shape)")
        }
        try checkCount(name, field, values.count)
        if case .floats(let f, _) = field { return (f, field.shape) }
        return (values.map { Float($0) }, field.shape)
    }

    /// The number of elements of `shape`; nil when an extent is negative or the product
    /// overflows (a scalar, `[]`, has one element).
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for extent in shape {
            guard extent >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// The field's shape holds exactly its `count` values (a document built in memory can say
    /// otherwise; a file read by `NIRDocument.read` cannot).
    private func checkCount(_ name: String, _ field: NIRField, _ count: Int) throws {
        if case .int = field { return }
        guard Self.elementCount(field.shape) == count else {
            throw fail(name, "shape \(field.shape) does not hold its \(count) value\(count == 1 ? "" : "s")")
        }
    }

    /// One integer (a scalar or a one-element array).
    /// Integers read from a file are sizes, strides, paddings or axes: anything beyond ±2³¹ is
    /// malformed (and would overflow size arithmetic).
    static let integerRange: ClosedRange<Int64> = -(1 << 31)...(1 << 31)

    func int(_ name: String) throws -> Int {
        let field = try require(name)
        guard let values = field.integers, values.count == 1 else {
            throw fail(name, "expected one integer, found \(describe(field))")
        }
        try checkRange(name, values)
        return Int(values[0])
    }

    private func checkRange(_ name: String, _ values: [Int64]) throws {
        if let bad = values.first(where: { !Self.integerRange.contains($0) }) {
            throw fail(name, "the value \(bad) is out of range (at most 2^31 in magnitude)")
        }
    }

    /// A (rows, columns) pair of integers; a scalar stands for both.
    func pair(_ name: String) throws -> [Int] {
        let field = try require(name)
        guard let values = field.integers, values.count == 1 || values.count == 2 else {
            throw fail(name, "expected an integer or a pair of integers, found \(describe(field))")
        }
        try checkRange(name, values)
        return values.count == 1 ? [Int(values[0]), Int(values[0])] : values.map { Int($0) }
    }

    /// Integers of any shape.
    func ints(_ name: String) throws -> [Int] {
        let field = try require(name)
        guard let values = field.integers else { throw fail(name, "expected integers, found \(describe(field))") }
        try checkRange(name, values)
        return values.map { Int($0) }
    }

    /// A neuron parameter that must be the same for every neuron of the node: an array of the
    /// neuron shape (or of one element). Returns the common value in double precision.
    func uniform(_ name: String, neuronShape: [Int], default fallback: Double? = nil) throws -> Double {
        guard let field = node.field(name) else {
            if let fallback { return fallback }
            throw fail(name, "the \(node.type) node has no '\(name)' field")
        }
        guard let values = field.doubles, !values.isEmpty else {
            throw fail(name, "expected numbers, found \(describe(field))")
        }
        try checkCount(name, field, values.count)
        let units = Self.elementCount(neuronShape)
        guard values.count == 1 || values.count == units else {
            throw fail(name, "shape \(field.shape) does not match the neuron shape \(neuronShape)")
        }
        guard let first = values.first, first.isFinite else { throw fail(name, "the value is not a finite number") }
        if let i = values.firstIndex(where: { $0 != first }) {
            throw fail(
                name,
                "per-neuron values differ (\(first) at index 0, \(values[i]) at flat index \(i)); snnc neurons share one value per node",
                hint: "give every neuron of the node the same \(name), or split the node")
        }
        return first
    }

    private func describe(_ field: NIRField) -> String {
        switch field {
        case .string(let s): "the string \"\(s)\""
        default: "shape \(field.shape) of \(field.integers == nil ? "floats" : "integers")"
        }
    }
}
