import Foundation
import SNNStore

/// A subprocess run to its end: its exit status and what it wrote to stdout and stderr (UTF-8).
/// `snnc sweep` runs the Slurm commands with it; the command-line tests run `snnc` with it.
struct CapturedProcess {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Runs `executable` with `arguments`, in `directory` when given, with `environment` added to
    /// this process's when not empty (else inheriting it), and waits for it to exit.
    static func run(
        _ executable: URL, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
    ) throws -> CapturedProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try HDF5File.startChildProcess(process)  // inherits no HDF5 file (and its lock)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CapturedProcess(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
