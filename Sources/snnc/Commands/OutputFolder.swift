import Foundation

/// Fails unless the folder `path` would be written in exists: for outputs written at the end of
/// a long run, checked before it starts so that a mistyped folder does not cost the run.
func requireOutputFolder(of path: String, option: String) throws {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw Diagnostic(
            message: "folder '\(folder)' does not exist", location: path,
            hint: "create the folder first, or choose another \(option)")
    }
}
