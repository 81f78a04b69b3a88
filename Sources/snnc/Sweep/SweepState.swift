import Foundation
import SNNStore
import SNNTickets
import SNNTrain

/// Where a run stands, read from its own output file (no other record is kept).
enum SweepRunState: Equatable {
    /// The file is complete: a finished search or training, an export or a simulation's JSON.
    case finished
    /// A ticket file or checkpoint from a stopped run; `snnc prune|train --resume` continues it.
    case partial(String)
    /// No file yet.
    case notStarted
    /// A file that is not what the run writes (or cannot be read).
    case unreadable(String)

    /// One word for tables and JSON.
    var word: String {
        switch self {
        case .finished: "finished"
        case .partial: "partial"
        case .notStarted: "not-started"
        case .unreadable: "unreadable"
        }
    }

    var detail: String {
        switch self {
        case .partial(let text), .unreadable(let text): text
        default: ""
        }
    }

    /// The state of `run`, whose paths are relative to `directory`.
    static func of(_ run: SweepRun, command: SweepFile.Command, in directory: String) -> SweepRunState {
        let path = (directory as NSString).appendingPathComponent(run.output)
        guard FileManager.default.fileExists(atPath: path) else { return .notStarted }
        switch command {
        case .prune:
            do {
                let file = try TicketFile.open(path)
                if file.isComplete { return .finished }
                let levels = file.levels.count
                let now = file.progress.current.map { ", in \($0.setup.id)" } ?? ""
                return .partial("\(levels) level\(levels == 1 ? "" : "s") stored\(now)")
            } catch {
                return .unreadable(Diagnostic(known: error)?.message ?? String(describing: error))
            }
        case .train:
            do {
                let state = try Checkpoint.load(from: path)
                if state.epochsCompleted >= state.config.epochs { return .finished }
                return .partial("epoch \(state.epochsCompleted) of \(state.config.epochs)")
            } catch {
                return .unreadable(Diagnostic(known: error)?.message ?? String(describing: error))
            }
        case .export, .simulate:
            return .finished  // written atomically: present means complete
        }
    }
}
