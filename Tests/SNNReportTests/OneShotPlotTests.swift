import Foundation
import SNNTickets
import Testing

@testable import SNNReport

/// The Fig. 3 analogue: one-shot masks found at T_pre and retrained at T_post, one plot for the
/// whole study instead of a method line per (T_pre, T_post) pair.
@Suite("Report: one-shot masks across time steps (Fig. 3)")
struct OneShotPlotTests {
    /// A one-shot run at (pre, post) for `seed`, made from a reproduction summary: level 0 dense
    /// at T_pre, two masks retrained at T_post, accuracies that encode pre, post, mask and seed.
    static func run(pre: Int, post: Int, seed: UInt64 = 0) throws -> (file: String, summary: TicketSummary) {
        var run = try #require(try Repository.reproRuns().first { $0.summary.header.method == .imp })
        run.file = "results/oneshot-pre\(pre)-post\(post)-s\(seed).json"
        run.summary.header.method = .oneShot
        run.summary.header.seed = seed
        run.summary.header.search.searchTimeSteps = pre
        run.summary.header.spec.timeSteps = post
        var levels = Array(run.summary.levels.prefix(3))
        for k in levels.indices {
            levels[k].level = k
            levels[k].round = nil
            levels[k].weightSparsity = [0, 89.91, 95.69][k]
            levels[k].label = ["dense", "89.91%", "95.69%"][k]
            levels[k].timeSteps = k == 0 ? pre : post
            levels[k].testAccuracy = (50 + Double(10 * pre + post) + Double(k) * 0.1 + Double(seed) * 0.02) / 100
        }
        run.summary.levels = levels
        return run
    }

    @Test func accuracyAgainstTPrePerTPostAndMaskWithSeedMeans() throws {
        var runs: [(file: String, summary: TicketSummary)] = []
        for post in 4...5 {
            for pre in 1...post { runs.append(try Self.run(pre: pre, post: post)) }
        }
        runs.append(try Self.run(pre: 3, post: 5, seed: 1))
        let imp = try #require(try Repository.reproRuns().first { $0.summary.header.method == .imp })
        let report = Report(inputs: (runs + [imp]).map { .tickets(file: $0.file, summary: $0.summary) }, generator: "test")
        let plot = try #require(report.plots.first { $0.id == "tickets-one-shot-time-steps" }, "\(report.plots.map(\.id))")
        #expect(
            plot.series.map(\.name) == [
                "T_post = 4, 89.91%", "T_post = 4, 95.69%", "T_post = 5, 89.91%", "T_post = 5, 95.69%",
            ])
        let post5 = plot.series[2].points
        #expect(post5.map(\.x) == [1, 2, 3, 4, 5])
        // Seeds 0 and 1 at (3, 5): accuracies 85.10 and 85.12, mean 85.11.
        #expect(abs(post5[2].y - 85.11) < 1e-9)
        #expect(abs(post5[0].y - (50 + 15 + 0.1)) < 1e-9 && post5[0].low == nil)
        #expect(plot.series[0].points.map(\.x) == [1, 2, 3, 4])
        let row = try #require(plot.table.rows.first { $0[0] == "3" && $0[1] == "5" && $0[2] == "89.91%" })
        #expect(row[4] == "85.11 ± 0.01" && row[5] == "85.01 ± 0.01" && row[6] == "2")
        #expect(plot.table.rows.count == 2 * (4 + 5))
        #expect(plot.references.map(\.name) == ["dense at T = 5: 105.00%"])
        // The pairs are not method lines of Fig. 5; IMP still is.
        let accuracy = try #require(report.plots.first { $0.id == "tickets-accuracy" })
        #expect(accuracy.series.map(\.name) == ["imp"])
        _ = try ParsedPage(HTMLReport.render(report))
    }

    @Test func aLoneOneShotRunStaysAMethodOfFig5() throws {
        let run = try Self.run(pre: 5, post: 5)
        let report = Report(inputs: [.tickets(file: run.file, summary: run.summary)], generator: "test")
        #expect(!report.plots.contains { $0.id == "tickets-one-shot-time-steps" })
        let accuracy = try #require(report.plots.first { $0.id == "tickets-accuracy" })
        #expect(accuracy.series.map(\.name) == ["oneshot"])
    }
}
