import ArgumentParser
import Foundation
import SNNCompiler
import SNNFormat
import SNNIR
import SNNInterop
import SNNStore
import SNNTickets
import SNNTrain

extension SNNC {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile a trained model for a chip target and write a deployment file.",
            discussion: """
                Runs foldBatchNorm → foldAveragePooling → foldInputGain → quantize → lowerToCSR → \
                mapCores → estimate, then writes a file whose root is a NIR graph (Python \
                'nir.read' loads the deployed model: the integer weights, with each LIF group's \
                scale in its r) and whose /snnc group holds the sparse integer tables, \
                quantisation, core map, estimates with the target's cost figures, and provenance \
                (docs/FORMAT.md, format \(DeploymentFile.majorVersion).\(DeploymentFile.minorVersion)). The model's \
                input preprocessing ('snnc import \
                --normalize') is stored with it and sets the input's quantisation range.

                Without --calibration the estimates are structure only: every neuron is assumed \
                to fire with --assume-rate per step, and reports say so. With a calibration from \
                'snnc simulate --calibration-out' (events per layer and step, and per unit) the \
                synaptic operations equal the simulator's on the same images.

                Examples:
                  snnc export dense.h5 --target edge -o model.snn.h5
                  snnc export dense.h5 --target loihi --calibration spikes.json -o model.snn.h5
                  snnc export tickets.h5 --format nir -o model.nir     # plain dense float NIR graph
                  snnc export tickets.h5 --level 3 --target edge -o model.snn.h5
                  snnc export fit.h5 --level best-fit --target edge -o model.snn.h5

                --level best-fit needs a ticket file from 'snnc prune --target T \
                --validation-subset N' (the validation accuracies and fits it stored; --target \
                must be one of its targets) and prints the level it chose and why.

                --format nir writes a plain NIR file instead (float32, dense, batch norm folded, \
                max-pooling as SumPool2d + IF; docs/NIR.md); the target options do not apply.
                """)

        @Argument(help: "Model to compile: a checkpoint from 'snnc train' or a ticket file from 'snnc prune'.")
        var input: String
        @Option(
            parsing: .unconditional,  // "--level -1" is a value (then refused), not a missing one
            help: ArgumentHelp(
                """
                Ticket-file level to compile: a number, or best-fit (of the levels that fit every target and budget the \
                search checked, the highest validation accuracy; ties: lower energy on --target, then lower level). \
                (default: the sparsest level trained at the full T)
                """, valueName: "k|best-fit"))
        var level: LevelChoice?
        @Option(help: "Target profile name (see 'snnc targets') or path to a .toml file. (default: edge)")
        var target: String?
        @Option(name: .shortAndLong, help: "Deployment file to write (HDF5, e.g. model.snn.h5).")
        var output: String
        @Option(help: "What to write: deployment (the compiled chip file) or nir (a plain float NIR graph).")
        var format: OutputFormat = .deployment

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case deployment, nir }
        @Flag(help: "Overwrite an existing --output.")
        var force = false
        @Option(
            help: """
                Measured activity as JSON, as 'snnc simulate --calibration-out' writes it: \
                {"images": N, "events": {"lif1": [per-step means], …}, "unit_events": {…} (optional), "source": {…} (optional: \
                the model and level it was measured on; another is refused)}.
                """
        )
        var calibration: String?
        @Option(help: "Firing probability per neuron and step for structure-only estimates (without --calibration). (default: 0.1)")
        var assumeRate: Double?
        @Option(
            help: """
                Map this percentile of each layer's weight magnitudes to the largest integer, clipping (and reporting) \
                larger ones. (default: the maximum, no clipping)
                """
        )
        var clipPercentile: Double?
        @Flag(help: "Print the summary (file, target, level, cores, memory, energy, latency, activity) as JSON on stdout.")
        var json = false

        func validate() throws {
            if let rate = assumeRate, !(rate >= 0 && rate <= 1) { throw ValidationError("--assume-rate must be in [0, 1]") }
            if calibration != nil && assumeRate != nil {
                throw ValidationError("--assume-rate is for estimates without --calibration: give one of them")
            }
            if format == .nir && json { throw ValidationError("--json summarises a deployment; --format nir writes none") }
            if format == .nir {
                let given = [
                    ("--target", target != nil), ("--calibration", calibration != nil), ("--assume-rate", assumeRate != nil),
                    ("--clip-percentile", clipPercentile != nil),
                ].filter(\.1).map(\.0)
                if !given.isEmpty {
                    throw ValidationError(
                        "--format nir writes the float model, which \(given.joined(separator: ", ")) would not change: drop "
                            + (given.count == 1 ? "it" : "them"))
                }
            }
            if let p = clipPercentile, !(p > 0 && p <= 100) { throw ValidationError("--clip-percentile must be in (0, 100]") }
        }

        func run() throws {
            try reportingDiagnostics {
                if FileManager.default.fileExists(atPath: output) && !force {
                    throw Diagnostic(
                        message: "'\(output)' already exists", location: output,
                        hint: "pass --force to overwrite it, or choose another -o")
                }
                if format == .nir {
                    try writeNIR()
                    return
                }
                let profile = try loadProfile(target ?? "edge")
                let measured = try calibration.map { try ($0, CalibrationFile.read($0)) }  // a bad file fails first
                let opened = try ModelSource.graph(at: input, level: level?.breakingTies(on: profile.name))
                let inputSHA256 = try fileSHA256(input, role: "the input file")
                if let (path, (_, source)) = measured {
                    try CalibrationFile.check(
                        source, at: path, for: input, sha256: inputSHA256, level: opened.level, target: profile.name,
                        clipPercentile: clipPercentile)
                }
                let calibrationValue = measured?.1.0
                var graph = opened.graph
                PreprocessingNote.print(for: graph.inputPreprocessing)
                graph.provenance = Provenance(
                    sourceFile: input, sourceSHA256: inputSHA256,
                    command: CommandLineText.invocation, toolVersion: SNNC.version,
                    target: profile.name, createdUTC: ISO8601DateFormatter().string(from: Date()),
                    sourceLevel: opened.level)
                let options = QuantizeOptions(scaleRule: clipPercentile.map { .percentile($0) } ?? .maxAbs)
                do {
                    graph = try compile(
                        graph, for: profile, quantization: options, calibration: calibrationValue,
                        assumedRate: assumeRate ?? 0.1)
                } catch let error as CompileError {
                    // Adds the input file and the target's name to the layer and limit.
                    throw Diagnostic(compile: error, target: profile.name, input: input)
                }
                try DeploymentFile.write(graph, to: output, producer: "snnc \(SNNC.version)")
                reportClipping(graph)
                if json, let e = graph.estimates {
                    try printSummaryJSON(graph, e, profile: profile, level: opened.level)
                } else if let e = graph.estimates {
                    print(
                        "\(output): \(graph.synapticLayers.count) synaptic layers on \(e.cores) of \(profile.cores.count) "
                            + "'\(profile.name)' cores, "
                            + "\(Units.bytes(Double(e.memoryBytes))) synapse memory, \(Units.energy(picojoules: e.energy.total)) "
                            + "per inference "
                            + "(\(e.activity.label))")
                }
                printError(
                    calibration == nil
                        ? "next: 'snnc simulate \(output) --check --calibration-out cal.json' runs it event by event; exporting "
                            + "again with '--calibration cal.json --force' puts the measured activity into its estimates"
                        : "next: 'snnc inspect \(output)' shows its per-layer budget; 'snnc report \(output) -o report.html' "
                            + "draws it")
            }
        }

        /// `--json`: what the text line says, as numbers (keys as `inspect --json`'s totals).
        private func printSummaryJSON(_ graph: Graph, _ e: Estimates, profile: ChipProfile, level: Int?) throws {
            struct Summary: Encodable {
                var output: String, input: String, level: Int?, target: String, synapticLayers: Int
                var cores: Int, coresAvailable: Int, memoryBytes: Int, energyPJ: Double, latencySeconds: Double
                var activity: String
            }
            let summary = Summary(
                output: output, input: input, level: level, target: profile.name, synapticLayers: graph.synapticLayers.count,
                cores: e.cores, coresAvailable: profile.cores.count, memoryBytes: e.memoryBytes, energyPJ: e.energy.total,
                latencySeconds: e.latencySeconds, activity: e.activity.label)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        }

        private func writeNIR() throws {
            let state = try ModelSource.state(at: input, level: level)
            PreprocessingNote.print(for: state.inputPreprocessing)
            let document: NIRDocument
            do {
                document = try NIRExporter.document(of: state, producer: "snnc \(SNNC.version)")
            } catch let error as NIRExportError {
                // Adds the input file before the node.
                throw Diagnostic(message: error.reason, location: "\(input), node '\(error.node)'", hint: error.hint)
            }
            try document.write(to: output)
            let types = Set(document.nodes.map(\.type)).sorted().joined(separator: ", ")
            print("\(output): NIR graph of \(document.nodes.count) nodes (\(types)), \(document.edges.count) edges")
        }

        private func reportClipping(_ graph: Graph) {
            var zeroed = 0
            var zeroedLayers = 0
            for layer in graph.synapticLayers {
                guard let stats = layer.op.synapticWeights?.quantized?.stats else { continue }
                if stats.clippedWeights > 0 || stats.clippedBias > 0 {
                    printError(
                        String(
                            format: "note: layer '%@': %d of %d weights clipped (%.3f%%), %d of %d biases clipped",
                            layer.name, stats.clippedWeights, stats.keptWeights, 100 * stats.clippedFraction,
                            stats.clippedBias, stats.biasCount))
                }
                if stats.zeroedWeights > 0 {
                    zeroed += stats.zeroedWeights
                    zeroedLayers += 1
                }
            }
            if zeroed > 0 {
                printError(
                    "note: \(Units.counted(zeroed, "kept weight")) in \(Units.counted(zeroedLayers, "layer")) rounded to 0 and "
                        + "\(zeroed == 1 ? "is" : "are") left out of the tables ('snnc inspect' lists them per layer)"
                )
            }
        }
    }
}

/// Loads a target profile, turning a `ProfileError` into a diagnostic.
func loadProfile(_ nameOrPath: String) throws -> ChipProfile {
    do {
        return try ChipProfile.named(nameOrPath)
    } catch {
        throw Diagnostic(
            message: ([error.subject].compactMap { $0 } + [error.reason]).joined(separator: ": "),
            location: error.location, hint: error.hint)
    }
}

extension Diagnostic {
    /// A compile error as a diagnostic: the layer and the profile limit go on the `At:` line.
    init(compile error: CompileError, target: String, input: String) {
        var location = input
        if let layer = error.layer { location += ", layer '\(layer)'" }
        if let limit = error.limit { location += "; target '\(target)' \(limit)" }
        self.init(message: error.reason, location: location, hint: error.hint)
    }
}
