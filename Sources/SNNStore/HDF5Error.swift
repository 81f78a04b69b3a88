/// A failure reading or writing an HDF5 file, naming the file and the object involved.
///
/// The description reads as one sentence a user can act on, e.g.
/// `cannot read 'model.h5': not an HDF5 file (hint: ...)`.
public struct HDF5Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the file.
    public enum Kind: Equatable, Sendable {
        /// No file at the path.
        case fileNotFound
        /// The file exists but does not carry an HDF5 signature.
        case notHDF5
        /// libhdf5 could not open the file (truncated, damaged, permissions).
        case unreadable
        /// A group, dataset or attribute the caller asked for is absent.
        case missingObject
        /// The object exists with another element type than requested.
        case typeMismatch
        /// The object exists with another shape than requested.
        case shapeMismatch
        /// libhdf5 reported a failure while writing.
        case writeFailed
        /// libhdf5 reported a failure while reading.
        case readFailed
    }

    /// The category of failure.
    public var kind: Kind
    /// The file's path as the caller gave it.
    public var file: String
    /// The HDF5 path of the object (e.g. `/snnc/layers/conv1`), if one is involved.
    public var object: String?
    /// Why it failed: libhdf5's innermost message or snnc's own explanation.
    public var reason: String
    /// What the user might try next.
    public var hint: String?

    public init(_ kind: Kind, file: String, object: String? = nil, reason: String, hint: String? = nil) {
        self.kind = kind
        self.file = file
        self.object = object
        self.reason = reason
        self.hint = hint
    }

    public var description: String {
        var text = "'\(file)'"
        if let object { text += " at '\(object)'" }
        text += ": \(reason)"
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}
