import Foundation
import Testing

@testable import SNNTickets

/// `BestFit.choose`: among the levels that fit every target and budget, the highest validation
/// accuracy; ties by energy on the target, then level; and each reason it cannot choose.
@Suite("best-fit level selection")
struct BestFitTests {
    /// A level summary of a real search, renumbered by `info` (only the level and the
    /// validation accuracy matter here).
    static func template() throws -> LevelInfo {
        let path = Fixture.temporaryPath("template.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var search = SearchConfig(method: .imp, targets: [.rounds(1)])
        search.rewind = .percent(50)
        let document = try Fixture.runSearch(search, training: Fixture.training(epochs: 1), path: path)
        return try #require(document.levels[0]?.info)
    }

    static func info(_ level: Int, validation: Double?, template: LevelInfo) -> LevelInfo {
        var info = template
        info.level = level
        info.validationAccuracy = validation
        info.validationImages = validation == nil ? nil : 50
        return info
    }

    /// A fit on `edge` (energy in pJ, or a violation) and on `loihi2` (always fits, energy reversed).
    static func fit(energy: Double, fits: Bool = true) -> LevelFit {
        let violations = fits ? [] : [FitViolation(constraint: "[cores] cores = 64", message: "too many cores", prunable: true)]
        return LevelFit(targets: [
            TargetFit(
                target: "edge", cores: 10, coresAvailable: 64, memoryBytes: 1, synapticOps: 1, energyPicojoules: energy,
                latencySeconds: 1, activity: nil, violations: violations),
            TargetFit(
                target: "loihi2", cores: 1, coresAvailable: 128, memoryBytes: 1, synapticOps: 1, energyPicojoules: 1000 - energy,
                latencySeconds: 1, activity: nil, violations: []),
        ])
    }

    @Test func highestValidationAmongFittingLevelsThenEnergyThenLevel() throws {
        let t = try Self.template()
        let levels = [0.90, 0.70, 0.80, 0.80, 0.80].enumerated().map { Self.info($0.offset, validation: $0.element, template: t) }
        // Level 0 has the best validation accuracy but does not fit; 2, 3 and 4 tie.
        let fits = [
            0: Self.fit(energy: 100, fits: false), 1: Self.fit(energy: 10), 2: Self.fit(energy: 50), 3: Self.fit(energy: 40),
            4: Self.fit(energy: 40),
        ]
        let edge = try BestFit.choose(levels: levels, fits: fits, target: "edge")
        #expect(edge.level == 3 && edge.candidates == [1, 2, 3, 4] && edge.tiedWith == [2, 4])
        #expect(edge.fit.target == "edge" && edge.fit.energyPicojoules == 40)
        // On loihi2 the energies reverse: level 2 is the cheapest of the tied.
        #expect(try BestFit.choose(levels: levels, fits: fits, target: "loihi2").level == 2)
        // No target: the first one the search checked.
        #expect(try BestFit.choose(levels: levels, fits: fits, target: nil).level == 3)
        // A clear winner needs no tie-break.
        let clear = try BestFit.choose(
            levels: levels.map { $0.level == 1 ? Self.info(1, validation: 0.85, template: t) : $0 }, fits: fits, target: "edge")
        #expect(clear.level == 1 && clear.tiedWith.isEmpty)
    }

    @Test func errors() throws {
        let t = try Self.template()
        let levels = [Self.info(0, validation: 0.5, template: t), Self.info(1, validation: nil, template: t)]
        #expect(throws: BestFitError.noFits) { try BestFit.choose(levels: levels, fits: [:], target: "edge") }
        let fits = [0: Self.fit(energy: 10), 1: Self.fit(energy: 5)]
        #expect(throws: BestFitError.targetNotChecked(target: "loihi", checked: ["edge", "loihi2"])) {
            try BestFit.choose(levels: levels, fits: fits, target: "loihi")
        }
        #expect(throws: BestFitError.noValidation(levels: [1])) { try BestFit.choose(levels: levels, fits: fits, target: "edge") }
        let none = [0: Self.fit(energy: 10, fits: false), 1: Self.fit(energy: 5, fits: false)]
        let error = #expect(throws: BestFitError.self) { try BestFit.choose(levels: levels, fits: none, target: "edge") }
        guard case .noLevelFits(let failures) = error else {
            Issue.record("expected noLevelFits, got \(String(describing: error))")
            return
        }
        #expect(failures.map(\.level) == [0, 1] && failures.allSatisfy { $0.target == "edge" })
        #expect(error?.reason.contains("level 0 (edge: [cores] cores = 64), level 1 (edge: [cores] cores = 64)") == true)
        #expect(error?.reason.contains("the last one fails 'edge': too many cores ([cores] cores = 64)") == true)
    }
}
