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
}
