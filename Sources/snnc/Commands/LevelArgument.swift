import ArgumentParser
import SNNTickets

/// `--level k|best-fit`, the one parser of every command that reads a ticket file's level
/// (`export`, `evaluate`): a number is that level (`.requested`), `best-fit` the level
/// `BestFit` chooses (`.bestFit`; the command supplies the target whose energy breaks ties).
extension LevelChoice: ExpressibleByArgument {
    /// The spelling of `.bestFit` on the command line.
    static let bestFitName = "best-fit"

    /// Parses an integer or `best-fit`; nil for anything else.
    public init?(argument: String) {
        if argument == Self.bestFitName {
            self = .bestFit(target: nil)
        } else if let level = Int(argument) {
            self = .requested(level)
        } else {
            return nil
        }
    }

    public var defaultValueDescription: String {
        switch self {
        case .standard: "the sparsest level trained at the full T"
        case .requested(let k), .recorded(let k): String(k)
        case .bestFit: Self.bestFitName
        }
    }

    /// `.bestFit` with `target`, any other choice as it is.
    func breakingTies(on target: String?) -> LevelChoice {
        guard case .bestFit = self else { return self }
        return .bestFit(target: target)
    }
}
