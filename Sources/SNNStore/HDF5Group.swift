import Foundation
import HDF5Shim

/// A group in an open HDF5 file: creates and reads child groups, datasets and attributes.
///
/// Names are relative paths (`"weight"`, `"layers/conv1"`); `path` is the group's absolute
/// path, used in error messages. A group keeps its file open while it exists.
public struct HDF5Group {
    /// The file this group belongs to.
    public let file: HDF5File
    let handle: HDF5Handle
    /// Absolute HDF5 path of this group, e.g. `/snnc/layers`.
    public let path: String

    /// The absolute path of a child.
    func childPath(_ name: String) -> String { path == "/" ? "/" + name : path + "/" + name }

    func error(_ kind: HDF5Error.Kind, _ name: String?, _ reason: String, hint: String? = nil) -> HDF5Error {
        HDF5Error(kind, file: file.path, object: name.map(childPath) ?? path, reason: reason, hint: hint)
    }

    // MARK: - Structure

    /// What kind of object `name` is, or `nil` if there is none.
    public enum ObjectKind: Sendable, Equatable { case group, dataset, other }

    /// The kind of the object at `name` (a relative path), or `nil` if it does not exist.
    public func kind(of name: String) -> ObjectKind? {
        HDF5Library.locked {
            switch snnc_h5_object_kind(handle.id, name) {
            case Int32(SNNC_H5_GROUP): .group
            case Int32(SNNC_H5_DATASET): .dataset
            case Int32(SNNC_H5_OTHER_OBJECT): .other
            default: nil
            }
        }
    }

    /// Whether an object exists at `name`.
    public func contains(_ name: String) -> Bool { kind(of: name) != nil }

    /// Names of the direct children, in name order (HDF5 does not keep insertion order).
    public func children() throws -> [String] {
        try HDF5Library.locked {
            var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
            var count = 0
            guard snnc_h5_children(handle.id, &names, &count) >= 0 else {
                throw error(.readFailed, nil, "cannot list children: \(HDF5Library.lastMessage())")
            }
            return HDF5Library.takeStrings(names, count)
        }
    }

    /// Creates a child group, creating missing intermediate groups of a nested path.
    /// - Throws: `HDF5Error.writeFailed` if the name is taken or the file is read-only.
    @discardableResult
    public func createGroup(_ name: String) throws -> HDF5Group {
        var current = self
        for component in name.split(separator: "/").map(String.init) {
            if current.kind(of: component) == .group {
                current = try current.group(component)
                continue
            }
            current = try HDF5Library.locked {
                let id = snnc_h5_group_create(current.handle.id, component)
                guard id >= 0 else {
                    throw current.error(.writeFailed, component, "cannot create group: \(HDF5Library.lastMessage())")
                }
                return HDF5Group(
                    file: file, handle: HDF5Handle(id: id, close: snnc_h5_group_close),
                    path: current.childPath(component))
            }
        }
        return current
    }

    /// Opens an existing child group.
    /// - Throws: `HDF5Error.missingObject` if there is no group at `name`.
    public func group(_ name: String) throws -> HDF5Group {
        guard kind(of: name) == .group else {
            throw error(.missingObject, name, kind(of: name) == nil ? "no such group" : "is not a group")
        }
        return try HDF5Library.locked {
            let id = snnc_h5_group_open(handle.id, name)
            guard id >= 0 else { throw error(.readFailed, name, HDF5Library.lastMessage()) }
            return HDF5Group(
                file: file, handle: HDF5Handle(id: id, close: snnc_h5_group_close),
                path: childPath(name))
        }
    }

    // MARK: - Numeric datasets

    /// Writes a numeric dataset of the given shape (`[]` for a scalar).
    /// - Parameters:
    ///   - values: row-major elements; `values.count` must equal the product of `shape`.
    ///   - shape: extents; defaults to `[values.count]` (a 1-D array).
    ///   - compression: `.automatic` chunks + shuffles + deflates arrays of 4 KiB or more.
    public func write<E: HDF5Element>(
        _ name: String, _ values: [E], shape: [Int]? = nil,
        compression: HDF5Compression = .automatic
    ) throws {
        let shape = shape ?? [values.count]
        guard values.count == shape.reduce(1, *), shape.allSatisfy({ $0 >= 0 }) else {
            throw error(.shapeMismatch, name, "\(values.count) values do not fill shape \(shape)")
        }
        let dims = shape.map { hsize_t($0) }
        let chunk = Self.chunkShape(shape, elementBytes: E.hdf5Type.byteWidth)
        let layout = values.isEmpty || shape.isEmpty ? .none : compression.resolved(bytes: values.count * E.hdf5Type.byteWidth)
        try HDF5Library.locked {
            let id: hid_t
            switch layout {
            case .deflate(let level, let shuffle):
                id = snnc_h5_dataset_create(
                    handle.id, name, E.hdf5Type.rawValue, Int32(dims.count), dims,
                    chunk.map { hsize_t($0) }, shuffle ? 1 : 0, Int32(level))
            default:
                id = snnc_h5_dataset_create(handle.id, name, E.hdf5Type.rawValue, Int32(dims.count), dims, nil, 0, -1)
            }
            guard id >= 0 else { throw error(.writeFailed, name, "cannot create dataset: \(HDF5Library.lastMessage())") }
            let dataset = HDF5Handle(id: id, close: snnc_h5_dataset_close)
            let status = values.withUnsafeBytes { snnc_h5_dataset_write(dataset.id, E.hdf5Type.rawValue, $0.baseAddress) }
            guard status >= 0 else { throw error(.writeFailed, name, "cannot write dataset: \(HDF5Library.lastMessage())") }
            dataset.close()
        }
    }

    /// Writes a scalar numeric dataset.
    public func write<E: HDF5Element>(_ name: String, scalar value: E) throws {
        try write(name, [value], shape: [])
    }

    /// Reads a numeric dataset, checking its element type (and shape, if `shape` is given).
    /// - Parameter convert: if true, any numeric type is converted to `E` by libhdf5 instead of
    ///   requiring an exact type match.
    /// - Throws: `HDF5Error` of kind `.missingObject`, `.typeMismatch`, `.shapeMismatch` or `.readFailed`.
    public func read<E: HDF5Element>(
        _ name: String, as type: E.Type = E.self, shape expected: [Int]? = nil,
        convert: Bool = false
    ) throws -> HDF5Array<E> {
        try HDF5Library.locked {
            let dataset = try openDataset(name)
            let (stored, shape) = try dataShape(dataset, name: name, isAttribute: false)
            try check(name, stored: stored, shape: shape, as: E.self, expected: expected, convert: convert)
            let count = try readableCount(dataset, stored: stored, shape: shape, name: name)
            let values = try readElements(E.self, count: count, name: name) { buffer in
                snnc_h5_dataset_read(dataset.id, E.hdf5Type.rawValue, buffer)
            }
            return HDF5Array(shape: shape, values: values)
        }
    }

    /// Reads a dataset holding exactly one element (scalar or shape `[1]`).
    public func readScalar<E: HDF5Element>(_ name: String, as type: E.Type = E.self, convert: Bool = false) throws -> E {
        let array = try read(name, as: E.self, convert: convert)
        guard array.values.count == 1 else {
            throw error(.shapeMismatch, name, "expected one value, found shape \(array.shape)")
        }
        return array.values[0]
    }

    /// The stored element type and shape of a dataset, without reading it.
    public func info(of name: String) throws -> (type: HDF5ElementType, shape: [Int]) {
        try HDF5Library.locked {
            let dataset = try openDataset(name)
            return try dataShape(dataset, name: name, isAttribute: false)
        }
    }

    /// The filter pipeline of a dataset, in application order.
    public func filters(of name: String) throws -> [HDF5Filter] {
        try HDF5Library.locked {
            let dataset = try openDataset(name)
            var codes = [Int32](repeating: 0, count: 16)
            let n = snnc_h5_dataset_filters(dataset.id, &codes, Int32(codes.count))
            guard n >= 0 else { throw error(.readFailed, name, HDF5Library.lastMessage()) }
            return codes.prefix(Int(n)).map(HDF5Filter.init(code:))
        }
    }

    // MARK: - String datasets

    /// Writes a scalar variable-length UTF-8 string dataset (the form h5py and `nir` write).
    public func write(_ name: String, string: String) throws {
        try writeStrings(name, [string], shape: [])
    }

    /// Writes an array of variable-length UTF-8 strings; `shape` defaults to `[strings.count]`.
    public func write(_ name: String, strings: [String], shape: [Int]? = nil) throws {
        try writeStrings(name, strings, shape: shape ?? [strings.count])
    }

    private func writeStrings(_ name: String, _ strings: [String], shape: [Int]) throws {
        guard strings.count == shape.reduce(1, *) else {
            throw error(.shapeMismatch, name, "\(strings.count) strings do not fill shape \(shape)")
        }
        let dims = shape.map { hsize_t($0) }
        try withCStrings(strings) { pointers in
            try HDF5Library.locked {
                guard snnc_h5_write_string_dataset(handle.id, name, Int32(dims.count), dims, pointers) >= 0 else {
                    throw error(.writeFailed, name, "cannot write strings: \(HDF5Library.lastMessage())")
                }
            }
        }
    }

    /// Reads a string dataset of any shape (variable or fixed length).
    public func readStrings(_ name: String) throws -> HDF5Array<String> {
        try HDF5Library.locked {
            let dataset = try openDataset(name)
            let (stored, shape) = try dataShape(dataset, name: name, isAttribute: false)
            guard stored == .string else {
                throw error(.typeMismatch, name, "expected strings, found \(stored)")
            }
            _ = try readableCount(dataset, stored: stored, shape: shape, name: name)
            var strings: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
            var count = 0
            guard snnc_h5_read_string_dataset(dataset.id, &strings, &count) >= 0 else {
                throw error(.readFailed, name, HDF5Library.lastMessage())
            }
            return HDF5Array(shape: shape, values: HDF5Library.takeStrings(strings, count))
        }
    }

    /// Reads a dataset holding exactly one string.
    public func readString(_ name: String) throws -> String {
        let array = try readStrings(name)
        guard array.values.count == 1 else {
            throw error(.shapeMismatch, name, "expected one string, found shape \(array.shape)")
        }
        return array.values[0]
    }

    // MARK: - Attributes (on this group, or on a child object given by `on`)

    /// Sets (or replaces) a numeric attribute; `shape` defaults to `[values.count]`, `[]` is a scalar.
    public func setAttribute<E: HDF5Element>(_ name: String, _ values: [E], shape: [Int]? = nil, on object: String = ".") throws {
        let shape = shape ?? [values.count]
        guard values.count == shape.reduce(1, *) else {
            throw error(.shapeMismatch, object, "attribute '\(name)': \(values.count) values do not fill shape \(shape)")
        }
        let dims = shape.map { hsize_t($0) }
        try HDF5Library.locked {
            let status = values.withUnsafeBytes {
                snnc_h5_attribute_write(handle.id, object, name, E.hdf5Type.rawValue, Int32(dims.count), dims, $0.baseAddress)
            }
            guard status >= 0 else {
                throw error(.writeFailed, object, "cannot write attribute '\(name)': \(HDF5Library.lastMessage())")
            }
        }
    }

    /// Sets (or replaces) a scalar numeric attribute.
    public func setAttribute<E: HDF5Element>(_ name: String, scalar value: E, on object: String = ".") throws {
        try setAttribute(name, [value], shape: [], on: object)
    }

    /// Sets (or replaces) a scalar variable-length UTF-8 string attribute.
    public func setAttribute(_ name: String, string: String, on object: String = ".") throws {
        try setAttribute(name, strings: [string], shape: [], on: object)
    }

    /// Sets (or replaces) an array-of-strings attribute; `shape` defaults to `[strings.count]`.
    public func setAttribute(_ name: String, strings: [String], shape: [Int]? = nil, on object: String = ".") throws {
        let shape = shape ?? [strings.count]
        let dims = shape.map { hsize_t($0) }
        try withCStrings(strings) { pointers in
            try HDF5Library.locked {
                guard snnc_h5_attribute_write_strings(handle.id, object, name, Int32(dims.count), dims, pointers) >= 0 else {
                    throw error(.writeFailed, object, "cannot write attribute '\(name)': \(HDF5Library.lastMessage())")
                }
            }
        }
    }

    /// Reads a numeric attribute with type (and optional shape) checks.
    public func attribute<E: HDF5Element>(
        _ name: String, as type: E.Type = E.self, on object: String = ".",
        shape expected: [Int]? = nil, convert: Bool = false
    ) throws -> HDF5Array<E> {
        try HDF5Library.locked {
            let attribute = try openAttribute(name, on: object)
            let label = "attribute '\(name)'"
            let (stored, shape) = try dataShape(attribute, name: object, isAttribute: true)
            try check(object, stored: stored, shape: shape, as: E.self, expected: expected, convert: convert, label: label)
            let values = try readElements(E.self, count: try readableCount(nil, stored: stored, shape: shape, name: object), name: object) {
                buffer in
                snnc_h5_attribute_read(attribute.id, E.hdf5Type.rawValue, buffer)
            }
            return HDF5Array(shape: shape, values: values)
        }
    }

    /// Reads an attribute holding exactly one number.
    public func scalarAttribute<E: HDF5Element>(
        _ name: String, as type: E.Type = E.self, on object: String = ".",
        convert: Bool = false
    ) throws -> E {
        let array = try attribute(name, as: E.self, on: object, convert: convert)
        guard array.values.count == 1 else {
            throw error(.shapeMismatch, object, "attribute '\(name)': expected one value, found shape \(array.shape)")
        }
        return array.values[0]
    }

    /// Reads a string attribute of any shape.
    public func stringsAttribute(_ name: String, on object: String = ".") throws -> HDF5Array<String> {
        try HDF5Library.locked {
            let attribute = try openAttribute(name, on: object)
            let (stored, shape) = try dataShape(attribute, name: object, isAttribute: true)
            guard stored == .string else {
                throw error(.typeMismatch, object, "attribute '\(name)': expected a string, found \(stored)")
            }
            var strings: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
            var count = 0
            guard snnc_h5_attribute_read_strings(attribute.id, &strings, &count) >= 0 else {
                throw error(.readFailed, object, "attribute '\(name)': \(HDF5Library.lastMessage())")
            }
            return HDF5Array(shape: shape, values: HDF5Library.takeStrings(strings, count))
        }
    }

    /// Reads an attribute holding exactly one string.
    public func stringAttribute(_ name: String, on object: String = ".") throws -> String {
        let array = try stringsAttribute(name, on: object)
        guard array.values.count == 1 else {
            throw error(.shapeMismatch, object, "attribute '\(name)': expected one string, found shape \(array.shape)")
        }
        return array.values[0]
    }

    /// Names of the attributes of this group or of `object`, in name order.
    public func attributeNames(on object: String = ".") throws -> [String] {
        try HDF5Library.locked {
            var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
            var count = 0
            guard snnc_h5_attribute_names(handle.id, object, &names, &count) >= 0 else {
                throw error(.readFailed, object, "cannot list attributes: \(HDF5Library.lastMessage())")
            }
            return HDF5Library.takeStrings(names, count)
        }
    }

    // MARK: - Helpers (all called under the library lock)

    private func openDataset(_ name: String) throws -> HDF5Handle {
        let kind = snnc_h5_object_kind(handle.id, name)
        guard kind == Int32(SNNC_H5_DATASET) else {
            throw error(.missingObject, name, kind == Int32(SNNC_H5_MISSING) ? "no such dataset" : "is not a dataset")
        }
        let id = snnc_h5_dataset_open(handle.id, name)
        guard id >= 0 else { throw error(.readFailed, name, HDF5Library.lastMessage()) }
        return HDF5Handle(id: id, close: snnc_h5_dataset_close)
    }

    private func openAttribute(_ name: String, on object: String) throws -> HDF5Handle {
        if object != "." && snnc_h5_object_kind(handle.id, object) == Int32(SNNC_H5_MISSING) {
            throw error(.missingObject, object, "no such object (looking for attribute '\(name)')")
        }
        guard snnc_h5_attribute_exists(handle.id, object, name) > 0 else {
            throw error(.missingObject, object, "no attribute '\(name)'")
        }
        let id = snnc_h5_attribute_open(handle.id, object, name)
        guard id >= 0 else { throw error(.readFailed, object, "attribute '\(name)': \(HDF5Library.lastMessage())") }
        return HDF5Handle(id: id, close: snnc_h5_attribute_close)
    }

    private func dataShape(_ object: HDF5Handle, name: String, isAttribute: Bool) throws -> (HDF5ElementType, [Int]) {
        var code: Int32 = 0
        var rank: Int32 = 0
        var dims = [hsize_t](repeating: 0, count: 32)
        guard snnc_h5_shape(object.id, isAttribute ? 1 : 0, &code, &rank, &dims, 32) >= 0 else {
            throw error(.readFailed, name, "cannot read type and shape: \(HDF5Library.lastMessage())")
        }
        let shape = dims.prefix(Int(max(0, rank))).map { Int(exactly: $0) ?? Int.max }
        return (HDF5ElementType(rawValue: code) ?? .other, shape)
    }

    /// The number of elements of a dataset (or an attribute, `dataset` nil) about to be read,
    /// checked before anything is allocated: at most `HDF5Limits.maxElements`, without
    /// overflow, and for a dataset no more than `HDF5Limits.maxExpansion` times the bytes it
    /// occupies in the file (deflate expands at most about 1,032-fold), so a small file that
    /// declares a huge chunked dataset it never stored is an error, not an out-of-memory kill.
    func readableCount(_ dataset: HDF5Handle?, stored: HDF5ElementType, shape: [Int], name: String) throws -> Int {
        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard extent >= 0, !overflow, product <= HDF5Limits.maxElements else {
                throw error(
                    .readFailed, name, "declares shape \(shape), more than \(HDF5Limits.maxElements) elements; refused before reading",
                    hint: "the file is damaged or was not written by snnc")
            }
            count = product
        }
        guard let dataset else { return count }
        let bytes = count * stored.byteCount
        let storage = snnc_h5_dataset_storage_size(dataset.id)
        if bytes > HDF5Limits.slackBytes && UInt64(bytes) / UInt64(HDF5Limits.maxExpansion) > storage {
            throw error(
                .readFailed, name,
                "declares shape \(shape) (\(bytes) bytes) but holds only \(storage) bytes in the file; refused before reading",
                hint: "the file is damaged or was not written by snnc")
        }
        return count
    }

    private func check<E: HDF5Element>(
        _ name: String, stored: HDF5ElementType, shape: [Int], as: E.Type,
        expected: [Int]?, convert: Bool, label: String = "dataset"
    ) throws {
        let numeric = stored != .string && stored != .other
        guard stored == E.hdf5Type || (convert && numeric) else {
            throw error(.typeMismatch, name, "\(label) holds \(stored), expected \(E.hdf5Type)")
        }
        if let expected, expected != shape {
            throw error(.shapeMismatch, name, "\(label) has shape \(shape), expected \(expected)")
        }
    }

    private func readElements<E: HDF5Element>(
        _ type: E.Type, count: Int, name: String,
        _ read: (UnsafeMutableRawPointer?) -> Int32
    ) throws -> [E] {
        var values = [E](repeating: E.zero, count: count)
        let status = values.withUnsafeMutableBytes { read($0.baseAddress) }
        guard status >= 0 else { throw error(.readFailed, name, HDF5Library.lastMessage()) }
        return values
    }

    /// Chunk extents for a chunked dataset: whole trailing dimensions, leading ones cut so a
    /// chunk holds at most 1 MiB (the default chunk cache size of libhdf5 and h5py).
    static func chunkShape(_ shape: [Int], elementBytes: Int) -> [Int] {
        let limit = 1 << 20
        var chunk = shape.map { max($0, 1) }
        var index = 0
        while index < chunk.count, chunk.reduce(elementBytes, *) > limit {
            let rest = chunk.reduce(elementBytes, *) / chunk[index]
            chunk[index] = max(1, limit / rest)
            index += 1
        }
        return chunk
    }
}

/// Calls `body` with NUL-terminated copies of `strings` that live for the duration of the call.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
    let copies = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    return try body(copies.map { UnsafePointer($0) })
}
