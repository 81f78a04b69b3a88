import Foundation
import SNNCompiler
import SNNIR
import Testing

@testable import SNNReport

/// The deployment plots of small compiled graphs: the numbers are the estimates' and the placement's.
@Suite("Report: deployment plots")
struct DeploymentPlotTests {
    /// conv 2→4 (3×3) on 8×8, LIF, flatten, linear 256→3: the graph of snnc's Speck CLI test.
    static func graph() -> Graph {
        let conv = ConvLayer(
            inputShape: [2, 8, 8], outChannels: 4, geometry: ConvGeometry(kernelH: 3, kernelW: 3, padH: 1, padW: 1), encoder: true,
            weights: SynapticWeights(weight: DenseTensor(shape: [4, 2, 3, 3], values: (0..<72).map { Float($0 % 7 - 3) / 8 }), bias: nil))
        let fc = LinearLayer(
            inFeatures: 256, outFeatures: 3,
            weights: SynapticWeights(weight: DenseTensor(shape: [3, 256], values: (0..<768).map { Float($0 % 5 - 2) / 8 }), bias: nil))
        return Graph(
            name: "tiny", timeSteps: 2,
            layers: [
                Layer(name: "input", inputs: [], shape: [2, 8, 8], op: .input),
                Layer(name: "conv1", inputs: ["input"], shape: [4, 8, 8], op: .conv(conv)),
                Layer(name: "lif1", inputs: ["conv1"], shape: [4, 8, 8], op: .lif(LIFGroup(tau: 2, threshold: 1))),
                Layer(name: "flatten", inputs: ["lif1"], shape: [256], op: .flatten),
                Layer(name: "fc", inputs: ["flatten"], shape: [3], op: .linear(fc)),
            ],
            inputRange: InputRange(maxAbs: 1, source: "test"))
    }

    static func compiled(_ profileName: String) throws -> (Graph, ChipProfile) {
        var profile = try ChipProfile.named(profileName)
        if profileName == "speck" { profile.numerics.leak = .multiply12 }
        return (try compile(graph(), for: profile), profile)
    }

    @Test func memoryEnergyAndLatencyAreTheEstimates() throws {
        let (graph, profile) = try Self.compiled("edge")
        let e = try #require(graph.estimates)
        let report = Report(
            inputs: [
                .deployment(
                    file: "m.snn.h5", graph: graph, profile: profile,
                    budgets: [BudgetLimit(key: "memory", actual: Double(e.memoryBytes), limit: 1, unit: "B", source: "--budget")])
            ], generator: "test")
        #expect(
            report.plots.map(\.id) == [
                "deployment0-memory", "deployment0-cores", "deployment0-energy", "deployment0-latency", "deployment0-budgets",
            ])
        let memory = report.plots[0]
        #expect(memory.x.categories == e.layers.map(\.layer))
        #expect(memory.series.map(\.name) == ["CSR", "dense", "on chip"])
        #expect(memory.series[0].points.map(\.y) == e.layers.map { Double($0.csrBytes) / 1024 })
        #expect(memory.series[1].points.map(\.y) == e.layers.map { Double($0.denseBytes) / 1024 })
        #expect(memory.series[2].points.map(\.y) == e.layers.map { Double($0.memoryBytes) / 1024 })
        #expect(memory.table.rows.last == ["total", "", "", String(e.csrBytes), String(e.denseBytes), String(e.memoryBytes)])

        let energy = report.plots[2]
        let stacked = e.layers.indices.map { i in energy.series.reduce(0) { $0 + $1.points[i].y } }
        for (sum, layer) in zip(stacked, e.layers) { #expect(abs(sum * 1000 - layer.energy.dynamic) < 1e-6 * max(1, layer.energy.dynamic)) }

        let latency = report.plots[3]
        let cycles = latency.series[0].points.map(\.y)
        #expect(Array(cycles.dropLast()) == e.layers.map(\.cyclesPerStep))
        #expect(abs(cycles.reduce(0, +) - e.cyclesPerStep) < 1e-9 * e.cyclesPerStep)

        let budgets = report.plots[4]
        #expect(budgets.x.categories == ["cores (edge)", "neurons (edge)", "memory (edge)", "memory (--budget)"])
        #expect(budgets.table.rows.map { $0.last } == ["pass", "pass", "pass", "FAIL"])
        #expect(budgets.series[1].points[3].y == 100 * Double(e.memoryBytes))
    }

    @Test func coreMapShowsThePlacementAndTheBindingConstraint() throws {
        let (graph, profile) = try Self.compiled("speck")
        let placement = try #require(graph.placement)
        let report = Report(inputs: [.deployment(file: "s.snn.h5", graph: graph, profile: profile, budgets: [])], generator: "test")
        let plot = try #require(report.plots.first { $0.kind == .coreMap })
        let map = try #require(plot.coreMap)
        #expect(map.cores.map(\.core) == placement.cores.map(\.core))
        #expect(map.cores.map(\.layer) == placement.cores.map(\.population))
        #expect(map.cores.map { $0.resources[0].used } == placement.cores.map(\.neuronCount))
        // Speck: neuron and kernel memory per core come from the profile's per-core lists.
        let neurons = try #require(profile.cores.neuronMemoryPerCore)
        #expect(map.cores.map { $0.resources[0].capacity } == placement.cores.map { neurons[$0.core] })
        let fullest = map.cores.flatMap(\.resources).max { ($0.fill ?? 0) < ($1.fill ?? 0) }
        #expect(map.binding == fullest?.name)
        #expect(plot.table.rows.count == placement.cores.count)

        let page = try ParsedPage(HTMLReport.render(report))
        let figure = try #require(try page.figures().first { attribute($0, "id") == plot.id })
        let cells = try page.nodes(".//*[@class='core']", in: figure)
        #expect(cells.map { attribute($0, "data-layer") } == placement.cores.map(\.population))
        #expect(try page.nodes(".//*[@class='binding']", in: figure).count == map.cores.filter { $0.binding != nil }.count)
    }

    @Test func withoutAProfileTheMapHasNoFill() throws {
        let (graph, _) = try Self.compiled("edge")
        let report = Report(inputs: [.deployment(file: "m.snn.h5", graph: graph, profile: nil, budgets: [])], generator: "test")
        let map = try #require(report.plots.first { $0.kind == .coreMap }?.coreMap)
        #expect(map.binding == nil)
        #expect(map.cores.allSatisfy { $0.binding == nil })
        #expect(!report.plots.contains { $0.id.hasSuffix("budgets") })
    }
}

/// A mesh of many cores draws one bar per core.
@Suite("Report: large core maps")
struct LargeCoreMapTests {
    @Test func smallCellsShowOnlyTheFullestResource() throws {
        let cells = (0..<400).map { k in
            CoreCell(
                core: k, layer: "lif\(k / 100)",
                resources: [
                    CoreResource(name: "neurons", unit: "neurons", used: k % 7, capacity: 8),
                    CoreResource(name: "synapse memory", unit: "B", used: 10, capacity: 100),
                ])
        }
        let map = CoreMap(columns: 40, cores: cells, binding: "neurons")
        let plot = Plot(
            id: "m", section: "s", title: "t", caption: "c", kind: .coreMap, x: Axis(label: "mesh column", unit: "u"),
            y: Axis(label: "mesh row", unit: "u"), series: (0..<4).map { Series(name: "lif\($0)", points: []) }, coreMap: map,
            table: DataTable(columns: ["core"], rows: cells.map { [String($0.core)] }))
        var report = Report(inputs: [], generator: "test")
        report.plots = [plot]
        let html = HTMLReport.render(report)
        let page = try ParsedPage(html)
        let bars = try page.nodes("//*[@class='fill']")
        #expect(bars.count == 400)
        #expect(bars.map { attribute($0, "data-resource") } == cells.map { $0.binding?.name })
        #expect(try page.nodes("//*[@class='binding']").isEmpty)
        #expect(html.utf8.count < 400 * 900)
    }
}
