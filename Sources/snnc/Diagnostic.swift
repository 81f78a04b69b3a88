import ArgumentParser
import Foundation
import SNNDiagnostics
import SNNFormat
import SNNStore
import SNNTrain

/// A user-facing failure: what went wrong, where, and what to try next.
///
/// Printed to stderr as
/// ```
/// Error: <message>
/// At:    <location>
/// Hint:  <hint>
/// ```
struct Diagnostic: SNNError {
    var message: String
    var location: String?
    var hint: String?

    /// The message (`SNNError`'s name for it).
    var reason: String { message }

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

/// Runs `body`, turning any error into a `Diagnostic` on stderr and exit status 1: an `SNNError`
/// (every library error, and `Diagnostic` itself) by its reason, location and hint, anything else
/// by its description. Errors from argument parsing (`ExitCode`, `ValidationError`) pass through
/// unchanged.
func reportingDiagnostics(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let validation as ValidationError {
        throw validation
    } catch {
        printError((Diagnostic(known: error) ?? Diagnostic(message: String(describing: error))).description)
        throw ExitCode.failure
    }
}

extension Diagnostic {
    /// The diagnostic of any snnc error: its reason, location and hint, or the CLI's default hint
    /// for its type when it carries none.
    init(_ error: any SNNError) {
        self.init(message: error.reason, location: error.location, hint: error.hint ?? Self.defaultHint(for: error))
    }

    /// The diagnostic of an `SNNError`, or nil for any other error.
    init?(known error: any Error) {
        guard let error = error as? any SNNError else { return nil }
        self.init(error)
    }

    /// What the CLI suggests for errors whose type leaves the advice to the caller (it names
    /// commands and flags, which the libraries do not know).
    static func defaultHint(for error: any SNNError) -> String? {
        switch error {
        case is HDF5Error: "check that the file was written completely by snnc"
        case is DeploymentFileError: "export the model again with 'snnc export'"
        case is TrainingDiverged: "lower the learning rate (--lr) and start again with --force; the file keeps the last finished epoch"
        case is CheckpointError: "pass a checkpoint written by 'snnc train'"
        default: nil
        }
    }
}

/// SHA-256 of a file's bytes (read in 1 MiB pieces), for provenance; a diagnostic naming `role`
/// when the file cannot be read.
func fileSHA256(_ path: String, role: String) throws -> String {
    do {
        return try SHA256.hexDigest(ofFile: path)
    } catch {
        throw Diagnostic(message: "cannot read \(role)", location: path, hint: "check the path and permissions")
    }
}
