import Foundation
import HDF5Shim

/// An HDF5 file opened by SNNStore.
///
/// Reading: `let file = try HDF5File.open(path)` then `file.root`. Writing always goes through
/// `HDF5File.write(to:_:)`, which builds the file under a temporary name in the same folder and
/// renames it into place only after everything was written and flushed, so a failure or a crash
/// never leaves a half-written file at `path`.
public final class HDF5File {
    /// The path as given by the caller (used in error messages).
    public let path: String
    let handle: HDF5Handle

    private init(path: String, handle: HDF5Handle) {
        self.path = path
        self.handle = handle
    }

    /// A file opened read-write by `openForEditing` (HDF5File+Editing.swift).
    convenience init(editing path: String, id: hid_t) {
        self.init(path: path, handle: HDF5Handle(id: id, close: snnc_h5_file_close))
    }

    /// The root group `/`.
    public var root: HDF5Group { HDF5Group(file: self, handle: handle, path: "/") }

    /// Opens an existing HDF5 file read-only.
    /// - Throws: `HDF5Error` of kind `.fileNotFound`, `.notHDF5` or `.unreadable` (e.g. truncated).
    public static func open(_ path: String) throws -> HDF5File {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HDF5Error(
                .fileNotFound, file: path, reason: "no such file",
                hint: "check the path, or create the file with the command that writes it")
        }
        if isDirectory.boolValue {
            throw HDF5Error(.unreadable, file: path, reason: "is a directory, not an HDF5 file")
        }
        return try HDF5Library.locked {
            let signature = snnc_h5_is_hdf5(path)
            if signature == 0 {
                throw HDF5Error(
                    .notHDF5, file: path, reason: "not an HDF5 file (no HDF5 signature)",
                    hint: "pass a file written by snnc or another HDF5 writer")
            }
            if signature < 0 {
                throw HDF5Error(.unreadable, file: path, reason: HDF5Library.lastMessage())
            }
            let id = snnc_h5_file_open_readonly(path)
            guard id >= 0 else {
                throw HDF5Error(
                    .unreadable, file: path,
                    reason: "cannot open: \(HDF5Library.lastMessage())",
                    hint: "the file may be truncated or damaged; write it again")
            }
            return HDF5File(path: path, handle: HDF5Handle(id: id, close: snnc_h5_file_close))
        }
    }

    /// Writes a new HDF5 file atomically.
    ///
    /// `body` fills the root group of a file created under a temporary name next to `path`
    /// (`.<name>.tmp-<pid>-<random>`). When `body` returns, the file is flushed, closed,
    /// fsync'ed and renamed to `path`, replacing any old file. If `body` throws, or any write
    /// fails, the temporary file is removed and `path` is left exactly as it was.
    /// - Throws: whatever `body` throws, or `HDF5Error` of kind `.writeFailed`.
    public static func write(to path: String, _ body: (HDF5Group) throws -> Void) throws {
        do {
            try AtomicFile.replace(path) { temporary in
                let file: HDF5File = try HDF5Library.locked {
                    let id = snnc_h5_file_create(temporary)
                    guard id >= 0 else {
                        throw HDF5Error(
                            .writeFailed, file: path,
                            reason: "cannot create: \(HDF5Library.lastMessage())",
                            hint: "check that the folder is writable")
                    }
                    return HDF5File(path: path, handle: HDF5Handle(id: id, close: snnc_h5_file_close))
                }
                do {
                    try body(file.root)
                } catch {
                    _ = HDF5Library.locked { file.handle.close() }
                    throw error
                }
                try HDF5Library.locked {
                    // Closing is strong (see the shim): it also closes every object of the file.
                    let flushed = snnc_h5_file_flush(file.handle.id) >= 0
                    guard file.handle.close() >= 0, flushed else {
                        throw HDF5Error(.writeFailed, file: path, reason: "flush failed: \(HDF5Library.lastMessage())")
                    }
                }
            }
        } catch let error as FileWriteError {
            // The folder, the disk or the rename: one kind of error for every HDF5 write.
            throw HDF5Error(.writeFailed, file: path, reason: error.reason, hint: error.hint)
        }
    }
}
