import Foundation
import HDF5Shim

/// Serialises all calls into libhdf5.
///
/// Debian's libhdf5 is the serial (not thread-safe) build, so every call into it from any
/// thread goes through `HDF5Library.locked`. Each call also silences libhdf5's own
/// error-stack printing, a per-thread setting in Debian's (thread-safe) build: failures
/// surface as `HDF5Error` values instead.
enum HDF5Library {
    private static let lock = NSRecursiveLock()

    /// Runs `body` while holding the library lock.
    static func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        snnc_h5_init()
        return try body()
    }

    /// The innermost message of libhdf5's error stack for the failed call just made.
    /// Must be called under the lock, right after the failing call.
    static func lastMessage() -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        snnc_h5_error_message(&buffer, buffer.count)
        let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return message.isEmpty ? "libhdf5 reported an error" : message
    }

    /// Copies a C array of C strings into Swift strings and frees it.
    static func takeStrings(_ strings: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ count: Int) -> [String] {
        guard let strings else { return [] }
        defer { snnc_h5_free_strings(strings, count) }
        return (0..<count).map { strings[$0].map { String(cString: $0) } ?? "" }
    }
}

/// An open libhdf5 identifier, closed exactly once when the last reference goes away.
/// `@unchecked Sendable`: the only mutable state, `isOpen`, is touched under the library lock.
final class HDF5Handle: @unchecked Sendable {
    let id: hid_t
    private let closeFunction: (hid_t) -> Int32
    private var isOpen = true

    init(id: hid_t, close: @escaping (hid_t) -> Int32) {
        self.id = id
        self.closeFunction = close
    }

    /// Closes the identifier now; later calls (and deinit) do nothing. Call under the lock.
    /// - Returns: libhdf5's status (negative on failure).
    @discardableResult
    func close() -> Int32 {
        guard isOpen else { return 0 }
        isOpen = false
        return closeFunction(id)
    }

    deinit {
        // Failure is harmless here: a strongly closed file has already closed its objects.
        HDF5Library.locked { _ = close() }
    }
}
