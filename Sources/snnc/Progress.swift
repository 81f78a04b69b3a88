import Foundation

/// Progress of a long job on stderr: a redrawn line on a terminal, plain lines otherwise.
///
/// On a terminal the line is redrawn at most ~10 times a second; when stderr is a file or a
/// pipe (CI, `2> log`), a plain line is written at most every `plainInterval` seconds, so logs
/// stay short. `finish` always writes the final state as a plain line.
final class ProgressLine {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let plainInterval: Double
    private var lastDraw = 0.0
    private var drawn = false

    init(plainInterval: Double = 10) {
        self.plainInterval = plainInterval
    }

    /// Shows `text` (one line, no newline) if enough time passed since the last update.
    func update(_ text: String) {
        let now = ProcessInfo.processInfo.systemUptime
        if isTerminal {
            guard now - lastDraw >= 0.1 else { return }
            write("\r\u{1B}[2K" + text)
            drawn = true
        } else {
            guard now - lastDraw >= plainInterval else { return }
            write(text + "\n")
        }
        lastDraw = now
    }

    /// Ends the current line with `text`, always printed.
    func finish(_ text: String) {
        write((isTerminal && drawn ? "\r\u{1B}[2K" : "") + text + "\n")
        drawn = false
        lastDraw = 0
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// `[#####.....]` of the given width for a fraction in [0, 1].
func progressBar(_ fraction: Double, width: Int = 20) -> String {
    let filled = max(0, min(width, Int((fraction * Double(width)).rounded(.down))))
    return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
}

/// `1h02m`, `3m05s`, `42s`.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
    if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return "\(s)s"
}
