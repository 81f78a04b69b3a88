import ArgumentParser
import Foundation
import SNNCompiler

extension SNNC {
    struct Targets: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the chip target profiles, or show one.",
            discussion: """
                Profiles are found in $SNNC_TARGETS, ./targets, <prefix>/share/snnc/targets and the \
                repository's targets/ folder (targets/README.md). '~' marks an estimated value. With \
                --json a profile is an object with its name, kind, description and file, its fields \
                by table as in the TOML file (unset optional fields left out) and 'estimated', the \
                estimated fields as 'table.key'; 'list --json' gives a list of them.

                Examples:
                  snnc targets
                  snnc targets show loihi
                  snnc targets list --json
                """,
            subcommands: [List.self, Show.self],
            defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List every profile on the search path.")

            @Flag(help: "Print every profile in full as JSON instead of the summary table.")
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
                    let profiles = try locations.map { (try loadProfile($0.path), $0.path) }
                    if json {
                        try printJSONObject(profiles.map { Targets.jsonObject($0.0, file: $0.1) })
                        return
                    }
                    print(ChipProfile.summaryHeader)
                    for (profile, _) in profiles { print(profile.summaryLine()) }
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print one profile with units; '~' marks estimates.")

            @Argument(help: "Profile name or path to a .toml file.")
            var name: String

            @Flag(help: "Print the profile as JSON (its fields by table, without units).")
            var json = false

            func run() throws {
                try reportingDiagnostics {
                    let profile = try loadProfile(name)
                    guard json else {
                        print(profile.describe())
                        return
                    }
                    let isPath = name.contains("/") || name.hasSuffix(".toml")
                    try printJSONObject(Targets.jsonObject(profile, file: isPath ? name : ProfileSearchPath.standard().locate(name)))
                }
            }
        }

        /// `profile` as a JSON object: name, kind, description, file, the fields by table under
        /// their TOML keys, and `estimated` as `table.key`.
        static func jsonObject(_ profile: ChipProfile, file: String?) -> [String: Any] {
            var object: [String: Any] = [
                "name": profile.name, "kind": profile.kind.rawValue, "description": profile.description,
                "estimated": ProfileField.all.filter(profile.isEstimate).map { "\($0.table).\($0.key)" },
            ]
            if let file { object["file"] = file }
            for table in ProfileField.tables where table != "chip" {
                var fields: [String: Any] = [:]
                for field in ProfileField.fields(in: table) {
                    if let value = profile.value(of: field).flatMap(jsonValue) { fields[field.key] = value }
                }
                object[table] = fields
            }
            return object
        }

        private static func jsonValue(_ value: TOMLValue) -> Any? {
            switch value {
            case .string(let text): text
            case .integer(let number): number
            case .float(let number): number
            case .boolean(let flag): flag
            case .array(let items): items.compactMap(jsonValue)
            case .table: nil
            }
        }
    }
}

/// Prints a JSON object (dictionaries, lists, strings, numbers, booleans) sorted and indented.
private func printJSONObject(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
}
