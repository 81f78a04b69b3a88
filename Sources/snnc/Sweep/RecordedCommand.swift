/// The options of a recorded command line (a ticket file's `header.command`) against those a
/// sweep run gives, so a run whose file was started with other settings is not resumed as if it
/// were this run.
///
/// Options are compared as `--key value` pairs (a flag has an empty value). Left out on both
/// sides: the binary, `-o`/`--output` (paths differ between a script and a sweep), `--json`,
/// `--resume`, `--force` and the options a resume may change (`--threads`, `--data-dir`).
/// `; then: …` parts (`prune --resume --rounds N` extensions) replace the options they give.
enum RecordedCommand {
    static let ignored: Set<String> = ["-o", "--output", "--json", "--resume", "--force", "--threads", "--data-dir", "--stop-after-epochs"]

    /// `--key → value` of a command line's words after the command name (a flag's value is empty;
    /// a repeated option's values joined by spaces in order, as `--target edge --target loihi`).
    static func options(_ words: [String]) -> [String: String] {
        var options: [String: String] = [:]
        for option in CommandLineText.options(in: words) {
            options[option.name] = options[option.name].map { $0 + " " + (option.value ?? "") } ?? option.value ?? ""
        }
        for key in ignored { options[key] = nil }
        return options
    }

    /// The effective options of a recorded `header.command`.
    static func recorded(_ command: String) -> [String: String] {
        var result: [String: String] = [:]
        for (n, part) in command.components(separatedBy: "; then: ").enumerated() {
            let words = CommandLineText.words(part)
            guard let verb = words.firstIndex(where: { ["prune", "train"].contains($0) }) else { continue }
            let options = self.options(Array(words[(verb + 1)...]))
            if n == 0 {
                result = options
            } else {
                for (key, value) in options { result[key] = value }
            }
        }
        return result
    }

    /// What differs: `--key: recorded → sweep` (`(none)` for a missing option), sorted by key.
    static func differences(recorded command: String, run arguments: [String]) -> [(key: String, recorded: String?, sweep: String?)] {
        let recorded = self.recorded(command)
        let sweep = options(Array(arguments.dropFirst()))
        return Set(recorded.keys).union(sweep.keys).sorted().compactMap { key in
            recorded[key] == sweep[key] ? nil : (key, recorded[key], sweep[key])
        }
    }

    static func describe(_ differences: [(key: String, recorded: String?, sweep: String?)]) -> String {
        differences.map { difference in
            func show(_ value: String?) -> String { value.map { $0.isEmpty ? "set" : $0 } ?? "not given" }
            return "\(difference.key) \(show(difference.recorded)) in the file, \(show(difference.sweep)) in the sweep"
        }.joined(separator: "; ")
    }
}
