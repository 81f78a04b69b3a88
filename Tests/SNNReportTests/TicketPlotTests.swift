import Foundation
import SNNTickets
import Testing

@testable import SNNReport

/// The ticket plots on the reproduction's real summaries (experiments/repro/results).
@Suite("Report: ticket plots")
struct TicketPlotTests {
    static func report() throws -> Report {
        Report(inputs: try Repository.reproRuns().map { .tickets(file: $0.file, summary: $0.summary) }, generator: "test")
    }

    static func plot(_ report: Report, _ id: String) throws -> Plot {
        try #require(report.plots.first { $0.id == id }, "no plot \(id) in \(report.plots.map(\.id))")
    }

    @Test func accuracyIsTheMeanAndSDOverSeedsOfEveryFullTLevel() throws {
        let runs = try Repository.reproRuns()
        let plot = try Self.plot(try Self.report(), "tickets-accuracy")
        // Methods in the paper's order, eb-c1 told apart from eb by its file name.
        #expect(plot.series.map(\.name) == ["imp", "imp+et", "eb", "eb-c1", "eb+et", "snip", "random", "transfer"])
        let imp = try #require(plot.series.first { $0.name == "imp" })
        let impRuns = runs.filter { $0.summary.header.method == .imp }
        #expect(impRuns.count == 2)
        #expect(imp.points.count == 11)
        for (k, point) in zip(1...11, imp.points) {
            let infos = impRuns.compactMap { run in run.summary.levels.first { $0.level == k } }
            let accuracy = meanAndSD(infos.map { 100 * $0.testAccuracy })
            #expect(abs(point.y - accuracy.mean) < 1e-9)
            #expect(abs(point.x - meanAndSD(infos.map(\.weightSparsity)).mean) < 1e-9)
            let sd = try #require(accuracy.sd)
            #expect(abs((point.high ?? 0) - (accuracy.mean + sd)) < 1e-9 && abs((point.low ?? 0) - (accuracy.mean - sd)) < 1e-9)
        }
        // IMP+ET: only the rounds retrained at the full T (4 and 8).
        let impET = try #require(plot.series.first { $0.name == "imp+et" })
        #expect(impET.points.count == 2)
        // A single seed has no band.
        let snip = try #require(plot.series.first { $0.name == "snip" })
        #expect(snip.points.allSatisfy { $0.low == nil && $0.high == nil })
        // The dense line: level 0 of both IMP seeds (IMP+ET's level 0 ran at T_early) = README's 74.69 ± 3.41.
        let dense = try #require(plot.references.first)
        #expect(abs(dense.y - meanAndSD(impRuns.map { 100 * $0.summary.levels[0].testAccuracy }).mean) < 1e-9)
        #expect(dense.name == "dense 74.69 ± 3.41%")
        // The table shows the same numbers.
        let round8 = meanAndSD(impRuns.compactMap { $0.summary.levels.first { $0.level == 8 }.map { 100 * $0.testAccuracy } })
        let text = String(format: "%.2f ± %.2f", round8.mean, round8.sd ?? 0)
        #expect(plot.table.rows.contains(["imp", "8", "round 8", "89.99", text, "2"]), "\(plot.table.rows)")
    }

    @Test func costIsSearchPlusTrainingOfTheTicket() throws {
        let runs = try Repository.reproRuns()
        let report = try Self.report()
        let work = try Self.plot(report, "tickets-cost-work")
        let time = try Self.plot(report, "tickets-cost-time")
        let snip = try #require(runs.first { $0.summary.header.method == .snip }).summary
        let workPoints = try #require(work.series.first { $0.name == "snip" }).points
        let timePoints = try #require(time.series.first { $0.name == "snip" }).points
        for (info, (w, t)) in zip(snip.levels, zip(workPoints, timePoints)) {
            #expect(abs(w.x - Double(info.searchCost.work + info.trainCost.work) / 1e12) < 1e-12)
            #expect(abs(t.x - (info.searchCost.seconds + info.trainCost.seconds) / 60) < 1e-9)
            #expect(abs(w.y - 100 * info.testAccuracy) < 1e-9)
        }
    }

    @Test func densityAndSpikesComeFromTheLevels() throws {
        let runs = try Repository.reproRuns()
        let report = try Self.report()
        let density = try Self.plot(report, "tickets-density")
        let random = try #require(runs.first { $0.summary.header.method == .random }).summary
        let last = try #require(random.levels.last)
        let series = try #require(density.series.first { $0.name.hasPrefix("random ") })
        #expect(series.name == "random (89.91%)")
        // Every method at the highest sparsity all of them reached: IMP at round 8, not its sparsest round 11.
        #expect(density.series.map(\.name).contains("imp (89.99%)"))
        #expect(!density.series.map(\.name).contains("imp (95.78%)"))
        #expect(density.x.categories == last.layers.map { $0.name.replacingOccurrences(of: ".weight", with: "") })
        let expected = last.layers.map { 100 * Double($0.kept) / Double($0.count) }
        #expect(series.points.count == expected.count)
        for (point, value) in zip(series.points, expected) { #expect(abs(point.y - value) < 1e-12) }

        let spikes = try Self.plot(report, "tickets-spikes-imp")
        let impRuns = runs.filter { $0.summary.header.method == .imp }
        #expect(spikes.series.map(\.name) == impRuns[0].summary.levels[0].spikes.map(\.node))
        let lif3 = try #require(spikes.series.first { $0.name == "lif3" })
        #expect(lif3.points.count == 12)  // rounds 0 to 11
        for (k, point) in lif3.points.enumerated() {
            let values = impRuns.compactMap { $0.summary.levels.first { $0.level == k }?.spikes.first { $0.node == "lif3" }?.spikes }
            #expect(abs(point.y - meanAndSD(values).mean) < 1e-9)
        }
    }

    @Test func earlyTimeGainsAreTable1sDeltaRows() throws {
        let runs = try Repository.reproRuns()
        let plot = try Self.plot(try Self.report(), "tickets-early-time")
        // The figures the former scripts/tickets-report.py printed into experiments/repro/report.md.
        #expect(plot.table.rows.first == ["imp+et", "imp", "round 4", "68.36", "-1.50", "1.27", "1.31", "2 / 2"])
        #expect(plot.table.rows.count == 4)
        // Round 8 computed here: IMP's whole chain (search + training of the ticket), means over seeds.
        func chain(_ method: TicketMethod) -> [Double] {
            runs.filter { $0.summary.header.method == method }.compactMap { run in
                run.summary.levels.first { $0.round == 8 }.map { Double($0.searchCost.work + $0.trainCost.work) }
            }
        }
        let gain = meanAndSD(chain(.imp)).mean / meanAndSD(chain(.impET)).mean
        let work = try #require(plot.series.first { $0.name == "work gain" })
        #expect(abs(work.points[1].y - gain) < 1e-12)
        // Early-bird: the search phase only.
        func search(_ method: TicketMethod) -> [Double] {
            runs.filter { $0.summary.header.method == method && $0.file.contains("eb-c1") == false }.compactMap { run in
                run.summary.levels.first { $0.level == 2 }.map { Double($0.searchCost.work) }
            }
        }
        #expect(abs(work.points[3].y - meanAndSD(search(.eb)).mean / meanAndSD(search(.ebET)).mean) < 1e-12)
    }

    /// The rows the former scripts/tickets-report.py wrote into experiments/repro/report.md for the same summaries.
    @Test func searchDetailsEqualTheReproductionsMarkdownReport() throws {
        let report = try Self.report()
        let earlyBird = try Self.plot(report, "tickets-early-bird")
        #expect(earlyBird.table.rows.contains(["eb+et seed 1", "89.91%", "2.49", "yes", "11", "1.46"]))
        #expect(earlyBird.table.rows.contains(["eb-c1 seed 0", "68.30%", "2.00", "no (last mask)", "3", "2.19"]))
        #expect(earlyBird.table.rows.count == 10)
        let probe = try Self.plot(report, "tickets-early-time-probe")
        #expect(probe.table.rows.contains(["imp+et seed 1", "1", "2: 1.000, 3: 0.586, 4: 0.494", "0.600", "3"]))
        #expect(probe.references.map(\.y) == [0.6])
        let transfer = try Self.plot(report, "tickets-transfer")
        #expect(
            transfer.table.rows == [
                ["0", "round 4", "68.36", "86.50", "76.36", "82.46"], ["0", "round 8", "89.99", "87.76", "74.20", "82.98"],
            ])
        let times = try Self.plot(report, "tickets-round-time-imp")
        #expect(times.series.map(\.name) == ["imp seed 0", "imp seed 1"])
        let runs = try Repository.reproRuns().filter { $0.summary.header.method == .imp }
        #expect(times.series[0].points.map(\.y) == runs[0].summary.levels.map { $0.trainCost.seconds / 60 })
    }

    @Test func seedsOfOneMethodAndSettingsFormOneGroup() throws {
        let runs = try Repository.reproRuns()
        let groups = TicketGroup.grouping(runs)
        #expect(groups.map(\.name) == ["imp", "imp+et", "eb", "eb-c1", "eb+et", "snip", "random", "transfer"])
        #expect(groups.map(\.runs.count) == [2, 2, 2, 1, 2, 1, 1, 1])
        #expect(TicketGroup.stem("out/results/eb-c1-s12.json") == "eb-c1")
        #expect(TicketGroup.stem("tickets.h5") == "tickets")
    }
}
