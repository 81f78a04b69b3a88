import Foundation

/// The temporary files of `HDF5File.write(to:_:)`: where they are built, and the cleanup of those
/// that writers killed mid-write left behind.
extension HDF5File {
    /// `.<name>.tmp-`: the start of the name of every temporary file for `path`.
    static func temporaryPrefix(of path: String) -> String {
        "." + URL(fileURLWithPath: path).lastPathComponent + ".tmp-"
    }

    /// A fresh temporary path for writing `path`, in `directory` (the folder of `path`):
    /// `<directory>/.<name>.tmp-<pid>-<random>`.
    static func temporaryPath(for path: String, in directory: String) -> String {
        directory + "/" + temporaryPrefix(of: path)
            + "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Deletes the temporary files of `path` (`.<name>.tmp-<pid>-<n>` in the same folder) left
    /// by writers that were killed mid-write. Files of live processes are left alone
    /// (`kill(pid, 0)` only checks that the process exists), and so is everything that is not
    /// such a temporary; files that cannot be listed or removed are skipped silently.
    public static func removeStaleTemporaries(of path: String) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let prefix = temporaryPrefix(of: path)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).split(separator: "-").first ?? "") else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: folder + "/" + name)
            }
        }
    }
}
