import ArgumentParser
import Foundation
import SNNData
import SNNStore
import SNNTensor
import SNNTickets
import SNNTrain

extension SNNC {
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Test a checkpoint's (or ticket level's) float model: accuracy, or raw outputs on given inputs.",
            discussion: """
                Without --inputs: accuracy on the test set of the data set stored in the model, \
                preprocessed as the model records (snnc import --normalize; a model imported \
                without it is fed the data set's default normalisation, with a note on stderr) \
                (prediction = argmax of the readout summed over the T steps, lowest index on ties).

                With --inputs in.h5 (dataset 'images', float32 [N, C, H, W], used as they are, \
                no normalisation) and --outputs out.h5: writes every node's values per step, \
                'nodes/<name>' float32 [T, N, …] (spikes for neuron nodes), and 'logits' [T, N, K].

                Examples:
                  snnc evaluate model.h5
                  snnc evaluate model.h5 --inputs images.h5 --outputs values.h5
                  snnc evaluate tickets.h5 --level best-fit
                """)

        @Argument(help: "A checkpoint ('snnc train', 'snnc import') or a ticket file ('snnc prune').")
        var model: String
        @Option(
            parsing: .unconditional,  // "--level -1" is a value (then refused), not a missing one
            help: ArgumentHelp(
                """
                Ticket-file level: a number, or best-fit (as 'snnc export --level best-fit', ties broken on the first \
                target the search checked). (default: the sparsest level trained at the full T)
                """, valueName: "k|best-fit"))
        var level: LevelChoice?
        @Option(help: "Folder with the data set's files (default: the one stored in the model).")
        var dataDir: String?
        @Option(
            help: """
                Test on a stratified subset of this many images, drawn with the model's data seed. (default: the test \
                subset stored in the model, the images it was trained and searched with; all of them when it stored none)
                """)
        var testSubset: Int?
        @Option(help: "HDF5 file with a float32 dataset 'images' [N, C, H, W] to run instead of the test set.")
        var inputs: String?
        @Option(help: "Where to write the per-step node values for --inputs (HDF5).")
        var outputs: String?
        @Flag(help: "Print the result as JSON.")
        var json = false
        @Flag(help: "Overwrite an existing --outputs file.")
        var force = false
        @Option(help: "BLAS threads.")
        var threads = CommandDefaults.threads

        /// The largest output `--inputs` may produce in one run (all node values of all steps).
        static let maxOutputBytes = 2 << 30

        func validate() throws {
            if (inputs == nil) != (outputs == nil) { throw ValidationError("--inputs and --outputs go together") }
            if threads < 1 { throw ValidationError("--threads must be at least 1") }
            if let testSubset, testSubset < 1 { throw ValidationError("--test-subset must be at least 1") }
        }

        func run() throws {
            try reportingDiagnostics {
                setBLASThreads(threads)
                var state = try ModelSource.state(at: model, level: level)
                if let inputs, let outputs {
                    try runInputs(state, inputs: inputs, outputs: outputs)
                    return
                }
                if let dataDir { state.config.data.directory = dataDir }
                if let testSubset { state.config.data.testSubset = testSubset }
                let data = try TrainingData.load(state.config.data, seed: state.config.seed)
                let expected = [state.spec.inputChannels, state.spec.inputHeight, state.spec.inputWidth]
                guard data.test.imageShape == expected else {
                    throw Diagnostic(
                        message: "the data's images are \(data.test.imageShape) but the model expects \(expected)",
                        location: model, hint: "import the model again with the right --dataset / --pad")
                }
                var trainer = try Trainer(state: state, normalization: data.normalization)
                let result = trainer.evaluate(on: data.test)
                PreprocessingNote.print(for: state.inputPreprocessing)
                if json {
                    let spikes = Dictionary(uniqueKeysWithValues: result.spikesPerImage.map { ($0.node, $0.spikes) })
                    var object: [String: Any] = [
                        "model": model, "images": result.images, "correct": result.correct,
                        "accuracy": result.accuracy, "time_steps": state.spec.timeSteps,
                        "spikes_per_image": spikes,
                    ]
                    // Where the inputs' statistics came from ("unknown": imported without --normalize).
                    if let p = state.inputPreprocessing { object["input_normalization"] = p.origin.rawValue }
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print(
                        String(
                            format: "%@: test accuracy %.2f%% (%d of %d %@ images, T = %d)", model, 100 * result.accuracy,
                            result.correct, result.images, data.name.rawValue, state.spec.timeSteps)
                            + (state.inputPreprocessing?.origin == .unknown ? "; input normalisation unknown" : ""))
                }
            }
        }

        private func runInputs(_ state: TrainingState, inputs: String, outputs: String) throws {
            if FileManager.default.fileExists(atPath: outputs) && !force {
                throw Diagnostic(message: "'\(outputs)' already exists", hint: "pass --force to overwrite it, or choose another --outputs")
            }
            let stored = try HDF5File.open(inputs).root.read("images", as: Float.self)
            let expected = [state.spec.inputChannels, state.spec.inputHeight, state.spec.inputWidth]
            guard stored.shape.count == 4, Array(stored.shape.dropFirst()) == expected else {
                throw Diagnostic(
                    message: "'images' has shape \(stored.shape); the model takes [N] + \(expected)", location: inputs,
                    hint: "store float32 images [N, C, H, W]")
            }
            let graph = try LayerGraph(state.spec)
            let valuesPerImage = graph.nodes.reduce(0) { $0 + $1.shape.reduce(1, *) } * (state.spec.spiking ? state.spec.timeSteps : 1)
            let bytes = stored.shape[0].multipliedReportingOverflow(by: 4 * valuesPerImage)
            guard !bytes.overflow, bytes.partialValue <= Self.maxOutputBytes else {
                let perFile = max(1, Self.maxOutputBytes / max(4 * valuesPerImage, 1))
                throw Diagnostic(
                    message: "\(stored.shape[0]) images would give more than \(Self.maxOutputBytes >> 30) GiB of node values",
                    location: inputs, hint: "split the images into files of at most \(perFile)")
            }
            var network = Network(graph: graph, parameters: state.parameters)
            var parameters = state.parameters
            let pass = network.forward(Tensor(shape: stored.shape, scalars: stored.values), parameters: &parameters, training: false)
            let steps = state.spec.spiking ? state.spec.timeSteps : 1
            let n = stored.shape[0]
            func perStep(_ index: Int) -> (values: [Float], shape: [Int]) {
                let node = graph.nodes[index]
                let v = pass.output(ofNode: index)?.scalars ?? []
                let values = node.perStep ? v : (0..<steps).flatMap { _ in v }
                return (values, [steps, n] + node.shape)
            }
            try HDF5File.write(to: outputs) { root in
                let logits = perStep(graph.nodes.count - 1)
                try root.write("logits", logits.values, shape: logits.shape)
                let group = try root.createGroup("nodes")
                for (i, node) in graph.nodes.enumerated() where i > 0 && node.op != .repeatTime {
                    let values = perStep(i)
                    try group.write(node.name, values.values, shape: values.shape)
                }
            }
            print("\(outputs): \(graph.nodes.count - 1) nodes, \(n) inputs, T = \(steps)")
        }
    }
}
