import SNNStore
import SNNTrain

/// A trained model read from a file: a checkpoint, or one level of a ticket file.
public struct TrainedModel: Sendable {
    /// The model's weights, masks, buffers, history and configuration.
    public var state: TrainingState
    /// The ticket-file level read, nil for a checkpoint.
    public var level: Int?
    /// Why the level was read, when `LevelChoice.bestFit` chose it.
    public var bestFit: BestFit?

    /// Creates a value.
    public init(state: TrainingState, level: Int?, bestFit: BestFit? = nil) {
        self.state = state
        self.level = level
        self.bestFit = bestFit
    }
}

/// Which level of a ticket file `openTrainedModel(path:level:)` reads.
public enum LevelChoice: Equatable, Sendable {
    /// The file's default level (`TicketFile.defaultLevel`); a checkpoint is read as it is.
    case standard
    /// This level, asked for by the user: passing it with a checkpoint is an error.
    case requested(Int)
    /// This level of a ticket file (e.g. the one an export recorded); a checkpoint is read as it is.
    case recorded(Int)
    /// The level `BestFit` chooses, breaking ties on this target's energy (nil: the first target
    /// the search checked); passing it with a checkpoint is an error.
    case bestFit(target: String?)

    /// `.requested(level)`, or `.standard` when `level` is nil.
    public init(requested level: Int?) {
        self = level.map(LevelChoice.requested) ?? .standard
    }
}

/// Why `openTrainedModel(path:level:)` cannot give a model (beyond the errors of the files).
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file is HDF5 but neither a checkpoint nor a ticket file; `format` is its root
    /// attribute `format`, empty when it has none, `deploymentFormat` for a deployment file.
    case unrecognizedFormat(path: String, format: String)
    /// A level was requested, but the file is a checkpoint.
    case levelOfCheckpoint(path: String)
    /// The ticket file has no finished level, and none was given.
    case noFinishedLevel(path: String)
    /// `--level best-fit` was given, but the file is a checkpoint.
    case bestFitOfCheckpoint(path: String)

    /// The file as given.
    public var path: String {
        switch self {
        case .unrecognizedFormat(let path, _), .levelOfCheckpoint(let path), .noFinishedLevel(let path),
            .bestFitOfCheckpoint(let path):
            path
        }
    }

    /// `unrecognizedFormat`'s format for a deployment file (`snnc export`'s, which has a `/snnc`
    /// group and no root `format`).
    public static let deploymentFormat = "snnc-deployment"

    /// What is wrong with the format of an unrecognised file: "it has no 'format' attribute",
    /// "its format is '…'", or that it is a deployment file; nil for the other cases.
    public var formatProblem: String? {
        guard case .unrecognizedFormat(_, let format) = self else { return nil }
        if format == Self.deploymentFormat {
            return "it is a deployment file (written by 'snnc export'), not a trained model; 'snnc inspect' names the model it was "
                + "exported from"
        }
        return format.isEmpty ? "it has no 'format' attribute" : "its format is '\(format)'"
    }

    /// What went wrong.
    public var reason: String {
        switch self {
        case .unrecognizedFormat: "cannot read this file as a model: " + (formatProblem ?? "")
        case .levelOfCheckpoint: "--level applies to ticket files; this is a checkpoint"
        case .noFinishedLevel: "the ticket file has no finished level yet"
        case .bestFitOfCheckpoint: "--level best-fit picks among a ticket file's levels; this is a checkpoint"
        }
    }

    /// What to try next (every case has one).
    public var hint: String? {
        switch self {
        case .unrecognizedFormat: "pass a checkpoint from 'snnc train' or 'snnc import', or a ticket file from 'snnc prune'"
        case .levelOfCheckpoint: "drop --level"
        case .noFinishedLevel: "let 'snnc prune --resume' finish at least one level"
        case .bestFitOfCheckpoint: "drop --level, or pass a ticket file from 'snnc prune --target T --validation-subset N'"
        }
    }

    public var description: String { "'\(path)': \(reason)" + (hint.map { " (hint: \($0))" } ?? "") }
}

/// Opens `path` — a checkpoint (`snnc train`, `snnc import`) or a ticket file (`snnc prune`),
/// told apart by the `format` attribute on the root — and reads its trained model: the
/// checkpoint, or the ticket file's level picked by `level`.
/// - Throws: `HDF5Error` for files that cannot be opened or read; `ModelFileError` for another
///   kind of file, a level (or best-fit) given with a checkpoint, or a ticket file without a finished level;
///   `BestFitError` when best-fit cannot choose;
///   `CheckpointError` and `TicketFileError` for damaged files or a level the file lacks.
public func openTrainedModel(path: String, level: LevelChoice = .standard) throws -> TrainedModel {
    let root = try HDF5File.open(path).root
    let format = (try? root.stringAttribute("format")) ?? (root.kind(of: "snnc") == .group ? ModelFileError.deploymentFormat : "")
    switch format {
    case Checkpoint.format:
        if case .requested = level { throw ModelFileError.levelOfCheckpoint(path: path) }
        if case .bestFit = level { throw ModelFileError.bestFitOfCheckpoint(path: path) }
        return TrainedModel(state: try Checkpoint.read(from: root), level: nil)
    case TicketFile.format:
        let tickets = try TicketFile.open(path)
        let chosen: Int?
        var bestFit: BestFit?
        switch level {
        case .standard: chosen = tickets.defaultLevel
        case .requested(let k), .recorded(let k): chosen = k
        case .bestFit(let target):
            bestFit = try tickets.bestFit(target: target)
            chosen = bestFit?.level
        }
        guard let chosen else { throw ModelFileError.noFinishedLevel(path: path) }
        return TrainedModel(state: try tickets.loadLevel(chosen), level: chosen, bestFit: bestFit)
    default:
        throw ModelFileError.unrecognizedFormat(path: path, format: format)
    }
}
