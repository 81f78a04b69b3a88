import ArgumentParser
import Foundation
import SNNCompiler

extension SNNC {
    struct Targets: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the chip target profiles, or show one.",
            discussion: """
                Profiles are found in $SNNC_TARGETS, ./targets, <prefix>/share/snnc/targets and the \
                repository's targets/ folder (targets/README.md). '~' marks an estimated value.

                With --json, 'show' prints one object (name, kind, description, file, one object per \
                table with every key of the schema, null where an optional key is unset, and \
                'estimated' as 'table.key'); 'list' prints an array of them.

                Examples:
                  snnc targets
                  snnc targets show loihi
                  snnc targets list --json
                """,
            subcommands: [List.self, Show.self],
            defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List every profile on the search path.")

            @Flag(help: "Print every profile in full as a JSON array instead of the summary table.")
            var json = false

            func run() throws {
                try reportingDiagnostics {
                    let searchPath = ProfileSearchPath.standard()
                    let locations = searchPath.profiles()
                    guard !locations.isEmpty else {
                        throw Diagnostic(
                            message: "no target profiles found", location: searchPath.directories.joined(separator: ", "),
                            hint: "set \(ProfileSearchPath.environmentVariable) to a folder of .toml profiles")
                    }
                    if json {
                        try printJSONObject(try locations.map { Targets.jsonObject(try loadProfile($0.path), file: $0.path) })
                        return
                    }
                    print(ChipProfile.summaryHeader)
                    for location in locations { print(try loadProfile(location.path).summaryLine()) }
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print one profile with units ('~' marks estimates), or as JSON.")

            @Argument(help: "Profile name or path to a .toml file.")
            var name: String

            @Flag(help: "Print the profile as a JSON object (its values by table, without units).")
            var json = false

            func run() throws {
                try reportingDiagnostics {
                    let profile = try loadProfile(name)
                    guard json else {
                        print(profile.describe())
                        return
                    }
                    try printJSONObject(Targets.jsonObject(profile, file: ChipProfile.file(of: name)))
                }
            }
        }

        /// `profile` as a JSON object: name, kind, description, the file (an absolute path), every
        /// field of every table under its TOML key (the value in effect: a default when the file
        /// leaves it out, null for an optional limit or figure that is unset), and `estimated` as
        /// `table.key`.
        static func jsonObject(_ profile: ChipProfile, file: String?) -> [String: Any] {
            var object: [String: Any] = [
                "name": profile.name, "kind": profile.kind.rawValue, "description": profile.description,
                "estimated": ProfileField.all.filter(profile.isEstimate).map { "\($0.table).\($0.key)" },
                "file": file.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? NSNull(),
            ]
            for table in ProfileField.tables where table != "chip" {
                var fields: [String: Any] = [:]
                for field in ProfileField.fields(in: table) { fields[field.key] = jsonValue(field, of: profile) }
                object[table] = fields
            }
            return object
        }

        /// The value in effect of `field`: `value(of:)` leaves out the two keys whose default is
        /// a word (`mapping = "split"`, `synaptic_current = "none"`); other unset keys are null.
        private static func jsonValue(_ field: ProfileField, of profile: ChipProfile) -> Any {
            switch field {
            case .mapping: return profile.cores.mapping.rawValue
            case .synapticCurrent: return profile.numerics.synapticCurrent.rawValue
            default: return profile.value(of: field).map(jsonValue) ?? NSNull()
            }
        }

        private static func jsonValue(_ value: TOMLValue) -> Any {
            switch value {
            case .string(let text): text
            case .integer(let number): number
            case .float(let number): number
            case .boolean(let flag): flag
            case .array(let items): items.map(jsonValue)
            case .table: NSNull()  // no profile field holds a table
            }
        }
    }
}

/// Prints a JSON object (dictionaries, arrays, strings, numbers, booleans, NSNull) sorted and indented.
private func printJSONObject(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
}
