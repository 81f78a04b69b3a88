import Foundation
import SNNStore
import SNNTrain
import Testing

@testable import SNNTickets

/// Every rule of `TicketRule` on real ticket files (`TicketValidationFixture`): the files as
/// written pass; a copy damaged so that it breaks one rule is refused with that rule, the object
/// and the JSON key, by the reader that checks it (`open` for the summaries, `loadLevel` and
/// `readDocument` for the tensors).
@Suite("Ticket-file validation")
struct TicketValidationTests {
    typealias Damaged = TicketValidationFixture

    /// The refusal `read` throws for `path`, recorded as an issue when it throws none or another.
    func refusal(_ path: String, _ read: (String) throws -> Void, sourceLocation: SourceLocation = #_sourceLocation)
        -> TicketValidationError?
    {
        #expect(throws: TicketValidationError.self, sourceLocation: sourceLocation) { try read(path) }
    }

    func expect(
        _ error: TicketValidationError?, _ rule: TicketRule, _ object: String, key: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(error?.rule == rule, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.object == object, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.key == key, "\(String(describing: error))", sourceLocation: sourceLocation)
    }

    @Test func theFilesSnncWritesPass() throws {
        let finished = try TicketFile.open(try Damaged.finished.get())
        #expect(finished.isComplete && finished.levels.map(\.level) == [0, 1, 2])
        #expect(finished.fits.count == 3 && finished.fits[0]?.fits == false && finished.fits[2]?.fits == true)
        for level in finished.levels { _ = try finished.loadLevel(level.level) }
        _ = try TicketFile.readDocument(finished.path)
        let running = try TicketFile.readDocument(try Damaged.running.get())
        #expect(!running.progress.finished && running.progress.current != nil && running.states["run"] != nil)
        #expect(!running.masks.isEmpty)
        // The tests' JSON editing keeps what it does not change: a copy re-encoded passes too.
        let reencoded = try Damaged.damaged(Damaged.finished) { root in
            for name in ["header.json", "results.json", "progress.json", "levels/2/level.json", "levels/2/fit.json"] {
                try Damaged.editJSON(root, name) { $0 }
            }
        }
        defer { Damaged.remove(reencoded) }
        _ = try TicketFile.readDocument(reencoded)
    }

    /// One JSON value changed in a copy of the finished file: `open` refuses it with `rule` at
    /// `object` and the changed key (or `reported`).
    struct JSONDamage: Sendable, CustomTestStringConvertible {
        var object: String
        var key: String
        var rule: TicketRule
        var change: @Sendable (Any?) -> Any
        var reported: (object: String, key: String?)? = nil
        var testDescription: String { "\(object) \(key): \(rule.rawValue)" }
    }

    static func plus(_ delta: Int) -> @Sendable (Any?) -> Any { { (($0 as? Int) ?? 0) + delta } }
    static func plus(_ delta: Double) -> @Sendable (Any?) -> Any { { (($0 as? Double) ?? 0) + delta } }
    static func set(_ value: any Sendable) -> @Sendable (Any?) -> Any { { _ in value } }

    static let jsonDamages: [JSONDamage] = [
        // 1. level indices
        JSONDamage(object: "/levels/1/level.json", key: "level", rule: .levelIndices, change: plus(1)),
        JSONDamage(object: "/levels/2/level.json", key: "round", rule: .levelIndices, change: set(1)),
        // 2. totals
        JSONDamage(object: "/levels/1/level.json", key: "sparsity.kept", rule: .totals, change: plus(-1)),
        JSONDamage(object: "/levels/1/level.json", key: "sparsity.prunable", rule: .totals, change: plus(1)),
        JSONDamage(object: "/levels/1/level.json", key: "layers[1].count", rule: .totals, change: plus(-1)),
        JSONDamage(
            object: "/levels/1/level.json", key: "layers[0].name", rule: .totals, change: set("conv9.weight"),
            reported: ("/levels/1/level.json", "layers")),
        JSONDamage(object: "/levels/2/level.json", key: "weightSparsity", rule: .totals, change: plus(0.5)),
        JSONDamage(object: "/levels/2/level.json", key: "paperSparsity", rule: .totals, change: plus(-0.5)),
        JSONDamage(object: "/levels/0/level.json", key: "spikesPerImage", rule: .totals, change: plus(1.0)),
        JSONDamage(object: "/levels/0/level.json", key: "trainCost.work", rule: .totals, change: plus(1)),
        JSONDamage(
            object: "/levels/0/level.json", key: "ledger[0].forwardMACs", rule: .totals, change: plus(1),
            reported: ("/levels/0/level.json", "trainCost.work")),
        // 3. values in range
        JSONDamage(object: "/levels/2/level.json", key: "testAccuracy", rule: .ranges, change: set(1.5)),
        JSONDamage(object: "/levels/2/level.json", key: "validationAccuracy", rule: .ranges, change: set("nan")),
        JSONDamage(object: "/levels/1/level.json", key: "testLoss", rule: .ranges, change: set("inf")),
        JSONDamage(object: "/levels/1/level.json", key: "ledger[0].seconds", rule: .ranges, change: set(-1.0)),
        JSONDamage(object: "/levels/1/level.json", key: "searchCost.seconds", rule: .ranges, change: set("nan")),
        JSONDamage(object: "/results.json", key: "chainCost[1].seconds", rule: .ranges, change: set(-2.0)),
        JSONDamage(object: "/levels/0/fit.json", key: "targets[1].energyPicojoules", rule: .ranges, change: set(-5.0)),
        // 4. fit tables
        JSONDamage(object: "/levels/1/fit.json", key: "targets[1].target", rule: .fitTable, change: set("alpha")),
        JSONDamage(object: "/levels/2/fit.json", key: "targets[0].target", rule: .fitTable, change: set("gamma")),
        JSONDamage(object: "/levels/0/fit.json", key: "targets[0].fits", rule: .fitTable, change: set(true)),
        JSONDamage(object: "/levels/2/fit.json", key: "targets[1].fits", rule: .fitTable, change: set(false)),
        JSONDamage(object: "/levels/0/fit.json", key: "fits", rule: .fitTable, change: set(true)),
        JSONDamage(object: "/levels/2/fit.json", key: "targets", rule: .fitTable, change: { Array(($0 as? [Any] ?? []).dropLast()) }),
        // 5. known runs
        JSONDamage(object: "/progress.json", key: "completed[1]", rule: .runs, change: set("round1b")),
        JSONDamage(object: "/progress.json", key: "completed[2]", rule: .runs, change: set("round0")),
        JSONDamage(object: "/levels/2/level.json", key: "ledger[0].run", rule: .runs, change: set("round02")),
        // (The training entry: renaming the evaluation's would first break the evaluation cost's total.)
        JSONDamage(object: "/levels/2/level.json", key: "ledger[0].phase", rule: .runs, change: set("training")),
        // 9. status
        JSONDamage(object: "/progress.json", key: "finished", rule: .status, change: set(false), reported: ("/", nil)),
        // (IMP+ET stores the levels IMP does: another method would first break the level indices.)
        JSONDamage(object: "/header.json", key: "method", rule: .status, change: set("imp+et"), reported: ("/", nil)),
    ]

    @Test(arguments: jsonDamages) func aChangedJSONValueIsRefusedWithItsRuleAndKey(_ damage: JSONDamage) throws {
        let path = try Damaged.damaged(Damaged.finished) { root in
            try Damaged.editJSON(root, String(damage.object.dropFirst()), key: damage.key, damage.change)
        }
        defer { Damaged.remove(path) }
        let error = refusal(path) { _ = try TicketFile.open($0) }
        expect(error, damage.rule, damage.reported?.object ?? damage.object, key: damage.reported.map(\.key) ?? damage.key)
        // Every reader checks the summaries first.
        let document = refusal(path) { _ = try TicketFile.readDocument($0) }
        #expect(document == error)
    }
}

/// The rules that need more than one JSON value changed: group names, removed levels, tensors,
/// mask sets, the root's attributes, the run in progress.
extension TicketValidationTests {
    @Test func aLevelGroupIsNamedByItsIndex() throws {
        let path = try Damaged.damaged(Damaged.finished) { _ = try $0.createGroup("levels/01") }
        defer { Damaged.remove(path) }
        expect(refusal(path) { _ = try TicketFile.open($0) }, .levelIndices, "/levels/01")
    }

    @Test func aMissingLevelIsAGap() throws {
        let path = try Damaged.damaged(Damaged.finished) { try $0.group("levels").remove("1") }
        defer { Damaged.remove(path) }
        let error = refusal(path) { _ = try TicketFile.open($0) }
        expect(error, .levelIndices, "/levels/1")
        #expect(error?.detail == "is missing: imp stores levels 0, 1, … without gaps, and the file has 0, 2")
    }

    @Test func aOneShotTargetIsItsLevelsPlaceInTheSearch() throws {
        let path = try Damaged.damaged(Damaged.finished) { root in
            try Damaged.editJSON(root, "levels/1/level.json", key: "target") { _ in ["rounds": 1] }
        }
        defer { Damaged.remove(path) }
        expect(refusal(path) { _ = try TicketFile.open($0) }, .levelIndices, "/levels/1/level.json", key: "target")
    }

    /// The level's first prunable weight's mask and the positions it prunes and keeps.
    func maskedLayer(level: Int) throws -> (name: String, pruned: Int, kept: Int) {
        let state = try TicketFile.open(try Damaged.finished.get()).loadLevel(level)
        let weight = try #require(state.parameters.parameters.first { $0.isPrunable && $0.mask != nil })
        let mask = try #require(weight.mask).scalars
        return (weight.name, try #require(mask.firstIndex(of: 0)), try #require(mask.firstIndex(of: 1)))
    }

    @Test func aMaskHoldsOnlyZeroAndOne() throws {
        let layer = try maskedLayer(level: 2)
        let path = try Damaged.damaged(Damaged.finished) { root in
            try Damaged.setEntry(try root.group("levels/2/masks"), layer.name, layer.kept, to: UInt8(2))
        }
        defer { Damaged.remove(path) }
        _ = try TicketFile.open(path)  // the summaries are fine
        let error = refusal(path) { _ = try TicketFile.open($0).loadLevel(2) }
        expect(error, .masks, "/levels/2/masks/\(layer.name)")
        #expect(error?.detail == "entry \(layer.kept) is 2; a mask holds only 0 and 1")
        #expect(refusal(path) { _ = try TicketFile.readDocument($0) } == error)
    }

    @Test func onlyPrunableWeightsHaveMasksOfTheirShapeAndType() throws {
        let state = try TicketFile.open(try Damaged.finished.get()).loadLevel(2)
        let bias = try #require(state.parameters.parameters.first { !$0.isPrunable })
        let layer = try maskedLayer(level: 2)
        let damages: [(String, (HDF5Group) throws -> Void)] = [
            (bias.name, { try $0.write(bias.name, [UInt8](repeating: 1, count: bias.value.count), shape: bias.value.shape) }),
            (
                layer.name,
                { masks in
                    let bits = try masks.read(layer.name, as: UInt8.self).values
                    try masks.remove(layer.name)
                    try masks.write(layer.name, bits.map(Float.init), shape: [bits.count])
                }
            ),
        ]
        for (name, damage) in damages {
            let path = try Damaged.damaged(Damaged.finished) { root in try damage(try root.group("levels/2/masks")) }
            defer { Damaged.remove(path) }
            expect(refusal(path) { _ = try TicketFile.open($0).loadLevel(2) }, .masks, "/levels/2/masks/\(name)")
        }
    }

    @Test func aPrunedWeightIsZero() throws {
        let layer = try maskedLayer(level: 1)
        let path = try Damaged.damaged(Damaged.finished) { root in
            try Damaged.setEntry(try root.group("levels/1/parameters"), layer.name, layer.pruned, to: Float(0.5))
        }
        defer { Damaged.remove(path) }
        let error = refusal(path) { _ = try TicketFile.open($0).loadLevel(1) }
        expect(error, .prunedWeights, "/levels/1/parameters/\(layer.name)")
        #expect(error?.detail == "entry \(layer.pruned) is 0.5 where the mask is 0; a pruned weight is exactly 0")
        #expect(refusal(path) { _ = try TicketFile.readDocument($0) } == error)
    }

    @Test func theKeptCountsAreTheMasksSums() throws {
        let layer = try maskedLayer(level: 2)
        let index = try #require(TicketFile.open(try Damaged.finished.get()).level(2)?.layers.firstIndex { $0.name == layer.name })
        // One more weight pruned, consistently (mask 0, weight 0): only level.json disagrees.
        let path = try Damaged.damaged(Damaged.finished) { root in
            try Damaged.setEntry(try root.group("levels/2/masks"), layer.name, layer.kept, to: UInt8(0))
            try Damaged.setEntry(try root.group("levels/2/parameters"), layer.name, layer.kept, to: Float(0))
        }
        defer { Damaged.remove(path) }
        expect(
            refusal(path) { _ = try TicketFile.open($0).loadLevel(2) }, .keptCounts, "/levels/2/level.json", key: "layers[\(index)].kept")
    }

    /// The first mask set of the running search and its first dataset.
    func maskSet() throws -> (set: String, mask: String) {
        let document = try TicketFile.readDocument(try Damaged.running.get())
        let (set, mask) = try #require(document.masks.sorted { $0.key < $1.key }.first)
        return (set, mask.layout.names[0])
    }

    @Test func aMaskSetHoldsOneZeroOneMaskPerPrunableWeight() throws {
        let (set, first) = try maskSet()
        let values = try Damaged.damaged(Damaged.running) { root in
            try Damaged.setEntry(try root.group("masks/\(set)"), first, 0, to: UInt8(3))
        }
        defer { Damaged.remove(values) }
        _ = try TicketFile.open(values)
        expect(refusal(values) { _ = try TicketFile.readDocument($0) }, .masks, "/masks/\(set)/\(first)")

        let missing = try Damaged.damaged(Damaged.running) { try $0.group("masks/\(set)").remove(first) }
        defer { Damaged.remove(missing) }
        expect(refusal(missing) { _ = try TicketFile.open($0) }, .masks, "/masks/\(set)")

        let extra = try Damaged.damaged(Damaged.running) { try $0.group("masks/\(set)").write("fc1.bias", [UInt8(1)]) }
        defer { Damaged.remove(extra) }
        expect(refusal(extra) { _ = try TicketFile.open($0) }, .masks, "/masks/\(set)/fc1.bias")
    }

    @Test func theRunInProgressIsAKnownUnfinishedRun() throws {
        let path = try Damaged.damaged(Damaged.running) { root in
            try Damaged.editJSON(root, "progress.json", key: "current.setup.id") { _ in "eb.searching" }
        }
        defer { Damaged.remove(path) }
        expect(refusal(path) { _ = try TicketFile.open($0) }, .runs, "/progress.json", key: "current.setup.id")
    }

    @Test func theRunInProgressCountsAtLeastOneImagePerEpoch() throws {
        let stored = try TicketFile.open(try Damaged.running.get())
        #expect((stored.progress.current?.imagesPerEpoch ?? 0) >= 1)
        let path = try Damaged.damaged(Damaged.running) { root in
            try Damaged.editJSON(root, "progress.json", key: "current.imagesPerEpoch") { _ in 0 }
        }
        defer { Damaged.remove(path) }
        expect(refusal(path) { _ = try TicketFile.open($0) }, .ranges, "/progress.json", key: "current.imagesPerEpoch")
    }

    @Test func theSearchsTimeLeftIsFiniteAndNotNegative() throws {
        let stored = try TicketFile.open(try Damaged.running.get())
        #expect((stored.progress.current?.searchSecondsLeft ?? -1) >= 0)
        let path = try Damaged.damaged(Damaged.running) { root in
            try Damaged.editJSON(root, "progress.json", key: "current.searchSecondsLeft") { _ in -5.0 }
        }
        defer { Damaged.remove(path) }
        expect(refusal(path) { _ = try TicketFile.open($0) }, .ranges, "/progress.json", key: "current.searchSecondsLeft")
    }

    @Test func theStatusAttributeSaysWhatProgressSays() throws {
        for (fixture, status) in [(Damaged.finished, "running"), (Damaged.running, "complete")] {
            let path = try Damaged.damaged(fixture) { try $0.setAttribute("status", string: status) }
            defer { Damaged.remove(path) }
            expect(refusal(path) { _ = try TicketFile.open($0) }, .status, "/")
        }
    }

    @Test func aFinishedSearchKeepsOnlyItsRewindStatesAndNoMaskSet() throws {
        let state = try Damaged.damaged(Damaged.finished) { _ = try $0.createGroup("states/carry") }
        defer { Damaged.remove(state) }
        expect(refusal(state) { _ = try TicketFile.open($0) }, .status, "/states/carry")

        // A complete mask set (so the mask rules hold), left behind.
        let layout = try TicketFile.readDocument(try Damaged.finished.get()).levels[0].map { PrunableLayout($0.state.parameters) }
        let masks = try Damaged.damaged(Damaged.finished) { root in
            let set = try root.createGroup("masks/eb.ticket1")
            for (name, shape) in zip(try #require(layout).names, try #require(layout).shapes) {
                try set.write(name, [UInt8](repeating: 1, count: shape.reduce(1, *)), shape: shape)
            }
        }
        defer { Damaged.remove(masks) }
        expect(refusal(masks) { _ = try TicketFile.open($0) }, .status, "/masks/eb.ticket1")
    }

    @Test func aFinishedSearchEvaluatedEveryLevelOnItsValidationSet() throws {
        let path = try Damaged.damaged(Damaged.finished) { root in
            try Damaged.editJSON(root, "levels/1/level.json") { json in
                var level = try #require(json as? [String: Any])
                level["validationAccuracy"] = nil
                level["validationImages"] = nil
                return level
            }
        }
        defer { Damaged.remove(path) }
        expect(refusal(path) { _ = try TicketFile.open($0) }, .status, "/levels/1/level.json", key: "validationAccuracy")
    }

    @Test func everyStepNameReadsBackAndNoOtherDoes() {
        let steps: [StepID] = [
            .source, .replay, .round(0), .round(12), .final(4), .earlyBirdSearch, .earlyBirdRetrain(level: 2), .snipSaliency,
            .snipTrain(level: 1), .randomTrain(level: 3), .annRound(0), .transfer(round: 8), .gradRTrain(level: 1),
            .deepRTrain(level: 2), .oneShotSearch, .oneShotTrain(level: 5),
        ]
        for step in steps { #expect(StepID(name: step.name) == step, "\(step)") }
        for name in ["", "round", "round-1", "round+1", "round01", "roundx", "ann.round", "eb.retrain 2", "final4.", "Round1"] {
            #expect(StepID(name: name) == nil, "\(name)")
        }
    }
}
