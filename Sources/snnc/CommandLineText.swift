/// A command line as text: how snnc records its own invocation in the files it writes (a ticket
/// file's `header.command`, a checkpoint's `command` note, an export's provenance) and how it reads
/// such a record back.
///
/// The record starts with `snnc`, not the path of the binary that ran (`/work/bin/snnc-5bed69c`,
/// `.build/release/snnc`): the path differs between machines and builds, and the record is there to
/// be read and run again. A word with spaces, quotes or other shell characters is single-quoted,
/// so the record pastes into a POSIX shell unchanged, and `words(_:)` splits it back exactly.
enum CommandLineText {
    /// This process's invocation: `snnc` followed by its arguments.
    static var invocation: String { line(["snnc"] + CommandLine.arguments.dropFirst()) }

    /// The words joined by spaces, each quoted when a shell would otherwise change it.
    static func line<Words: Sequence<String>>(_ words: Words) -> String {
        words.map(quoted).joined(separator: " ")
    }

    /// `word` as a shell reads it back: unchanged if it only holds characters a shell leaves alone,
    /// otherwise in single quotes (an embedded `'` written as `'\''`).
    static func quoted(_ word: String) -> String {
        let plain =
            !word.isEmpty
            && word.unicodeScalars.allSatisfy { scalar in
                scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                    || "-_./:=,+@%^".unicodeScalars.contains(scalar)
            }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The words of a recorded line: split at unquoted spaces, with single-quoted parts taken
    /// literally and `\x` outside quotes read as `x`. Records written before quoting existed
    /// (plain words joined by spaces) split as before.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted {
                if character == "'" { quoted = false } else { current.append(character) }
            } else if character == "'" {
                quoted = true
                inWord = true
            } else if character == "\\" {
                escaped = true
                inWord = true
            } else if character == " " {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// One option of a command line: its name, its value (nil for a flag) and the words it spans.
    struct Option: Equatable {
        var name: String
        var value: String?
        var words: Range<Int>
    }

    /// The options among `words`, in order. A word starting with `-` is an option; `--key=value`
    /// carries its value; otherwise the next word is its value unless the option is one of
    /// `flags` or that word starts with `--` (or is `-o`). Every reader of a recorded command
    /// (sweep resumes, a calibration's source level, the export to run again) reads it this way.
    static func options(in words: [String], flags: Set<String> = []) -> [Option] {
        var options: [Option] = []
        var i = 0
        while i < words.count {
            let word = words[i]
            defer { i += 1 }
            guard word.hasPrefix("-") else { continue }
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                options.append(Option(name: String(word[..<equals]), value: String(word[word.index(after: equals)...]), words: i..<i + 1))
            } else if !flags.contains(word), i + 1 < words.count, !words[i + 1].hasPrefix("--"), words[i + 1] != "-o" {
                options.append(Option(name: word, value: words[i + 1], words: i..<i + 2))
                i += 1
            } else {
                options.append(Option(name: word, value: nil, words: i..<i + 1))
            }
        }
        return options
    }
}
