import ArgumentParser

@main
struct SNNC: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "snnc", abstract: "Spiking neural network lottery tickets, compiled for neuromorphic chips.", version: "0.1.0")
}
