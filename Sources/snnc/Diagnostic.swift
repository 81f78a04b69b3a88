import ArgumentParser
import Foundation
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
        printError((Diagnostic(known: error) ?? Diagnostic(message: String(describing: error))).description)
        throw ExitCode.failure
    }
}

extension Diagnostic {
    /// The diagnostic of a library error that carries a location and a hint, or nil.
    init?(known error: Error) {
        switch error {
        case let e as HDF5Error:
            self.init(message: e.reason, location: e.file + (e.object.map { ":" + $0 } ?? ""),
                      hint: e.hint ?? "check that the file was written completely by snnc")
        case let e as DeploymentFileError:
            self.init(message: e.reason, location: e.path + (e.object.map { ":" + $0 } ?? ""),
                      hint: e.hint ?? "export the model again with 'snnc export'")
        case let e as TrainingDiverged:
            self.init(message: e.description, location: nil,
                      hint: "lower the learning rate (--lr) and start again with --force; the file keeps the last finished epoch")
        case let e as CheckpointError:
            self.init(message: e.reason, location: e.path, hint: e.hint ?? "pass a checkpoint written by 'snnc train'")
        default:
            return nil
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
