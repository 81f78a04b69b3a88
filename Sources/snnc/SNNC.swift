import ArgumentParser

/// The `snnc` command: spiking neural networks from training to a neuromorphic chip.
@main
struct SNNC: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "snnc",
        abstract: "Spiking neural network lottery tickets, compiled for neuromorphic chips.",
        discussion: """
            snnc trains spiking neural networks on the CPU, searches for sparse lottery tickets, \
            compiles them to compressed-sparse tables for a chip profile, and checks the result \
            in an event-driven simulator.

            Files are HDF5. Errors go to stderr; results to stdout.
            """,
        version: version,
        subcommands: [Train.self, Export.self, Inspect.self, Simulate.self, Targets.self]
    )
}
