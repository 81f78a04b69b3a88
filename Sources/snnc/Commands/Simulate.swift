import ArgumentParser
import Foundation
import SNNData
import SNNFormat
import SNNIR
import SNNSimulator
import SNNStore
import SNNTrain

extension SNNC {
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a deployment file in the event-driven integer simulator on test images.",
            discussion: """
                Every spike fans out through the file's CSR tables; neurons are updated only when \
                they receive input, carry a bias or have a membrane to leak. Reports accuracy, \
                spikes per layer, synaptic events, and (with the target's cost model) cycles, \
                latency and an energy breakdown per inference. Results do not depend on --threads. \
                Images are padded and normalised as the file records ('snnc inspect' shows it). \
                Also reports NeuroBench's metrics under its own names ('neurobench' in --json: \
                SynapticOperations Effective_MACs, Effective_ACs and Dense, ActivationSparsity, \
                MembraneUpdates, Footprint, ConnectionSparsity; docs/METRICS.md).

                --check also runs the dense integer reference (every layer computed in full, every \
                step, from the integer weights) and fails on the first spike that differs, naming \
                the image, layer, step and neuron.

                --compare FILE also runs the float model the export came from (the checkpoint or \
                ticket file given to 'snnc export'; its SHA-256 must match the one the deployment \
                recorded, and a ticket file is read at the level that was compiled) on the same \
                images, in batches of \(SNNC.Simulate.compareBatch), and reports both accuracies, how often the \
                predictions agree and, per LIF layer, both firing rates (spikes per neuron per step), \
                agreement (fraction of (neuron, image, step) triples where both spike or both stay \
                silent; high at low rates by shared silence alone), Jaccard (spikes in both / in \
                either), precision and recall of the integer spikes. A layer is flagged 'silent' \
                when the float one fires (rate >= 0.001) and the integer rate is below 0.1 x the \
                float rate, and 'saturated' when the integer rate is >= 0.9 while the float rate is \
                below 0.9, or >= 0.2 and >= 4 x the float rate. Flags are printed and the exit \
                status stays 0; with --fail-on-flags a flagged layer makes the exit status 3.

                Examples:
                  snnc simulate model.snn.h5 --dataset fmnist --limit 1000
                  snnc simulate model.snn.h5 --data-dir fixtures/fashion-mnist --limit 100 --check
                  snnc simulate model.snn.h5 --limit 10 --trace spikes.h5 --json
                  snnc simulate model.snn.h5 --limit 1000 --compare tickets.h5
                  snnc simulate model.snn.h5 --limit 1000 --compare tickets.h5 --fail-on-flags --json
                """)

        /// Images per batch when comparing with the float model (bounds the memory of traces
        /// and float activations).
        static let compareBatch = 32

        @Argument(help: "Deployment file written by 'snnc export'.")
        var file: String
        @Option(help: "Data set: fmnist, cifar10, cifar100 or fmnist-4x4. (default: the one the model was exported for)")
        var dataset: String?
        @Option(help: "Folder with the data set's files (default: the Debian package's folder).")
        var dataDir: String?
        @Option(help: "Images to run: test, or train (as 'prune --calibration-images' calibrates on).")
        var split: ImageSplit = .test
        @Option(help: "Simulate the first N images of the split. (default: all)")
        var limit: Int?
        @Option(
            help: """
                Target profile whose cost figures price the run (name or .toml path); the mapping stays the one the file was \
                compiled for ('snnc export --target' says whether another chip can hold the model). (default: the figures \
                stored in the file by 'snnc export')
                """)
        var target: String?
        @Option(help: "Worker threads (each runs whole images).")
        var threads = CommandDefaults.threads
        @Flag(help: "Also run the dense integer reference and fail on the first differing spike.")
        var check = false
        @Option(help: "Write every image's spike trains to this HDF5 file.")
        var trace: String?
        @Option(help: "Write the measured spikes per layer and step (and per unit) as JSON for 'snnc export --calibration'.")
        var calibrationOut: String?
        @Option(help: "Also run the float model the export came from (its checkpoint or ticket file) and compare per layer.")
        var compare: String?
        @Flag(help: "With --compare: exit with status 3 if any layer is flagged silent or saturated.")
        var failOnFlags = false
        @Flag(help: "Print JSON instead of text.")
        var json = false

        func validate() throws {
            if threads < 1 { throw ValidationError("--threads must be at least 1") }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
            if failOnFlags && compare == nil { throw ValidationError("--fail-on-flags needs --compare") }
        }

        func run() throws {
            try reportingDiagnostics {
                // Written after the whole run: a folder that is not there fails now, not after it.
                if let trace { try AtomicFile.requireFolder(of: trace, hint: "create the folder first, or choose another --trace") }
                if let calibrationOut {
                    try AtomicFile.requireFolder(of: calibrationOut, hint: "create the folder first, or choose another --calibration-out")
                }
                let graph = try DeploymentFile.read(file).graph
                let cost = try costModel(for: graph)
                let simulator: EventSimulator
                let reference: DenseReference?
                do {
                    simulator = try EventSimulator(graph, cost: cost)
                    reference = check ? try DenseReference(graph) : nil
                } catch let error as SimulatorError {
                    // Points at the deployment file (not the layer) and says how to rebuild it.
                    throw Diagnostic(
                        message: error.description, location: file,
                        hint: "export the model again with 'snnc export'")
                }
                var floatRun = try compare.map {
                    try FloatComparisonRun(
                        source: ComparisonSource.load($0, for: graph, deployment: file),
                        graph: graph)
                }
                let inputs = try SimulationInputs.load(
                    dataset: dataset, directory: dataDir, limit: limit, graph: graph, file: file, split: split.split)
                PreprocessingNote.print(for: inputs.preprocessing)
                let progress = SharedProgressLine()
                let started = ProcessInfo.processInfo.systemUptime
                let total = inputs.count
                let label = floatRun == nil ? "simulate" : "simulate + float model"
                let batches = SimulationBatches(
                    simulator: simulator, count: total, labels: inputs.labels, image: { inputs.image($0) },
                    threads: threads, reference: reference, keepTraces: trace != nil,
                    tracesForEach: floatRun != nil, unitCounts: calibrationOut != nil,
                    batchSize: floatRun == nil ? total : Self.compareBatch)
                let result = try batches.run(
                    progress: { done in
                        guard done == total || done % 10 == 0 else { return }
                        let elapsed = ProcessInfo.processInfo.systemUptime - started
                        progress.update(
                            "\(label) \(progressBar(Double(done) / Double(total))) \(done)/\(total) images, "
                                + "\(formatDuration(elapsed)) elapsed")
                    }, each: { range, batch in try floatRun?.add(range, batch, inputs: inputs) })
                let seconds = ProcessInfo.processInfo.systemUptime - started
                progress.finish(
                    String(
                        format: "simulated %@ in %@ (%.1f ms per image on %@)",
                        Units.counted(result.images, "image"), formatDuration(seconds),
                        1e3 * seconds / Double(max(result.images, 1)), Units.counted(threads, "thread")))
                if let mismatch = result.mismatch {
                    throw Diagnostic(
                        message: "the event simulator and the dense reference differ: \(mismatch)", location: file,
                        hint:
                            "both read the same integer weights from the file, so this is a simulator bug; please report it with this file")
                }
                if let trace, let traces = result.traces {
                    try SpikeTraceFile(model: file, graph: graph, traces: traces, result: result).write(to: trace)
                }
                if let calibrationOut {
                    let source = graph.provenance.map(CalibrationFile.Source.init(provenance:))
                    try CalibrationFile.write(result.calibration(), source: source, to: calibrationOut)
                }
                var report = SimulateReport(
                    file: file, graph: graph, dataset: inputs.dataset, result: result,
                    threads: threads, costModel: cost, checked: reference != nil)
                report.comparison = floatRun.map { CompareReport(source: $0.source, result: $0.comparison.result()) }
                print(json ? try report.json() : report.text())
                if let calibrationOut, let export = graph.provenance.flatMap({ Self.exportAgain($0.command, calibrationOut) }) {
                    printError("next: '\(export)' puts the measured activity into the file's estimates")
                }
                if let flagged = report.comparison?.result.flagged, !flagged.isEmpty {
                    printError(
                        "note: \(Units.counted(flagged.count, "LIF layer")) flagged after quantisation: "
                            + CompareReport.describe(flagged))
                    if failOnFlags { throw ExitCode(3) }
                }
            }
        }

        /// The export command recorded in the file (paths as in the folder it ran in), with the
        /// calibration `calibration` instead of any estimate option, overwriting its output; nil
        /// when the record is not an export.
        static func exportAgain(_ command: String, _ calibration: String) -> String? {
            let words = CommandLineText.words(command)
            guard words.count > 2, words[0] == "snnc", words[1] == "export" else { return nil }
            let dropped = CommandLineText.options(in: words, flags: ["--force"]).filter {
                ["--calibration", "--assume-rate", "--force"].contains($0.name)
            }
            let kept = words.indices.filter { i in !dropped.contains { $0.words.contains(i) } }.map { words[$0] }
            return CommandLineText.line(kept + ["--calibration", calibration, "--force"])
        }

        /// The cost model of `--target`; else the figures the file was compiled with; else (files
        /// without them) the profile the file names; nil (with a note) when there is none.
        private func costModel(for graph: Graph) throws -> CostModel? {
            if let target {
                let profile = try loadProfile(target)
                if let compiled = graph.target, compiled != profile.name {
                    printError(
                        "note: '\(file)' was compiled for '\(compiled)' (its numerics, neuron model and core map): the "
                            + "cycles and energy below price that mapping with the figures of '\(profile.name)', which says nothing "
                            + "of whether '\(profile.name)' can run it; 'snnc export --target \(profile.name)' compiles it for "
                            + "'\(profile.name)' and says whether it fits")
                }
                return profile.costs
            }
            if let costs = graph.estimates?.costs { return costs }
            guard let name = graph.target else {
                printError("note: the file names no target and no --target was given: no cycles or energy")
                return nil
            }
            return try loadProfile(name).costs
        }

    }
}

/// The images a simulation runs (the test split, or the training split for `--split train` and
/// `prune --calibration-images`): loaded, cut to `--limit`, padded and normalised as the model
/// records (`Graph.inputPreprocessing`; files without the record: the data set's default,
/// padding to the model's input size).
struct SimulationInputs: Sendable {
    let dataset: String
    let data: LabeledImages
    let normalization: Normalization
    /// The preprocessing the file records, if any.
    let preprocessing: InputPreprocessing?

    var count: Int { data.count }
    var labels: [Int] { data.labels.map(Int.init) }

    /// Image `i`, normalised as in training (C-order floats).
    func image(_ i: Int) -> [Float] { normalization.apply(to: data.image(at: i)) }

    static func load(
        dataset: String?, directory: String?, limit: Int?, graph: Graph, file: String, split: Split = .test
    ) throws -> SimulationInputs {
        let recorded = graph.inputPreprocessing
        let fromFile = recorded?.dataset ?? graph.inputRange?.source.split(separator: " ").first.map(String.init)
        guard let nameText = dataset ?? fromFile, let name = DatasetName(rawValue: nameText) else {
            throw Diagnostic(
                message: "no data set given and none recorded in the file", location: file,
                hint: "pass --dataset (\(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var data = try LabeledImages.load(name, directory: directory, split: split)
        if let limit, limit < data.count { data = data.selecting(Array(0..<limit)) }
        let shape = graph.layers.first?.shape ?? []
        guard shape.count == 3, shape[0] == data.channels else {
            throw Diagnostic(
                message: "the model reads \(shape) images but '\(name.rawValue)' has \(data.imageShape)", location: file,
                hint: "pass the --dataset the model was trained on")
        }
        // The data set the file records (or any, for a file without the record): the recorded
        // padding when it gives the model's input size, else the padding that does. Another data
        // set is not padded: its images must have the model's input size.
        let recordedData = recorded.map { $0.dataset == name.rawValue } ?? true
        let pads = recordedData ? [recorded?.padding, (shape[1] - data.height) / 2].compactMap { $0 } : []
        if let pad = pads.first(where: { $0 > 0 && shape[1] - data.height == 2 * $0 && shape[2] - data.width == 2 * $0 }) {
            data = data.padded(by: pad)
        }
        guard data.imageShape == shape else {
            throw Diagnostic(
                message: "the model reads \(shape) images but '\(name.rawValue)' has \(data.imageShape)", location: file,
                hint: "pass the --dataset the model was trained on"
                    + (recorded.map { $0.dataset != name.rawValue ? " (the file records '\($0.dataset)')" : "" } ?? ""))
        }
        return SimulationInputs(
            dataset: name.rawValue, data: data, normalization: try normalization(recorded, name, file), preprocessing: recorded)
    }

    /// The model's own statistics when it records given ones, else the data set's default.
    private static func normalization(_ recorded: InputPreprocessing?, _ name: DatasetName, _ file: String) throws -> Normalization {
        guard let recorded, recorded.origin == .given else { return name.normalization }
        guard recorded.channels == name.imageShape[0] else {
            throw Diagnostic(
                message: "the model's input normalisation has \(recorded.channels) channels, '\(name.rawValue)' images have "
                    + "\(name.imageShape[0])", location: file, hint: "pass the --dataset the model was trained on")
        }
        do {
            return try Normalization(recorded)
        } catch let error as DataError {
            throw Diagnostic(message: error.reason, location: file, hint: "export the model again with 'snnc export'")
        }
    }
}

/// A `ProgressLine` the simulator's worker threads may update: one lock around it.
final class SharedProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let line = ProgressLine()

    func update(_ text: String) { lock.withLock { line.update(text) } }
    func finish(_ text: String) { lock.withLock { line.finish(text) } }
}

/// `simulate --split`.
enum ImageSplit: String, ExpressibleByArgument, CaseIterable {
    case test, train

    var split: Split { self == .train ? .train : .test }
}
