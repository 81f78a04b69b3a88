import ArgumentParser
import Foundation
import SNNData
import SNNTensor
import SNNTrain

extension SNNC {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a spiking network and write an HDF5 checkpoint after every epoch.",
            discussion: """
                Defaults follow Kim et al. (ECCV 2022): LIF tau 4/3, threshold 1, T = 5, direct \
                coding, SGD momentum 0.9, lr 0.3 with a cosine schedule, batch 128.

                Examples:
                  snnc train --model vgg16 --width 0.125 --dataset fmnist --train-subset 20000 --epochs 10 -o dense.h5
                  snnc train --model small --width 0.25 --data-dir fixtures/fashion-mnist --epochs 2 -o demo.h5
                  snnc train --resume -o dense.h5        # continue a killed run, bit for bit
                """)

        @OptionGroup var model: ModelOptions

        @OptionGroup var training: TrainingOptions
        @Option(help: "Epochs (the length of the cosine schedule). (default: 10)")
        var epochs: Int?

        @Option(help: "BLAS threads.")
        var threads = CommandDefaults.threads
        @Option(name: .shortAndLong, help: "Checkpoint file to write (HDF5).")
        var output: String
        @Flag(help: "Continue the checkpoint at --output from its last finished epoch.")
        var resume = false
        @Flag(help: "Overwrite an existing --output instead of refusing.")
        var force = false
        @Flag(help: "Print the per-epoch history as JSON on stdout.")
        var json = false

        var trainingOptionsGiven: Bool {
            model.isGiven || training.definesTraining || epochs != nil
        }

        func validate() throws {
            if resume && trainingOptionsGiven {
                throw ValidationError(
                    "--resume continues with the settings stored in the checkpoint; drop the model and training options "
                        + "(--data-dir may stay)")
            }
            if resume && force { throw ValidationError("--resume and --force exclude each other") }
            if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
            if threads < 1 { throw ValidationError("--threads must be at least 1") }
        }

        func run() throws {
            try reportingDiagnostics {
                setBLASThreads(threads)
                var state = try resume ? loadForResume() : freshState()
                let data = try TrainingData.load(state.config.data, seed: state.config.seed)
                try checkShapes(state.spec, data)
                state.notes["command"] = CommandLineText.invocation
                var run = try TrainingRun(state: state, data: data) { finished in
                    try Checkpoint.save(finished, to: output, snncVersion: SNNC.version)
                }
                let total = state.config.epochs
                if state.epochsCompleted >= total {
                    printError("'\(output)' has already finished its \(Units.counted(total, "epoch")); nothing to do")
                }
                if state.epochsCompleted == 0 {
                    printError(
                        "training \(state.spec.architecture.rawValue) width \(state.spec.width) on \(data.train.count) "
                            + "\(data.name.rawValue) images, testing on \(data.test.count); T = \(state.spec.timeSteps), "
                            + "\(run.state.parameters.parameterCount) parameters")
                } else {
                    printError("resuming '\(output)' after epoch \(state.epochsCompleted) of \(total)")
                }
                PreprocessingNote.print(for: state.inputPreprocessing)
                let progress = ProgressLine()
                do {
                    try run.run(
                        progress: { p in
                            let rate = Double(p.imagesSeen) / max(p.elapsedSeconds, 1e-9)
                            let remaining = Double(data.train.count - p.imagesSeen) / max(rate, 1e-9)
                            progress.update(
                                "epoch \(p.epoch + 1)/\(total) \(progressBar(Double(p.batch) / Double(p.batches))) "
                                    + "\(p.imagesSeen)/\(data.train.count) img  \(Int(rate)) img/s  "
                                    + "loss \(String(format: "%.4f", p.meanLoss))  ETA \(formatDuration(remaining))")
                        },
                        epochFinished: { record, evaluation in
                            progress.finish(
                                String(
                                    format: "epoch %d/%d  lr %.4f  loss %.4f  train %.2f%%  test %.2f%%  %.0f img/s  %@",
                                    record.epoch + 1, total, record.learningRate, record.trainLoss,
                                    100 * record.trainAccuracy, 100 * evaluation.accuracy, record.imagesPerSecond,
                                    formatDuration(record.seconds)))
                        })
                } catch let diverged as TrainingDiverged {
                    let epoch = diverged.epoch
                    throw Diagnostic(
                        message: diverged.description,
                        location: epoch == 0 ? "\(output) (not written)" : "\(output) (keeps epoch \(epoch))",
                        hint: "lower the learning rate (--lr) and start again with --force")
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(run.state.history), as: UTF8.self))
                } else if let last = run.state.history.last {
                    print(
                        String(
                            format: "%@: %@, test accuracy %.2f%%", output, Units.counted(run.state.epochsCompleted, "epoch"),
                            100 * (last.testAccuracy ?? 0)))
                    printError(
                        "next: 'snnc prune --from \(output) --method imp --rounds 8 -o tickets.h5' searches it for sparse "
                            + "tickets; 'snnc export \(output) --target edge -o model.snn.h5' compiles it as it is")
                }
            }
        }

        private func loadForResume() throws -> TrainingState {
            guard FileManager.default.fileExists(atPath: output) else {
                throw Diagnostic(
                    message: "nothing to resume: '\(output)' does not exist",
                    hint: "start the run without --resume")
            }
            var state = try Checkpoint.load(from: output)
            if let dataDir = training.dataDir { state.config.data.directory = dataDir }  // the same data elsewhere
            return state
        }

        private func freshState() throws -> TrainingState {
            if FileManager.default.fileExists(atPath: output) && !force {
                throw Diagnostic(
                    message: "'\(output)' already exists",
                    hint: "pass --resume to continue it, --force to overwrite it, or choose another -o")
            }
            let (spec, config) = try training.specAndConfig(model, epochs: epochs ?? 10)
            return try TrainingState(spec: spec, config: config)
        }

        private func checkShapes(_ spec: ModelSpec, _ data: TrainingData) throws {
            let shape = data.train.imageShape
            guard shape == [spec.inputChannels, spec.inputHeight, spec.inputWidth] else {
                throw Diagnostic(
                    message:
                        "the data's images are \(shape) but the model expects \([spec.inputChannels, spec.inputHeight, spec.inputWidth])",
                    location: data.name.rawValue, hint: "check --pad")
            }
        }
    }
}

/// Parses a data set name with a diagnostic listing the known ones.
func parseDataset(_ text: String) throws -> DatasetName {
    guard let name = DatasetName(rawValue: text) else {
        throw Diagnostic(
            message: "unknown data set '\(text)'",
            hint: "use one of: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return name
}

extension InitScheme: ExpressibleByArgument {}
extension Architecture: ExpressibleByArgument {}
extension PoolKind: ExpressibleByArgument {}
extension Encoding: ExpressibleByArgument {}
extension BatchNormStatistics: ExpressibleByArgument {}
