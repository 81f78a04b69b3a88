// Shared by the fuzz targets that mutate a copy of a real HDF5 file (deployment, tickets):
// scripts/fuzz.sh compiles this file into each of them, with Bytes.swift.

import Foundation
import SNNStore

/// A group of the file with its attributes and datasets (each target lists them at start-up).
struct Group {
    var path: String
    var attributes: [String]
    var datasets: [String]
}

/// The bytes of the file at `path`, the base every input mutates a fresh copy of.
func baseFile(_ path: String) -> Data {
    guard let data = FileManager.default.contents(atPath: path) else { fatalError("fuzz: cannot read \(path)") }
    return data
}

/// Where the copy is mutated and read: `/dev/shm` when there is one, one file per process.
func scratchPath(_ name: String, suffix: String) -> String {
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return folder + "/snnc-fuzz-\(name)-\(getpid())" + suffix
}

/// Writes `original` to `work`, opens it for editing and hands its root to `mutate`, then calls
/// `read` on the closed copy and removes it. A mutation the store refuses ends the input: nothing
/// is read.
func withMutatedCopy(of original: Data, at work: String, _ mutate: (HDF5Group) throws -> Void, read: () -> Void) {
    guard FileManager.default.createFile(atPath: work, contents: original) else { fatalError("fuzz: cannot write \(work)") }
    defer { unlink(work) }
    do {
        let file = try HDF5File.openForEditing(work)
        try mutate(file.root)
    } catch {
        return  // a mutation the store refused: nothing to read
    }
    read()
}

/// The group at `path` ("/" for the root) of the open file.
func open(_ root: HDF5Group, _ path: String) throws -> HDF5Group {
    path == "/" ? root : try root.group(String(path.dropFirst()))
}

/// Sets attribute `name` of `group` as `change` (0–6) says: an extreme int64, int32 or real, an
/// array of up to four extreme integers or reals, one of `words`, or an empty array.
func mutateAttribute(
    _ group: HDF5Group, _ name: String, change: Int, integers: [Int64], reals: [Double], words: [String],
    _ bytes: inout Bytes
) throws {
    switch change {
    case 0: try group.setAttribute(name, scalar: bytes.pick(integers))
    case 1: try group.setAttribute(name, scalar: Int32(truncatingIfNeeded: bytes.pick(integers)))
    case 2: try group.setAttribute(name, scalar: bytes.pick(reals))
    case 3: try group.setAttribute(name, (0..<bytes.below(5)).map { _ in bytes.pick(integers) })
    case 4: try group.setAttribute(name, (0..<bytes.below(5)).map { _ in bytes.pick(reals) })
    case 5: try group.setAttribute(name, string: bytes.pick(words))
    default: try group.setAttribute(name, [Int64]())  // emptied
    }
}

/// A numeric dataset taken out of its group: its values read as reals, and its shape.
struct TakenDataset {
    var values: [Double]
    var shape: [Int]
}

/// Removes dataset `name` of `group`, for the caller to write back changed (or not at all). A
/// string dataset is written back at once, when `rewriteStrings`, as up to two of `words`, and
/// nil is returned.
func takeDataset(
    _ group: HDF5Group, _ name: String, rewriteStrings: Bool, words: [String], _ bytes: inout Bytes
) throws -> TakenDataset? {
    let info = try group.info(of: name)
    if info.type == .string {
        try group.remove(name)
        if rewriteStrings { try group.write(name, strings: (0..<bytes.below(3)).map { _ in bytes.pick(words) }) }
        return nil
    }
    let values = try group.read(name, as: Double.self, convert: true).values
    try group.remove(name)
    return TakenDataset(values: values, shape: info.shape)
}

/// `v` rounded to the nearest integer, 0 when it has none (NaN, ±∞, out of range).
func rounded(_ v: Double) -> Int64 { Int64(exactly: v.rounded()) ?? 0 }
