import Foundation
import SNNStore
import SNNTickets
import SNNTrain

/// Where a run stands, read from its own output file (and, when there is none, from the last
/// line `sweep run` wrote to its log: a run that failed before writing anything).
enum SweepRunState: Equatable {
    /// The file is complete: a finished search or training, an export or a simulation's JSON.
    case finished
    /// A ticket file or checkpoint from a stopped run; `snnc prune|train --resume` continues it
    /// (an IMP search whose file has fewer rounds than the sweep asks: with `--rounds` as well).
    case partial(String, extend: [String] = [])
    /// A file started with other settings than the sweep now gives: never resumed or collected.
    case differs(String)
    /// No file yet.
    case notStarted
    /// No file, and the run's last attempt failed (what its log's last line says); run again.
    case failed(String)
    /// A file that is not what the run writes (or cannot be read).
    case unreadable(String)

    /// One word for tables and JSON.
    var word: String {
        switch self {
        case .finished: "finished"
        case .partial: "partial"
        case .differs: "differs"
        case .notStarted: "not-started"
        case .failed: "failed"
        case .unreadable: "unreadable"
        }
    }

    var detail: String {
        switch self {
        case .partial(let text, _), .differs(let text), .unreadable(let text), .failed(let text): text
        default: ""
        }
    }

    /// The state of `run`, whose paths are relative to `directory`.
    static func of(_ run: SweepRun, command: SweepFile.Command, in directory: String) -> SweepRunState {
        let path = (directory as NSString).appendingPathComponent(run.output)
        guard FileManager.default.fileExists(atPath: path) else { return lastAttempt(of: run, in: directory) }
        switch command {
        case .prune:
            do {
                let file = try TicketFile.open(path)
                let differences = RecordedCommand.differences(recorded: file.header.command, run: run.arguments)
                // An IMP search asked for more rounds: the file is extended, as 'prune --resume --rounds' does.
                if differences.map(\.key) == ["--rounds"], file.header.method == .imp, let rounds = differences[0].sweep {
                    return .partial(
                        "\(file.levels.count) levels stored; to be extended to --rounds \(rounds)", extend: ["--rounds", rounds])
                }
                if !differences.isEmpty {
                    return .differs("started with other settings: " + RecordedCommand.describe(differences))
                }
                if file.isComplete { return .finished }
                let levels = file.levels.count
                let now =
                    file.progress.current.map {
                        ", " + RunCursorText.describe($0, trainSubset: file.header.training.data.trainSubset)
                    } ?? ""
                return .partial("\(Units.counted(levels, "level")) stored\(now)")
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

    /// The line `sweep run` appends to a run's log when an attempt fails (`failureLine`).
    static let failurePrefix = "failed: "

    /// `== <time> failed: <why>`, for the run's log.
    static func failureLine(_ why: String) -> String {
        "== \(ISO8601DateFormatter().string(from: Date())) \(failurePrefix)\(why)\n"
    }

    /// `.failed` when the last `== ` line of the run's log records a failed attempt, else
    /// `.notStarted` (no log, or an attempt that has not ended, or whose sweep was stopped).
    private static func lastAttempt(of run: SweepRun, in directory: String) -> SweepRunState {
        let log = (directory as NSString).appendingPathComponent(run.log)
        guard let text = try? String(contentsOfFile: log, encoding: .utf8),
            let last = text.split(separator: "\n").last(where: { $0.hasPrefix("== ") })
        else { return .notStarted }
        let fields = last.split(separator: " ", maxSplits: 2)  // "==", the time, what happened
        guard fields.count == 3, fields[2].hasPrefix(failurePrefix) else { return .notStarted }
        return .failed("\(fields[2].dropFirst(failurePrefix.count)) at \(fields[1]); log: \(run.log)")
    }
}
