import SNNCompare
import SNNCompiler
import SNNData
import SNNDiagnostics
import SNNFormat
import SNNIR
import SNNSimulator
import SNNStore
import Testing

@testable import SNNInterop
@testable import SNNTickets
@testable import SNNTrain
@testable import snnc

/// Every library error maps to the CLI's `Error:/At:/Hint:` diagnostic through `SNNError`.
@Suite("Diagnostics of library errors")
struct DiagnosticTests {
    /// The diagnostic `snnc` prints for `error`, as (message, location, hint).
    static func parts(_ error: any Error) throws -> (String, String?, String?) {
        let diagnostic = try #require(Diagnostic(known: error), "\(type(of: error)) is not an SNNError")
        return (diagnostic.message, diagnostic.location, diagnostic.hint)
    }

    @Test func theFourTypesMappedBeforeKeepTheirDiagnostics() throws {
        let hdf5 = HDF5Error(.notHDF5, file: "m.h5", object: "/snnc", reason: "not an HDF5 file")
        #expect(try Self.parts(hdf5) == ("not an HDF5 file", "m.h5:/snnc", "check that the file was written completely by snnc"))
        let own = HDF5Error(.fileNotFound, file: "m.h5", reason: "no such file", hint: "check the path")
        #expect(try Self.parts(own) == ("no such file", "m.h5", "check the path"))

        let deployment = DeploymentFileError(path: "d.snn.h5", object: nil, reason: "not a deployment file")
        #expect(try Self.parts(deployment) == ("not a deployment file", "d.snn.h5", "export the model again with 'snnc export'"))

        let diverged = TrainingDiverged(epoch: 2, loss: .nan, run: "imp/level-1")
        #expect(
            try Self.parts(diverged) == (
                "training diverged: the loss became nan in epoch 3 of run imp/level-1", nil,
                "lower the learning rate (--lr) and start again with --force; the file keeps the last finished epoch"
            ))

        let checkpoint = CheckpointError(path: "c.h5", reason: "not a checkpoint", hint: nil)
        #expect(try Self.parts(checkpoint) == ("not a checkpoint", "c.h5", "pass a checkpoint written by 'snnc train'"))
    }

    @Test func errorsWithPlacesPutThemOnTheAtLine() throws {
        let compile = CompileError(
            .capacity, layer: "conv3", limit: "[cores] neurons_per_core = 1024",
            reason: "needs 2048 neurons on one core", hint: "use a wider target")
        #expect(
            try Self.parts(compile) == (
                "needs 2048 neurons on one core", "layer 'conv3'; limit [cores] neurons_per_core = 1024",
                "use a wider target"
            ))
        #expect(try Self.parts(CompileError(.passOrder, reason: "x")) == ("x", nil, nil))

        let toml = TOMLError(file: "edge.toml", position: TOMLPosition(line: 4, column: 7), reason: "expected a value")
        #expect(try Self.parts(toml) == ("expected a value", "edge.toml:4:7", nil))

        let profile = ProfileError(
            .invalidValue, file: "edge.toml", position: TOMLPosition(line: 2, column: 1),
            table: "cores", key: "count", value: "0", reason: "must be at least 1")
        #expect(try Self.parts(profile) == ("must be at least 1", "edge.toml:2:1", nil))

        let data = DataError.truncated(path: "/d/x.gz", expectedBytes: 800, gotBytes: 10)
        #expect(
            try Self.parts(data) == (
                "truncated file: expected 800 bytes but got only 10 (790 missing)", "/d/x.gz",
                "the file is corrupt or incomplete; re-download or re-extract it"
            ))
        #expect(try Self.parts(DataError.inconsistent(reason: "r")).1 == nil)

        #expect(try Self.parts(NIRReadError(path: "n.nir", object: "/node", reason: "no graph")) == ("no graph", "n.nir:/node", nil))
        let imported = NIRImportError(node: "lif1", field: "tau", reason: "not finite", hint: "h")
        #expect(try Self.parts(imported) == ("not finite", "node 'lif1', field 'tau'", "h"))
        #expect(try Self.parts(NIRImportError(node: nil, field: nil, reason: "no input")) == ("no input", nil, nil))
        #expect(try Self.parts(NIRExportError(node: "pool1", reason: "r", hint: nil)) == ("r", "node 'pool1'", nil))

        #expect(try Self.parts(TicketFileError(path: "t.h5", reason: "not a ticket")) == ("not a ticket", "t.h5", nil))
        #expect(
            try Self.parts(ModelFileError.levelOfCheckpoint(path: "c.h5")) == (
                "--level applies to ticket files; this is a checkpoint", "c.h5", "drop --level"
            ))
        #expect(
            try Self.parts(SimulatorError.notLowered(layer: "fc")) == (
                "layer 'fc' has no fan-out table (run the compiler's lowerToCSR pass first)", "layer 'fc'", nil
            ))
        #expect(try Self.parts(SimulatorError.imageSize(expected: 1, found: 4)).1 == nil)
    }

    @Test func errorsWithoutPlacesGiveTheirReason() throws {
        #expect(try Self.parts(ComparisonError(reason: "no provenance", hint: "export again")) == ("no provenance", nil, "export again"))
        #expect(try Self.parts(DeploymentBridgeError(reason: "ANN", hint: nil)) == ("ANN", nil, nil))
        #expect(try Self.parts(ModelError(description: "bad node")) == ("bad node", nil, nil))
        #expect(try Self.parts(SearchConfigError("no rounds")) == ("no rounds", nil, nil))
        #expect(try Self.parts(CSRError(reason: "indptr does not start at 0")) == ("indptr does not start at 0", nil, nil))
    }

    @Test func descriptionsAreTheTypesOwn() {
        // The one-line descriptions did not change with the protocol.
        let compile = CompileError(.capacity, layer: "conv3", limit: "L", reason: "r", hint: "h")
        #expect(compile.description == "layer 'conv3': r (limit: L) (hint: h)")
        #expect(NIRImportError(node: nil, field: nil, reason: "r").description == "r")
        #expect(NIRImportError(node: "n", field: nil, reason: "r").description == "node 'n': r")
        let profile = ProfileError(.syntax, file: "f.toml", position: TOMLPosition(line: 1, column: 2), reason: "r", hint: "h")
        #expect(profile.description == "f.toml:1:2: r (hint: h)")
        #expect(DataError.missingFile(path: "p", hint: "h").description == "data file not found: p: no such file (hint: h)")
    }

    @Test func otherErrorsAreNotKnown() {
        struct Other: Error {}
        #expect(Diagnostic(known: Other()) == nil)
        #expect(Diagnostic(known: SearchInterrupted()) == nil)
    }
}
