import Foundation
import SNNTickets
import Testing

/// `snnc prune --scope chip` on the small model and a 16-core copy of `edge` that stores every
/// conv synapse unrolled (`weight_sharing = false`): conv2's 288 weights, whose magnitudes are
/// the model's largest, take 12 of the 21 cores the dense model needs, so global ranking (which
/// prunes fc1 first) does not fit, and chip scope, which gives conv2 its share, does.
@Suite("snnc prune --scope chip: pruning where the chip binds")
struct ChipScopePruneCLITests {
    let cli = CLITests()

    /// `edge` with 16 cores and unrolled conv synapses.
    func unrolledProfile(in dir: String) throws -> String {
        try EdgeProfileCopy.write(name: "unrolled", cores: 16, unrolled: true, in: dir)
    }

    /// The cores of `population` on the first target in level `k`'s stored fit.
    func cores(_ file: TicketFile, level k: Int, _ population: String) -> Int? {
        file.fits[k]?.targets.first?.layers?.first { $0.population == population }?.cores
    }

    @Test func chipScopeFitsAfterOneRoundWhereGlobalRankingEmptiesALayerFirst() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let profile = try unrolledProfile(in: dir)
        let global = try cli.run(PruneFitCLITests.small + ["--until-fits", "--target", profile, "-o", dir + "/g.h5"])
        #expect(global.status == 1)
        #expect(global.stderr.contains("every kept weight is zero"), "\(global.stderr)")
        let globalFile = try TicketFile.open(dir + "/g.h5")
        // Level 0 needs 21 cores: conv2's synapses set lif2's 12 (its neurons need 2). Global
        // rounds leave conv2 alone: lif2 still needs 10 cores or more at every level.
        let lif2 = try #require(globalFile.fits[0]?.targets.first?.layers?.first { $0.population == "lif2" })
        #expect(lif2.cores == 12 && lif2.neuronCores == 2 && lif2.limits == ["synapse memory"] && lif2.weights == ["conv2"])
        #expect(globalFile.fits.count >= 3 && globalFile.fits.values.allSatisfy { !$0.fits })
        // (The last level, with fc1 emptied, does not compile: no cores to compare.)
        for k in globalFile.fits.keys.sorted().dropLast() { #expect((cores(globalFile, level: k, "lif2") ?? 0) >= 10, "level \(k)") }

        let result = try cli.run(PruneFitCLITests.small + ["--until-fits", "--scope", "chip", "--target", profile, "-o", dir + "/c.h5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains("round 1 prunes 1689 weights, 1682 in the layers binding a target: conv1 18, conv2 144, fc1 1520"),
            "\(result.stderr)")
        let chip = try TicketFile.open(dir + "/c.h5")
        #expect(chip.header.search.scope == .chip)
        #expect(chip.levels.map(\.level) == [0, 1])
        let fit = try #require(chip.fits[1]?.targets.first)
        #expect(fit.fits && (fit.cores ?? 99) <= 16, "\(fit)")
        #expect((cores(chip, level: 1, "lif2") ?? 99) < 10)
        // The same count as a global round: both level 1s keep the same number of weights.
        #expect(chip.level(1)?.sparsity.kept == globalFile.level(1)?.sparsity.kept && chip.level(1)?.sparsity.kept == 6756 - 1689)
    }

    /// Killed after every epoch (`--stop-after-epochs 1`) and resumed: the same levels, masks and
    /// fits; the round after the fit ranks globally.
    @Test func aKilledChipScopeSearchResumesToTheSameBits() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let profile = try unrolledProfile(in: dir)
        let options = ["--until-fits", "--extra-rounds-after-fit", "1", "--scope", "chip", "--target", profile]
        let straight = try cli.run(PruneFitCLITests.small + options + ["-o", dir + "/a.h5"])
        #expect(straight.status == 0, "\(straight.stderr)")
        #expect(straight.stderr.contains("round 2 prunes 1266 weights by global rank (no layer binds)"), "\(straight.stderr)")
        var killed = try cli.run(PruneFitCLITests.small + options + ["--stop-after-epochs", "1", "-o", dir + "/b.h5"])
        var restarts = 0
        while !killed.stderr.contains("nothing to do") && restarts < 12 {
            #expect(killed.status == 0, "\(killed.stderr)")
            killed = try cli.run(["prune", "--resume", "--stop-after-epochs", "1", "-o", dir + "/b.h5"])
            restarts += 1
        }
        #expect(restarts >= 2)
        let a = try TicketFile.readDocument(dir + "/a.h5")
        let b = try TicketFile.readDocument(dir + "/b.h5")
        #expect(a.levels.keys.sorted() == [0, 1, 2] && b.levels.keys.sorted() == [0, 1, 2])
        for k in a.levels.keys {
            #expect(a.levels[k]?.state.parameters == b.levels[k]?.state.parameters, "level \(k)")
            #expect(a.levels[k]?.fit == b.levels[k]?.fit, "level \(k)")
        }
    }

    @Test func optionErrors() throws {
        let dir = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = ["-o", dir + "/x.h5"]
        let noTarget = try cli.run(PruneFitCLITests.small + ["--rounds", "1", "--scope", "chip"] + out)
        #expect(noTarget.status == 64)
        #expect(
            noTarget.stderr.contains("--scope chip prunes where a target's cores bind; give at least one --target"), "\(noTarget.stderr)")
        let eb = try cli.run(PruneFitCLITests.small.dropLast() + ["eb", "--sparsity", "50", "--scope", "chip", "--target", "edge"] + out)
        #expect(eb.status == 64 && eb.stderr.contains("--scope chip works with --method imp or imp+et"), "\(eb.stderr)")
        let ties = try cli.run(
            PruneFitCLITests.small + ["--rounds", "1", "--scope", "chip", "--ties", "keep-ties", "--target", "edge"] + out)
        #expect(ties.status != 0 && ties.stderr.contains("--scope chip prunes an exact count; drop --ties keep-ties"), "\(ties.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.h5"))
        let resume = try cli.run(["prune", "--resume", "--scope", "chip", "--target", "edge"] + out)
        #expect(resume.stderr.contains("--resume continues with the settings stored in the ticket file"), "\(resume.stderr)")
    }
}
