import SNNFormat
import SNNInterop
import Testing

@Suite("NIR node kinds")
struct NIRNodeKindTests {
    /// A node type snnc does not import is refused with the same sentence and hint as before the
    /// importer switched over `NIRNodeKind`.
    @Test func unknownTypeKeepsItsError() throws {
        var document = smallDocument()
        document.nodes[2].type = "LI"
        do {
            _ = try NIRImporter.model(from: document)
            Issue.record("a graph with an 'LI' node imported")
        } catch let e as NIRImportError {
            #expect(e.node == "lif" && e.field == "type")
            #expect(e.reason == "snnc cannot import a 'LI' node")
            #expect(e.hint == "supported: Input, Output, Affine, Linear, Conv2d, LIF, IF, CubaLIF, SumPool2d, AvgPool2d, Flatten, Scale")
        }
    }
}
