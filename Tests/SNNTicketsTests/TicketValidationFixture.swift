import Foundation
import SNNStore
import SNNTrain
import Testing

@testable import SNNTickets

/// Real ticket files for the validation tests, each written once per test run by a real search
/// on the fixture data (`Fixture`), and damaged copies of them, edited in place with SNNStore.
enum TicketValidationFixture {
    /// The targets of the finished search's stand-in fit check: level 0 breaks a budget on
    /// "alpha"; every level fits "beta".
    static let targets = ["alpha", "beta"]

    /// A finished IMP search: two one-epoch rounds (levels 0, 1, 2), every level checked against
    /// `targets`, evaluated on a validation set.
    static let finished: Result<String, any Error> = Result {
        let path = removedAtExit(Fixture.temporaryPath("finished.h5"))
        var search = SearchConfig(method: .imp, targets: [.rounds(2)])
        search.fit = FitSettings(targets: targets)
        search.validationImages = 20
        let training = Fixture.training(epochs: 1)
        let data = try TrainingData.load(training.data, seed: training.seed, validationImages: 20)
        let document = try TicketSearch.newDocument(
            search: search, spec: Fixture.spec(), training: training, command: "test", snncVersion: "test",
            trainImages: data.train.count)
        let dense = ParameterSet.shapes(of: try LayerGraph(Fixture.spec())).parameters.filter { $0.role == .weight }
            .reduce(0) { $0 + $1.shape.reduce(1, *) }
        let engine = try TicketSearch(document: document, data: data) { try TicketFile.write($0, to: path) }
        engine.fitCheck = { state in standInFit(kept: state.parameters.keptCount, dense: dense) }
        try engine.run()
        return path
    }

    /// An early-bird search for two targets stopped after its first epoch: a run in progress
    /// (`progress.json` `current`, `/states/run`) and the masks of its windows under `/masks`.
    static let running: Result<String, any Error> = Result {
        let path = removedAtExit(Fixture.temporaryPath("running.h5"))
        _ = try Fixture.runSearch(SearchConfig(method: .eb, targets: [.rounds(1), .rounds(2)]), path: path, stopAfter: 1)
        return path
    }

    private static let made = Made()

    /// The fixture files made so far, removed when the test process exits.
    private final class Made: @unchecked Sendable {
        let lock = NSLock()
        var paths: [String] = []
    }

    /// `path`, to be removed when the test process exits (the suites share the fixtures).
    private static func removedAtExit(_ path: String) -> String {
        made.lock.withLock {
            if made.paths.isEmpty {
                atexit {
                    for path in TicketValidationFixture.made.lock.withLock({ TicketValidationFixture.made.paths }) {
                        try? FileManager.default.removeItem(atPath: path)
                    }
                }
            }
            made.paths.append(path)
        }
        return path
    }

    /// The fit of a level keeping `kept` of `dense` weights: "alpha" is over a budget while the
    /// level is dense, "beta" always fits.
    static func standInFit(kept: Int, dense: Int) -> LevelFit {
        let budget = FitViolation(constraint: "budget memory = 1 KiB", message: "memory over the budget", prunable: true)
        return LevelFit(
            targets: targets.map { name in
                TargetFit(
                    target: name, cores: 1, coresAvailable: 4, memoryBytes: kept, synapticOps: 1000, energyPicojoules: 5,
                    latencySeconds: 0.001, activity: "assumed rate 0.1",
                    violations: name == "alpha" && kept == dense ? [budget] : [])
            })
    }

    /// A copy of `fixture` in a new temporary folder, damaged by `damage` (the copy opened for
    /// editing; closed before this returns).
    static func damaged(_ fixture: Result<String, any Error>, _ damage: (HDF5Group) throws -> Void) throws -> String {
        let directory = Fixture.temporaryPath("damaged")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/tickets.h5"
        try FileManager.default.copyItem(atPath: try fixture.get(), toPath: path)
        try damage(try HDF5File.openForEditing(path).root)
        return path
    }

    /// Removes the folder of a damaged copy.
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// Replaces the JSON text dataset `name` of `root` by its value after `edit`.
    static func editJSON(_ root: HDF5Group, _ name: String, _ edit: (Any) throws -> Any) throws {
        let text = try root.readString(name)
        let edited = try edit(try JSONSerialization.jsonObject(with: Data(text.utf8)))
        let data = try JSONSerialization.data(withJSONObject: edited, options: [.sortedKeys])
        try root.remove(name)
        try root.write(name, string: String(decoding: data, as: UTF8.self))
    }

    /// Replaces the value at `key` (the keys and indices of an error's key: `layers[1].kept`)
    /// of the JSON text dataset `name` by `change` of the old value (nil when absent).
    static func editJSON(_ root: HDF5Group, _ name: String, key: String, _ change: @escaping (Any?) -> Any) throws {
        try editJSON(root, name) { try JSONKeyPath(key).update($0, change) }
    }

    /// Replaces entry `index` of the dataset `name` of `group` by `value`, keeping its shape and
    /// element type.
    static func setEntry<E: HDF5Element>(_ group: HDF5Group, _ name: String, _ index: Int, to value: E) throws {
        let stored = try group.read(name, as: E.self)
        var values = stored.values
        values[index] = value
        try group.remove(name)
        try group.write(name, values, shape: stored.shape)
    }
}

/// A key inside a JSON value as errors print it: object keys joined by dots, array indices in
/// brackets (`targets[0].fits`).
struct JSONKeyPath {
    enum Step {
        case key(String)
        case index(Int)
    }

    let steps: [Step]

    init(_ text: String) throws {
        var steps: [Step] = []
        for part in text.split(separator: ".") {
            let pieces = part.split(separator: "[")
            if let key = pieces.first, !part.hasPrefix("[") { steps.append(.key(String(key))) }
            for piece in pieces.dropFirst() {
                steps.append(.index(try #require(Int(piece.dropLast()), "index in \(text)")))
            }
        }
        self.steps = steps
    }

    /// `json` with the value at this path replaced by `change` of the old one.
    func update(_ json: Any, _ change: (Any?) -> Any) throws -> Any {
        try Self.update(json, steps[...], change)
    }

    private static func update(_ json: Any?, _ steps: ArraySlice<Step>, _ change: (Any?) -> Any) throws -> Any {
        guard let step = steps.first else { return change(json) }
        switch step {
        case .key(let key):
            var object = try #require(json as? [String: Any], "not an object at \(key)")
            object[key] = try update(object[key], steps.dropFirst(), change)
            return object
        case .index(let i):
            var array = try #require(json as? [Any], "not an array at [\(i)]")
            array[i] = try update(array[i], steps.dropFirst(), change)
            return array
        }
    }
}
