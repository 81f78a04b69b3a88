import Foundation
import SNNTrain
import Testing

@testable import SNNTickets

/// The engine's side of `--scope chip`: a weight round reads level k − 1's fit (`layers`) and
/// gives the binding layer its share; a killed IMP+ET search resumes to the same bits. The fit
/// check is a stand-in (conv2's kept weights set lif2's cores); the CLI tests use the compiler.
@Suite("Ticket search: chip scope")
struct ChipScopeSearchTests {
    /// lif2 needs 1 core per 50 kept weights of conv2 (its neurons need 1); the target has 4
    /// cores for it, so a level fits when conv2 keeps at most 199 of its 288 weights.
    static func check(_ state: TrainingState) throws -> LevelFit {
        let layout = PrunableLayout(state.parameters)
        let l = try #require(layout.names.firstIndex(of: "conv2.weight"))
        let kept = WeightMask(state.parameters).keptCount(layer: l)
        let cores = 1 + kept / 50
        let layers = [LayerCores(population: "lif2", cores: cores, neuronCores: 1, limits: ["synapse memory"], weights: ["conv2"])]
        let violations =
            cores <= 4 ? [] : [FitViolation(constraint: "[cores] cores = 4", layer: "lif2", message: "\(cores) cores", prunable: true)]
        return LevelFit(targets: [
            TargetFit(
                target: "stand-in", cores: cores, coresAvailable: 4, memoryBytes: nil, synapticOps: nil, energyPicojoules: nil,
                latencySeconds: nil, activity: nil, violations: violations, layers: layers)
        ])
    }

    static func config(scope: PruningScope, method: TicketMethod = .imp) -> SearchConfig {
        var search = FitSearchFixture.config(extra: 1)
        search.method = method
        search.scope = scope
        return search
    }

    @Test func chipRoundsGiveTheBindingLayerItsShareAndFitSooner() throws {
        let chipPath = Fixture.temporaryPath("chip.h5")
        let globalPath = Fixture.temporaryPath("global.h5")
        defer { for p in [chipPath, globalPath] { try? FileManager.default.removeItem(atPath: p) } }
        let chip = try FitSearchFixture.run(FitSearchFixture.newDocument(Self.config(scope: .chip)), path: chipPath, check: Self.check)
        #expect(chip.progress.finished && chip.levels.keys.sorted() == [0, 1, 2])
        #expect(chip.levels[0]?.fit?.fits == false && chip.levels[1]?.fit?.fits == true)
        // Round 1: conv2 is the only binding layer; its quota is the whole count, capped at half.
        let density = { (k: Int) in chip.levels[k]?.info.layers.first { $0.name == "conv2.weight" }?.kept }
        #expect(density(1) == 144)
        // Round 2 follows a fitting level: global ranking under the cap (conv2's large weights stay).
        #expect(density(2) == 144)
        #expect(
            chip.levels[2]?.info.sparsity.kept == Pruning.keptAfterRounds(chip.levels[0]?.info.sparsity.kept ?? 0, rounds: 2, rate: 0.25))
        // Global ranking takes the smaller fc1 weights first and needs more rounds.
        var global = Self.config(scope: .global)
        global.fit?.maxRounds = 2
        #expect(throws: SearchCannotFit.self) {
            _ = try FitSearchFixture.run(FitSearchFixture.newDocument(global), path: globalPath, check: Self.check)
        }
    }

    /// IMP+ET: the retrained ticket and the T_early chain both read level k − 1's fit; killed after
    /// every two epochs and resumed, the same bits.
    @Test func aKilledEarlyTimeChipSearchResumesToTheSameBits() throws {
        let straightPath = Fixture.temporaryPath("chip-et.h5")
        let killedPath = Fixture.temporaryPath("chip-et-killed.h5")
        defer { for p in [straightPath, killedPath] { try? FileManager.default.removeItem(atPath: p) } }
        let document = try FitSearchFixture.earlyTimeDocument(Self.config(scope: .chip, method: .impET))
        let straight = try FitSearchFixture.run(document, path: straightPath, check: Self.check)
        #expect(straight.levels[1]?.fit?.fits == true)
        #expect(straight.levels[1]?.info.layers.first { $0.name == "conv2.weight" }?.kept == 144)
        let (killed, restarts) = try FitSearchFixture.killedAndResumed(document, path: killedPath, check: Self.check, stopAfter: 2)
        #expect(restarts >= 2)
        expectSameSearch(straight, killed)
        expectSameFits(straight, killed)
    }
}
