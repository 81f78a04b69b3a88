import Foundation
import SNNDiagnostics

/// A file that could not be written, with what to do about it.
///
/// `reason` says why (e.g. `no space left on device`), `file` is the path the caller asked for
/// (not the temporary), `hint` what to try. Whatever the reason, the file at `file` is what it
/// was before the write started (or still absent).
public struct FileWriteError: SNNError, Equatable, Sendable {
    /// The path the caller asked to write.
    public var file: String
    /// Why the write failed.
    public var reason: String
    /// What to try next.
    public var hint: String?
    /// True when the file system ran out of space (or quota) during the write.
    public var outOfSpace: Bool

    public init(file: String, reason: String, hint: String? = nil, outOfSpace: Bool = false) {
        self.file = file
        self.reason = reason
        self.hint = hint
        self.outOfSpace = outOfSpace
    }

    public var location: String? { file }

    public var description: String {
        "cannot write '\(file)': \(reason)" + (hint.map { " (hint: \($0))" } ?? "")
    }
}

/// Atomic replacement of a file: every file snnc writes (checkpoints, ticket files, deployment
/// and NIR files, spike traces, calibration JSON, report pages) goes through `replace`.
///
/// The new contents are written to a sibling temporary (`.<name>.tmp-<pid>-<random>`, same
/// folder, so the same file system), fsync'ed, renamed over `path`, and the folder is fsync'ed.
/// A writer that fails, runs out of space, or is killed at any moment leaves `path` as it was
/// (the old file, or nothing): readers never see a half-written file. A failed writer removes its
/// temporary; a killed one cannot, and the next write of the same file removes it
/// (`removeStaleTemporaries`).
public enum AtomicFile {
    /// `.<name>.tmp-`: the start of the name of every temporary file for `path`.
    public static func temporaryPrefix(of path: String) -> String {
        "." + URL(fileURLWithPath: path).lastPathComponent + ".tmp-"
    }

    /// A fresh temporary path for writing `path`, in `directory` (the folder of `path`):
    /// `<directory>/.<name>.tmp-<pid>-<random>`.
    public static func temporaryPath(for path: String, in directory: String) -> String {
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

    /// Replaces `path` atomically with what `body` writes to the temporary path it is given.
    ///
    /// `body` must create the file at that path and close it before returning. If `body` throws,
    /// or syncing or renaming fails, the temporary is removed and `path` is untouched. An error
    /// thrown by `body` is rethrown as is, unless the file system is full: then it becomes a
    /// `FileWriteError` with `outOfSpace` (the cause in its reason).
    /// - Throws: `FileWriteError` (folder missing, out of space, sync or rename failed) or what
    ///   `body` throws.
    public static func replace(_ path: String, _ body: (String) throws -> Void) throws {
        let directory = try requireFolder(of: path)
        removeStaleTemporaries(of: path)
        let temporary = temporaryPath(for: path, in: directory)
        do {
            try body(temporary)
            try sync(temporary, for: path)
            holdBeforeRenameForTests()
            guard rename(temporary, path) == 0 else {
                throw failure(path, errno, doing: "cannot move the finished file into place")
            }
        } catch {
            let full = error as? FileWriteError ?? outOfSpaceError(path, directory: directory, after: error)
            unlink(temporary)
            throw full ?? error
        }
        syncFolder(directory)
    }

    /// Fails unless `path` names a file that can be written: its folder exists and the path is
    /// not itself a folder (nor ends in `/`). Returns that folder. `replace` calls it first;
    /// commands whose output is written at the end of a long run call it before the run starts,
    /// so that a mistyped path does not cost the run.
    /// - Parameter hint: what to try next, when the folder is missing.
    /// - Throws: `FileWriteError` naming the path and what is wrong with it.
    @discardableResult
    public static func requireFolder(of path: String, hint: String = "create the folder first") throws -> String {
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw FileWriteError(
                file: path, reason: "it is a folder, not a file name",
                hint: "give a file name, e.g. '\(path.hasSuffix("/") ? path : path + "/")out'")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileWriteError(file: path, reason: "folder '\(directory)' does not exist", hint: hint)
        }
        return directory
    }

    /// Writes `data` to `path` atomically (see `replace`).
    /// - Throws: `FileWriteError` naming the path and the cause.
    public static func write(_ data: Data, to path: String) throws {
        try replace(path) { temporary in
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard fd >= 0 else { throw failure(path, errno, doing: "cannot create a file in its folder") }
            var writeError: Int32 = 0
            data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        writeError = errno
                        return
                    }
                    offset += n
                }
            }
            if writeError != 0 {
                close(fd)
                throw failure(path, writeError, doing: "write failed")
            }
            guard close(fd) == 0 else { throw failure(path, errno, doing: "write failed") }
        }
    }

    // MARK: - Internals

    /// fsync of the finished temporary: a file system that defers allocation reports a full disk
    /// here, not at `write`.
    private static func sync(_ temporary: String, for path: String) throws {
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, errno, doing: "cannot reopen the written file") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure(path, errno, doing: "cannot flush the written file to disk") }
    }

    /// fsync of the folder, so the rename itself survives a power cut (best effort: the file is
    /// already complete under its name).
    private static func syncFolder(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// `SNNC_TEST_HOLD_BEFORE_RENAME_MS`: for the crash-safety tests only, wait that long with
    /// the finished temporary in place before renaming it, so a test can kill the writer there.
    private static func holdBeforeRenameForTests() {
        guard let text = ProcessInfo.processInfo.environment["SNNC_TEST_HOLD_BEFORE_RENAME_MS"],
            let milliseconds = UInt32(text), milliseconds > 0
        else { return }
        usleep(min(milliseconds, 60_000) * 1000)
    }

    static let outOfSpaceHint = "free some space on that disk or write to another folder; the file that was there is unchanged"

    /// An error for the failed system call, naming the cause (`strerror`).
    static func failure(_ path: String, _ code: Int32, doing what: String) -> FileWriteError {
        let cause = String(cString: strerror(code))
        if code == ENOSPC || code == EDQUOT {
            return FileWriteError(
                file: path, reason: "no space left on device (\(what): \(cause))", hint: outOfSpaceHint, outOfSpace: true)
        }
        return FileWriteError(file: path, reason: "\(what): \(cause)", hint: "check that the folder is writable")
    }

    /// When `error` came with a full file system (its text says so, or the folder's file system
    /// has no free block left while the temporary still holds what was written), the out-of-space
    /// error for `path`; nil otherwise.
    static func outOfSpaceError(_ path: String, directory: String, after error: Error) -> FileWriteError? {
        let text = String(describing: error)
        var stats = statvfs()
        let noBlocks = statvfs(directory, &stats) == 0 && stats.f_bavail == 0
        guard text.contains(String(cString: strerror(ENOSPC))) || noBlocks else { return nil }
        return FileWriteError(
            file: path, reason: "no space left on device (the file system of '\(directory)' is full)", hint: outOfSpaceHint,
            outOfSpace: true)
    }
}
