import SNNStore
import SNNTrain

/// A trained model read from a file: a checkpoint, or one level of a ticket file.
public struct TrainedModel: Sendable {
    /// The model's weights, masks, buffers, history and configuration.
    public var state: TrainingState
    /// The ticket-file level read, nil for a checkpoint.
    public var level: Int?

    /// Creates a value.
    public init(state: TrainingState, level: Int?) {
        self.state = state
        self.level = level
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

    /// `.requested(level)`, or `.standard` when `level` is nil.
    public init(requested level: Int?) {
        self = level.map(LevelChoice.requested) ?? .standard
    }
}

/// Why `openTrainedModel(path:level:)` cannot give a model (beyond the errors of the files).
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file is HDF5 but neither a checkpoint nor a ticket file; `format` is its root
    /// attribute `format`, empty when it has none.
    case unrecognizedFormat(path: String, format: String)
    /// A level was requested, but the file is a checkpoint.
    case levelOfCheckpoint(path: String)
    /// The ticket file has no finished level, and none was given.
    case noFinishedLevel(path: String)

    /// The file as given.
    public var path: String {
        switch self {
        case .unrecognizedFormat(let path, _), .levelOfCheckpoint(let path), .noFinishedLevel(let path): path
        }
    }

    /// What is wrong with the format of an unrecognised file: "it has no 'format' attribute" or
    /// "its format is '…'"; nil for the other cases.
    public var formatProblem: String? {
        guard case .unrecognizedFormat(_, let format) = self else { return nil }
        return format.isEmpty ? "it has no 'format' attribute" : "its format is '\(format)'"
    }

    /// What went wrong.
    public var reason: String {
        switch self {
        case .unrecognizedFormat: "cannot read this file as a model: " + (formatProblem ?? "")
        case .levelOfCheckpoint: "--level applies to ticket files; this is a checkpoint"
        case .noFinishedLevel: "the ticket file has no finished level yet"
        }
    }

    /// What to try next (every case has one).
    public var hint: String? {
        switch self {
        case .unrecognizedFormat: "pass a checkpoint from 'snnc train' or 'snnc import', or a ticket file from 'snnc prune'"
        case .levelOfCheckpoint: "drop --level"
        case .noFinishedLevel: "let 'snnc prune --resume' finish at least one level"
        }
    }

    public var description: String { "'\(path)': \(reason)" + (hint.map { " (hint: \($0))" } ?? "") }
}

/// Opens `path` — a checkpoint (`snnc train`, `snnc import`) or a ticket file (`snnc prune`),
/// told apart by the `format` attribute on the root — and reads its trained model: the
/// checkpoint, or the ticket file's level picked by `level`.
/// - Throws: `HDF5Error` for files that cannot be opened or read; `ModelFileError` for another
///   kind of file, a level given with a checkpoint, or a ticket file without a finished level;
///   `CheckpointError` and `TicketFileError` for damaged files or a level the file lacks.
public func openTrainedModel(path: String, level: LevelChoice = .standard) throws -> TrainedModel {
    let root = try HDF5File.open(path).root
    let format = (try? root.stringAttribute("format")) ?? ""
    switch format {
    case Checkpoint.format:
        if case .requested = level { throw ModelFileError.levelOfCheckpoint(path: path) }
        return TrainedModel(state: try Checkpoint.read(from: root), level: nil)
    case TicketFile.format:
        let tickets = try TicketFile.open(path)
        let chosen: Int?
        switch level {
        case .standard: chosen = tickets.defaultLevel
        case .requested(let k), .recorded(let k): chosen = k
        }
        guard let chosen else { throw ModelFileError.noFinishedLevel(path: path) }
        return TrainedModel(state: try tickets.loadLevel(chosen), level: chosen)
    default:
        throw ModelFileError.unrecognizedFormat(path: path, format: format)
    }
}
