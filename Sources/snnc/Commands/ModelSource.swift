import Foundation
import SNNIR
import SNNStore
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
        var load: @Sendable (_ root: HDF5Group, _ name: String) throws -> Graph
    }

    static let loaders: [Loader] = [
        Loader(format: Checkpoint.format, describe: "a checkpoint from 'snnc train'") { root, name in
            try DeploymentBridge.graph(from: Checkpoint.read(from: root), name: name)
        },
    ]

    /// Opens `path` and builds its float deployment graph with the matching loader.
    static func graph(at path: String) throws -> Graph {
        let file = try HDF5File.open(path)
        let format = (try? file.root.stringAttribute("format")) ?? ""
        let name = URL(fileURLWithPath: path).lastPathComponent.components(separatedBy: ".").first ?? "model"
        guard let loader = loaders.first(where: { $0.format == format }) else {
            throw Diagnostic(message: "cannot export this file: " + (format.isEmpty ? "it has no 'format' attribute" : "its format is '\(format)'"),
                             location: path,
                             hint: "pass " + loaders.map(\.describe).joined(separator: " or "))
        }
        do {
            return try loader.load(file.root, name)
        } catch let error as DeploymentBridgeError {
            throw Diagnostic(message: error.reason, location: path, hint: error.hint)
        } catch let error as CheckpointError {
            throw Diagnostic(message: error.reason, location: error.path, hint: error.hint)
        }
    }
}
