/// A failure a user can act on: what went wrong, where, and what to try next.
///
/// Every error type of the snnc libraries adopts this protocol, so a caller can show any of them
/// the same way without knowing the type; the CLI prints the three parts as
/// ```
/// Error: <reason>
/// At:    <location>
/// Hint:  <hint>
/// ```
/// `description` stays each type's own one-line rendering (logs, test messages); it carries the
/// same facts as the three parts.
///
/// This module has no dependencies, so the lowest modules (SNNStore, SNNIR, SNNData, …) can adopt
/// it. A control-flow signal that is not a failure (such as `SNNTickets.SearchInterrupted`) does
/// not adopt it.
public protocol SNNError: Error, CustomStringConvertible {
    /// What went wrong, as a phrase without the location or the hint.
    var reason: String { get }
    /// Where it went wrong: a file (with the object, line or column inside it), a layer or a node;
    /// nil when the error has no place more specific than the operation that failed.
    var location: String? { get }
    /// What to try next, when the library knows; nil leaves the advice to the caller.
    var hint: String? { get }
}
