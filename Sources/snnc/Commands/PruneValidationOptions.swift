import ArgumentParser
import SNNTickets
import SNNTrain

/// `snnc prune --validation-subset N`: held-out training images every level is evaluated on, for
/// `snnc export --level best-fit`.
struct ValidationOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            Also evaluate every level on N images of the training split outside the training subset (stratified, \
            drawn with the data seed; never trained on), for 'snnc export --level best-fit'. With --resume: add it \
            to a file searched without it. (default: none)
            """, valueName: "N"))
    var validationSubset: Int?

    func validate() throws {
        if let validationSubset, validationSubset < 1 { throw ValidationError("--validation-subset must be at least 1") }
    }

    /// `--resume --validation-subset N`: the size joins the file's search config (and the command
    /// its command line), and the run evaluates every stored level; a file with another size is refused.
    func adding(to document: TicketDocument, file: String) throws -> TicketDocument {
        guard let validationSubset else { return document }
        if let stored = document.header.search.validationImages {
            guard stored == validationSubset else {
                throw Diagnostic(
                    message: "'\(file)' already evaluates its levels on \(stored) held-out training images, not \(validationSubset)",
                    location: file, hint: "resume without --validation-subset (or with --validation-subset \(stored))")
            }
            return document
        }
        var copy = document
        copy.header.search.validationImages = validationSubset
        copy.header.command += "; then: " + CommandLineText.invocation
        printError("evaluating every level of '\(file)' on \(validationSubset) held-out training images")
        return copy
    }
}

extension ValidationOptions {
    /// `TrainingData.load` with the validation set of `validationImages`; a validation set the
    /// training subset leaves no room for is an error naming the data.
    static func load(_ config: DataConfig, seed: UInt64, validationImages: Int?) throws -> TrainingData {
        do {
            return try TrainingData.load(config, seed: seed, validationImages: validationImages)
        } catch let error as ValidationSetError {
            let subset = config.trainSubset.map { "training subset of \($0) images" } ?? "whole training split"
            throw Diagnostic(
                message: error.reason,
                location: "--validation-subset \(validationImages ?? 0), \(config.dataset) in "
                    + "\(config.directory) (\(subset))", hint: error.hint)
        }
    }
}
