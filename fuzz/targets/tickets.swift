// libFuzzer target: the ticket-file reader (TicketFile.open, loadLevel, readDocument) and what
// `snnc inspect`, `snnc export` and `prune --resume` do with what it read, structure-aware.
// scripts/fuzz.sh compiles it with fuzz/support/Bytes.swift and HDF5Mutations.swift, links it with
// snnc's library modules up to SNNTickets and SNNCompiler and passes SNNC_FUZZ_MODELS, the folder
// with small.tickets.h5 (a real file written by `snnc prune --target edge`: levels, fit tables,
// search state).
//
// The input is a list of mutations, each decoded from a few bytes, applied with SNNStore's editing
// API to a fresh copy of that file:
// - a JSON text (header.json, results.json, progress.json, a level's level.json or fit.json, a
//   state's history, the model_spec and training_config attributes): mostly one value of its
//   tree changed within its kind — a number set to an extreme (0, −1, 2³¹, 2⁵³, Int64.min/max,
//   ±1e300, 1e−300, 0.5), to "nan" or "±inf" (which the ticket reader's JSON decodes as NaN and
//   ±∞), nudged (±1, negated, ×1000, a real for an integer); a string set to a method, target or
//   architecture name or another string of the same text; an array entry repeated or removed,
//   the array emptied; a bool flipped — else a value removed, set to null, an empty array or
//   object, another value of the same text, a number or a string; or the text cut short;
// - an HDF5 object (every group, found once at start-up): an attribute set to an extreme integer,
//   real, array or string; a dataset entry changed, the dataset cut short, lengthened, converted,
//   flattened or removed; a group (a level, a state, a mask set) removed.
// Then the file is read as the CLI reads it: `TicketFile.open` and its summary encoded as JSON
// (`inspect`, `prune --json`), the default level and best-fit for every target, the first three
// levels' states (`loadLevel`; the seed has three) through `DeploymentBridge.graph` and `compile`
// for the edge profile (`export`), `openTrainedModel` for the default level and best-fit
// (`export`, `evaluate`), and `TicketFile.readDocument` (`prune --resume`). Every outcome must be
// a thrown error or a value; a trap, a sanitizer report or an allocation driven by a declared size
// is a finding. SNNC_FUZZ_VERBOSE=1 prints each mutation and each error (to decode a crash input).

import Foundation
import SNNCompiler
import SNNIR
import SNNStore
import SNNTickets
import SNNTrain

let integers: [Int64] = [0, 1, -1, 2, 3, 7, 64, 4096, 1 << 31, -(1 << 31), 1 << 40, 1 << 53, Int64.max, Int64.min]
let reals: [Double] = [0, -1, 1e-300, 1e300, -1e300, .nan, .infinity, -.infinity, 0.5, 2]
let words = [
    "", "nan", "inf", "-inf", "edge", "speck", "loihi", "imp", "imp-et", "eb", "snip", "transfer", "small", "vgg16",
    "imported", "mlp", "round0", "dense", "complete", "running", "max", "avg", "direct", "perStep", "lif", "if", "conv1",
]

/// A JSON text in the file: a string dataset, or a string attribute of a group.
struct JSONText {
    var group: String
    var name: String
    var isAttribute: Bool
}

/// Every group of the file with its attributes and datasets, and every JSON text in it.
func catalogue(_ group: HDF5Group, _ texts: inout [JSONText]) throws -> [Group] {
    var datasets: [String] = []
    var below: [Group] = []
    for child in try group.children() {
        switch group.kind(of: child) {
        case .group: below += try catalogue(try group.group(child), &texts)
        case .dataset:
            datasets.append(child)
            if try group.info(of: child).type == .string { texts.append(JSONText(group: group.path, name: child, isAttribute: false)) }
        default: break
        }
    }
    let attributes = try group.attributeNames()
    for name in attributes {
        guard let text = try? group.stringAttribute(name), text.hasPrefix("{") || text.hasPrefix("[") else { continue }
        texts.append(JSONText(group: group.path, name: name, isAttribute: true))
    }
    return [Group(path: group.path, attributes: attributes, datasets: datasets)] + below
}

let models = ProcessInfo.processInfo.environment["SNNC_FUZZ_MODELS"] ?? ".build/fuzz/models"
let base = models + "/small.tickets.h5"
let original = baseFile(base)
let (groups, texts): ([Group], [JSONText]) = {
    do {
        var texts: [JSONText] = []
        let groups = try catalogue(try HDF5File.open(base).root, &texts)
        return (groups, texts)
    } catch {
        fatalError("fuzz: cannot list \(base): \(error)")
    }
}()
let profile: ChipProfile = {
    do { return try ChipProfile.named("edge") } catch { fatalError("fuzz: cannot load the edge profile: \(error)") }
}()
let work = scratchPath("tickets", suffix: ".h5")

/// SNNC_FUZZ_VERBOSE=1 prints every mutation and every error the reader throws (to see what an
/// input does and which paths it reaches).
let verbose = ProcessInfo.processInfo.environment["SNNC_FUZZ_VERBOSE"] == "1"

func note(_ line: @autoclosure () -> String) {
    if verbose { FileHandle.standardError.write(Data(("fuzz: " + line() + "\n").utf8)) }
}

// MARK: - JSON mutations

/// One step into a JSON tree: a key of an object or an index of an array.
enum Step {
    case key(String)
    case index(Int)
}

/// Every path into `value` (the root's is empty), in depth-first order.
func paths(_ value: Any, _ prefix: [Step] = []) -> [[Step]] {
    var result = [prefix]
    if let object = value as? [String: Any] {
        for key in object.keys.sorted() { result += paths(object[key] as Any, prefix + [.key(key)]) }
    } else if let array = value as? [Any] {
        for (i, item) in array.enumerated() { result += paths(item, prefix + [.index(i)]) }
    }
    return result
}

func value(_ root: Any, at path: [Step]) -> Any? {
    var current: Any? = root
    for step in path {
        switch step {
        case .key(let key): current = (current as? [String: Any])?[key] as Any?
        case .index(let i): current = (current as? [Any]).flatMap { i < $0.count ? $0[i] : nil }
        }
    }
    return current
}

/// `root` with the value at `path` replaced by `change(old)` (nil removes it).
func replacing(_ root: Any, at path: [Step], _ change: (Any) -> Any?) -> Any? {
    guard let step = path.first else { return change(root) }
    let rest = Array(path.dropFirst())
    switch step {
    case .key(let key):
        guard var object = root as? [String: Any], let child = object[key] else { return root }
        object[key] = replacing(child, at: rest, change)
        return object
    case .index(let i):
        guard var array = root as? [Any], i < array.count else { return root }
        if let changed = replacing(array[i], at: rest, change) { array[i] = changed } else { array.remove(at: i) }
        return array
    }
}

/// Every string in `value`.
func strings(_ value: Any) -> [String] {
    if let s = value as? String { return [s] }
    if let object = value as? [String: Any] { return object.values.flatMap(strings) }
    if let array = value as? [Any] { return array.flatMap(strings) }
    return []
}

/// A number like `old` but extreme, or nudged.
func number(_ old: Double, _ bytes: inout Bytes) -> Any {
    switch bytes.byte() % 12 {
    case 0, 1, 2: return NSNumber(value: bytes.pick(integers))
    case 3, 4: return NSNumber(value: bytes.pick([0, -1, 1e300, -1e300, 0.5, -0.5, 1e-300, 1e30]))
    case 5: return bytes.pick(["nan", "inf", "-inf"])  // what the ticket reader's JSON decodes as NaN and ±∞
    case 6: return NSNumber(value: old + 1)
    case 7: return NSNumber(value: old - 1)
    case 8: return NSNumber(value: -old)
    case 9: return NSNumber(value: old * 1000)
    case 10: return NSNumber(value: old * 2 + 1)
    default:
        // An integer turned into a real, a real into an integer.
        return old == old.rounded() ? NSNumber(value: old + 0.5) : NSNumber(value: Int64(exactly: old.rounded()) ?? 0)
    }
}

/// A mutated JSON text: mostly a value of its own kind (a number for a number, a string for a
/// string), sometimes one of another kind, a value removed, or the text cut short.
func mutateJSON(_ text: String, _ bytes: inout Bytes) -> String {
    guard let root = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return text }
    let all = paths(root)
    let path = bytes.pick(all)
    let operation = bytes.byte() % 16
    if operation == 15 {
        let cut = bytes.below(text.count + 1)
        note("  cut after \(cut) characters")
        return String(text.prefix(cut))
    }
    let changed = replacing(root, at: path) { old in
        // JSONSerialization gives NSNumber for numbers and a boolean subclass of it for true and
        // false (`is Bool` holds for 0 and 1 too on Linux, so the type's name tells them apart).
        let isBoolean = String(describing: type(of: old)).contains("Boolean") || type(of: old) == Bool.self
        let isNumber = old is NSNumber && !isBoolean
        switch operation {
        case 0...7 where isNumber: return number((old as? NSNumber)?.doubleValue ?? 0, &bytes)
        case 0...5 where old is String:
            let found = strings(root)
            return bytes.byte() & 1 == 0 || found.isEmpty ? bytes.pick(words) : bytes.pick(found)
        case 0...5 where old is [Any]:
            // An entry repeated or removed, or the array emptied.
            guard var array = old as? [Any], !array.isEmpty else { return [old] }
            switch bytes.byte() % 3 {
            case 0: array.insert(bytes.pick(array), at: bytes.below(array.count + 1))
            case 1: array.remove(at: bytes.below(array.count))
            default: array = []
            }
            return array
        case 0...7 where isBoolean: return !((old as? NSNumber)?.boolValue ?? false)
        case 8, 9: return nil  // removed
        case 10: return NSNull()
        case 11: return bytes.byte() & 1 == 0 ? [Any]() : [String: Any]()
        case 12: return value(root, at: bytes.pick(all)) ?? old
        case 13: return NSNumber(value: bytes.pick(integers))
        default: return bytes.pick(words)
        }
    }
    let shown = path.map { step in
        switch step {
        case .key(let key): "." + key
        case .index(let i): "[\(i)]"
        }
    }.joined()
    note("  \(shown) = \(changed.flatMap { value($0, at: path) }.map { "\($0)" } ?? "(removed)")")
    guard let changed,
        let data = try? JSONSerialization.data(withJSONObject: changed, options: [.fragmentsAllowed, .sortedKeys])
    else { return text }
    return String(decoding: data, as: UTF8.self)
}

// MARK: - HDF5 mutations

/// One mutation of a JSON text of the open file.
func mutateText(_ root: HDF5Group, _ bytes: inout Bytes) throws {
    let text = bytes.pick(texts)
    note("text \(text.group) \(text.name)")
    let group = try open(root, text.group)
    if text.isAttribute {
        try group.setAttribute(text.name, string: mutateJSON(try group.stringAttribute(text.name), &bytes))
    } else {
        let changed = mutateJSON(try group.readString(text.name), &bytes)
        try group.remove(text.name)
        try group.write(text.name, string: changed)
    }
}

/// One mutation of an attribute, a dataset or a group of the open file.
func mutateObject(_ root: HDF5Group, _ bytes: inout Bytes) throws {
    let target = bytes.pick(groups)
    let group = try open(root, target.path)
    let operation = bytes.byte()
    note("object in \(target.path), operation \(operation)")
    if operation % 16 == 15 && target.path != "/" {
        try root.remove(String(target.path.dropFirst()))  // a level, a state, a mask set …
        return
    }
    if !target.attributes.isEmpty && (target.datasets.isEmpty || operation & 1 == 0) {
        let name = bytes.pick(target.attributes)
        note("  attribute \(name), change \((operation >> 1) % 7)")
        try mutateAttribute(
            group, name, change: (operation >> 1) % 7, integers: integers, reals: reals, words: words, &bytes)
        return
    }
    guard !target.datasets.isEmpty else { return }
    let name = bytes.pick(target.datasets)
    note("  dataset \(name), change \((operation >> 1) % 8)")
    guard let taken = try takeDataset(group, name, rewriteStrings: operation & 2 == 0, words: words, &bytes) else { return }
    var values = taken.values
    switch (operation >> 1) % 8 {
    case 0 where !values.isEmpty:
        let i = bytes.below(values.count)
        values[i] = bytes.pick(reals + integers.map(Double.init))
        note("  entry \(i) = \(values[i])")
        try group.write(name, values.map { Float($0) }, shape: taken.shape)
    case 1 where !values.isEmpty:
        values[bytes.below(values.count)] += Double(bytes.byte() - 128)
        try group.write(name, values.map { UInt8(clamping: rounded($0)) }, shape: taken.shape)
    case 2: try group.write(name, values.prefix(bytes.below(values.count + 1)).map { Float($0) })
    case 3: try group.write(name, values, shape: taken.shape)  // float64
    case 4: try group.write(name, values.map { Int32(clamping: rounded($0)) }, shape: taken.shape)
    case 5: try group.write(name, values.map { Float($0) })  // the shape flattened
    case 6: try group.write(name, values.map { Float($0) } + [Float(bytes.pick(reals))])
    default: break  // the dataset removed
    }
}

// MARK: - Reading as the CLI does


/// `body`'s value, or nil when it throws.
func attempt<T>(_ what: String, _ body: () throws -> T) -> T? {
    do {
        let value = try body()
        note("\(what): ok")
        return value
    } catch {
        note("\(what): \(error)")
        return nil
    }
}

/// A level's state as `snnc export` uses it: the deployment graph, compiled for the edge profile.
func export(_ state: TrainingState) {
    guard let graph = attempt("graph", { try DeploymentBridge.graph(from: state, name: "fuzz") }) else { return }
    _ = attempt("compile") { try compile(graph, for: profile) }
}

/// Everything the CLI reads from a ticket file.
func read(_ path: String) {
    if let file = attempt("open", { try TicketFile.open(path) }) {
        // `snnc inspect` and `prune --json`: the summary (best-fit picks included) as JSON.
        let summary = file.summary
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        _ = try? encoder.encode(summary)
        _ = file.defaultLevel
        for fit in file.fits.values {
            _ = (fit.unprunable, fit.neuronBound, fit.binding)
            for target in fit.targets {
                _ = (target.coresNeeded, target.violations.map(\.text), target.layers?.map(\.isWeightBound))
                _ = try? file.bestFit(target: target.target)
            }
        }
        _ = try? file.bestFit(target: nil)
        // `snnc export` and `evaluate`: a level's state (the first few) and its deployment graph.
        for info in file.levels.prefix(3) {
            guard let state = attempt("level \(info.level)", { try file.loadLevel(info.level) }) else { continue }
            export(state)
        }
        _ = attempt("default level") { try openTrainedModel(path: path, level: .standard) }
        if let model = attempt("best-fit", { try openTrainedModel(path: path, level: .bestFit(target: nil)) }) { export(model.state) }
    }
    // `snnc prune --resume`.
    if let document = attempt("document", { try TicketFile.readDocument(path) }) {
        _ = document.levelInfos
        for mask in document.masks.values { _ = mask.bits.count }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTickets(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Bytes(data: UnsafeBufferPointer(start: data, count: size))
    withMutatedCopy(of: original, at: work) { root in
        for _ in 0..<4 where !bytes.isEmpty {
            if bytes.byte() % 3 == 0 { try mutateObject(root, &bytes) } else { try mutateText(root, &bytes) }
        }
    } read: {
        read(work)
    }
    return 0
}
