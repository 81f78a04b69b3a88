import Foundation
import SNNTickets

/// A report: the inputs it was made from and the plots they allow, in page order.
public struct Report: Sendable, Equatable, Encodable {
    /// One input file as the report lists it.
    public struct Source: Sendable, Equatable, Encodable {
        /// The file as given.
        public var file: String
        /// `ticket search`, `deployment file`, …
        public var kind: String
        /// One line on what it holds.
        public var summary: String
    }

    /// The page title.
    public var title: String
    /// The tool and version that wrote it.
    public var generator: String
    /// The inputs, in command-line order.
    public var sources: [Source]
    /// Every plot, grouped by section in input order.
    public var plots: [Plot]

    /// Builds the report of `inputs`: ticket searches first (all together: methods and seeds are
    /// compared across files), then each deployment, calibration and simulation in input order.
    public init(inputs: [ReportInput], title: String = "snnc report", generator: String) {
        self.title = title
        self.generator = generator
        sources = inputs.map { Source(file: $0.file, kind: $0.kind, summary: Self.summary($0)) }
        let runs = inputs.compactMap { input -> (file: String, summary: TicketSummary)? in
            if case .tickets(let file, let summary) = input { return (file: file, summary: summary) }
            return nil
        }
        var plots = TicketPlots.plots(runs)
        for (index, input) in inputs.enumerated() {
            switch input {
            case .tickets: break
            case .deployment(let file, let graph, let profile, let budgets):
                plots += DeploymentPlots.plots(file: file, graph: graph, profile: profile, budgets: budgets, index: index)
            case .calibration(let file, let calibration):
                plots.append(ActivityPlots.calibration(calibration, file: file, index: index))
            case .simulation(let file, let record):
                plots += ActivityPlots.simulation(record, file: file, index: index)
            }
        }
        // A search without finished levels, say, leaves plots with nothing to draw.
        plots.removeAll { plot in plot.coreMap == nil && plot.references.isEmpty && plot.series.allSatisfy(\.points.isEmpty) }
        var seen: [String: Int] = [:]
        for i in plots.indices {
            let id = plots[i].id
            seen[id, default: 0] += 1
            if let n = seen[id], n > 1 { plots[i].id = "\(id)-\(n)" }
        }
        self.plots = plots
    }

    private static func summary(_ input: ReportInput) -> String {
        switch input {
        case .tickets(_, let s):
            let h = s.header
            return "\(h.method.rawValue), seed \(h.seed), \(h.spec.architecture.rawValue) width \(h.spec.width), T = \(h.spec.timeSteps); "
                + "\(s.levels.count) level\(s.levels.count == 1 ? "" : "s")" + (s.complete ? "" : " (search not finished)")
        case .deployment(_, let graph, let profile, _):
            let e = graph.estimates
            return "'\(graph.name)' for \(graph.target ?? "?")" + (profile == nil ? " (profile not found)" : "")
                + ", T = \(graph.timeSteps)"
                + (e.map { ", \($0.cores) cores, \($0.layers.count) synaptic layers; \($0.activity.label)" } ?? "")
        case .calibration(_, let c):
            return "\(c.images) images, \(c.events.count) layers"
        case .simulation(_, let r):
            return "\(r.file): \(r.images) images, T = \(r.timeSteps)" + (r.comparison.map { "; compared with \($0.model)" } ?? "")
        }
    }

    /// The report as JSON: the data behind every plot (pretty-printed, keys sorted).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
