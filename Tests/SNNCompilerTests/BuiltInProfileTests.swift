import Foundation
import Testing

@testable import SNNCompiler

/// The profiles shipped in `targets/` load, validate, and match the research note.
@Suite struct BuiltInProfileTests {
    static let expectedNames = ["edge", "loihi", "loihi2", "speck", "spinnaker", "spinnaker2", "truenorth", "xylo"]

    func profile(_ name: String) throws -> ChipProfile {
        try ChipProfile.load(from: Repository.targets + "/\(name).toml")
    }

    @Test func theExpectedProfilesExist() {
        let names = Repository.profileFiles().map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
        #expect(names == Self.expectedNames)
    }

    @Test(arguments: Repository.profileFiles())
    func everyProfileLoadsAndValidates(_ path: String) throws {
        let profile = try ChipProfile.load(from: path)
        #expect(profile.name == URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
        #expect(profile.kind == (profile.name == "edge" ? .generic : .chip))
        #expect(profile.numerics.stateBits >= profile.numerics.weightBits)
    }

    @Test func edgeIsTheGenericProfileFromTheNote() throws {
        let edge = try profile("edge")
        #expect(edge.kind == .generic)
        #expect(edge.cores.count == 64)
        #expect(edge.cores.neuronsPerCore == 1024)
        #expect(edge.cores.synapseMemoryBytesPerCore == 16384)
        #expect(edge.numerics.weightBits == 8)
        #expect(edge.numerics.stateBits == 16)
        #expect(edge.numerics.indexBits == 16)
        #expect(edge.numerics.pointerBits == 32)
        #expect(edge.timing.clockHz == 100e6)
        #expect(edge.energy.synapticOpPJ == 6.0)
        #expect(edge.energy.memoryPJPerByte == 1.8)
        #expect(edge.isEstimate(.synapticOpPJ))
        #expect(!edge.isEstimate(.spikeRoutePJ))
        #expect(edge.energy.inputMACPJ == 6.2 && edge.isEstimate(.inputMACPJ))
    }

    @Test func loihiMatchesNengoLoihiAndDavies2018() throws {
        let loihi = try profile("loihi")
        #expect(loihi.cores.count == 128)
        #expect(loihi.cores.neuronsPerCore == 1024)
        #expect(loihi.cores.synapseMemoryBytesPerCore == 128 * 1024)
        #expect(loihi.cores.fanInPerCore == 4096)
        #expect(loihi.cores.fanOutPerCore == 4096)
        #expect(loihi.cores.maxFanInPerNeuron == nil)
        #expect(loihi.numerics.stateBits == 24)
        #expect(loihi.numerics.thresholdCompare == .greater)
        #expect(loihi.numerics.leak == .multiply12)
        #expect(loihi.energy.synapticOpPJ == 23.6)
        #expect(loihi.timing.cyclesPerSynapticOp == 3.5)
        #expect(loihi.isEstimate(.clockHz))
        #expect(!loihi.isEstimate(.synapticOpPJ))
    }

    @Test func trueNorthIsADenseBinaryCrossbar() throws {
        let trueNorth = try profile("truenorth")
        #expect(trueNorth.cores.count == 4096)
        #expect(trueNorth.cores.neuronsPerCore == 256)
        #expect(trueNorth.cores.synapseMemoryBytesPerCore == 256 * 256 / 8)
        #expect(trueNorth.numerics.weightBits == 1)
        #expect(trueNorth.numerics.sparseStorage == false)
        #expect(trueNorth.numerics.leak == .subtract)
        #expect(trueNorth.energy.spikeRoutePJ == 2.3)
        #expect(trueNorth.timing.tickHz == 1000)
    }

    @Test func otherChipsSpotCheck() throws {
        let loihi2 = try profile("loihi2")
        #expect(loihi2.cores.neuronsPerCore == 8192)
        #expect(loihi2.cores.synapseMemoryBytesPerCore == 192 * 1024)
        #expect(loihi2.isEstimate(.synapticOpPJ))

        let spinnaker2 = try profile("spinnaker2")
        #expect(spinnaker2.cores.count == 152)
        #expect(spinnaker2.timing.clockHz == 300e6)

        let spinnaker = try profile("spinnaker")
        #expect(spinnaker.timing.clockHz == 200e6)
        #expect(spinnaker.numerics.weightBits == 16)
        #expect(spinnaker.isEstimate(.synapticOpPJ))

        let speck = try profile("speck")
        #expect(speck.cores.count == 9)
        #expect(speck.numerics.weightSharing)
        #expect(!speck.numerics.sparseStorage)
        #expect(speck.energy.staticPowerMW == 0.42)

        let xylo = try profile("xylo")
        #expect(xylo.cores.count == 1)
        #expect(xylo.cores.mapping == .singleCore)
        #expect(xylo.cores.maxFanInPerNeuron == nil && xylo.cores.maxFanOutPerNeuron == 64)
        #expect(xylo.timing.cyclesPerSynapticOp == 7)
        #expect(xylo.timing.cyclesPerNeuronUpdate == 19)
    }
}
