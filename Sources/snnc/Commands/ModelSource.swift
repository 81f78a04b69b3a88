import Foundation
import SNNIR
import SNNTickets
import SNNTrain

/// The trained models `snnc evaluate` and `snnc export` read: a checkpoint or a ticket file's
/// level (`openTrainedModel`), with the library's errors as diagnostics.
enum ModelSource {
    /// Opens `path` (a checkpoint, or a ticket file's level) as a training state; `level` picks
    /// a ticket file's level (default: its sparsest level trained at the full T).
    static func state(at path: String, level: Int? = nil) throws -> TrainingState {
        do {
            return try openTrainedModel(path: path, level: LevelChoice(requested: level)).state
        } catch let error as ModelFileError {
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
        } catch let error as CheckpointError {
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
        } catch let error as TicketFileError {
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
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
            if let problem = error.formatProblem {
                throw Diagnostic(
                    message: "cannot export this file: " + problem, location: error.path,
                    hint: "pass a checkpoint from 'snnc train' or a ticket file from 'snnc prune' "
                        + "(--level picks the sparsity level)")
            }
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
        } catch let error as DeploymentBridgeError {
            throw Diagnostic(message: error.reason, location: path, hint: error.hint)
        } catch let error as CheckpointError {
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
        } catch let error as TicketFileError {
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
        }
    }
}
