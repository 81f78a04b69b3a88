import Foundation
import Testing

@testable import SNNCompiler

/// Every way a profile can be wrong gives an error that names the file, the key and the problem.
@Suite struct ProfileErrorTests {
    /// Writes `text` as `<name>.toml` in a fresh directory, loads it and returns the error.
    func loadError(_ text: String, name: String = "sample") throws -> (ProfileError, String) {
        let directory = try TemporaryDirectory()
        let path = try directory.write("\(name).toml", text)
        do {
            let profile = try ChipProfile.load(from: path, searchPath: ProfileSearchPath([directory.path]))
            Issue.record("loaded without error: \(profile.name)")
            return (ProfileError(.invalidValue, file: path, reason: "none"), path)
        } catch {
            return (error, path)
        }
    }

    func loadError(replacing old: String, with new: String) throws -> (ProfileError, String) {
        try loadError(SampleProfile.text(replacing: old, with: new))
    }

    @Test func theSampleProfileIsValid() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("sample.toml", SampleProfile.text())
        let profile = try ChipProfile.load(from: path)
        #expect(profile.name == "sample")
        #expect(profile.cores.synapseMemoryBytesPerCore == 16384)
        #expect(profile.estimates == [.clockHz])
        #expect(profile.timing.tickHz == nil)
    }

    @Test func perCoreListsNeedOneEntryPerCoreAndLayerPerCoreNeedsThem() throws {
        let short = try loadError(replacing: "cores = 64", with: "cores = 64\nkernel_memory_per_core = [16384, 32768]").0
        #expect(short.kind == .invalidValue && short.key == "kernel_memory_per_core")
        #expect(short.reason == "must have one entry per core (cores = 64), found 2")
        let missing = try loadError(replacing: "cores = 64", with: "cores = 64\nmapping = \"layer-per-core\"").0
        #expect(missing.kind == .invalidValue && missing.key == "mapping")
        #expect(missing.reason == "needs [cores] kernel_memory_per_core")
        let strings = try loadError(replacing: "cores = 64", with: "cores = 64\nneuron_memory_per_core = [\"a\"]").0
        #expect(strings.key == "neuron_memory_per_core" && strings.reason.contains("expected integers only"))
        let family = try loadError(replacing: "cores = 64", with: "cores = 64\nmapping = \"layer_per_core\"").0
        #expect(family.key == "mapping" && family.hint == "did you mean \"layer-per-core\"?")
    }

    @Test func unknownKeySuggestsTheClosestKey() throws {
        let (error, path) = try loadError(replacing: "neurons_per_core = 1024", with: "neurons_per_cor = 1024")
        #expect(error.kind == .unknownKey)
        #expect(error.message == "\(path):9:1: [cores] neurons_per_cor: unknown key")
        #expect(error.hint == "did you mean 'neurons_per_core'?")
        #expect(error.description.hasSuffix("(hint: did you mean 'neurons_per_core'?)"))
    }

    @Test func unknownKeyInTheWrongTableNamesItsTable() throws {
        let (error, path) = try loadError(replacing: "cores = 64\n", with: "cores = 64\nclock_hz = 1e9\n")
        #expect(error.kind == .unknownKey)
        #expect(error.message == "\(path):9:1: [cores] clock_hz: unknown key")
        #expect(error.hint == "'clock_hz' belongs in [timing]")
    }

    @Test func unknownKeyFarFromAnyKeyListsTheTable() throws {
        let (error, _) = try loadError(replacing: "kind = \"generic\"", with: "kind = \"generic\"\nvendor = \"x\"")
        #expect(error.kind == .unknownKey)
        #expect(error.key == "vendor")
        #expect(error.hint == "the keys of [chip] are name, description, kind")
    }

    @Test func unknownTableSuggestsTheClosestTable() throws {
        let (error, path) = try loadError(replacing: "[timing]", with: "[timming]")
        #expect(error.kind == .unknownTable)
        #expect(error.message == "\(path):24:1: [timming]: unknown table")
        #expect(error.hint == "did you mean [timing]?")
    }

    @Test func keyOutsideAnyTableIsReported() throws {
        let (error, path) = try loadError("clock_hz = 1e9\n" + SampleProfile.text())
        #expect(error.kind == .unknownKey)
        #expect(error.message == "\(path):1:1: clock_hz = 1000000000.0: key outside any table")
        #expect(error.hint == "move it under [timing]")

        // A table name used as a plain key clashes with its [header], which TOML itself forbids.
        let (clash, _) = try loadError("cores = 4\n" + SampleProfile.text())
        #expect(clash.kind == .syntax)
        #expect(clash.reason == "cannot open table [cores]: 'cores' is already a value (line 1)")
    }

    @Test func missingRequiredKeyNamesTheKeyAndHowToAddIt() throws {
        let (error, path) = try loadError(replacing: "neurons_per_core = 1024\n", with: "")
        #expect(error.kind == .missingKey)
        #expect(error.message == "\(path):7:1: [cores] neurons_per_core: missing required key")
        #expect(error.hint == "add `neurons_per_core = <integer 1...16777216>` under [cores]")
    }

    @Test func missingTableIsReported() throws {
        let text = SampleProfile.text()
        let withoutEnergy = String(text[..<text.range(of: "[energy]")!.lowerBound])
        let (error, path) = try loadError(withoutEnergy)
        #expect(error.kind == .missingKey)
        #expect(error.message == "\(path): [energy]: missing table")
    }

    @Test func stringWhereANumberBelongsIsAWrongType() throws {
        let (error, path) = try loadError(replacing: "e_synaptic_op_pj = 6.0", with: "e_synaptic_op_pj = \"6.0\"")
        #expect(error.kind == .wrongType)
        #expect(error.message == "\(path):34:1: [energy] e_synaptic_op_pj = \"6.0\": expected a number, found a string")
        #expect(error.hint == "write numbers without quotes")
    }

    @Test func floatWhereAnIntegerBelongsIsAWrongType() throws {
        let (error, path) = try loadError(replacing: "cores = 64", with: "cores = 64.0")
        #expect(error.kind == .wrongType)
        #expect(error.message == "\(path):8:1: [cores] cores = 64.0: expected an integer, found a float")
        #expect(error.hint == "write 64 (no fraction or exponent)")
    }

    @Test func otherWrongTypes() throws {
        let (boolean, _) = try loadError(replacing: "weight_sharing = true", with: "weight_sharing = \"yes\"")
        #expect(boolean.kind == .wrongType)
        #expect(boolean.reason == "expected true or false, found a string")
        let (text, _) = try loadError(replacing: "kind = \"generic\"", with: "kind = 1")
        #expect(text.kind == .wrongType)
        #expect(text.reason == "expected a string, found an integer")
        let (list, _) = try loadError(replacing: "estimated = [\"clock_hz\"]", with: "estimated = \"clock_hz\"")
        #expect(list.kind == .wrongType)
        #expect(list.subject == "[timing] estimated = \"clock_hz\"")
    }

    @Test(arguments: [
        ("cores = 64", "cores = 0", "[cores] cores = 0", "must be at least 1"),
        ("neurons_per_core = 1024", "neurons_per_core = 0", "[cores] neurons_per_core = 0", "must be at least 1"),
        ("fan_in_per_core = 4096", "fan_in_per_core = -1", "[cores] fan_in_per_core = -1", "must be at least 1"),
        (
            "fan_out_per_core = 4096", "fan_out_per_core = 4096\nmax_fan_in_per_neuron = 0", "[cores] max_fan_in_per_neuron = 0",
            "must be at least 1"
        ),
        ("weight_bits = 8", "weight_bits = 0", "[numerics] weight_bits = 0", "must be at least 1"),
        ("weight_bits = 8", "weight_bits = 17", "[numerics] weight_bits = 17", "must be at most 16"),
        ("state_bits = 16", "state_bits = 4", "[numerics] state_bits = 4", "must be at least weight_bits (8)"),
        ("index_bits = 16", "index_bits = 33", "[numerics] index_bits = 33", "must be at most 32"),
        ("threshold_compare = \">=\"", "threshold_compare = \"=>\"", "[numerics] threshold_compare = \"=>\"", "must be \">=\" or \">\""),
        (
            "leak = \"multiply12\"", "leak = \"linear\"", "[numerics] leak = \"linear\"",
            "must be \"shift\" or \"multiply12\" or \"subtract\""
        ),
        ("kind = \"generic\"", "kind = \"asic\"", "[chip] kind = \"asic\"", "must be \"generic\" or \"chip\""),
        ("description = \"Test profile\"", "description = \" \"", "[chip] description = \" \"", "must not be empty"),
        ("clock_hz = 100e6", "clock_hz = 0", "[timing] clock_hz = 0", "must be greater than 0"),
        ("cycles_per_hop = 2", "cycles_per_hop = -2", "[timing] cycles_per_hop = -2", "must not be negative"),
        ("cycles_per_barrier = 50", "cycles_per_barrier = 50\ntick_hz = -1000.0", "[timing] tick_hz = -1000.0", "must be greater than 0"),
        ("e_synaptic_op_pj = 6.0", "e_synaptic_op_pj = -6.0", "[energy] e_synaptic_op_pj = -6.0", "must not be negative"),
        ("static_power_mw = 3.2", "static_power_mw = -1", "[energy] static_power_mw = -1", "must not be negative"),
    ])
    func impossibleValuesAreRejected(old: String, new: String, subject: String, reason: String) throws {
        let (error, path) = try loadError(replacing: old, with: new)
        #expect(error.kind == .invalidValue)
        #expect(error.file == path)
        #expect(error.subject == subject)
        #expect(error.reason == reason)
        #expect(error.message.hasPrefix(path + ":"))
        #expect(error.message.hasSuffix(": \(subject): \(reason)"))
    }

    @Test func choiceErrorsSuggestTheClosestOption() throws {
        let (error, _) = try loadError(replacing: "threshold_compare = \">=\"", with: "threshold_compare = \"=>\"")
        #expect(error.hint == "did you mean \">=\"?")
    }

    @Test func nameMustBeAnIdentifierMatchingTheFileName() throws {
        let (badName, _) = try loadError(SampleProfile.text(name: "Sample Chip"))
        #expect(badName.kind == .invalidValue)
        #expect(badName.reason.hasPrefix("must be a lowercase identifier"))

        let (mismatch, path) = try loadError(SampleProfile.text(name: "other"))
        #expect(mismatch.kind == .invalidValue)
        #expect(mismatch.message == "\(path):3:1: [chip] name = \"other\": must match the file name 'sample'")
        #expect(mismatch.hint == "rename the file to other.toml or set name = \"sample\"")
    }

    @Test func estimatedListsAreChecked() throws {
        let (unknown, path) = try loadError(replacing: "[\"clock_hz\"]", with: "[\"clock_hx\"]")
        #expect(unknown.kind == .unknownKey)
        #expect(unknown.message == "\(path):31:1: [timing] estimated = \"clock_hx\": unknown key 'clock_hx' in the list")
        #expect(unknown.hint == "did you mean 'clock_hz'?")

        let (unset, _) = try loadError(replacing: "[\"clock_hz\"]", with: "[\"tick_hz\"]")
        #expect(unset.kind == .invalidValue)
        #expect(unset.reason == "'tick_hz' is listed as an estimate but has no value in [timing]")

        let (twice, _) = try loadError(replacing: "[\"clock_hz\"]", with: "[\"clock_hz\", \"clock_hz\"]")
        #expect(twice.reason == "'clock_hz' is listed twice")

        let (inChip, _) = try loadError(replacing: "kind = \"generic\"", with: "kind = \"generic\"\nestimated = []")
        #expect(inChip.kind == .unknownKey)
        #expect(inChip.key == "estimated")
    }

    @Test func syntaxErrorsCarryFileLineAndColumn() throws {
        let (error, path) = try loadError(replacing: "cores = 64", with: "cores = 64 64")
        #expect(error.kind == .syntax)
        #expect(error.position == TOMLPosition(line: 8, column: 12))
        #expect(error.message == "\(path):8:12: expected the end of the line after the value, found '6'")
    }

    @Test func missingFileListsTheAvailableProfiles() throws {
        let directory = try TemporaryDirectory()
        try directory.write("alpha.toml", SampleProfile.text(name: "alpha"))
        try directory.write("beta.toml", SampleProfile.text(name: "beta"))
        let missing = directory.path + "/gamma.toml"
        #expect {
            try ChipProfile.load(from: missing, searchPath: ProfileSearchPath([directory.path]))
        } throws: { error in
            guard let error = error as? ProfileError else { return false }
            return error.kind == .notFound && error.message == "\(missing): no such profile file"
                && (error.hint ?? "").hasPrefix("available profiles: alpha, beta")
        }
    }

    @Test func missingFileWithTheStandardPathListsTheBuiltInProfiles() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path + "/none.toml"
        let searchPath = ProfileSearchPath.standard(environment: [:], currentDirectory: Repository.root, executablePath: nil)
        do {
            _ = try ChipProfile.load(from: missing, searchPath: searchPath)
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.kind == .notFound)
            #expect(error.hint?.contains("edge, loihi, loihi2") == true, "\(error)")
        }
    }

    @Test func nonUTF8FilesAreUnreadable() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/bytes.toml"
        #expect(FileManager.default.createFile(atPath: path, contents: Data([0x61, 0x20, 0x3D, 0x20, 0xFF, 0xFE])))
        do {
            _ = try ChipProfile.load(from: path)
            Issue.record("loaded invalid UTF-8")
        } catch {
            #expect(error.kind == .unreadable)
            #expect(error.message == "\(path): the file is not UTF-8 text")
        }
    }
}
