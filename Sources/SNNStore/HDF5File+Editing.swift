import Foundation
import HDF5Shim

extension HDF5File {
    /// Opens an existing HDF5 file for editing in place: attributes are replaced by
    /// `setAttribute`, datasets by `remove` then `write`.
    ///
    /// This is not how snnc writes its files (`write(to:_:)` is atomic; an edit in place is not):
    /// it exists for tests and tools that damage or patch a file on purpose, e.g. the tests that
    /// check that a deployment file breaking a rule is refused. The file is flushed and closed when
    /// the returned value and every group opened from it are released.
    /// - Throws: `HDF5Error` of kind `.fileNotFound`, `.notHDF5` or `.unreadable`.
    public static func openForEditing(_ path: String) throws -> HDF5File {
        _ = try open(path)
        return try HDF5Library.locked {
            let id = snnc_h5_file_open_readwrite(path)
            guard id >= 0 else {
                throw HDF5Error(
                    .unreadable, file: path, reason: "cannot open for editing: \(HDF5Library.lastMessage())",
                    hint: "check that the file is writable")
            }
            return HDF5File(editing: path, id: id)
        }
    }
}

extension HDF5Group {
    /// Removes the link `name` (a dataset or group) from this group (files opened with
    /// `HDF5File.openForEditing` only).
    /// - Throws: `HDF5Error` of kind `.missingObject` or `.writeFailed`.
    public func remove(_ name: String) throws {
        guard contains(name) else { throw error(.missingObject, name, "no such object") }
        try HDF5Library.locked {
            guard snnc_h5_link_delete(handle.id, name) >= 0 else {
                throw error(.writeFailed, name, "cannot remove: \(HDF5Library.lastMessage())")
            }
        }
    }
}
