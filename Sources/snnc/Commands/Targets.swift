import ArgumentParser
import SNNCompiler

extension SNNC {
    struct Targets: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the chip target profiles, or show one.",
            discussion: """
                Profiles are found in $SNNC_TARGETS, ./targets, <prefix>/share/snnc/targets and the \
                repository's targets/ folder (targets/README.md). '~' marks an estimated value.

                Examples:
                  snnc targets
                  snnc targets show loihi
                """,
            subcommands: [List.self, Show.self],
            defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List every profile on the search path.")

            func run() throws {
                try reportingDiagnostics {
                    let searchPath = ProfileSearchPath.standard()
                    let locations = searchPath.profiles()
                    guard !locations.isEmpty else {
                        throw Diagnostic(
                            message: "no target profiles found", location: searchPath.directories.joined(separator: ", "),
                            hint: "set \(ProfileSearchPath.environmentVariable) to a folder of .toml profiles")
                    }
                    print(ChipProfile.summaryHeader)
                    for location in locations {
                        print(try loadProfile(location.path).summaryLine())
                    }
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print one profile with units; '~' marks estimates.")

            @Argument(help: "Profile name or path to a .toml file.")
            var name: String

            func run() throws {
                try reportingDiagnostics { print(try loadProfile(name).describe()) }
            }
        }
    }
}
