import ArgumentParser
import SNNTickets
import Testing

@testable import snnc

/// `snnc prune --method gradr|deepr`: their options and the errors of bad values.
extension CLITests {
    @Test func rewiringOptionsReachTheSearchConfig() throws {
        let gradr = try parse(["--method", "gradr", "--sparsity", "90", "--gradr-alpha", "1e-3", "-o", "t.h5"])
        #expect(gradr.searchOptions.method == .gradR)
        #expect(gradr.rewiring.config(for: .gradR)?.alpha == 1e-3)
        let deepr = try parse(["--method", "deepr", "--sparsity", "80", "--deepr-l1", "0", "--deepr-temperature", "1e-9", "-o", "t.h5"])
        let config = try #require(deepr.rewiring.config(for: .deepR))
        #expect(config.l1 == 0 && config.temperature == 1e-9 && config.alpha == RewiringConfig().alpha)
        #expect(deepr.rewiring.config(for: .imp) == nil)
        let help = SNNC.Prune.helpMessage()
        for text in ["gradr", "deepr", "--gradr-alpha", "--deepr-l1", "--deepr-temperature", "snnc prune --method gradr --sparsity 90"] {
            #expect(help.contains(text), "help lacks \(text)")
        }
    }

    @Test func rewiringOptionsOfAnotherMethodAreRefused() {
        expectRefused(
            ["--method", "imp", "--rounds", "2", "--gradr-alpha", "1e-3", "-o", "t.h5"], "--gradr-alpha applies to --method gradr")
        expectRefused(
            ["--method", "gradr", "--sparsity", "90", "--deepr-l1", "1e-5", "-o", "t.h5"],
            "--deepr-l1 and --deepr-temperature apply to --method deepr")
        expectRefused(
            ["--resume", "--gradr-alpha", "1e-3", "-o", "t.h5"],
            "--resume continues with the settings stored in the ticket file; drop the model, training and "
                + "search options (--data-dir may stay; --rounds or --sparsity extend an imp search)")
    }

    /// Values the search cannot use are diagnostics naming the option, before any training.
    @Test func badRewiringValuesAreDiagnostics() throws {
        func message(_ extra: [String]) throws -> String? {
            let command = try parse(
                ["--model", "small", "--data-dir", Fixture.directory, "--train-subset", "40", "-o", Fixture.temporaryPath("r.h5")]
                    + extra)
            do {
                _ = try command.newDocument()
                return nil
            } catch let diagnostic as Diagnostic {
                return diagnostic.message
            }
        }
        #expect(try message(["--method", "gradr", "--sparsity", "30"])?.contains("target sparsity must be at least 50%") == true)
        #expect(
            try message(["--method", "gradr", "--sparsity", "90", "--gradr-alpha", "0"])?.contains("--gradr-alpha must be a positive")
                == true)
        #expect(
            try message(["--method", "deepr", "--sparsity", "90", "--deepr-l1=-1"])?.contains("--deepr-l1 must be a number ≥ 0") == true)
        #expect(try message(["--method", "deepr", "--sparsity", "100"])?.contains("(0, 100)") == true)
        #expect(try message(["--method", "deepr", "--sparsity", "90"]) == nil)
    }

    @Test func searchTimeStepsIsOneShotsOption() throws {
        let command = try parse(["--method", "oneshot", "--search-timesteps", "2", "--sparsity", "90", "-o", "t.h5"])
        var search = SearchConfig(method: .oneShot, targets: [.sparsity(90)])
        try command.searchOptions.apply(to: &search)
        #expect(search.searchTimeSteps == 2)
        expectRefused(
            ["--method", "imp", "--rounds", "2", "--search-timesteps", "2", "-o", "t.h5"], "--search-timesteps applies to --method oneshot")
        expectRefused(
            ["--method", "oneshot", "--sparsity", "90", "--search-timesteps", "0", "-o", "t.h5"], "--search-timesteps must be at least 1")
        #expect(SNNC.Prune.helpMessage().contains("--search-timesteps"))
    }
}
