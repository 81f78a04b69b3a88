import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
import SNNStore
import Testing

/// Every rule of a deployment file, each on a real file written by `DeploymentFile.write` and
/// then damaged in place with SNNStore: the reader or `validate` refuses it with an error naming
/// the object and the rule, and never crashes.
@Suite("Deployment validation")
struct DeploymentValidationTests {
    /// A compiled `small` model (encoder conv, spike-fed conv, pools, LIF groups, readout) in a
    /// fresh file; the file's own graph tells which layer is which.
    struct Fixture {
        let directory: TemporaryDirectory
        let path: String
        let graph: Graph

        init(_ graph: Graph? = nil) throws {
            directory = try TemporaryDirectory()
            path = directory.path + "/m.snn.h5"
            try DeploymentFile.write(try graph ?? DeploymentFileTests.compiled(.small, width: 0.25), to: path, producer: "snnc test")
            self.graph = try DeploymentFile.read(path).graph
        }

        /// The first layer whose operation satisfies `test`.
        func name(_ test: (SNNIR.Operation) -> Bool) throws -> String {
            try #require(graph.layers.first { test($0.op) }).name
        }

        var lif: String { get throws { try name { if case .lif = $0 { true } else { false } } } }
        var spikeConv: String { get throws { try name { if case .conv(let c) = $0 { !c.encoder } else { false } } } }

        /// Opens the file in place and hands `body` the group at `object`.
        func edit(_ object: String, _ body: (HDF5Group) throws -> Void) throws {
            let file = try HDF5File.openForEditing(path)
            try body(object == "/" ? file.root : try file.root.group(String(object.dropFirst())))
        }

        /// Replaces dataset `name` of the group at `object` with `values`.
        func replace<E: HDF5Element>(_ object: String, _ name: String, _ values: [E], shape: [Int]? = nil) throws {
            try edit(object) { g in
                try g.remove(name)
                try g.write(name, values, shape: shape)
            }
        }

        /// Reads the file and returns the validation error (nil when it reads).
        func refusal() -> DeploymentValidationError? {
            do {
                _ = try DeploymentFile.read(path)
                return nil
            } catch let error as DeploymentValidationError {
                return error
            } catch {
                Issue.record("expected a validation error, got \(error)")
                return nil
            }
        }

        /// Reads the file and returns the reader's error (nil when it reads).
        func readerRefusal() -> DeploymentFileError? {
            do {
                _ = try DeploymentFile.read(path)
                return nil
            } catch let error as DeploymentFileError {
                return error
            } catch {
                Issue.record("expected a reader error, got \(error)")
                return nil
            }
        }
    }

    static func layers(_ name: String) -> String { "/snnc/layers/" + name }

    @Test func aFileAsWrittenPasses() throws {
        let f = try Fixture()
        try DeploymentFile(graph: f.graph).validate(path: f.path)
        #expect(f.refusal() == nil)
    }

    // MARK: - CSR tables (the reader)

    @Test func decreasingRowPointersAreRefused() throws {
        let f = try Fixture()
        let fanout = Self.layers(try f.spikeConv) + "/fanout"
        var indptr = try HDF5File.open(f.path).root.group(String(fanout.dropFirst())).read("indptr", as: Int64.self).values
        try #require(indptr.count >= 3)
        let k = indptr.count - 2
        indptr[k] = indptr[k - 1] - 1
        try f.replace(fanout, "indptr", indptr)
        let error = try #require(f.readerRefusal())
        #expect(error.object == fanout)
        #expect(error.reason.contains("indptr decreases"), "\(error)")
    }

    @Test func rowPointersNotEndingAtTheEntryCountAreRefused() throws {
        let f = try Fixture()
        let fanout = Self.layers(try f.spikeConv) + "/fanout"
        var indptr = try HDF5File.open(f.path).root.group(String(fanout.dropFirst())).read("indptr", as: Int64.self).values
        indptr[indptr.count - 1] -= 1
        try f.replace(fanout, "indptr", indptr)
        let error = try #require(f.readerRefusal())
        #expect(error.object == fanout && error.reason.contains("ends at"), "\(error)")
    }

    @Test func columnIndicesOutOfRangeAreRefused() throws {
        let f = try Fixture()
        let fanout = Self.layers(try f.spikeConv) + "/fanout"
        var (indices, columns): ([Int32], Int64) = try {
            let g = try HDF5File.open(f.path).root.group(String(fanout.dropFirst()))
            return (try g.read("indices", as: Int32.self).values, try g.attribute("shape", as: Int64.self).values[1])
        }()
        indices[0] = Int32(columns)
        try f.replace(fanout, "indices", indices)
        let error = try #require(f.readerRefusal())
        #expect(error.object == fanout && error.reason.contains("outside"), "\(error)")
    }

    @Test func aTableOfTheWrongShapeIsRefused() throws {
        let f = try Fixture()
        let fanout = Self.layers(try f.spikeConv) + "/fanout"
        try f.edit(fanout) { g in
            var shape = try g.attribute("shape", as: Int64.self).values
            shape[1] += 1
            try g.setAttribute("shape", shape)
        }
        let error = try #require(f.readerRefusal())
        #expect(error.reason.contains("does not match the layer"), "\(error)")
    }

    @Test func hugeDeclaredShapesAreRefusedBeforeAllocating() throws {
        let f = try Fixture()
        try f.edit(Self.layers(try f.spikeConv)) { g in try g.setAttribute("out_channels", scalar: Int64(1) << 40) }
        let error = try #require(f.readerRefusal())
        #expect(error.reason.contains("resource limit"), "\(error)")
        let g = try Fixture()
        try g.edit(Self.layers(try g.spikeConv)) { layer in try layer.setAttribute("padding", [Int64.max, 1]) }
        #expect(g.readerRefusal() != nil)
    }

    // MARK: - Shapes

    @Test func aNeuronGroupOfAnotherShapeThanItsInputIsRefused() throws {
        let f = try Fixture()
        let lif = try f.lif
        try f.edit(Self.layers(lif)) { g in
            var shape = try g.attribute("shape", as: Int64.self).values
            shape[0] += 1
            try g.setAttribute("shape", shape)
        }
        let error = try #require(f.refusal())
        #expect(error.rule == .shape && error.object == Self.layers(lif), "\(error)")
    }

    @Test func aKernelGeometryThatDoesNotGiveTheShapeIsRefused() throws {
        let f = try Fixture()
        let conv = try f.spikeConv
        try f.edit(Self.layers(conv)) { g in try g.setAttribute("stride", [Int64(2), 2]) }
        let error = try #require(f.refusal())
        #expect(error.rule == .shape && error.object == Self.layers(conv), "\(error)")
    }

    // MARK: - Finite numbers

    @Test(arguments: ["weight_scale", "state_scale", "event_scale"])
    func aScaleThatIsNotFiniteIsRefused(_ key: String) throws {
        let f = try Fixture()
        let quant = Self.layers(try f.spikeConv) + "/quant"
        try f.edit(quant) { g in try g.setAttribute(key, scalar: Double.nan) }
        let error = try #require(f.refusal())
        #expect(error.rule == .finite && error.object == quant && error.detail.contains(key), "\(error)")
    }

    @Test func aNaNTauOrThresholdIsRefused() throws {
        for key in ["tau", "threshold"] {
            let f = try Fixture()
            let lif = try f.lif
            try f.edit(Self.layers(lif)) { g in try g.setAttribute(key, scalar: Float.nan) }
            let error = try #require(f.refusal())
            #expect(error.rule == .finite && error.detail.contains(key), "\(error)")
        }
    }

    @Test func aNaNStateScaleOfANeuronGroupIsRefused() throws {
        let f = try Fixture()
        let neurons = Self.layers(try f.lif) + "/neurons"
        try f.edit(neurons) { g in try g.setAttribute("state_scale", scalar: Double.infinity) }
        let error = try #require(f.refusal())
        #expect(error.rule == .finite && error.object == neurons, "\(error)")
    }

    @Test func aDtThatIsNotFiniteIsRefused() throws {
        let f = try Fixture()
        try f.replace("/node/metadata", "dt", [Double.nan], shape: [])
        let error = try #require(f.refusal())
        #expect(error.rule == .finite && error.object == "/node/metadata/dt", "\(error)")
        let g = try Fixture()
        try g.edit("/snnc/sim") { sim in try sim.setAttribute("dt_steps", scalar: -1.0) }
        #expect(g.refusal()?.object == "/snnc/sim")
    }

    @Test func aNaNEstimateIsRefused() throws {
        let f = try Fixture()
        try f.edit("/snnc/estimates") { g in try g.setAttribute("latency_seconds", scalar: Double.nan) }
        let error = try #require(f.refusal())
        #expect(error.rule == .finite && error.object == "/snnc/estimates", "\(error)")
    }

    // MARK: - Integer ranges

    @Test func weightsOutsideTheirBitsAreRefused() throws {
        let f = try Fixture()
        let conv = try f.spikeConv
        try f.edit(Self.layers(conv) + "/quant") { g in try g.setAttribute("bits", scalar: Int32(2)) }
        let error = try #require(f.refusal())
        #expect(error.rule == .weightRange && error.object == Self.layers(conv) + "/fanout/data", "\(error)")
    }

    @Test func aBiasOutsideTheStateRangeIsRefused() throws {
        let f = try Fixture()
        let conv = try f.spikeConv
        let count = try HDF5File.open(f.path).root.group("snnc/layers/\(conv)").info(of: "bias").shape[0]
        try f.replace(Self.layers(conv), "bias", [Int32.max] + [Int32](repeating: 0, count: count - 1))
        let error = try #require(f.refusal())
        #expect(error.rule == .biasRange && error.object == Self.layers(conv) + "/bias", "\(error)")
    }

    @Test func thresholdAndResetOutsideTheStateRangeAreRefused() throws {
        for key in ["threshold", "reset"] {
            let f = try Fixture()
            let neurons = Self.layers(try f.lif) + "/neurons"
            try f.edit(neurons) { g in try g.setAttribute(key, scalar: Int32(1) << 20) }
            let error = try #require(f.refusal())
            #expect(error.rule == .neuronRange && error.detail.contains(key), "\(error)")
        }
    }

    @Test func aShiftOutsideTheStateBitsIsRefused() throws {
        let f = try Fixture()
        let neurons = Self.layers(try f.lif) + "/neurons"
        try f.edit(neurons) { g in try g.setAttribute("decay_value", scalar: Int32(40)) }
        let error = try #require(f.refusal())
        #expect(error.rule == .decay && error.object == neurons, "\(error)")
    }

    // MARK: - Integrate-and-fire groups (format 2.2)

    /// `input [16] → fc0 → lif0 (IF, subtractive reset) → fc1` compiled for the roomy profile.
    static func integrateAndFire() throws -> Graph {
        func linear(_ n: Int, _ m: Int) -> LinearLayer {
            let weights = SynapticWeights(
                weight: DenseTensor(shape: [m, n], values: (0..<(m * n)).map { Float($0 % 7 - 3) / 8 }), bias: nil)
            return LinearLayer(inFeatures: n, outFeatures: m, weights: weights)
        }
        let layers = [
            Layer(name: "input", inputs: [], shape: [16], op: .input),
            Layer(name: "fc0", inputs: ["input"], shape: [32], op: .linear(linear(16, 32))),
            Layer(name: "lif0", inputs: ["fc0"], shape: [32], op: .lif(LIFGroup(tau: nil, threshold: 1, resetMode: .subtract))),
            Layer(name: "fc1", inputs: ["lif0"], shape: [8], op: .linear(linear(32, 8))),
        ]
        let graph = Graph(name: "if", timeSteps: 2, layers: layers, inputRange: InputRange(maxAbs: 1, source: "test"))
        var profile = DeploymentFileTests.profile
        profile.numerics.reset = .subtract
        return try compile(graph, for: profile)
    }

    @Test func anIntegrateAndFireGroupWithALeakIsRefused() throws {
        let f = try Fixture(try Self.integrateAndFire())
        #expect(f.refusal() == nil)
        try f.edit("/snnc/layers/lif0/neurons") { g in
            try g.setAttribute("decay", string: "shift")
            try g.setAttribute("decay_value", scalar: Int32(1))
        }
        let error = try #require(f.refusal())
        #expect(error.rule == .decay && error.detail.contains("integrate-and-fire"), "\(error)")
    }

    @Test func aSubtractiveResetOutsideTheStateRangeIsRefused() throws {
        let f = try Fixture(try Self.integrateAndFire())
        try f.edit("/snnc/layers/lif0/neurons") { g in try g.setAttribute("reset", scalar: Int32.max) }
        let error = try #require(f.refusal())
        #expect(error.rule == .neuronRange && error.detail.contains("subtractive"), "\(error)")
    }

    @Test func aSubtractiveResetTheNIRMetadataDoesNotListIsRefused() throws {
        let f = try Fixture(try Self.integrateAndFire())
        try f.edit("/node/metadata") { g in
            try g.remove(NIRDocument.subtractiveResetKey)
            try g.write(NIRDocument.subtractiveResetKey, string: "")
        }
        let error = try #require(f.refusal())
        #expect(error.rule == .nirConsistency, "\(error)")
    }

    // MARK: - NIR root against /snnc

    @Test func nirWeightsThatDisagreeWithTheTablesAreRefused() throws {
        let f = try Fixture()
        let conv = try f.spikeConv
        let node = "/node/nodes/\(conv)"
        let stored = try HDF5File.open(f.path).root.group(String(node.dropFirst())).read("weight", as: Float.self)
        var values = stored.values
        values[values.count / 2] += 1
        try f.replace(node, "weight", values, shape: stored.shape)
        let error = try #require(f.refusal())
        #expect(error.rule == .nirConsistency && error.object == node + "/weight", "\(error)")
    }

    @Test func aNIRWeightScaleThatDisagreesWithTheTablesIsRefused() throws {
        let f = try Fixture()
        let quant = Self.layers(try f.spikeConv) + "/quant"
        try f.edit(quant) { g in try g.setAttribute("nir_weight_scale", scalar: 2.0) }
        let error = try #require(f.refusal())
        #expect(error.rule == .nirConsistency && error.object == quant, "\(error)")
    }

    @Test func aNaNInTheNIRRootIsRefusedAsSuch() throws {
        let f = try Fixture()
        let node = "/node/nodes/\(try f.lif)"
        let stored = try HDF5File.open(f.path).root.group(String(node.dropFirst())).read("r", as: Float.self)
        try f.replace(node, "r", [Float.nan] + stored.values.dropFirst(), shape: stored.shape)
        let error = try #require(f.refusal())
        #expect(error.rule == .finite && error.object == node + "/r", "\(error)")
    }

    @Test func aMissingNIRNodeIsRefused() throws {
        let f = try Fixture()
        let lif = try f.lif
        try f.edit("/node/nodes") { g in try g.remove(lif) }
        let error = try #require(f.refusal())
        #expect(error.rule == .nirConsistency && error.object == "/node/nodes/\(lif)", "\(error)")
    }

    // MARK: - The commands

    @Test func simulateInspectAndReportRefuseANaNWithTheRule() throws {
        let f = try Fixture()
        try f.edit(Self.layers(try f.spikeConv) + "/quant") { g in try g.setAttribute("weight_scale", scalar: Double.nan) }
        for arguments in [["simulate", f.path, "--limit", "2"], ["inspect", f.path], ["report", f.path, "-o", f.path + ".html"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 1, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.contains("rule: finite numbers"), "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.contains("quant"), "\(arguments[0]): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.path + ".html"))
    }
}
