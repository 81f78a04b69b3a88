import Foundation
import FoundationXML
import SNNTickets
import Testing

@testable import SNNReport

/// The repository's files the tests read.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The reproduction's `snnc prune --json` summaries (experiments/repro/results), as `(file, summary)`.
    static func reproRuns() throws -> [(file: String, summary: TicketSummary)] {
        let folder = root + "/experiments/repro/results"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try names.map { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            return (file: "results/" + name, summary: try decoder.decode(TicketSummary.self, from: data))
        }
    }
}

/// The page parsed as XML, and its parts as the tests look at them.
struct ParsedPage {
    let document: XMLDocument

    init(_ html: String) throws {
        document = try XMLDocument(data: Data(html.utf8), options: [])
    }

    /// Elements matching an XPath (the XHTML and SVG namespaces ignored via local-name()).
    func nodes(_ xpath: String, in node: XMLNode? = nil) throws -> [XMLElement] {
        try (node ?? document).nodes(forXPath: xpath).compactMap { $0 as? XMLElement }
    }

    /// Every figure element.
    func figures() throws -> [XMLElement] { try nodes("//*[local-name()='figure']") }

    /// The data points of a figure's series named `series`: `(x, y)` from `data-x`/`data-y`.
    func points(_ figure: XMLElement, series: String) throws -> [(x: Double, y: Double)] {
        try nodes(".//*[@data-series][not(local-name()='polygon' and @class='band')]", in: figure)
            .filter { attribute($0, "data-series") == series }
            .compactMap { e in
                guard let x = attribute(e, "data-x").flatMap(Double.init), let y = attribute(e, "data-y").flatMap(Double.init)
                else { return nil }
                return (x, y)
            }
    }
}

/// An attribute's value (FoundationXML's `attribute(forName:)` misses them under a default namespace).
func attribute(_ element: XMLElement, _ name: String) -> String? {
    element.attributes?.first { $0.localName == name || $0.name == name }?.stringValue
}

/// Mean and sample standard deviation, computed here independently of SNNReport.
func meanAndSD(_ values: [Double]) -> (mean: Double, sd: Double?) {
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return (mean, nil) }
    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
    return (mean, variance.squareRoot())
}
