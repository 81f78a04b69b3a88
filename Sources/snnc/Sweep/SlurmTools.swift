import Foundation

/// The Slurm commands `snnc sweep` calls: sbatch to submit, squeue for the task states.
enum SlurmTools {
    /// Runs `sbatch arguments` and returns the job id it prints (`--parsable`).
    static func sbatch(_ arguments: [String]) throws -> String {
        guard let sbatch = which("sbatch") else {
            throw Diagnostic(
                message: "sbatch is not on the PATH", hint: "run on a Slurm login node, or submit the written script there with sbatch")
        }
        let (status, out, err) = try capture(sbatch, arguments)
        guard status == 0 else {
            throw Diagnostic(
                message: "sbatch refused the job: " + err.trimmingCharacters(in: .whitespacesAndNewlines),
                location: arguments.last, hint: "check --partition, --time and --mem against 'sinfo'")
        }
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw Diagnostic(message: "sbatch printed no job id ('\(out)')", location: arguments.last)
        }
        return id
    }

    /// Adds `job array` as a line of the jobs file (what `sweep status` asks squeue about).
    static func appendJob(_ job: String, array: String, to path: String) throws {
        let line = Data("\(job) \(array)\n".utf8)
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(line)
            try handle.close()
        } else {
            try line.write(to: URL(fileURLWithPath: path))
        }
    }

    /// Array index → the state squeue shows for it, over the jobs in `jobsFile` (later jobs win);
    /// empty without the file or squeue.
    static func queueStates(jobsFile: String) -> [Int: String] {
        guard let text = try? String(contentsOfFile: jobsFile, encoding: .utf8), let squeue = which("squeue") else { return [:] }
        let jobs = text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        guard !jobs.isEmpty else { return [:] }
        guard
            let (status, out, _) = try? capture(
                squeue, ["--noheader", "--array", "--jobs", jobs.joined(separator: ","), "--format=%i %T"]),
            status == 0
        else { return [:] }
        var states: [Int: String] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            let id = parts[0].split(separator: "_")
            guard id.count == 2, let index = Int(id[1]) else { continue }
            states[index] = "\(parts[1]) (job \(id[0]))"
        }
        return states
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func capture(_ executable: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
