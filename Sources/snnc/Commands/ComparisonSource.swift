import Foundation
import SNNIR
import SNNTickets
import SNNTrain

/// The float model a deployment file was exported from (`snnc simulate --compare`): the file
/// must be the one the export read (its SHA-256 is in the deployment's provenance), and a
/// ticket file is read at the level that was compiled.
struct ComparisonSource {
    /// The file as given.
    var path: String
    /// The ticket-file level, nil for a checkpoint.
    var level: Int?
    /// SHA-256 of the file (equal to the deployment's `source_sha256`).
    var sha256: String
    /// The trained model.
    var state: TrainingState

    /// Loads `path` after checking it against `graph`'s provenance.
    /// - Throws: `Diagnostic` when the deployment records no provenance, the file's hash differs
    ///   from the recorded one, the file is neither a checkpoint nor a ticket file, or the level
    ///   is missing.
    static func load(_ path: String, for graph: Graph, deployment: String) throws -> ComparisonSource {
        guard let provenance = graph.provenance else {
            throw Diagnostic(
                message: "the deployment file records no provenance, so the model it came from cannot be checked",
                location: deployment, hint: "export the model again with 'snnc export'")
        }
        let hash = try fileSHA256(path, role: "the model to compare with")
        guard hash == provenance.sourceSHA256 else {
            throw Diagnostic(
                message: "this is not the file '\(deployment)' was exported from: its SHA-256 is \(hash.prefix(12))…, "
                    + "the export read '\(provenance.sourceFile)' with SHA-256 \(provenance.sourceSHA256.prefix(12))…",
                location: path,
                hint: "pass the file the export read (unchanged since; a resumed search rewrites it), or export this "
                    + "file again: \(provenance.command)")
        }
        let recorded = provenance.sourceLevel ?? Self.level(inCommand: provenance.command)
        do {
            let model = try openTrainedModel(path: path, level: recorded.map(LevelChoice.recorded) ?? .standard)
            return ComparisonSource(path: path, level: model.level, sha256: hash, state: model.state)
        } catch let error as ModelFileError {
            // The comparison words an unrecognised file and a missing level for itself.
            switch error {
            case .unrecognizedFormat:
                throw Diagnostic(
                    message: "cannot compare against this file: " + (error.formatProblem ?? ""), location: path,
                    hint: "pass the checkpoint or ticket file the deployment was exported from")
            case .noFinishedLevel:
                throw Diagnostic(
                    message: "the ticket file has no finished level", location: path,
                    hint: "pass the ticket file the export read")
            case .levelOfCheckpoint, .bestFitOfCheckpoint:  // a recorded level is ignored for checkpoints: not expected
                throw error
            }
        } catch let error as TicketFileError {
            // A damaged ticket file without a hint of its own: point at the file the export read.
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint ?? "pass the ticket file the export read")
        }
    }

    /// `N` of the last `--level N` or `--level=N` in a recorded command line (for files whose provenance
    /// lacks the level: `snnc export` always records it, other writers may not).
    static func level(inCommand command: String) -> Int? {
        CommandLineText.options(in: CommandLineText.words(command)).last { $0.name == "--level" }?.value.flatMap { Int($0) }
    }
}
