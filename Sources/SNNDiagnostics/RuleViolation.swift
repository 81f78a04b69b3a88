/// The rules one kind of file must satisfy before snnc uses it (a deployment file's, a ticket
/// file's); each case's raw value is the rule's name as errors print it.
public protocol FileRule: RawRepresentable, Sendable, Hashable where RawValue == String {
    /// The kind of file the rules are of, as the hint names it ("deployment file").
    static var fileKind: String { get }
    /// How to get a file that keeps them ("export it again").
    static var remedy: String { get }
}

extension FileRule {
    /// The hint of every refusal under these rules: why the file is refused and what to do.
    public static var refusalHint: String {
        "snnc refuses a \(fileKind) that breaks a rule before using it (docs/HARDENING.md); "
            + "the file is damaged or was not written by snnc: \(remedy)"
    }
}

/// A file that breaks a rule: names the file, the object in it (an HDF5 path), the key inside
/// that object when it holds JSON, the rule and what was found.
///
/// Every validator of a file snnc reads reports through this one type (`DeploymentValidationError`
/// is `RuleViolation<DeploymentRule>`, `TicketValidationError` is `RuleViolation<TicketRule>`), so
/// the CLI prints them alike:
/// ```
/// Error: <detail> (rule: <rule>)
/// At:    <file>:<object>, key <key>
/// Hint:  <Rule.refusalHint>
/// ```
public struct RuleViolation<Rule: FileRule>: SNNError, Sendable, Equatable {
    /// The file.
    public var path: String
    /// The HDF5 object at fault (`/snnc/layers/conv1/fanout/data`, `/levels/2/level.json`).
    public var object: String
    /// The key inside a JSON object (`sparsity.kept`, `layers[1].kept`), nil for other objects.
    public var key: String?
    /// The rule broken.
    public var rule: Rule
    /// What was found.
    public var detail: String

    /// Creates an error.
    public init(path: String, object: String, key: String? = nil, rule: Rule, detail: String) {
        self.path = path
        self.object = object
        self.key = key
        self.rule = rule
        self.detail = detail
    }

    /// What was found, then the rule broken.
    public var reason: String { "\(detail) (rule: \(rule.rawValue))" }

    /// `path:object`, then `, key <key>` for a key inside it.
    public var location: String? { "\(path):\(object)" + (key.map { ", key \($0)" } ?? "") }

    /// Why the file is refused and what to do (`Rule.refusalHint`).
    public var hint: String? { Rule.refusalHint }

    /// `'path:object[, key k]': detail (rule: …)`.
    public var description: String { "'\(path):\(object)" + (key.map { ", key \($0)" } ?? "") + "': \(reason)" }
}
