import Foundation
import SNNStore
import SNNTickets
import SNNTrain

/// The finished runs of a sweep merged into one file (`snnc sweep collect`): CSV, one row per
/// run and level (per run for train, export and simulate), or JSON, every run's summary
/// (`snnc prune --json`'s for prune sweeps, which `snnc report` reads).
///
/// Only deterministic numbers go in the CSV (no wall times), so two executions of the same sweep
/// (here and on a cluster, killed and resumed or not) give the same bytes.
struct SweepCollection {
    struct Entry {
        var run: SweepRun
        var file: String
        var tickets: TicketSummary?
        var training: TrainingState?
        /// SHA-256 of each level's (or the checkpoint's) parameters, masks and buffers.
        var weights: [Int: String]
    }

    var plan: SweepPlan
    var entries: [Entry]
    /// Runs left out because they are not finished.
    var unfinished: [SweepRun]

    init(_ plan: SweepPlan) throws {
        self.plan = plan
        entries = []
        unfinished = []
        let directory = plan.file.directory
        for run in plan.runs {
            guard SweepRunState.of(run, command: plan.file.command, in: directory) == .finished else {
                unfinished.append(run)
                continue
            }
            let path = (directory as NSString).appendingPathComponent(run.output)
            var entry = Entry(run: run, file: run.output, tickets: nil, training: nil, weights: [:])
            switch plan.file.command {
            case .prune:
                let file = try TicketFile.open(path)
                var summary = file.summary
                summary.file = run.output
                entry.tickets = summary
                for level in file.levels { entry.weights[level.level] = Self.digest(try file.loadLevel(level.level).parameters) }
            case .train:
                let state = try Checkpoint.load(from: path)
                entry.training = state
                entry.weights[0] = Self.digest(state.parameters)
            case .export, .simulate:
                break
            }
            entries.append(entry)
        }
    }

    /// SHA-256 over every parameter's name, values, mask and every buffer, as stored bits.
    static func digest(_ parameters: ParameterSet) -> String {
        var hash = SHA256()
        func add(_ name: String, _ values: [Float]) {
            hash.update(Array(name.utf8) + [0])
            var count = UInt64(values.count).littleEndian
            withUnsafeBytes(of: &count) { hash.update(Array($0)) }
            values.withUnsafeBytes { hash.update(Array($0)) }
        }
        for parameter in parameters.parameters {
            add(parameter.name, parameter.value.scalars)
            if let mask = parameter.mask { add(parameter.name + ".mask", mask.scalars) }
        }
        for buffer in parameters.buffers { add(buffer.name, buffer.value.scalars) }
        return hash.hexDigest()
    }

    /// The CSV text: a header, then rows in plan order.
    func csv() -> String {
        let axes = plan.file.axes.map(\.name)
        var header = ["run"] + axes
        switch plan.file.command {
        case .prune:
            header += [
                "level", "label", "time_steps", "kept_weights", "weight_sparsity", "paper_sparsity", "test_accuracy", "test_loss",
                "spikes_per_image", "train_epochs", "search_work_mac", "train_work_mac", "weights_sha256",
            ]
        case .train:
            header += ["epochs", "train_accuracy", "test_accuracy", "train_loss", "weights_sha256"]
        case .export, .simulate:
            header += ["file"]
        }
        var rows = [header]
        for entry in entries {
            let prefix = [entry.run.name] + axes.map { axis in entry.run.values.first { $0.axis == axis }?.label ?? "" }
            if let summary = entry.tickets {
                for level in summary.levels {
                    rows.append(
                        prefix + [
                            String(level.level), level.label, String(level.timeSteps), String(level.sparsity.kept),
                            String(level.weightSparsity), String(level.paperSparsity), String(level.testAccuracy), String(level.testLoss),
                            String(level.spikesPerImage), String(level.trainEpochs), String(level.searchCost.work),
                            String(level.trainCost.work), entry.weights[level.level] ?? "",
                        ])
                }
            } else if let state = entry.training {
                let last = state.history.last
                rows.append(
                    prefix + [
                        String(state.epochsCompleted), last.map { String($0.trainAccuracy) } ?? "",
                        last?.testAccuracy.map { String($0) } ?? "", last.map { String($0.trainLoss) } ?? "", entry.weights[0] ?? "",
                    ])
            } else {
                rows.append(prefix + [entry.file])
            }
        }
        return rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One run in the JSON collection.
    struct JSONRun: Encodable {
        var name: String
        var axes: [String: String]
        var file: String
        var summary: TicketSummary?
        var weightsSHA256: [String: String]
    }

    /// The JSON collection `snnc report` reads: `{"sweep": …, "command": …, "runs": [...]}`.
    struct JSONCollection: Encodable {
        var sweep: String
        var command: String
        var runs: [JSONRun]
    }

    func json() throws -> Data {
        let runs = entries.map { entry in
            JSONRun(
                name: entry.run.name, axes: Dictionary(uniqueKeysWithValues: entry.run.values.map { ($0.axis, $0.label) }),
                file: entry.file, summary: entry.tickets,
                weightsSHA256: Dictionary(uniqueKeysWithValues: entry.weights.map { (String($0.key), $0.value) }))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(JSONCollection(sweep: plan.file.path, command: plan.file.command.rawValue, runs: runs))
    }
}
