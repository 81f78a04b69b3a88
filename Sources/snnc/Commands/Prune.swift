import ArgumentParser
import Foundation
import SNNData
import SNNStore
import SNNTensor
import SNNTickets
import SNNTrain

extension SNNC {
    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search for sparse lottery tickets; write every level to an HDF5 ticket file.",
            discussion: """
                Methods (Kim et al., ECCV 2022; defaults follow the released code):
                  imp       iterative magnitude pruning: 25% of the survivors per
                            round by global |w|, late rewinding (--rewind), fresh
                            optimiser and cosine schedule every round
                  eb        early-bird: dense search at 2x lr, a magnitude mask per
                            epoch (--eb-checks-per-epoch); the ticket is drawn
                            when the last 5 masks differ by < 0.02; retrain
                            from the initialisation
                  imp+et    IMP whose rounds train at T_early, chosen by a KL probe
                            after 2 epochs on 1000 images (lambda 0.6, candidates
                            2,3,4); reported rounds retrain at the full T (alias: et)
                  eb+et     early-bird searched at T_early, retrained at the full T
                  snip      keep the largest |g*w| of one batch at initialisation
                  random    a random mask at the same global (or layer-wise) density
                  transfer  IMP on the ANN twin; masks and rewind weights moved to
                            the SNN by name and trained there

                Targets. imp, imp+et and transfer run --rounds N (or the fewest
                rounds reaching --sparsity S) and store every round as a level; a
                list (4,8) names the rounds imp+et retrains at the full T and
                transfer trains on the SNN. The other methods draw one ticket per
                list entry: --rounds k means IMP round k's density, --sparsity S
                prunes S% of the prunable weights (as the early-bird code does).

                The ticket file is rewritten atomically after every epoch: kill a
                search at any moment and continue it with --resume; the result is
                the same bits as an uninterrupted run. An imp search (finished or
                not) goes on to more rounds with --resume --rounds N (or
                --sparsity S): the same bits as a search started with them.

                Examples:
                  snnc prune --method imp --width 0.125 --train-subset 10000 \\
                      --epochs-per-round 8 --rounds 8 -o imp.h5
                  snnc prune --method eb --sparsity 68.30,89.91 -o eb.h5
                  snnc prune --method imp+et --rounds 4,8 -o et.h5
                  snnc prune --method imp --from dense.h5 --rounds 8 -o imp.h5
                  snnc prune --method transfer --rounds 4,8 -o tt.h5
                  snnc prune --method imp --data-dir fixtures/fashion-mnist \\
                      --model small --width 0.25 --train-subset 200 \\
                      --epochs-per-round 1 --rounds 2 -o toy.h5
                  snnc prune --resume -o imp.h5          # continue a killed search
                  snnc prune --resume -o imp.h5 --json   # summary of a finished file
                  snnc prune --resume --rounds 11 -o imp.h5  # take imp on to round 11
                """)

        @OptionGroup(title: "Model (ignored with --from and --resume)") var model: ModelOptions
        @OptionGroup(title: "Data and training of one round") var round: RoundOptions
        @OptionGroup(title: "Search") var searchOptions: SearchOptions
        @OptionGroup(title: "Early-bird") var earlyBird: EarlyBirdOptions
        @OptionGroup(title: "Early-time") var earlyTime: EarlyTimeOptions

        @Option(help: "BLAS threads.")
        var threads = 2
        @Option(name: .shortAndLong, help: "Ticket file to write (HDF5).")
        var output: String
        @Flag(help: "Continue the search in --output from its last finished epoch (or print a finished file's summary).")
        var resume = false
        @Flag(help: "Overwrite an existing --output instead of refusing.")
        var force = false
        @Flag(help: "Print the summary (header, levels, results) as JSON on stdout.")
        var json = false
        @Option(help: ArgumentHelp("Stop after this many epochs of this session, as a kill would (tests).", visibility: .hidden))
        var stopAfterEpochs: Int?

        func validate() throws {
            if resume && (model.isGiven || round.definesTraining || searchOptions.isGivenBesidesTargets || earlyBird.isGiven || earlyTime.isGiven) {
                throw ValidationError("--resume continues with the settings stored in the ticket file; drop the model, training and search options (--data-dir may stay; --rounds or --sparsity extend an imp search)")
            }
            if resume && force { throw ValidationError("--resume and --force exclude each other") }
            if !resume && searchOptions.method == nil { throw ValidationError("give --method (\(TicketMethod.names.joined(separator: ", ")))") }
            if searchOptions.from != nil && (model.isGiven || round.definesTraining) {
                throw ValidationError("--from takes the model and training settings from the checkpoint; drop the model, data and training options (--data-dir may stay)")
            }
            if threads < 1 { throw ValidationError("--threads must be at least 1") }
            if let stopAfterEpochs, stopAfterEpochs < 1 { throw ValidationError("--stop-after-epochs must be at least 1") }
        }

        func run() throws {
            try reportingDiagnostics {
                setBLASThreads(threads)
                var document = try resume ? loadForResume() : newDocument()
                if resume, searchOptions.rounds != nil || searchOptions.sparsity != nil {
                    let stored = document.header.search
                    do {
                        document = try TicketSearch.extending(document, to: try searchOptions.targets(),
                                                              command: CommandLine.arguments.joined(separator: " "))
                    } catch let error as SearchConfigError {
                        throw Diagnostic(message: error.description, location: output,
                                         hint: "--resume --rounds N takes an imp search further; start a new search for other changes")
                    }
                    if document.header.search != stored { printError("extending '\(output)' to round \(document.header.search.rounds)") }
                }
                if resume, let dataDir = round.dataDir { document.header.training.data.directory = dataDir }
                let data = try TrainingData.load(document.header.training.data, seed: document.header.training.seed)
                if document.progress.finished {
                    printError("'\(output)' is complete; nothing to do")
                } else {
                    try search(document, data: data)
                }
                try printSummary(TicketFile.open(output))
            }
        }

        private func search(_ document: TicketDocument, data: TrainingData) throws {
            let path = output
            let search = try TicketSearch(document: document, data: data) { try TicketFile.write($0, to: path) }
            search.stopAfterEpochs = stopAfterEpochs
            let header = document.header
            if document.progress.completed.isEmpty && document.progress.current == nil {
                printError("\(header.method.rawValue): \(header.spec.architecture.rawValue) width \(header.spec.width), T = \(header.spec.timeSteps), \(data.train.count) training / \(data.test.count) test \(data.name.rawValue) images, \(header.training.epochs) epoch\(header.training.epochs == 1 ? "" : "s") per round, targets \(header.search.targets.map(\.description).joined(separator: ", "))")
            } else {
                let where_ = document.progress.current.map { "in \($0.setup.id)" } ?? "after \(document.progress.completed.last ?? "the start")"
                printError("resuming '\(output)' \(where_)")
            }
            let progress = ProgressLine()
            search.onEvent = { event in
                switch event {
                case let .batch(s):
                    progress.update(statusLine(s))
                case let .epochFinished(s, record):
                    progress.finish(String(format: "%@ level %d %@ epoch %d/%d  T=%d  lr %.4f  loss %.4f  train %.2f%%  %@",
                                           s.method.rawValue, s.level, s.run, s.epoch + 1, s.epochs, s.timeSteps,
                                           record.learningRate, record.trainLoss, 100 * record.trainAccuracy,
                                           formatDuration(record.seconds)))
                case let .levelFinished(info):
                    progress.finish(levelLine(info))
                case let .note(text):
                    progress.finish(text)
                }
            }
            do {
                try search.run()
            } catch is SearchInterrupted {
                printError("stopped after \(stopAfterEpochs ?? 0) epoch(s) as asked; continue with: snnc prune --resume -o \(output)")
            }
        }

        private func loadForResume() throws -> TicketDocument {
            guard FileManager.default.fileExists(atPath: output) else {
                throw Diagnostic(message: "nothing to resume: '\(output)' does not exist", hint: "start the search without --resume")
            }
            HDF5File.removeStaleTemporaries(of: output)
            let document = try TicketFile.readDocument(output)
            if document.header.snncVersion != SNNC.version {
                printError("warning: '\(output)' was written by snnc \(document.header.snncVersion); this is \(SNNC.version)")
            }
            return document
        }

        func newDocument() throws -> TicketDocument {
            if FileManager.default.fileExists(atPath: output) && !force {
                throw Diagnostic(message: "'\(output)' already exists",
                                 hint: "pass --resume to continue it, --force to overwrite it, or choose another -o")
            }
            let method = searchOptions.method!
            var search = SearchConfig(method: method, targets: try searchOptions.targets())
            try searchOptions.apply(to: &search)
            try earlyBird.apply(to: &search.earlyBird)
            try earlyTime.apply(to: &search.earlyTime)
            let command = CommandLine.arguments.joined(separator: " ")
            var source: (state: TrainingState, info: SourceCheckpoint)?
            let spec: ModelSpec
            var training: TrainingConfig
            if let from = searchOptions.from {
                guard FileManager.default.fileExists(atPath: from) else {
                    throw Diagnostic(message: "checkpoint '\(from)' does not exist",
                                     hint: "train one with 'snnc train … -o \(from)', or drop --from to train level 0 in the search")
                }
                let state = try Checkpoint.load(from: from)
                if state.epochsCompleted < state.config.epochs {
                    printError("warning: '\(from)' finished \(state.epochsCompleted) of its \(state.config.epochs) epochs; using it as level 0 anyway")
                }
                spec = state.spec
                training = state.config
                if let dataDir = round.dataDir { training.data.directory = dataDir }
                var sourceState = state
                sourceState.config = training
                source = (sourceState, SourceCheckpoint(path: from, sha256: try fileSHA256(from, role: "the checkpoint"),
                                                        epochsCompleted: state.epochsCompleted))
            } else {
                (spec, training) = try round.specAndConfig(model)
            }
            let trainImages = try TrainingData.load(training.data, seed: training.seed).train.count
            do {
                return try TicketSearch.newDocument(search: search, spec: spec, training: training, command: command,
                                                    snncVersion: SNNC.version, source: source, trainImages: trainImages)
            } catch let error as SearchConfigError {
                throw Diagnostic(message: error.description, hint: "see 'snnc prune --help'")
            }
        }

        private func printSummary(_ file: TicketFile) throws {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                let summary = TicketSummary(file: file.path, complete: file.isComplete, header: file.header, levels: file.levels,
                                            results: file.results, defaultLevel: file.defaultLevel)
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
                return
            }
            print("\(file.path): \(file.header.method.rawValue), \(file.levels.count) level\(file.levels.count == 1 ? "" : "s")\(file.isComplete ? "" : " (incomplete)")")
            if let probe = file.results.earlyTime {
                print("early-time: T_early = \(probe.chosen), normalised KL \(zip(probe.candidates, probe.normalized).map { String(format: "%d:%.3f", $0.0, $0.1) }.joined(separator: " "))")
            }
            let rows = file.levels.map { info in
                [String(info.level), info.label, String(info.sparsity.kept), String(format: "%.2f%%", info.paperSparsity),
                 String(format: "%.2f%%", info.weightSparsity), String(info.timeSteps), String(format: "%.2f%%", 100 * info.testAccuracy),
                 String(format: "%.1f", info.spikesPerImage), formatWork(info.searchCost.work), formatWork(info.trainCost.work),
                 formatDuration(info.totalCost.seconds)]
            }
            printTable(["level", "label", "kept", "sparsity", "weights", "T", "test", "spikes/img", "search MAC", "train MAC", "time"],
                       rows, leftAligned: [1])
        }
    }
}

/// The progress line of a running search.
private func statusLine(_ s: SearchStatus) -> String {
    let fraction = Double(s.batch) / Double(max(s.batches, 1))
    var line = "\(s.method.rawValue)  level \(s.level)/\(s.lastLevel)  \(s.run)  T=\(s.timeSteps)  epoch \(s.epoch + 1)/\(s.epochs) \(progressBar(fraction))"
    line += String(format: "  loss %.4f", s.meanLoss)
    if let acc = s.lastAccuracy { line += String(format: "  last test %.2f%%", 100 * acc) }
    line += "  ETA " + (s.remainingSeconds.map(formatDuration) ?? "?")
    return line
}

private func levelLine(_ info: LevelInfo) -> String {
    String(format: "level %d (%@): kept %d of %d, sparsity %.2f%% (paper) / %.2f%% (weights), T=%d, test %.2f%%, %.1f spikes/img, search %@ + train %@ MAC, %@",
           info.level, info.label, info.sparsity.kept, info.sparsity.prunable, info.paperSparsity, info.weightSparsity,
           info.timeSteps, 100 * info.testAccuracy, info.spikesPerImage, formatWork(info.searchCost.work),
           formatWork(info.trainCost.work), formatDuration(info.totalCost.seconds))
}

/// Prints rows under a header, columns padded to their widest cell (right-aligned unless listed).
private func printTable(_ header: [String], _ rows: [[String]], leftAligned: Set<Int>) {
    let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
    for row in [header] + rows {
        let cells = row.indices.map { c -> String in
            let pad = String(repeating: " ", count: widths[c] - row[c].count)
            return leftAligned.contains(c) ? row[c] + pad : pad + row[c]
        }
        print(cells.joined(separator: "  "))
    }
}

/// `1.23e12` style.
private func formatWork(_ work: Int) -> String { work == 0 ? "0" : String(format: "%.3g", Double(work)) }

/// Data, schedule and seed of one round (the `train` command's options, with epochs per round).
struct RoundOptions: ParsableArguments {
    @OptionGroup var training: TrainingOptions
    @Option(help: "Epochs of round 0 and of every retrain; later IMP rounds train this minus the rewind point. (default: 10)")
    var epochsPerRound: Int?

    /// Options that change what is trained (all but --data-dir).
    var definesTraining: Bool { training.definesTraining || epochsPerRound != nil }

    /// Where the data files are, if given.
    var dataDir: String? { training.dataDir }

    func validate() throws {
        if let epochsPerRound, epochsPerRound < 1 { throw ValidationError("--epochs-per-round must be at least 1") }
    }

    func specAndConfig(_ model: ModelOptions) throws -> (ModelSpec, TrainingConfig) {
        try training.specAndConfig(model, epochs: epochsPerRound ?? 10)
    }
}

struct SearchOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Search method: \(TicketMethod.names.joined(separator: ", ")).", valueName: "method"))
    var method: TicketMethod?
    @Option(help: ArgumentHelp("Start from this dense checkpoint (level 0; IMP skips round 0 and replays its first epochs to recover the rewind point).", valueName: "checkpoint.h5"))
    var from: String?
    @Option(help: ArgumentHelp("IMP rounds (a list names the rounds to report), or one-shot targets at IMP round k's density.", valueName: "k[,k…]"))
    var rounds: String?
    @Option(help: ArgumentHelp("Target sparsity in % of prunable weights (IMP-like: the fewest rounds reaching it).", valueName: "S[,S…]"))
    var sparsity: String?
    @Option(help: "Fraction of the surviving weights one IMP round prunes. (default: 0.25)")
    var pruneRate: Double?
    @Option(help: "Ranking: global (one over all conv and fc weights) or layerwise. (default: global)")
    var scope: PruningScope?
    @Option(help: "Scores equal to the threshold: exact (prune exactly ⌊N·p⌋, earlier weights first) or keep-ties (the code: keep all tied). (default: exact)")
    var ties: TieRule?
    @Option(help: ArgumentHelp("IMP rewind point: init, N (epochs of round 0) or P% (of round 0's steps). (default: 7%, the paper's 20 of 300 epochs)", valueName: "point"))
    var rewind: String?
    @Flag(help: "Also rewind BatchNorm running statistics (the code keeps them from the previous round).")
    var rewindBnStats = false
    @Option(help: "Images in SNIP's gradient batch. (default: the batch size)")
    var snipImages: Int?
    @Option(help: "Where a transferred ticket starts on the SNN: rewind (the ANN's rewind weights) or init. (default: rewind)")
    var transferStart: TransferStart?

    /// Any search option other than --rounds / --sparsity (the ones `--resume` may take).
    var isGivenBesidesTargets: Bool {
        method != nil || from != nil || pruneRate != nil || scope != nil || ties != nil
            || rewind != nil || rewindBnStats || snipImages != nil || transferStart != nil
    }

    func validate() throws {
        if rounds != nil && sparsity != nil { throw ValidationError("give --rounds or --sparsity, not both") }
        if method != nil && rounds == nil && sparsity == nil { throw ValidationError("give --rounds or --sparsity") }
        if let rewind, RewindPoint(rewind) == nil { throw ValidationError("--rewind takes init, a number of epochs or a percentage like 7%") }
        if let snipImages, snipImages < 2 { throw ValidationError("--snip-images must be at least 2") }
        _ = try targets()
    }

    func targets() throws -> [DensityTarget] {
        if let rounds {
            return try numbers(rounds, "--rounds").map { value in
                guard let k = Int(exactly: value), k >= 1 else { throw ValidationError("--rounds takes whole numbers ≥ 1, got \(value)") }
                return .rounds(k)
            }
        }
        if let sparsity { return try numbers(sparsity, "--sparsity").map { .sparsity($0) } }
        return []
    }

    func apply(to search: inout SearchConfig) throws {
        if let pruneRate { search.pruneRate = pruneRate }
        if let scope { search.scope = scope }
        if let ties { search.ties = ties }
        if let rewind, let point = RewindPoint(rewind) { search.rewind = point }
        search.rewindBatchNormStatistics = rewindBnStats
        search.snipImages = snipImages
        if let transferStart { search.transferStart = transferStart }
    }
}

struct EarlyBirdOptions: ParsableArguments {
    @Option(help: "Masks in the window, the newest included. (default: 5)")
    var ebWindow: Int?
    @Option(help: "Draw the ticket when every distance in the window is below this. (default: 0.02)")
    var ebTau: Double?
    @Option(help: "Learning-rate factor of the dense search. (default: 2)")
    var ebLrScale: Float?
    @Option(help: "Mask checks per epoch. (default: 1)")
    var ebChecksPerEpoch: Int?
    @Flag(help: "Step the retrain's cosine twice per epoch, as the code's bug does.")
    var ebDoubleStep = false
    @Flag(help: "Leave BatchNorm γ entries out of the distance's denominator (the code counts them).")
    var ebDistanceWeightsOnly = false

    var isGiven: Bool {
        ebWindow != nil || ebTau != nil || ebLrScale != nil || ebChecksPerEpoch != nil || ebDoubleStep || ebDistanceWeightsOnly
    }

    func apply(to config: inout EarlyBirdConfig) throws {
        if let ebWindow { config.window = ebWindow }
        if let ebTau { config.tau = ebTau }
        if let ebLrScale { config.learningRateScale = ebLrScale }
        if let ebChecksPerEpoch { config.checksPerEpoch = ebChecksPerEpoch }
        config.doubleSchedulerStep = ebDoubleStep
        config.countBatchNormInDistance = !ebDistanceWeightsOnly
    }
}

struct EarlyTimeOptions: ParsableArguments {
    @Option(help: "Epochs at the full T before the probe (N). (default: 2)")
    var etProbeEpochs: Int?
    @Option(help: "Training images in the probe batch. (default: 1000)")
    var etProbeImages: Int?
    @Option(help: "Threshold on the normalised KL divergence. (default: 0.6)")
    var etLambda: Double?
    @Option(help: ArgumentHelp("Candidate time steps, in order. (default: 2,3,4)", valueName: "t[,t…]"))
    var etCandidates: String?
    @Option(help: "KL direction: code (D(P_T‖P_t)) or paper (D(P_t‖P_T)). (default: code)")
    var etKlDirection: KLDirection?
    @Option(help: "Normalise by the max (code) or by the first candidate (paper). (default: max)")
    var etNormalize: KLNormalization?
    @Option(help: "Loss under T_early: code (divided by the full T, so scaled by T_early/T) or mean. (default: code)")
    var etLossScale: LossScale?
    @Option(help: "IMP+ET round 0 anneals to this fraction of the peak lr (the code: 0.01; 0 = as IMP). (default: 0.01)")
    var etRound0MinLr: Float?
    @Flag(help: "Probe with BatchNorm running statistics instead of the code's training mode.")
    var etProbeEval = false

    enum LossScale: String, ExpressibleByArgument, CaseIterable {
        case code, mean
    }

    var isGiven: Bool {
        etProbeEpochs != nil || etProbeImages != nil || etLambda != nil || etCandidates != nil || etKlDirection != nil
            || etNormalize != nil || etLossScale != nil || etRound0MinLr != nil || etProbeEval
    }

    func validate() throws {
        if let etProbeEpochs, etProbeEpochs < 1 { throw ValidationError("--et-probe-epochs must be at least 1") }
        if let etProbeImages, etProbeImages < 2 { throw ValidationError("--et-probe-images must be at least 2") }
        if let etCandidates { _ = try numbers(etCandidates, "--et-candidates") }
    }

    func apply(to config: inout EarlyTimeConfig) throws {
        if let etProbeEpochs { config.probeAfterEpochs = etProbeEpochs }
        if let etProbeImages { config.probeImages = etProbeImages }
        if let etLambda { config.lambda = etLambda }
        if let etCandidates {
            config.candidates = try numbers(etCandidates, "--et-candidates").map { value in
                guard let t = Int(exactly: value), t >= 1 else { throw ValidationError("--et-candidates takes whole numbers ≥ 1") }
                return t
            }
        }
        if let etKlDirection { config.direction = etKlDirection }
        if let etNormalize { config.normalization = etNormalize }
        if let etLossScale { config.scaleLossByTimeSteps = etLossScale == .code }
        if let etRound0MinLr { config.roundZeroMinimumLearningRate = etRound0MinLr }
        config.probeInTrainingMode = !etProbeEval
    }
}

/// Parses `4,8` or `68.30, 89.91`.
private func numbers(_ text: String, _ option: String) throws -> [Double] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    let values = parts.compactMap(Double.init)
    guard !parts.isEmpty, values.count == parts.count, values.allSatisfy(\.isFinite) else {
        throw ValidationError("\(option) takes a comma-separated list of numbers, got '\(text)'")
    }
    return values
}

extension TicketMethod: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { names }
}

extension PruningScope: ExpressibleByArgument {}
extension TieRule: ExpressibleByArgument {}
extension TransferStart: ExpressibleByArgument {}
extension KLDirection: ExpressibleByArgument {}
extension KLNormalization: ExpressibleByArgument {}
