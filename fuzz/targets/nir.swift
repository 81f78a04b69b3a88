// libFuzzer target: the NIR importer's graph validation (NIRImporter.model, then the model as a
// training state, which is what `snnc import` does after reading the file), structure-aware.
// scripts/fuzz.sh compiles it with fuzz/support/Bytes.swift, links it with snnc's library modules
// up to SNNInterop and passes SNNC_FUZZ_MODELS, the folder with small.nir (written by
// `snnc export --format nir`).
//
// The input is a list of mutations of that document in memory, each decoded from a few bytes:
// change a node's type; replace a field with one of another kind (float32, float64, integers,
// scalar, string); change one value to an extreme (NaN, ±∞, 0, −1, 1e30, 2⁴⁰); give a field
// another shape (a dimension changed, dropped, added, or a shape that does not match the value
// count); remove a field or a node; remove, add or reverse an edge; rename a node (possibly to a
// name in use). Every outcome must be a thrown error or a model; a trap, a sanitizer report or an
// allocation driven by a declared size is a finding.

import Foundation
import SNNFormat
import SNNInterop
import SNNTrain

let types = ["Input", "Output", "Affine", "Linear", "Conv2d", "LIF", "IF", "CubaLIF", "SumPool2d", "AvgPool2d", "Flatten", "Scale", "Threshold", ""]
let reals: [Double] = [0, -1, 1, 0.5, 1e30, -1e30, .nan, .infinity, -.infinity, 1e-30, Double(1 << 40)]
let integers: [Int64] = [0, 1, -1, 2, 3, 64, 1 << 20, 1 << 31, 1 << 40, Int64.max, Int64.min]

let models = ProcessInfo.processInfo.environment["SNNC_FUZZ_MODELS"] ?? ".build/fuzz/models"
let original: NIRDocument = {
    do { return try NIRDocument.read(models + "/small.nir") } catch { fatalError("fuzz: cannot read \(models)/small.nir: \(error)") }
}()
let config = TrainingConfig(
    epochs: 1, batchSize: 2, learningRate: 0.01, seed: 0, augment: false,
    data: DataConfig(dataset: "fmnist", directory: "/nonexistent"))

/// A shape derived from `shape` and the input.
func reshape(_ shape: [Int], _ bytes: inout Bytes) -> [Int] {
    var shape = shape
    switch bytes.byte() % 5 {
    case 0 where !shape.isEmpty: shape[bytes.below(shape.count)] = bytes.pick([0, 1, 2, 3, 1 << 20, 1 << 31])
    case 1 where !shape.isEmpty: shape.remove(at: bytes.below(shape.count))
    case 2: shape.insert(bytes.pick([1, 2, 7]), at: bytes.below(shape.count + 1))
    case 3: shape = shape.reversed()
    default: shape = (0..<bytes.below(5)).map { _ in bytes.below(9) }
    }
    return shape
}

/// The field rebuilt from `values` in the kind the input picks, with `shape`.
func field(_ values: [Double], shape: [Int], _ bytes: inout Bytes) -> NIRField {
    switch bytes.byte() % 5 {
    case 0: .floats(values.map { Float($0) }, shape: shape)
    case 1: .doubles(values, shape: shape)
    case 2: .ints(values.map { Int64(exactly: $0.rounded()) ?? 0 }, shape: shape)
    case 3: .int(bytes.pick(integers))
    default: .string(bytes.pick(["same", "valid", "", "1"]))
    }
}

/// One mutation of the document.
func mutate(_ document: inout NIRDocument, _ bytes: inout Bytes) {
    guard !document.nodes.isEmpty else { return }
    let n = bytes.below(document.nodes.count)
    var node = document.nodes[n]
    let f = node.fields.isEmpty ? nil : bytes.below(node.fields.count)
    switch bytes.byte() % 10 {
    case 0: node.type = bytes.pick(types)
    case 1:
        guard let f else { return }
        let old = node.fields[f].1
        node.fields[f].1 = field(old.doubles ?? [], shape: old.shape, &bytes)
    case 2:
        guard let f, var values = node.fields[f].1.doubles, !values.isEmpty else { return }
        values[bytes.below(values.count)] = bytes.pick(reals + integers.map(Double.init))
        node.fields[f].1 = field(values, shape: node.fields[f].1.shape, &bytes)
    case 3:
        guard let f else { return }
        let old = node.fields[f].1
        node.fields[f].1 = field(old.doubles ?? [], shape: reshape(old.shape, &bytes), &bytes)
    case 4:
        guard let f, let values = node.fields[f].1.doubles else { return }
        // Values cut short or repeated, the shape kept.
        let count = bytes.below(2 * values.count + 2)
        let changed = (0..<count).map { values.isEmpty ? 0 : values[$0 % values.count] }
        node.fields[f].1 = field(changed, shape: node.fields[f].1.shape, &bytes)
    case 5:
        guard let f else { return }
        node.fields.remove(at: f)
    case 6:
        document.nodes.remove(at: n)
        return
    case 7:
        if !document.edges.isEmpty && bytes.byte() & 1 == 0 {
            let e = bytes.below(document.edges.count)
            if bytes.byte() & 1 == 0 {
                document.edges.remove(at: e)
            } else {
                document.edges[e] = (document.edges[e].1, document.edges[e].0)
            }
        } else {
            document.edges.append((bytes.pick(document.nodes).name, bytes.pick(document.nodes).name))
        }
        return
    case 8: node.name = bytes.byte() & 1 == 0 ? bytes.pick(document.nodes).name : bytes.pick(["input", "output", "", "x"])
    default:
        guard let f else { return }
        node.fields[f].0 = bytes.pick(["weight", "bias", "tau", "r", "v_threshold", "v_reset", "v_leak", "stride", "padding", "shape"])
    }
    document.nodes[n] = node
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNIR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Bytes(data: UnsafeBufferPointer(start: data, count: size))
    var document = original
    for _ in 0..<6 where !bytes.isEmpty { mutate(&document, &bytes) }
    let mapping = NeuronMapping(dt: 1, fireOnGreater: bytes.byte() & 1 == 1)
    guard let model = try? NIRImporter.model(from: document, mapping: mapping) else { return 0 }
    if let state = try? model.trainingState(timeSteps: 2, config: config) {
        precondition(state.parameters.parameterCount > 0, "an imported model without parameters")
    }
    return 0
}
