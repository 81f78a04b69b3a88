import SNNIR

/// What the commands that print accuracy say when a model's input normalisation is unknown
/// (imported without `--normalize`): the data set's default is used, so the figures may be
/// computed on inputs the model was not trained with.
enum PreprocessingNote {
    /// The note and its hint for `preprocessing`, or nil when the normalisation is known.
    static func lines(for preprocessing: InputPreprocessing?) -> [String]? {
        guard let p = preprocessing, p.origin == .unknown else { return nil }
        return [
            "note: the model's input normalisation is unknown (imported without --normalize); using \(p.dataset)'s default "
                + p.formula,
            "hint: if the model was trained on other inputs, import it again with --normalize MEAN,STD "
                + "(e.g. --normalize 0.5,0.5 for (x/255 − 0.5)/0.5) or --normalize none (x/255)",
        ]
    }

    /// Prints the note on stderr if the normalisation is unknown.
    static func print(for preprocessing: InputPreprocessing?) {
        for line in lines(for: preprocessing) ?? [] { printError(line) }
    }
}
