import CZlib
import Foundation

/// File access for the readers: whole-file reading (and, for tests, writing) through zlib's
/// gz* API, plus small path helpers.
///
/// `gzread` decompresses gzip files and passes other files through unchanged, so one reader
/// serves both `train-images-idx3-ubyte.gz` and an uncompressed `data_batch_1.bin`.
enum FileIO {
    /// Size of each `gzread` call.
    private static let chunkSize = 1 << 20

    /// The full (decompressed) contents of the file at `path`.
    /// - Throws: `DataError.missingFile` (with `missingFileHint`) when there is no such file;
    ///   `DataError.unreadable` when it cannot be opened, is a directory, or its gzip stream is
    ///   corrupt or cut short.
    static func readAll(path: String, missingFileHint: String) throws(DataError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .missingFile(path: path, hint: missingFileHint)
        }
        guard !isDirectory.boolValue else {
            throw .unreadable(path: path, reason: "it is a directory, not a file")
        }
        guard let file = gzopen(path, "rb") else {
            throw .unreadable(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { gzclose(file) }
        _ = gzbuffer(file, 1 << 17)

        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let got = chunk.withUnsafeMutableBytes { buffer in
                gzread(file, buffer.baseAddress, UInt32(buffer.count))
            }
            if let failure = zlibFailure(file) {
                throw .unreadable(path: path, reason: failure)
            }
            guard got > 0 else { break }
            contents.append(contentsOf: chunk[0..<Int(got)])
        }
        return contents
    }

    /// Writes `bytes` to `path`, gzip-compressed when `compressed`, raw otherwise.
    /// Used by tests to build small data files.
    /// - Throws: `DataError.unreadable` when the file cannot be created or written.
    static func write(_ bytes: [UInt8], to path: String, compressed: Bool) throws(DataError) {
        guard compressed else {
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw .unreadable(path: path, reason: "cannot create the file")
            }
            return
        }
        guard let file = gzopen(path, "wb6") else {
            throw .unreadable(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { buffer in
            buffer.isEmpty ? 0 : gzwrite(file, buffer.baseAddress, UInt32(buffer.count))
        }
        let closed = gzclose(file)
        guard Int(written) == bytes.count, closed == Z_OK else {
            throw .unreadable(path: path, reason: "gzip write failed (zlib status \(closed))")
        }
    }

    /// zlib's error message for `file`, or nil when its state is fine.
    private static func zlibFailure(_ file: gzFile) -> String? {
        var code: Int32 = Z_OK
        let message = gzerror(file, &code).map { String(cString: $0) } ?? ""
        switch code {
        case Z_OK:
            return nil
        case Z_BUF_ERROR:
            return "the gzip stream ends unexpectedly (the file is cut short)"
        case Z_ERRNO:
            return "read error: \(String(cString: strerror(errno)))"
        default:
            return "corrupt gzip data (zlib: \(message))"
        }
    }

    /// `directory` and `name` joined with exactly one `/`.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Whether a file or directory exists at `path`.
    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }
}
