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
                  oneshot   one-shot magnitude pruning (the paper's Fig. 3): dense
                            training at T_pre (--search-timesteps, default T) is
                            level 0; each target keeps its largest |w| and
                            retrains from the initialisation at the full T
                  random    a random mask at the same global (or layer-wise) density
                  transfer  IMP on the ANN twin; masks and rewind weights moved to
                            the SNN by name and trained there
                  gradr     Gradient Rewiring (Chen et al. 2021): w = s*max(theta, 0)
                            with the sign fixed at init; pruned connections keep
                            their gradient and grow back; a Laplacian prior
                            (--gradr-alpha, centred for the target sparsity) prunes
                  deepr     Deep Rewiring (Bellec et al. 2018): a random mask at the
                            target's count; active strengths follow SGD + L1 +
                            noise (--deepr-l1, --deepr-temperature); a connection
                            whose strength drops to 0 is replaced by a random
                            dormant one, so the count never changes

                Targets. imp, imp+et and transfer run --rounds N (or the fewest
                rounds reaching --sparsity S) and store every round as a level; a
                list (4,8) names the rounds imp+et retrains at the full T and
                transfer trains on the SNN. The other methods draw one ticket per
                list entry: --rounds k means IMP round k's density, --sparsity S
                prunes S% of the prunable weights (as the early-bird code does).
                gradr and deepr learn the mask in one training run per entry from
                the initialisation: deepr keeps exactly the target's count; gradr's
                prior aims at the target (at least 50%) and the level reports the
                sparsity reached, which --gradr-alpha controls.

                The ticket file is rewritten atomically after every epoch: kill a
                search at any moment and continue it with --resume; the result is
                the same bits as an uninterrupted run. An imp search (finished or
                not) goes on to more rounds with --resume --rounds N (or
                --sparsity S): the same bits as a search started with them.

                Chip fit. --target T (repeatable) compiles every level as it is stored with \
                'snnc export''s compiler (structure-only estimates at a firing rate of 0.1 per \
                neuron and step, or calibrated in the simulator on --calibration-images N \
                training images) and checks --budget (the keys of 'snnc inspect --budget'); \
                the file keeps, per level and target, cores, synapse memory, SynOps, energy \
                and latency per inference and what does not fit. --until-fits (imp, imp+et) goes on \
                round after round until a level fits every target and budget, then \
                --extra-rounds-after-fit K more; it fails, keeping the levels, when a level \
                violates what pruning cannot fix (neuron counts) or none fits by --max-rounds. \
                With --structured (vgg16, small), a round after a level short of neurons \
                removes --channel-rate (default 25%) of the named layer's channels, those \
                with the lowest filter L1 norm, instead of weights; the level stores the \
                smaller model. \
                imp+et with --until-fits retrains every round at the full T. --resume \
                --target T [--budget …] adds the fit to a file searched without targets.

                Validation. --validation-subset N also evaluates every level on N images of \
                the training split that are not in the training subset (stratified, drawn with \
                the data seed, never trained on; the same for every --seed when --data-seed is \
                fixed) and stores the accuracy beside the test accuracy; 'snnc export --level \
                best-fit --target T' then picks, among the levels that fit every target and \
                budget, the one with the highest validation accuracy (ties: lower energy on T, \
                then lower level). --resume --validation-subset N adds it to an older file.

                Examples:
                  snnc prune --method imp --width 0.125 --train-subset 10000 \\
                      --epochs-per-round 8 --rounds 8 -o imp.h5
                  snnc prune --method eb --sparsity 68.30,89.91 -o eb.h5
                  snnc prune --method imp+et --rounds 4,8 -o et.h5
                  snnc prune --method imp --from dense.h5 --rounds 8 -o imp.h5
                  snnc prune --method transfer --rounds 4,8 -o tt.h5
                  snnc prune --method gradr --sparsity 90 --gradr-alpha 1e-3 -o gradr.h5
                  snnc prune --method deepr --sparsity 68.30,89.91 -o deepr.h5
                  snnc prune --method oneshot --search-timesteps 2 --sparsity 90 -o os.h5
                  snnc prune --method imp --data-dir fixtures/fashion-mnist \\
                      --model small --width 0.25 --train-subset 200 \\
                      --epochs-per-round 1 --rounds 2 -o toy.h5
                  snnc prune --method imp --from dense.h5 --rounds 8 --target edge \\
                      --target loihi2 --budget memory=256KiB,energy=2uJ -o imp.h5
                  snnc prune --method imp --from dense.h5 --until-fits --target edge -o fit.h5
                  snnc prune --method imp --from dense.h5 --until-fits --structured \\
                      --target edge32.toml -o fit32.h5
                  snnc prune --method imp --from dense.h5 --until-fits --target edge \\
                      --extra-rounds-after-fit 2 --validation-subset 500 -o fit.h5
                  snnc export fit.h5 --level best-fit --target edge -o model.snn.h5
                  snnc prune --resume --validation-subset 500 -o fit.h5   # add it to an older file
                  snnc prune --resume -o imp.h5          # continue a killed search
                  snnc prune --resume -o imp.h5 --json   # summary of a finished file
                  snnc prune --resume --rounds 11 -o imp.h5  # take imp on to round 11
                """)

        @OptionGroup(title: "Model (ignored with --from and --resume)") var model: ModelOptions
        @OptionGroup(title: "Data and training of one round") var round: RoundOptions
        @OptionGroup(title: "Search") var searchOptions: SearchOptions
        @OptionGroup(title: "Early-bird") var earlyBird: EarlyBirdOptions
        @OptionGroup(title: "Early-time") var earlyTime: EarlyTimeOptions
        @OptionGroup(title: "Rewiring (gradr, deepr)") var rewiring: RewiringOptions
        @OptionGroup(title: "Chip fit") var fit: FitOptions
        @OptionGroup(title: "Validation (for export --level best-fit)") var validation: ValidationOptions

        @Option(help: "BLAS threads.")
        var threads = CommandDefaults.threads
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
            // Checked first, as the search options' own rules are (--until-fits chooses the rounds); a
            // resume's search options are refused below instead.
            if !resume && searchOptions.method != nil && searchOptions.rounds == nil && searchOptions.sparsity == nil && !fit.untilFits {
                throw ValidationError("give --rounds or --sparsity")
            }
            let givesSettings =
                model.isGiven || round.definesTraining || searchOptions.isGivenBesidesTargets || earlyBird.isGiven
                || earlyTime.isGiven || rewiring.isGiven || fit.changesTheSearch
            if resume && givesSettings {
                throw ValidationError(
                    "--resume continues with the settings stored in the ticket file; drop the model, training and "
                        + "search options (--data-dir may stay; --rounds or --sparsity extend an imp search)")
            }
            if resume && force { throw ValidationError("--resume and --force exclude each other") }
            if !resume && searchOptions.method == nil {
                throw ValidationError("give --method (\(TicketMethod.names.joined(separator: ", ")))")
            }
            if fit.untilFits {
                if searchOptions.method != .imp && searchOptions.method != .impET {
                    throw ValidationError("--until-fits works with --method imp or imp+et")
                }
                if searchOptions.rounds != nil || searchOptions.sparsity != nil {
                    throw ValidationError("--until-fits chooses the rounds; drop --rounds and --sparsity (--max-rounds caps them)")
                }
            }
            if fit.structured && searchOptions.method != nil && searchOptions.method != .imp && searchOptions.method != .impET {
                throw ValidationError("--structured works with --method imp or imp+et")
            }
            if searchOptions.scope == .chip {
                if let method = searchOptions.method, method != .imp && method != .impET {
                    throw ValidationError("--scope chip works with --method imp or imp+et")
                }
                if fit.targets.isEmpty {
                    throw ValidationError("--scope chip prunes where a target's cores bind; give at least one --target")
                }
            }
            if searchOptions.from != nil && (model.isGiven || round.definesTraining) {
                throw ValidationError(
                    "--from takes the model and training settings from the checkpoint; drop the model, data and "
                        + "training options (--data-dir may stay)")
            }
            try rewiring.validate(method: searchOptions.method)
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
                        document = try TicketSearch.extending(
                            document, to: try searchOptions.targets(),
                            command: CommandLineText.invocation)
                    } catch let error as SearchConfigError {
                        // Adds the file being extended and what --resume can change.
                        throw Diagnostic(
                            message: error.description, location: output,
                            hint: "--resume --rounds N takes an imp search further; start a new search for other changes")
                    }
                    if document.header.search != stored { printError("extending '\(output)' to round \(document.header.search.rounds)") }
                }
                if resume, let settings = fit.settings { document = try addingFit(settings, to: document) }
                if resume { document = try validation.adding(to: document, file: output) }
                if resume, let dataDir = round.dataDir { document.header.training.data.directory = dataDir }
                let data = try ValidationOptions.load(
                    document.header.training.data, seed: document.header.training.seed,
                    validationImages: document.header.search.validationImages)
                let preprocessing = document.header.training.data.inputPreprocessing(
                    imported: document.header.spec.architecture == .imported)
                PreprocessingNote.print(for: preprocessing)
                let missingFits = document.header.search.fit != nil && document.levels.values.contains { $0.fit == nil }
                let missingValidation =
                    document.header.search.validationImages != nil
                    && document.levels.values.contains { $0.info.validationAccuracy == nil }
                if document.progress.finished && !missingFits && !missingValidation {
                    printError("'\(output)' is complete; nothing to do")
                } else {
                    try search(document, data: data)
                    PreprocessingNote.print(for: preprocessing)
                }
                let summary = PruneSummary(file: try TicketFile.open(output))
                print(json ? try summary.json() : summary.text().joined(separator: "\n"))
            }
        }

        private func search(_ document: TicketDocument, data: TrainingData) throws {
            let path = output
            let search = try TicketSearch(document: document, data: data) { try TicketFile.write($0, to: path) }
            search.stopAfterEpochs = stopAfterEpochs
            let header = document.header
            if let settings = header.search.fit {
                let check = try LevelFitCheck(settings, data: header.training.data, threads: threads)
                search.fitCheck = { try check.check($0) }
            }
            if document.progress.completed.isEmpty && document.progress.current == nil {
                let spec = header.spec
                let epochs = header.training.epochs
                printError(
                    "\(header.method.rawValue): \(spec.architecture.rawValue) width \(spec.width), T = \(spec.timeSteps), "
                        + "\(data.train.count) training / \(data.test.count) test \(data.name.rawValue) images, "
                        + "\(Units.counted(epochs, "epoch")) per round, "
                        + (header.search.fit.flatMap { $0.untilFits ? "until a level fits \($0.targets.joined(separator: ", "))" : nil }
                            ?? "targets \(header.search.targets.map(\.description).joined(separator: ", "))"))
            } else {
                let where_ =
                    document.progress.current.map { "in \($0.setup.id)" }
                    ?? "after \(document.progress.completed.last ?? "the start")"
                printError("resuming '\(output)' \(where_)")
            }
            let progress = ProgressLine()
            search.onEvent = { event in
                switch event {
                case .batch(let status): progress.update(PruneProgress.statusLine(status))
                case .epochFinished(let status, let record): progress.finish(PruneProgress.epochLine(status, record))
                case .levelFinished(let info): progress.finish(PruneProgress.levelLine(info))
                case .levelFit(let level, let fit): progress.finish(PruneProgress.fitLine(level, fit))
                case .levelValidated(let info): progress.finish(PruneProgress.validationLine(info))
                case .note(let text): progress.finish(text)
                }
            }
            do {
                try search.run()
            } catch is SearchInterrupted {
                printError("stopped after \(stopAfterEpochs ?? 0) epoch(s) as asked; continue with: snnc prune --resume -o \(output)")
            } catch let error as SearchCannotFit {
                // Adds the file that keeps the levels found.
                printError(PruneSummary(file: try TicketFile.open(output)).text().joined(separator: "\n"))
                throw Diagnostic(message: error.reason, location: output, hint: error.hint)
            }
        }

        /// `--resume --target …` on a file without targets: the settings join its search config
        /// (and the command its command line), and the run checks every stored level. A file that
        /// checks other targets or budgets is refused.
        private func addingFit(_ settings: FitSettings, to document: TicketDocument) throws -> TicketDocument {
            if let stored = document.header.search.fit {
                guard stored.targets == settings.targets, stored.budget == settings.budget,
                    stored.calibrationImages == settings.calibrationImages
                else {
                    throw Diagnostic(
                        message: "'\(output)' already checks its levels for \(stored.targets.joined(separator: ", "))"
                            + (stored.budget.map { " with budget \($0)" } ?? ""),
                        location: output, hint: "resume without --target, --budget and --calibration-images, or start a new search")
                }
                return document
            }
            var copy = document
            copy.header.search.fit = settings
            copy.header.command += "; then: " + CommandLineText.invocation
            printError("checking every level of '\(output)' for \(settings.targets.joined(separator: ", "))")
            return copy
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
                throw Diagnostic(
                    message: "'\(output)' already exists",
                    hint: "pass --resume to continue it, --force to overwrite it, or choose another -o")
            }
            guard let method = searchOptions.method else {
                throw ValidationError("give --method (\(TicketMethod.names.joined(separator: ", ")))")
            }
            var search = SearchConfig(method: method, targets: fit.untilFits ? [.rounds(1)] : try searchOptions.targets())
            try searchOptions.apply(to: &search)
            search.fit = fit.settings
            search.structured = fit.structuredPruning
            search.validationImages = validation.validationSubset
            if let settings = search.fit { _ = try LevelFitCheck(settings) }  // unknown targets and bad budgets fail before training
            try earlyBird.apply(to: &search.earlyBird)
            try earlyTime.apply(to: &search.earlyTime)
            search.rewiring = rewiring.config(for: method)
            let command = CommandLineText.invocation
            var source: (state: TrainingState, info: SourceCheckpoint)?
            let spec: ModelSpec
            var training: TrainingConfig
            if let from = searchOptions.from {
                guard FileManager.default.fileExists(atPath: from) else {
                    throw Diagnostic(
                        message: "checkpoint '\(from)' does not exist",
                        hint: "train one with 'snnc train … -o \(from)', or drop --from to train level 0 in the search")
                }
                let state = try Checkpoint.load(from: from)
                if state.epochsCompleted < state.config.epochs {
                    printError(
                        "warning: '\(from)' finished \(state.epochsCompleted) of its \(state.config.epochs) epochs; "
                            + "using it as level 0 anyway")
                }
                spec = state.spec
                training = state.config
                if let dataDir = round.dataDir { training.data.directory = dataDir }
                var sourceState = state
                sourceState.config = training
                source = (
                    sourceState,
                    SourceCheckpoint(
                        path: from, sha256: try fileSHA256(from, role: "the checkpoint"),
                        epochsCompleted: state.epochsCompleted)
                )
            } else {
                (spec, training) = try round.specAndConfig(model)
            }
            // Loads the validation set too, so one the training subset leaves no room for fails here.
            let trainImages = try ValidationOptions.load(
                training.data, seed: training.seed, validationImages: search.validationImages
            ).train.count
            if search.method == .eb || search.method == .ebET {
                let masks = search.earlyBird.checksPerEpoch * training.epochs
                if masks < search.earlyBird.window {
                    printError(
                        "note: early-bird cannot fire: \(training.epochs) epochs × \(search.earlyBird.checksPerEpoch) checks give "
                            + "\(masks) masks, fewer than the window of \(search.earlyBird.window); every target will use the "
                            + "last mask of the dense training (raise --eb-checks-per-epoch or lower --eb-window to test early-bird)")
                }
            }
            do {
                return try TicketSearch.newDocument(
                    search: search, spec: spec, training: training, command: command,
                    snncVersion: SNNC.version, source: source, trainImages: trainImages)
            } catch let error as SearchConfigError {
                // Adds where the options are described.
                throw Diagnostic(message: error.description, hint: "see 'snnc prune --help'")
            }
        }
    }
}
