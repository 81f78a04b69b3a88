import ArgumentParser
import Foundation
import SNNData
import SNNFormat
import SNNInterop
import SNNStore
import SNNTrain

extension SNNC {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Read a NIR graph (SpikingJelly, snnTorch, …) into an snnc checkpoint.",
            discussion: """
                The checkpoint works with 'snnc evaluate', 'snnc train --resume' (fine-tuning for \
                --epochs), 'snnc prune --from', 'snnc export' and, after export, 'snnc simulate'.

                NIR is continuous-time: time constants are divided by --dt to get steps (dt = 1 \
                when the graph's times are already in steps; SpikingJelly's and snnTorch's \
                exporters use dt = 1e-4). Anything snnc cannot represent exactly is an error \
                naming the node and field. The mapping is documented in docs/NIR.md.

                NIR does not record how the images were preprocessed: --normalize says it, and \
                the checkpoint and every deployment file exported from it keep it. A pixel x \
                (0…255) of channel c becomes (x/255 − MEAN_c)/STD_c. Syntax: MEAN,STD (one pair \
                for every channel, e.g. 0.5,0.5); for C channels also C means then C stds, e.g. \
                0.4914,0.4822,0.4465,0.2470,0.2435,0.2616 (CIFAR-10); or none (x/255, pixels in \
                [0, 1]). Without --normalize the checkpoint records the normalisation as \
                unknown: evaluate, simulate, prune --from and export then use the data set's \
                default (fmnist: (x/255 − 0.2860)/0.3530) and say so on stderr.

                Examples:
                  snnc import model.nir --dt 1e-4 --time-steps 4 --normalize 0.5,0.5 -o model.h5
                  snnc import cifar.nir --dataset cifar10 --normalize 0.4914,0.4822,0.4465,0.2470,0.2435,0.2616 -o cifar.h5
                  snnc import model.nir --dataset fmnist --epochs 2 --lr 0.01 -o tuned.h5 && snnc train --resume -o tuned.h5
                """)

        @Argument(help: "NIR file (HDF5, as written by Python's nir.write).")
        var input: String
        @Option(name: .shortAndLong, help: "Checkpoint to write (HDF5).")
        var output: String
        @Flag(help: "Overwrite an existing --output.")
        var force = false
        @Option(help: "Time step in the NIR graph's time unit. (default: 1, times in steps)")
        var dt: Double = 1
        @Option(help: "Threshold test: ge (v ≥ threshold: SpikingJelly, snnc) or gt (v > threshold: NIR's text, snnTorch).")
        var fireOn: FireRule = .ge
        @Option(help: "Time steps per inference.")
        var timeSteps = 5
        @Option(help: "Data set the model is evaluated and fine-tuned on: fmnist, cifar10 or cifar100. (default: fmnist)")
        var dataset = "fmnist"
        @Option(help: "Folder with the data set's files (default: the Debian package's folder).")
        var dataDir: String?
        @Option(help: "Zero padding on every side of each image. (default: what makes the images the NIR input's size)")
        var pad: Int?
        @Option(
            help: ArgumentHelp(
                "How the model's inputs were normalised: MEAN,STD (one pair, or all means then all stds, one per channel) or none.",
                valueName: "mean,std|none"))
        var normalize: String?
        @Option(
            help:
                "Fine-tuning epochs that 'snnc train --resume' runs, and the retraining length of 'snnc prune --from' rounds.")
        var epochs = 1
        @Option(help: "Fine-tuning learning rate.")
        var lr: Float = 0.01
        @Option(help: "Fine-tuning batch size.")
        var batchSize = 128
        @Option(help: "Seed for fine-tuning batches (and a random re-initialisation, e.g. 'prune --rewind init').")
        var seed: UInt64 = 0

        enum FireRule: String, ExpressibleByArgument, CaseIterable { case ge, gt }

        func validate() throws {
            if !(dt > 0 && dt.isFinite) { throw ValidationError("--dt must be a positive number") }
            if timeSteps < 1 { throw ValidationError("--time-steps must be at least 1") }
            if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
            if batchSize < 2 { throw ValidationError("--batch-size must be at least 2") }
            if let pad, pad < 0 { throw ValidationError("--pad must not be negative") }
            if !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
        }

        func run() throws {
            try reportingDiagnostics {
                if FileManager.default.fileExists(atPath: output) && !force {
                    throw Diagnostic(
                        message: "'\(output)' already exists", location: output,
                        hint: "pass --force to overwrite it, or choose another -o")
                }
                // A deployment's NIR root is the compiled integer model (each group's scale in its r), and its
                // time steps and input preprocessing are in /snnc, which a NIR import would not read.
                if (try? HDF5File.open(input).root.kind(of: "snnc")) == .group {
                    throw Diagnostic(
                        message: "this is an snnc deployment file (written by 'snnc export'): its NIR graph is the compiled "
                            + "integer model, not a model to train", location: input,
                        hint: "import or use the model it was exported from ('snnc inspect \(input)' names it); "
                            + "'snnc simulate \(input) --compare MODEL' runs the two side by side")
                }
                let document: NIRDocument
                do {
                    document = try NIRDocument.read(input)
                } catch let error as NIRReadError {
                    // Adds which writer the file should come from.
                    throw Diagnostic(
                        message: error.reason, location: "\(error.path):\(error.object)", hint: "pass a file written by nir.write")
                }
                let mapping = NeuronMapping(dt: dt, fireOnGreater: fireOn == .gt)
                let model: ImportedModel
                do {
                    model = try NIRImporter.model(from: document, mapping: mapping)
                } catch let error as NIRImportError {
                    // Adds the input file before the node, and where to read what is supported.
                    throw Diagnostic(
                        message: error.reason, location: input + (error.location.map { ", " + $0 } ?? ""),
                        hint: error.hint ?? "see docs/NIR.md for what snnc imports")
                }
                let name = try parseDataset(dataset)
                let imageHeight = name.imageShape[1]
                let padding = pad ?? max(0, (model.inputShape[1] - imageHeight) / 2)
                let normalization = try Self.parseNormalize(normalize, channels: name.imageShape[0])
                let data = DataConfig(
                    dataset: name.rawValue, directory: dataDir ?? name.defaultDirectory, padding: padding,
                    normalization: normalization)
                let config = TrainingConfig(
                    epochs: epochs, batchSize: batchSize, learningRate: lr, seed: seed,
                    augment: false, data: data)
                var state: TrainingState
                do {
                    state = try model.trainingState(timeSteps: timeSteps, config: config)
                } catch let error as ModelError {
                    // Adds the input file and where to read what is supported.
                    throw Diagnostic(message: error.description, location: input, hint: "see docs/NIR.md for what snnc imports")
                } catch let error as NIRImportError {
                    // Adds the input file before the node, and where to read what is supported.
                    throw Diagnostic(
                        message: error.reason, location: input + (error.location.map { ", " + $0 } ?? ""),
                        hint: error.hint ?? "see docs/NIR.md for what snnc imports")
                }
                let imageShape = [name.imageShape[0], name.imageShape[1] + 2 * padding, name.imageShape[2] + 2 * padding]
                if imageShape != model.inputShape {
                    printError(
                        "note: \(name.rawValue) images padded by \(padding) are \(imageShape), the model takes "
                            + "\(model.inputShape); 'evaluate' and 'train' will refuse the data set (choose --dataset / --pad)"
                    )
                }
                state.notes["imported_from"] = input
                state.notes["nir_dt"] = String(dt)
                state.notes["nir_fire_on"] = fireOn.rawValue
                state.notes["command"] = CommandLineText.invocation
                try Checkpoint.save(state, to: output, snncVersion: SNNC.version)
                let neurons = model.graph.nodes.filter { if case .neuron = $0.op { true } else { false } }.count
                let pools = model.maxPools.map { "\($0.pool) + \($0.fire)" }
                let preprocessing = state.inputPreprocessing.map { "; input \($0.formula)" } ?? ""
                print(
                    "\(output): \(model.graph.nodes.count) nodes (\(neurons) neuron layers) from \(document.nodes.count) NIR nodes, "
                        + "input \(model.inputShape), \(model.classes) classes, T = \(timeSteps), dt = \(dt)"
                        + (pools.isEmpty ? "" : "; max-pooling recognised: \(pools.joined(separator: ", "))")
                        + (normalization == .unknown ? "; input normalisation unknown (no --normalize)" : preprocessing))
            }
        }

        /// `--normalize`: nil (not given) records `unknown`; `none` is mean 0, std 1; otherwise
        /// comma-separated numbers, one mean and one std (for every channel) or `channels` means
        /// followed by `channels` stds.
        static func parseNormalize(_ text: String?, channels: Int) throws -> InputNormalization {
            guard let text else { return .unknown }
            if text.lowercased() == "none" { return .unitRange(channels: channels) }
            let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = fields.map { Float($0) }
            let example = channels == 1 ? "0.5,0.5" : "0.4914,0.4822,0.4465,0.2470,0.2435,0.2616"
            guard numbers.allSatisfy({ $0 != nil }), fields.count == 2 || fields.count == 2 * channels else {
                throw Diagnostic(
                    message: "--normalize '\(text)' is not MEAN,STD"
                        + (channels > 1 ? " or \(channels) means followed by \(channels) stds" : "")
                        + " (comma-separated numbers) or none",
                    hint: "e.g. --normalize \(example), or --normalize none for pixels in [0, 1]")
            }
            let values = numbers.compactMap { $0 }
            let half = values.count / 2
            let mean = half == 1 ? Array(repeating: values[0], count: channels) : Array(values[..<half])
            let std = half == 1 ? Array(repeating: values[1], count: channels) : Array(values[half...])
            let result = InputNormalization.given(mean: mean, std: std)
            if let problem = result.problem {
                throw Diagnostic(message: "--normalize '\(text)': the normalisation \(problem)", hint: "every std must be > 0")
            }
            return result
        }
    }
}
