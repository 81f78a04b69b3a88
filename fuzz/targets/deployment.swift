// libFuzzer target: the deployment-file reader and its validation (DeploymentFile.read, which
// validates), structure-aware. scripts/fuzz.sh compiles it with fuzz/support/Bytes.swift and
// HDF5Mutations.swift, links it with SNNDiagnostics, SNNIR, SNNStore and SNNFormat and passes
// SNNC_FUZZ_MODELS, the folder with small.snn.h5 (a real file written by `snnc export`).
//
// The input is a list of mutations, each decoded from a few bytes: which group of the file (every
// group, found once at start-up), then an operation on one of its attributes or datasets: set an
// attribute to an extreme integer, real, integer array or string, or empty it; change one dataset
// entry; cut a dataset short or lengthen it; give it another element type or shape; remove a
// dataset or a group without datasets. The mutations are applied with SNNStore's editing API to a fresh copy of the file, which
// is then read. Every outcome must be a thrown error or a graph; a trap, a sanitizer report or an
// allocation driven by a declared size is a finding.

import Foundation
import SNNFormat
import SNNStore

let integers: [Int64] = [0, 1, -1, 2, 3, 7, 64, 4096, 4097, 1 << 31, -(1 << 31), 1 << 40, Int64.max, Int64.min]
let reals: [Double] = [0, -1, 1e-300, 1e300, .nan, .infinity, -.infinity, 0.5, 2]
let words = ["", "none", "shift", "multiply", "if", "lif", "zero", "subtract", "max", "sum", "conv", "linear", "input", "ge"]

/// Every group of the file with its attributes and datasets.
func catalogue(_ group: HDF5Group) throws -> [Group] {
    var datasets: [String] = []
    var below: [Group] = []
    for child in try group.children() {
        switch group.kind(of: child) {
        case .group: below += try catalogue(try group.group(child))
        case .dataset: datasets.append(child)
        default: break
        }
    }
    return [Group(path: group.path, attributes: try group.attributeNames(), datasets: datasets)] + below
}

let models = ProcessInfo.processInfo.environment["SNNC_FUZZ_MODELS"] ?? ".build/fuzz/models"
let base = models + "/small.snn.h5"
let original = baseFile(base)
let groups: [Group] = {
    do { return try catalogue(try HDF5File.open(base).root) } catch { fatalError("fuzz: cannot list \(base): \(error)") }
}()
let work = scratchPath("deployment", suffix: ".snn.h5")

/// One mutation of the open file.
func mutate(_ root: HDF5Group, _ bytes: inout Bytes) throws {
    let target = bytes.pick(groups)
    let group = try open(root, target.path)
    let operation = bytes.byte()
    if !target.attributes.isEmpty && (target.datasets.isEmpty || operation & 1 == 0) {
        let name = bytes.pick(target.attributes)
        try mutateAttribute(
            group, name, change: (operation >> 1) % 7, integers: integers, reals: reals, words: words, &bytes)
        return
    }
    guard !target.datasets.isEmpty else {
        if target.path != "/" { try root.remove(String(target.path.dropFirst())) }
        return
    }
    let name = bytes.pick(target.datasets)
    guard let taken = try takeDataset(group, name, rewriteStrings: operation & 2 == 0, words: words, &bytes) else { return }
    var values = taken.values
    switch (operation >> 1) % 8 {
    case 0 where !values.isEmpty:
        values[bytes.below(values.count)] = bytes.pick(reals + integers.map(Double.init))
        try group.write(name, values, shape: taken.shape)
    case 1 where !values.isEmpty:
        values[bytes.below(values.count)] += Double(bytes.byte() - 128)
        try group.write(name, values.map(rounded), shape: taken.shape)
    case 2: try group.write(name, values.prefix(bytes.below(values.count + 1)).map(rounded))
    case 3: try group.write(name, values.map { Float($0) }, shape: taken.shape)
    case 4: try group.write(name, values.map { Int32(clamping: rounded($0)) }, shape: taken.shape)
    case 5: try group.write(name, values.map(rounded))  // the shape flattened
    case 6: try group.write(name, values.map(rounded) + [rounded(bytes.pick(reals))])
    default: break  // the dataset removed
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeployment(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Bytes(data: UnsafeBufferPointer(start: data, count: size))
    withMutatedCopy(of: original, at: work) { root in
        for _ in 0..<4 where !bytes.isEmpty { try mutate(root, &bytes) }
    } read: {
        if let read = try? DeploymentFile.read(work) {
            precondition(!read.graph.layers.isEmpty, "an accepted deployment file has no layers")
        }
    }
    return 0
}
