import Foundation

/// The temporary files of `HDF5File.write(to:_:)` are `AtomicFile`'s (AtomicFile.swift): these
/// names are kept for the callers that clean up after killed writers.
extension HDF5File {
    /// `.<name>.tmp-`: the start of the name of every temporary file for `path`.
    static func temporaryPrefix(of path: String) -> String { AtomicFile.temporaryPrefix(of: path) }

    /// A fresh temporary path for writing `path`, in `directory` (the folder of `path`).
    static func temporaryPath(for path: String, in directory: String) -> String {
        AtomicFile.temporaryPath(for: path, in: directory)
    }

    /// Deletes the temporary files of `path` left by writers that were killed mid-write
    /// (`AtomicFile.removeStaleTemporaries`).
    public static func removeStaleTemporaries(of path: String) { AtomicFile.removeStaleTemporaries(of: path) }
}
