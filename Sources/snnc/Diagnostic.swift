import ArgumentParser
import Foundation

/// A user-facing failure: what went wrong, where, and what to try next.
///
/// Printed to stderr as
/// ```
/// Error: <message>
/// At:    <location>
/// Hint:  <hint>
/// ```
struct Diagnostic: Error, CustomStringConvertible {
    var message: String
    var location: String?
    var hint: String?

    var description: String {
        var lines = ["Error: \(message)"]
        if let location { lines.append("At:    \(location)") }
        if let hint { lines.append("Hint:  \(hint)") }
        return lines.joined(separator: "\n")
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs `body`, turning any library error into a `Diagnostic` on stderr and exit status 1.
/// Errors from argument parsing (`ExitCode`, `ValidationError`) pass through unchanged.
func reportingDiagnostics(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let validation as ValidationError {
        throw validation
    } catch let diagnostic as Diagnostic {
        printError(diagnostic.description)
        throw ExitCode.failure
    } catch {
        printError(Diagnostic(message: String(describing: error)).description)
        throw ExitCode.failure
    }
}
