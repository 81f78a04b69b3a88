import HDF5Shim

/// The numeric element types SNNStore reads and writes.
///
/// On disk every type is stored little-endian with its natural width, which is what h5py and
/// numpy read as `float32`, `int8`, and so on.
public enum HDF5ElementType: Int32, Sendable, CustomStringConvertible {
    case float32 = 1
    case float64 = 2
    case int8 = 3
    case int16 = 4
    case int32 = 5
    case int64 = 6
    case uint8 = 7
    case uint16 = 8
    case uint32 = 9
    case uint64 = 10
    /// A string (variable or fixed length) — read with the string APIs.
    case string = 100
    /// A type SNNStore does not read (compound, enum, ...).
    case other = 101

    public var description: String {
        switch self {
        case .float32: "float32"
        case .float64: "float64"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .string: "string"
        case .other: "unsupported type"
        }
    }

    /// Bytes per element (strings and others: 0).
    public var byteWidth: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        case .string, .other: 0
        }
    }

    /// Bytes per element (a string or another type: 8, the size of a pointer or a small record).
    public var byteCount: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64, .string, .other: 8
        }
    }
}

/// A Swift type that maps one-to-one onto an HDF5 numeric type.
public protocol HDF5Element: Sendable, Equatable {
    /// The HDF5 type this Swift type is stored as.
    static var hdf5Type: HDF5ElementType { get }
    /// The zero value, used to size read buffers.
    static var zero: Self { get }
}

extension Float: HDF5Element {
    public static var hdf5Type: HDF5ElementType { .float32 }
    public static var zero: Float { 0 }
}
extension Double: HDF5Element {
    public static var hdf5Type: HDF5ElementType { .float64 }
    public static var zero: Double { 0 }
}
extension Int8: HDF5Element {
    public static var hdf5Type: HDF5ElementType { .int8 }
    public static var zero: Int8 { 0 }
}
extension Int16: HDF5Element {
    public static var hdf5Type: HDF5ElementType { .int16 }
    public static var zero: Int16 { 0 }
}
extension Int32: HDF5Element {
    public static var hdf5Type: HDF5ElementType { .int32 }
    public static var zero: Int32 { 0 }
}
extension Int64: HDF5Element {
    public static var hdf5Type: HDF5ElementType { .int64 }
    public static var zero: Int64 { 0 }
}
extension UInt8: HDF5Element {
    public static var hdf5Type: HDF5ElementType { .uint8 }
    public static var zero: UInt8 { 0 }
}
extension UInt16: HDF5Element {
    public static var hdf5Type: HDF5ElementType { .uint16 }
    public static var zero: UInt16 { 0 }
}
extension UInt32: HDF5Element {
    public static var hdf5Type: HDF5ElementType { .uint32 }
    public static var zero: UInt32 { 0 }
}
extension UInt64: HDF5Element {
    public static var hdf5Type: HDF5ElementType { .uint64 }
    public static var zero: UInt64 { 0 }
}

/// An n-dimensional array read from (or destined for) HDF5: row-major values plus shape.
/// Invariant: `values.count == shape.reduce(1, *)`; a scalar has shape `[]` and one value.
public struct HDF5Array<Element: Sendable & Equatable>: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Element]

    public init(shape: [Int], values: [Element]) {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values do not fill shape \(shape)")
        self.shape = shape
        self.values = values
    }
}

/// How a dataset is laid out and compressed on disk.
public enum HDF5Compression: Equatable, Sendable {
    /// Contiguous, no filters.
    case none
    /// Chunked (chunks of at most 1 MiB), optionally byte-shuffled, then deflated at `level` (0–9).
    case deflate(level: Int, shuffle: Bool)
    /// Shuffle + deflate level 4 for arrays of 4 KiB or more; contiguous below that, where
    /// chunk-index overhead outweighs any gain.
    case automatic

    /// The effective choice for an array of `bytes` bytes.
    func resolved(bytes: Int) -> HDF5Compression {
        switch self {
        case .automatic: bytes >= 4096 ? .deflate(level: 4, shuffle: true) : .none
        default: self
        }
    }
}

/// A filter in a dataset's pipeline, as reported by `HDF5Group.filters(of:)`.
public enum HDF5Filter: Equatable, Sendable {
    case deflate, shuffle
    case other(Int)

    init(code: Int32) {
        switch code {
        case 1: self = .deflate
        case 2: self = .shuffle
        default: self = .other(Int(code))
        }
    }
}

/// What SNNStore reads at most, checked against a dataset's declared shape before allocating.
public enum HDF5Limits {
    /// Elements of one dataset or attribute (2³¹, as `DeploymentLimits.maxElements`).
    public static let maxElements = 1 << 31
    /// Declared bytes per stored byte beyond `slackBytes` (deflate expands at most ~1,032-fold).
    public static let maxExpansion = 1100
    /// Declared bytes always allowed, whatever the file holds (fill values of small datasets).
    public static let slackBytes = 1 << 20
}
