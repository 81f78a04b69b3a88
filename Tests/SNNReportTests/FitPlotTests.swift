import Foundation
import SNNTickets
import Testing

@testable import SNNReport

/// The fit plot of a chip-aware search: one series per target, the table equal to the stored fits.
@Suite("Report: chip fit of every level")
struct FitPlotTests {
    static func run() throws -> (file: String, summary: TicketSummary) {
        var run = try #require(try Repository.reproRuns().first { $0.summary.header.method == .imp })
        let edge = { (level: Int) in
            TargetFit(
                target: "edge", cores: 75 - 5 * level, coresAvailable: 64, memoryBytes: 400_000 - 20_000 * level,
                synapticOps: 1e6, energyPicojoules: 2.5e7, latencySeconds: 1e-3, activity: "assumed rate 0.1",
                violations: level < 3
                    ? [FitViolation(constraint: "[cores] cores = 64", message: "needs \(75 - 5 * level) cores", prunable: true)] : [])
        }
        let speck = TargetFit(
            target: "speck", cores: nil, coresAvailable: 9, memoryBytes: nil, synapticOps: nil, energyPicojoules: nil,
            latencySeconds: nil, activity: nil,
            violations: [FitViolation(constraint: "[numerics] leak = \"subtract\"", message: "LIF", prunable: false)])
        run.summary.fits = Dictionary(uniqueKeysWithValues: (0...4).map { (String($0), LevelFit(targets: [edge($0), speck])) })
        return run
    }

    @Test func coresPerTargetAndTheTableEqualTheStoredFits() throws {
        let run = try Self.run()
        let report = Report(inputs: [.tickets(file: run.file, summary: run.summary)], generator: "test")
        let plot = try #require(report.plots.first { $0.id.hasPrefix("tickets-fit-") }, "\(report.plots.map(\.id))")
        #expect(plot.series.map(\.name) == ["edge", "speck"])
        let levels = run.summary.levels.filter { $0.level <= 4 }
        #expect(plot.series[0].points.map(\.y) == levels.map { Double(75 - 5 * $0.level) })
        #expect(plot.series[0].points.map(\.x) == levels.map(\.weightSparsity))
        #expect(plot.series[1].points.isEmpty, "speck never compiled")
        #expect(plot.references.map(\.y) == [64, 9])
        #expect(plot.table.rows.count == 2 * levels.count)
        let level3 = try #require(plot.table.rows.first { $0[0] == "3" && $0[2] == "edge" })
        #expect(level3[3] == "60 / 64" && level3.last == "yes")
        #expect(plot.table.rows.first { $0[0] == "0" && $0[2] == "edge" }?.last == "no: [cores] cores = 64")
        #expect(plot.table.rows.first { $0[2] == "speck" }?.last == "no: [numerics] leak = \"subtract\"")
        // The page with this plot is still well-formed XHTML, and the plot is one of its figures.
        let html = HTMLReport.render(report)
        _ = try ParsedPage(html)
        #expect(html.contains("<figure id=\"\(plot.id)\""))
    }

    @Test func aSearchWithoutTargetsHasNoFitPlot() throws {
        var run = try Self.run()
        run.summary.fits = nil
        let report = Report(inputs: [.tickets(file: run.file, summary: run.summary)], generator: "test")
        #expect(!report.plots.contains { $0.id.hasPrefix("tickets-fit-") })
    }

    @Test func aLevelShortOfCoresIsPlottedAtTheCoresItsCutNeeds() throws {
        var run = try Self.run()
        let layers = [
            LayerCores(population: "lif1", cores: 16, neuronCores: 8, limits: ["fan-out"], weights: ["conv2"]),
            LayerCores(population: "lif2", cores: 70, neuronCores: 8),
        ]
        let short = TargetFit(
            target: "edge", cores: nil, coresAvailable: 64, memoryBytes: nil, synapticOps: nil, energyPicojoules: nil,
            latencySeconds: nil, activity: nil,
            violations: [FitViolation(constraint: "[cores] cores = 64", message: "needs 86 cores", prunable: true)], layers: layers)
        #expect(short.coresNeeded == 86)
        let unknown = TargetFit(
            target: "edge", cores: nil, coresAvailable: 64, memoryBytes: nil, synapticOps: nil, energyPicojoules: nil,
            latencySeconds: nil, activity: nil, violations: short.violations)
        #expect(unknown.coresNeeded == nil)
        let speck = try #require(run.summary.fits?["0"]?.targets[1])
        run.summary.fits?["0"] = LevelFit(targets: [short, speck])
        let report = Report(inputs: [.tickets(file: run.file, summary: run.summary)], generator: "test")
        let plot = try #require(report.plots.first { $0.id.hasPrefix("tickets-fit-") })
        #expect(plot.series[0].points.first?.y == 86)
        #expect(plot.table.rows.first { $0[0] == "0" && $0[2] == "edge" }?[3] == "86 / 64")
    }
}
