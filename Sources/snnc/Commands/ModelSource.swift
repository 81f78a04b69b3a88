import Foundation
import SNNIR
import SNNTickets
import SNNTrain

/// The trained models `snnc evaluate` and `snnc export` read: a checkpoint or a ticket file's level
/// (`openTrainedModel`). The library's errors reach the user through `reportingDiagnostics`;
/// only the few this type words for its command are caught here.
enum ModelSource {
    /// Opens `path` (a checkpoint, or a ticket file's level) as a training state; `level` picks
    /// a ticket file's level (nil: its sparsest level trained at the full T). Prints why when
    /// best-fit chose the level.
    static func state(at path: String, level: LevelChoice? = nil) throws -> TrainingState {
        try open(path, level: level).state
    }

    /// Opens `path` and builds its float deployment graph, named after the file; `level` picks
    /// a ticket file's level (nil: its sparsest level trained at the full T). Returns the graph
    /// and the level read (nil for a checkpoint); prints why when best-fit chose the level.
    static func graph(at path: String, level: LevelChoice? = nil) throws -> (graph: Graph, level: Int?) {
        let name = URL(fileURLWithPath: path).lastPathComponent.components(separatedBy: ".").first ?? "model"
        do {
            let model = try open(path, level: level)
            return (try DeploymentBridge.graph(from: model.state, name: name), model.level)
        } catch let error as ModelFileError {
            // Export words an unrecognised file for itself (its own verb, and --level).
            guard let problem = error.formatProblem else { throw error }
            throw Diagnostic(
                message: "cannot export this file: " + problem, location: error.path,
                hint: "pass a checkpoint from 'snnc train' or a ticket file from 'snnc prune' "
                    + "(--level picks the sparsity level)")
        } catch let error as DeploymentBridgeError {
            // The bridge does not know the file; the command does.
            throw Diagnostic(message: error.reason, location: path, hint: error.hint)
        }
    }

    /// `openTrainedModel`, with the file added to best-fit's errors and the CLI's checkpoint hint
    /// left out; prints best-fit's choice.
    private static func open(_ path: String, level: LevelChoice?) throws -> TrainedModel {
        do {
            let model = try openTrainedModel(path: path, level: level ?? .standard)
            if let choice = model.bestFit { printError(BestFitReport.lines(choice).joined(separator: "\n")) }
            return model
        } catch let error as BestFitError {
            // The library does not know the file's name; its hints say <file>.
            throw Diagnostic(
                message: error.reason, location: path, hint: error.hint?.replacingOccurrences(of: "<file>", with: path))
        } catch let error as CheckpointError {
            // Leaves out the CLI's checkpoint hint: the file may be a ticket file.
            throw withoutDefaultHint(error)
        }
    }

    /// A damaged checkpoint or ticket-file level as a diagnostic with the library's hint only: the
    /// CLI's default hint for `CheckpointError` ("pass a checkpoint written by 'snnc train'") would
    /// mislead here, where the file may be a ticket file.
    private static func withoutDefaultHint(_ error: CheckpointError) -> Diagnostic {
        Diagnostic(message: error.reason, location: error.path, hint: error.hint)
    }
}
