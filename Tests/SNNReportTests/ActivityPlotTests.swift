import Foundation
import SNNIR
import Testing

@testable import SNNReport

/// Calibration files and `simulate --json` output without `--compare` or cost figures.
@Suite("Report: activity plots")
struct ActivityPlotTests {
    static let simulation = """
        {"file": "m.snn.h5", "model": "m", "dataset": "fmnist", "images": 4, "time_steps": 2, "threads": 1,
         "spikes": [{"name": "lif1", "units": 8, "events_per_image": 3.5, "events_per_step": [1.5, 2], "rate": 0.21875}],
         "synaptic_events": [], "neuron_updates": [], "synaptic_events_per_image": 10, "neuron_updates_per_image": 16,
         "neurobench": {}}
        """

    @Test func aPlainSimulationGivesItsSpikesPerStep() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let record = try decoder.decode(SimulationRecord.self, from: Data(Self.simulation.utf8))
        #expect(record.comparison == nil && record.cost == nil && record.accuracy == nil)
        let report = Report(inputs: [.simulation(file: "s.json", record: record)], generator: "test")
        #expect(report.plots.map(\.id) == ["simulation0-spikes"])
        #expect(report.plots[0].series.map(\.name) == ["lif1"])
        #expect(report.plots[0].series[0].points.map(\.y) == [1.5, 2])
        #expect(report.plots[0].table.rows == [["lif1", "8", "3.50", "0.2188", "1.50 2.00"]])
        #expect(report.sources.map(\.kind) == ["simulation (simulate --json)"])
    }

    @Test func aCalibrationGivesEveryLayerAtEveryStep() throws {
        let calibration = Calibration(images: 3, events: ["pool1": [0.5, 1], "lif10": [4, 5], "lif2": [2, 3]])
        let report = Report(inputs: [.calibration(file: "c.json", calibration: calibration)], generator: "test")
        let plot = try #require(report.plots.first)
        #expect(plot.series.map(\.name) == ["lif2", "lif10", "pool1"])
        #expect(plot.series.map { $0.points.map(\.y) } == [[2, 3], [4, 5], [0.5, 1]])
        #expect(plot.table.rows.count == 6)
        let page = try ParsedPage(HTMLReport.render(report))
        #expect(try page.figures().count == 1)
    }
}
