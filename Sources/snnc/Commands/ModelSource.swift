import Foundation
import SNNIR
import SNNTickets
import SNNTrain

/// The trained models `snnc evaluate` and `snnc export` read: a checkpoint or a ticket file's
/// level (`openTrainedModel`). The library's errors reach the user through `reportingDiagnostics`;
/// only the few this type words for its command are caught here.
enum ModelSource {
    /// Opens `path` (a checkpoint, or a ticket file's level) as a training state; `level` picks
    /// a ticket file's level (default: its sparsest level trained at the full T).
    static func state(at path: String, level: Int? = nil) throws -> TrainingState {
        do {
            return try openTrainedModel(path: path, level: LevelChoice(requested: level)).state
        } catch let error as CheckpointError {
            // Leaves out the CLI's checkpoint hint: the file may be a ticket file.
            throw withoutDefaultHint(error)
        }
    }

    /// Opens `path` and builds its float deployment graph, named after the file; `level` picks
    /// a ticket file's level (default: its sparsest level trained at the full T). Returns the
    /// graph and the level read (nil for a checkpoint).
    static func graph(at path: String, level: Int? = nil) throws -> (graph: Graph, level: Int?) {
        let name = URL(fileURLWithPath: path).lastPathComponent.components(separatedBy: ".").first ?? "model"
        do {
            let model = try openTrainedModel(path: path, level: LevelChoice(requested: level))
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
