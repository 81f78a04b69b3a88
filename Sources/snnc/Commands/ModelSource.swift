import Foundation
import SNNIR
import SNNStore
import SNNTickets
import SNNTrain

/// The files `snnc export` accepts, recognised by the `format` attribute on their root.
///
/// To accept another kind of file (a ticket file, a NIR file), add a case to `loaders`: a
/// format name and a function from the opened file to the float deployment graph.
enum ModelSource {
    /// A loader: the `format` attribute it claims and how it makes the graph.
    struct Loader: Sendable {
        var format: String
        var describe: String
        var load: @Sendable (_ root: HDF5Group, _ path: String, _ name: String, _ level: Int?) throws -> Graph
    }

    static let loaders: [Loader] = [
        Loader(format: Checkpoint.format, describe: "a checkpoint from 'snnc train'") { root, path, name, level in
            if level != nil {
                throw Diagnostic(message: "--level applies to ticket files; this is a checkpoint", location: path,
                                 hint: "drop --level")
            }
            return try DeploymentBridge.graph(from: Checkpoint.read(from: root), name: name)
        },
        Loader(format: TicketFile.format, describe: "a ticket file from 'snnc prune' (--level picks the sparsity level)") { _, path, name, level in
            let tickets = try TicketFile.open(path)
            guard let chosen = level ?? tickets.defaultLevel else {
                throw Diagnostic(message: "the ticket file has no finished level yet", location: path,
                                 hint: "let 'snnc prune --resume' finish at least one level")
            }
            return try DeploymentBridge.graph(from: tickets.loadLevel(chosen), name: name)
        },
    ]

    /// Opens `path` and builds its float deployment graph with the matching loader; `level`
    /// picks a ticket file's level (default: its sparsest level trained at the full T).
    static func graph(at path: String, level: Int? = nil) throws -> Graph {
        let file = try HDF5File.open(path)
        let format = (try? file.root.stringAttribute("format")) ?? ""
        let name = URL(fileURLWithPath: path).lastPathComponent.components(separatedBy: ".").first ?? "model"
        guard let loader = loaders.first(where: { $0.format == format }) else {
            throw Diagnostic(message: "cannot export this file: " + (format.isEmpty ? "it has no 'format' attribute" : "its format is '\(format)'"),
                             location: path,
                             hint: "pass " + loaders.map(\.describe).joined(separator: " or "))
        }
        do {
            return try loader.load(file.root, path, name, level)
        } catch let error as DeploymentBridgeError {
            throw Diagnostic(message: error.reason, location: path, hint: error.hint)
        } catch let error as CheckpointError {
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
        } catch let error as TicketFileError {
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
        }
    }

    /// Opens `path` (a checkpoint, or a ticket file's level) as a training state.
    static func state(at path: String, level: Int? = nil) throws -> TrainingState {
        let file = try HDF5File.open(path)
        let format = (try? file.root.stringAttribute("format")) ?? ""
        do {
            switch format {
            case Checkpoint.format:
                if level != nil {
                    throw Diagnostic(message: "--level applies to ticket files; this is a checkpoint", location: path, hint: "drop --level")
                }
                return try Checkpoint.read(from: file.root)
            case TicketFile.format:
                let tickets = try TicketFile.open(path)
                guard let chosen = level ?? tickets.defaultLevel else {
                    throw Diagnostic(message: "the ticket file has no finished level yet", location: path,
                                     hint: "let 'snnc prune --resume' finish at least one level")
                }
                return try tickets.loadLevel(chosen)
            default:
                throw Diagnostic(message: "cannot read this file as a model: " + (format.isEmpty ? "it has no 'format' attribute" : "its format is '\(format)'"),
                                 location: path, hint: "pass a checkpoint from 'snnc train' or 'snnc import', or a ticket file from 'snnc prune'")
            }
        } catch let error as CheckpointError {
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
        } catch let error as TicketFileError {
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
        }
    }
}
