import Foundation
import FoundationXML
import SNNIR
import Testing

@testable import SNNReport

/// The page: well-formed XML, and every figure has a title, two axis titles, a legend and a table
/// whose rows are the plot's, with the plotted values on the marks.
@Suite("Report: HTML page")
struct HTMLTests {
    /// Every kind of input at once: the reproduction's searches, two deployments (split cores and
    /// Speck's layer per core), a calibration and a simulation.
    static func everything() throws -> Report {
        let (edge, edgeProfile) = try DeploymentPlotTests.compiled("edge")
        let (speck, speckProfile) = try DeploymentPlotTests.compiled("speck")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let record = try decoder.decode(SimulationRecord.self, from: Data(ActivityPlotTests.simulation.utf8))
        let inputs: [ReportInput] =
            try Repository.reproRuns().map { .tickets(file: $0.file, summary: $0.summary) } + [
                .deployment(file: "e.snn.h5", graph: edge, profile: edgeProfile, budgets: []),
                .deployment(file: "s.snn.h5", graph: speck, profile: speckProfile, budgets: []),
                .calibration(file: "c.json", calibration: Calibration(images: 2, events: ["lif1": [1, 2]])),
                .simulation(file: "s.json", record: record),
            ]
        return Report(inputs: inputs, generator: "test")
    }

    @Test func everyFigureHasTitleAxesLegendAndTable() throws {
        let report = try Self.everything()
        #expect(Set(report.plots.map(\.kind)) == [.lines, .bars, .stackedBars, .coreMap])
        let page = try ParsedPage(HTMLReport.render(report))
        let figures = try page.figures()
        #expect(figures.count == report.plots.count)
        for (figure, plot) in zip(figures, report.plots) {
            #expect(attribute(figure, "id") == plot.id)
            let heading = try page.nodes(".//*[local-name()='h3']", in: figure).first?.stringValue
            #expect(heading == plot.title)
            let svgTitle = try page.nodes(".//*[local-name()='svg']/*[local-name()='title']", in: figure).first?.stringValue
            #expect(svgTitle == plot.title)
            let axes = try page.nodes(".//*[@class='axis-title']", in: figure).map { $0.stringValue ?? "" }
            #expect(Set(axes) == [plot.y.title, plot.x.title] && axes.count == 2, "\(plot.id)")
            #expect(axes.allSatisfy { !$0.isEmpty })
            let legend = try page.nodes(".//*[local-name()='g'][@class='legend']/*[@class='legend-item']", in: figure)
            let names = legend.map { $0.stringValue ?? "" }
            for item in plot.series.map(\.name) + plot.references.map(\.name) {
                #expect(names.contains(clip(item)), "\(plot.id): no legend entry '\(item)' in \(names)")
            }
            if plot.kind != .coreMap { #expect(legend.count == plot.series.count + plot.references.count, "\(plot.id)") }
            let rows = try page.nodes(".//*[local-name()='table']/*[local-name()='tbody']/*[local-name()='tr']", in: figure)
            #expect(rows.count == plot.table.rows.count)
            let cells = try rows.map { try page.nodes("./*[local-name()='td']", in: $0).map { $0.stringValue ?? "" } }
            #expect(cells == plot.table.rows)
            for series in plot.series {
                let marks = try page.points(figure, series: series.name)
                #expect(marks.map(\.x) == series.points.map(\.x), "\(plot.id) \(series.name)")
                #expect(marks.map(\.y) == series.points.map(\.y), "\(plot.id) \(series.name)")
            }
        }
    }

    @Test func thePageIsSelfContained() throws {
        let html = HTMLReport.render(try TicketPlotTests.report())
        #expect(!html.contains("<script"))
        #expect(!html.replacingOccurrences(of: "http://www.w3.org/", with: "").contains("http"))
        #expect(!html.contains("https://"))
        #expect(!html.contains("<link"))
        #expect(html.utf8.count < 2_000_000)
    }

    @Test func textIsEscaped() throws {
        let plot = Plot(
            id: "x", section: "a <section> & \"quotes\"", title: "t < 1 & 'q'", caption: "c > d", kind: .bars,
            x: Axis(label: "layer <", unit: "", categories: ["a&b", "<c>"]), y: Axis(label: "y", unit: "µs"),
            series: [Series(name: "s\"1", points: [Point(x: 0, y: 1), Point(x: 1, y: 2)])],
            table: DataTable(columns: ["<th>"], rows: [["&amp;"]]))
        var report = try TicketPlotTests.report()
        report.plots = [plot]
        report.title = "<b>title</b>"
        let page = try ParsedPage(HTMLReport.render(report))
        let figure = try #require(try page.figures().first)
        #expect(try page.nodes(".//*[local-name()='h3']", in: figure).first?.stringValue == "t < 1 & 'q'")
        #expect(try page.points(figure, series: "s\"1").map(\.y) == [1, 2])
        #expect(try page.nodes("//*[local-name()='td']").last?.stringValue == "&amp;")
    }

    @Test func nothingToPlotStillMakesAPage() throws {
        let report = Report(inputs: [], generator: "test")
        let page = try ParsedPage(HTMLReport.render(report))
        #expect(try page.figures().isEmpty)
    }

    @Test func axisTicksAreRoundNumbers() {
        let scale = AxisScale(values: [55.3, 83.6], includeZero: false, from: 300, to: 20)
        #expect(scale.step == 10 && scale.low == 50 && scale.high == 90)
        #expect(scale.ticks.map(scale.label) == ["50", "60", "70", "80", "90"])
        #expect(scale.position(50) == 300 && scale.position(90) == 20)
        let small = AxisScale(values: [0, 0.37], includeZero: true, from: 0, to: 100)
        #expect(small.step == 0.1 && small.label(0.2) == "0.2")
        let flat = AxisScale(values: [3, 3], includeZero: false, from: 0, to: 1)
        #expect(flat.low < 3 && flat.high > 3)
    }
}

/// Inputs with little or odd data still give a well-formed page.
@Suite("Report: sparse inputs")
struct SparseInputTests {
    @Test func aSearchWithoutLevelsGivesNoEmptyPlots() throws {
        var (file, summary) = try #require(try Repository.reproRuns().first { $0.summary.header.method == .snip })
        summary.levels = []
        summary.complete = false
        let report = Report(inputs: [.tickets(file: file, summary: summary)], generator: "test")
        #expect(report.plots.isEmpty)
        #expect(report.sources.first?.summary.hasSuffix("0 levels (search not finished)") == true)
        let page = try ParsedPage(HTMLReport.render(report))
        #expect(try page.figures().isEmpty)
    }

    @Test func nonFiniteValuesAreLeftOutOfTheDrawing() throws {
        let plot = Plot(
            id: "n", section: "s", title: "t", caption: "c", kind: .lines, x: Axis(label: "x", unit: "u"), y: Axis(label: "y", unit: "u"),
            series: [Series(name: "a", points: [Point(x: 0, y: 1), Point(x: 1, y: .nan), Point(x: .infinity, y: 2), Point(x: 2, y: 3)])],
            table: DataTable(columns: ["x"], rows: [["0"]]))
        var report = Report(inputs: [], generator: "test")
        report.plots = [plot]
        let page = try ParsedPage(HTMLReport.render(report))
        let figure = try #require(try page.figures().first)
        #expect(try page.points(figure, series: "a").map(\.y) == [1, 3])
        #expect(try report.json().contains("\"nan\""))
    }
}
