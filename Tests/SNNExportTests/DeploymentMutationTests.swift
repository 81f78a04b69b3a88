import Foundation
import SNNFormat
import SNNIR
import SNNSimulator
import SNNSimulatorFixtures
import SNNStore
import Testing

/// Structure-aware fuzzing of the deployment reader, the validation and the simulator, seeded so
/// it is the same run every time: a real file written by snnc is damaged in place (an attribute
/// set to an extreme value of a random type, a table entry changed, an array cut short or given
/// another element type), then read. Every outcome must be a named error or a graph that the
/// event simulator builds a plan for and runs on one image — never a crash.
@Suite("Deployment mutations")
struct DeploymentMutationTests {
    /// A fixed stream of numbers from a seed.
    typealias Stream = SplitMix64

    static let extremes: [Int64] = [0, 1, -1, 2, 3, 7, 64, 4096, 4097, 1 << 31, -(1 << 31), 1 << 40, Int64.max, Int64.min]
    static let reals: [Double] = [0, -1, 1e-300, 1e300, .nan, .infinity, -.infinity, 0.5]

    /// The groups of a file and their attribute names; the datasets under each.
    static func catalogue(_ group: HDF5Group) throws -> [(group: String, attributes: [String], datasets: [String])] {
        var result: [(String, [String], [String])] = []
        var datasets: [String] = []
        for child in try group.children() {
            switch group.kind(of: child) {
            case .group: result += try catalogue(try group.group(child))
            case .dataset: datasets.append(child)
            default: break
            }
        }
        return [(group.path, try group.attributeNames(), datasets)] + result
    }

    /// One random change to the group at `path` of the open file.
    static func mutate(_ group: HDF5Group, attributes: [String], datasets: [String], _ s: inout Stream) throws -> String {
        if !attributes.isEmpty && (datasets.isEmpty || s.below(2) == 0) {
            let name = s.pick(attributes)
            switch s.below(5) {
            case 0: try group.setAttribute(name, scalar: s.pick(extremes))
            case 1: try group.setAttribute(name, scalar: Int32(truncatingIfNeeded: s.pick(extremes)))
            case 2: try group.setAttribute(name, scalar: s.pick(reals))
            case 3: try group.setAttribute(name, (0..<s.below(4)).map { _ in s.pick(extremes) })
            default: try group.setAttribute(name, string: s.pick(["", "none", "shift", "if", "lif", "subtract", "max", "conv"]))
            }
            return "\(group.path) @\(name)"
        }
        let name = s.pick(datasets)
        let info = try group.info(of: name)
        guard info.type != .string else {
            try group.remove(name)
            try group.write(name, strings: ["x", "input"])
            return "\(group.path)/\(name) strings"
        }
        var values = try group.read(name, as: Double.self, convert: true).values
        try group.remove(name)
        switch s.below(4) {
        case 0 where !values.isEmpty:
            values[s.below(values.count)] = s.pick(reals + extremes.map(Double.init))
            try group.write(name, values.map { Float($0) })
        case 1:
            try group.write(name, values.prefix(s.below(values.count + 1)).map { Int64(exactly: $0.rounded()) ?? 0 })
        case 2:
            let delta = Int32(s.below(3)) - 1
            try group.write(name, values.map { Int32(clamping: Int64(exactly: $0.rounded()) ?? 0) &+ delta })
        default:
            try group.write(name, values.reversed().map { Int64(exactly: $0.rounded()) ?? 0 })
        }
        return "\(group.path)/\(name)"
    }

    /// Reads the damaged file; if it is accepted, the simulator must build and run it.
    static func outcome(_ path: String) -> String? {
        do {
            let graph = try DeploymentFile.read(path).graph
            let simulator = try EventSimulator(graph, cost: graph.estimates?.costs)
            let count = graph.layers.first?.unitCount ?? 0
            _ = try simulator.run(quantizedImage: (0..<count).map { Int32($0 % 5) - 2 })
            return nil
        } catch is DeploymentFileError, is DeploymentValidationError, is NIRReadError, is HDF5Error, is SimulatorError {
            return nil
        } catch {
            return "unexpected error type \(type(of: error)): \(error)"
        }
    }

    @Test func damagedFilesGiveANamedErrorOrRunNeverACrash() throws {
        let f = try DeploymentValidationTests.Fixture()
        let catalogue = try Self.catalogue(try HDF5File.open(f.path).root).filter { !$0.attributes.isEmpty || !$0.datasets.isEmpty }
        var stream = Stream(seed: 19)
        var refused = 0
        let rounds = 200
        for round in 0..<rounds {
            // A fresh name each round: libhdf5 recognises open files by inode, which a removed file's
            // successor may reuse.
            let copy = f.directory.path + "/mutant-\(round).snn.h5"
            defer { try? FileManager.default.removeItem(atPath: copy) }
            try FileManager.default.copyItem(atPath: f.path, toPath: copy)
            let entry = stream.pick(catalogue)
            let change: String
            do {
                let file = try HDF5File.openForEditing(copy)
                let group = entry.group == "/" ? file.root : try file.root.group(String(entry.group.dropFirst()))
                change = try Self.mutate(group, attributes: entry.attributes, datasets: entry.datasets, &stream)
            } catch {
                Issue.record("round \(round): cannot damage \(entry.group): \(error)")
                continue
            }
            if let problem = Self.outcome(copy) { Issue.record("round \(round), \(change): \(problem)") }
            if (try? DeploymentFile.read(copy)) == nil { refused += 1 }
        }
        // Most changes break a rule; some (a string nobody reads, a provenance field) do not.
        #expect(refused > rounds / 2, "only \(refused) of \(rounds) damaged files were refused")
    }
}

extension SplitMix64 {
    /// A number in 0..<n.
    fileprivate mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// One of `items`.
    fileprivate mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
