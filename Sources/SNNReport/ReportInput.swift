import SNNCompiler
import SNNIR
import SNNTickets

/// One input file of a report, already read by its own reader (`TicketFile`, `DeploymentFile`,
/// the calibration reader, `SimulationRecord`): SNNReport does no file I/O.
public enum ReportInput: Sendable {
    /// A ticket file or a `snnc prune --json` summary: a search's levels.
    case tickets(file: String, summary: TicketSummary)
    /// A deployment file's graph, its target's profile when known, and the limits to check.
    case deployment(file: String, graph: Graph, profile: ChipProfile?, budgets: [BudgetLimit])
    /// A calibration file (`snnc simulate --calibration-out`).
    case calibration(file: String, calibration: Calibration)
    /// `snnc simulate --json` output, with or without `--compare`.
    case simulation(file: String, record: SimulationRecord)

    /// The file as given.
    public var file: String {
        switch self {
        case .tickets(let file, _), .deployment(let file, _, _, _), .calibration(let file, _), .simulation(let file, _): file
        }
    }

    /// What kind of input it is, as the report lists it.
    public var kind: String {
        switch self {
        case .tickets: "ticket search"
        case .deployment: "deployment file"
        case .calibration: "calibration file"
        case .simulation(_, let record): record.comparison == nil ? "simulation (simulate --json)" : "simulation with --compare"
        }
    }
}

/// A limit a deployment is checked against: from the user (`--budget`) or from the chip profile.
public struct BudgetLimit: Sendable, Equatable, Encodable {
    /// The budget's name (`memory`, `cores`, …).
    public var key: String
    /// The estimate's value.
    public var actual: Double
    /// The limit.
    public var limit: Double
    /// The unit both are in (`B`, `pJ`, `s`, or empty for counts).
    public var unit: String
    /// Where the limit comes from (`--budget`, or the profile's name).
    public var source: String

    /// Creates a limit.
    public init(key: String, actual: Double, limit: Double, unit: String, source: String) {
        self.key = key
        self.actual = actual
        self.limit = limit
        self.unit = unit
        self.source = source
    }

    /// Whether the estimate exceeds the limit.
    public var exceeded: Bool { actual > limit }
}
