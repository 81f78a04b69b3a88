import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
import SNNStore
import Testing

@testable import SNNTrain

@Suite("Deployment file")
struct DeploymentFileTests {
    static let profile = ChipProfile(
        name: "roomy", description: "large cores for format tests", kind: .generic,
        cores: .init(
            count: 256, neuronsPerCore: 4096, synapseMemoryBytesPerCore: 1 << 20, fanInPerCore: 1 << 16,
            fanOutPerCore: 1 << 20, maxFanInPerNeuron: nil),
        numerics: .init(
            weightBits: 8, stateBits: 16, indexBits: 16, pointerBits: 32, weightSharing: true,
            sparseStorage: true, thresholdCompare: .greaterOrEqual, leak: .shift),
        timing: .init(
            clockHz: 1e8, cyclesPerRowFetch: 2, cyclesPerSynapticOp: 2, cyclesPerNeuronUpdate: 4,
            cyclesPerHop: 2, cyclesPerBarrier: 50),
        energy: .init(
            synapticOpPJ: 6, synapticOpIncludesWeightRead: true, neuronUpdatePJ: 10, spikeRoutePJ: 3,
            memoryPJPerByte: 1.8, staticPowerMW: 3.2))

    static func compiled(
        _ architecture: Architecture = .resnet19, width: Double = 1.0 / 32, size: Int = 8,
        prune: Double = 0.4, for profile: ChipProfile = profile
    ) throws -> Graph {
        var g = try DeploymentBridge.graph(from: Models.state(architecture, width: width, size: size, prune: prune), name: "m")
        g.provenance = Provenance(
            sourceFile: "m.h5", sourceSHA256: String(repeating: "ab", count: 32), command: "snnc export m.h5",
            toolVersion: "0.1.0", target: profile.name, createdUTC: "2026-01-01T00:00:00Z")
        return try compile(g, for: profile, calibration: nil)
    }

    @Test(arguments: [Architecture.resnet19, .vgg16, .small])
    func roundTripGivesTheSameGraph(_ architecture: Architecture) throws {
        let size = architecture == .vgg16 ? 32 : 8
        let graph = try Self.compiled(architecture, size: size)
        let directory = try TemporaryDirectory()
        let path = directory.path + "/m.snn.h5"
        try DeploymentFile.write(graph, to: path, producer: "snnc test")
        let read = try DeploymentFile.read(path)
        #expect(read.formatVersion == [DeploymentFile.majorVersion, DeploymentFile.minorVersion])
        #expect(read.graph == DeploymentFile.storedForm(of: graph))
        // What the file does not repeat is exactly the float weights and masks: the integers, the
        // fan-out tables, neurons, placement and estimates come back unchanged.
        #expect(read.graph != graph)
    }

    /// A target with `e_mac_pj` stores it (and the encoder rows' MAC energy), and reads it back;
    /// a target without it writes neither, so files from before the key read as they always did.
    @Test func theInputMACPriceRoundTripsAndIsOptional() throws {
        var profile = Self.profile
        profile.energy.inputMACPJ = 7.5
        let g = try Self.compiled(.small, for: profile)
        let directory = try TemporaryDirectory()
        let path = directory.path + "/mac.snn.h5"
        try DeploymentFile.write(g, to: path, producer: "snnc test")
        let read = try #require(try DeploymentFile.read(path).graph.estimates)
        #expect(read.costs?.energy.inputMACPJ == 7.5)
        #expect(read.energy.inputMACs > 0)
        #expect(read.energy.inputMACs == g.estimates?.energy.inputMACs)
        let plain = try Self.compiled(.small)
        try DeploymentFile.write(plain, to: directory.path + "/plain.snn.h5", producer: "snnc test")
        let file = try HDF5File.open(directory.path + "/plain.snn.h5")
        let costs = try file.root.group("snnc/estimates/target_costs")
        #expect(try !costs.attributeNames().contains("input_mac_pj"))
        #expect(try file.root.group("snnc/estimates/layers").kind(of: "energy_input_macs_pj") == nil)
        let back = try #require(try DeploymentFile.read(directory.path + "/plain.snn.h5").graph.estimates)
        #expect(back.costs?.energy.inputMACPJ == nil && back.energy.inputMACs == 0)
    }

    @Test func csrTablesAreAnnDataElementsAndCompressed() throws {
        let graph = try Self.compiled(.vgg16, size: 32, prune: 0)
        let directory = try TemporaryDirectory()
        let path = directory.path + "/m.snn.h5"
        try DeploymentFile.write(graph, to: path, producer: "snnc test")
        let root = try HDF5File.open(path).root
        #expect(try root.readString("version") == DeploymentFile.nirVersion)
        #expect(try root.readString("node/type") == "NIRGraph")
        let fanout = try root.group("snnc/layers/conv9/fanout")
        #expect(try fanout.stringAttribute("encoding-type") == "csr_matrix")
        #expect(try fanout.stringAttribute("encoding-version") == "0.1.0")
        #expect(try fanout.attribute("shape", as: Int64.self).values == [16, 16 * 9])
        #expect(try fanout.info(of: "data").type == .int8)
        #expect(try fanout.info(of: "indices").type == .int32 && fanout.info(of: "indptr").type == .int64)
        // Node groups hold only NIR fields (nir.read rejects anything else).
        let conv = try root.group("node/nodes/conv9")
        #expect(try Set(conv.children()) == ["type", "weight", "bias", "stride", "padding", "dilation", "groups", "input_shape"])
        #expect(try root.group("node/nodes/pool1.fire").readString("type") == "IF")
        // Arrays of 4 KiB or more are shuffled and deflated.
        #expect(try root.group("node/nodes/conv9").filters(of: "weight") == [.shuffle, .deflate])
        // The NIR weights of a layer driving LIF neurons are its integers; r carries the scale.
        let integers = try root.group("snnc/layers/conv9/quant")
        #expect(try integers.scalarAttribute("nir_weight_scale", as: Double.self) == 1)
        let nirWeights = try conv.read("weight", as: Float.self).values
        #expect(nirWeights.allSatisfy { $0 == $0.rounded() && abs($0) <= 127 } && nirWeights.contains { $0 != 0 })
        // A quantised layer does not repeat its dense float weights or mask in /snnc.
        #expect(try root.group("snnc/layers/conv9").kind(of: "weight") == nil)
        #expect(try root.group("snnc/layers/conv9").kind(of: "mask") == nil)
    }

    @Test func anUnknownMajorVersionIsRejected() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/future.snn.h5"
        try HDF5File.write(to: path) { root in
            let snnc = try root.createGroup("snnc")
            try snnc.setAttribute("format", string: DeploymentFile.formatName)
            try snnc.setAttribute("format_version", [DeploymentFile.majorVersion + 1, 0])
        }
        #expect {
            try DeploymentFile.read(path)
        } throws: { error in
            guard let e = error as? DeploymentFileError else { return false }
            return e.reason.contains("version \(DeploymentFile.majorVersion + 1).0 is not supported")
                && e.hint?.contains("upgrade snnc") == true
        }
    }

    @Test func otherFilesAreRejectedClearly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/plain.h5"
        try HDF5File.write(to: path) { root in try root.write("x", [Float(1)]) }
        #expect {
            try DeploymentFile.read(path)
        } throws: { error in
            (error as? DeploymentFileError)?.reason.contains("not an snnc deployment file") == true
        }
    }

    @Test func anUnloweredGraphIsNotWrittenAndLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/m.snn.h5"
        let graph = try DeploymentBridge.graph(from: Models.state(.small, width: 0.25, size: 8), name: "m")
        #expect(throws: DeploymentFileError.self) { try DeploymentFile.write(graph, to: path, producer: "t") }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
