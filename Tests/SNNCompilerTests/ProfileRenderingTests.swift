import Foundation
import Testing

@testable import SNNCompiler

/// `snnc targets` and `snnc targets show` text, and the profile written back as TOML.
@Suite struct ProfileRenderingTests {
    func edge() throws -> ChipProfile { try ChipProfile.load(from: Repository.targets + "/edge.toml") }

    @Test func describeShowsTheCoresOfALayerPerCoreProfile() throws {
        let lines = try ChipProfile.load(from: Repository.targets + "/speck.toml").describe().components(separatedBy: "\n")
        #expect(lines.contains { $0.hasPrefix("  mapping") && $0.hasSuffix("\"layer-per-core\"") })
        #expect(lines.contains { $0.hasPrefix("  kernel_memory_per_core") && $0.contains("[16384, 16384, 16384, 32768") })
        #expect(lines.contains { $0.hasPrefix("  neuron_memory_per_core") && $0.hasSuffix("16384] neurons") })
    }

    @Test func describeListsEveryFieldAndMarksEstimates() throws {
        let text = try edge().describe()
        let lines = text.components(separatedBy: "\n")
        #expect(lines.first == "edge (generic): Generic edge SNN accelerator: 64 cores x 1024 neurons, 16 KiB synapse memory per core")
        #expect(text.contains("~ marks an estimate"))
        for field in ProfileField.all where field.table != "chip" && !ProfileField.mappingFields.contains(field) {
            #expect(lines.contains { $0.hasPrefix("  \(field.key) ") }, "no line for \(field)")
        }
        // A split-mapping profile does not show the mapping-family keys it does not set.
        for field in ProfileField.mappingFields {
            #expect(!lines.contains { $0.hasPrefix("  \(field.key) ") }, "a line for unset \(field)")
        }
        #expect(lines.contains { $0.hasPrefix("  neurons_per_core") && $0.hasSuffix("   1024") })
        #expect(lines.contains { $0.hasPrefix("  synapse_memory_bytes_per_core") && $0.hasSuffix("  16384 B (16 KiB)") })
        #expect(lines.contains { $0.hasPrefix("  clock_hz") && $0.hasSuffix("~ 100000000 Hz (100 MHz)") })
        #expect(lines.contains { $0.hasPrefix("  e_spike_route_pj") && $0.hasSuffix("  3 pJ") && !$0.contains("~") })
        #expect(lines.contains { $0.hasPrefix("  max_fan_in_per_neuron") && $0.hasSuffix("not set (no limit)") })
        #expect(lines.contains { $0.hasPrefix("  threshold_compare") && $0.hasSuffix("~ \">=\"") })
    }

    @Test func summaryLinesLineUpWithTheHeader() throws {
        let loihi = try ChipProfile.load(from: Repository.targets + "/loihi.toml")
        #expect(ChipProfile.summaryHeader == "name        kind     cores neurons/core synapse mem/core weight bits   pJ/SOP")
        #expect(loihi.summaryLine() == "loihi       chip       128         1024          128 KiB           8     23.6")
        #expect(try edge().summaryLine() == "edge        generic    ~64         1024           16 KiB           8       ~6")
    }

    @Test(arguments: Repository.profileFiles())
    func tomlTextLoadsBackToTheSameProfile(_ path: String) throws {
        let profile = try ChipProfile.load(from: path)
        let again = try ChipProfile.parse(profile.tomlText(), file: "round-trip.toml")
        #expect(again == profile)
    }

    @Test func formattingHelpers() {
        #expect(ProfileFormat.bytes(512) == "512 B")
        #expect(ProfileFormat.bytes(64000) == "62.5 KiB")
        #expect(ProfileFormat.bytes(8_388_608) == "8 MiB")
        #expect(ProfileFormat.frequency(1e9) == "1 GHz")
        #expect(ProfileFormat.frequency(200e6) == "200 MHz")
        #expect(ProfileFormat.frequency(50) == "50 Hz")
        #expect(ProfileFormat.number(0.376) == "0.376")
        #expect(ProfileFormat.number(23.6) == "23.6")
    }

    @Test func editDistanceSuggestions() {
        #expect(editDistance("neurons_per_cor", "neurons_per_core") == 1)
        #expect(editDistance("", "abc") == 3)
        #expect(editDistance("=>", ">=") == 1)
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(closestMatch(to: "timming", in: ProfileField.tables) == "timing")
        #expect(closestMatch(to: "vendor", in: ProfileField.tables) == nil)
    }
}
