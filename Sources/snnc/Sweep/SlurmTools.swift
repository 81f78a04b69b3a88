import Foundation

/// The Slurm commands `snnc sweep` calls: sbatch to submit, squeue for the task states.
enum SlurmTools {
    /// Runs `sbatch arguments` and returns the job id it prints (`--parsable`).
    static func sbatch(_ arguments: [String]) throws -> String {
        guard let sbatch = which("sbatch") else {
            throw Diagnostic(
                message: "sbatch is not on the PATH", hint: "run on a Slurm login node, or submit the written script there with sbatch")
        }
        let result = try capture(sbatch, arguments)
        let out = result.stdout
        guard result.status == 0 else {
            throw Diagnostic(
                message: "sbatch refused the job: " + result.stderr.trimmingCharacters(in: .whitespacesAndNewlines),
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

    /// Array index → the state Slurm reports for the task, over the jobs in `jobsFile` (later jobs
    /// win): squeue for tasks in the queue, sacct (when accounting is on) for the ones that left it
    /// (COMPLETED, CANCELLED, FAILED, TIMEOUT, …). Empty without the file or the commands.
    static func queueStates(jobsFile: String) -> [Int: String] {
        guard let text = try? String(contentsOfFile: jobsFile, encoding: .utf8) else { return [:] }
        let jobs = text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        guard !jobs.isEmpty else { return [:] }
        var states: [Int: String] = [:]
        if let sacct = which("sacct"),
            let result = try? capture(
                sacct, ["--noheader", "--parsable2", "--allocations", "--jobs", jobs.joined(separator: ","), "--format=JobID,State"]),
            result.status == 0
        {
            states = parseSacct(result.stdout, jobs: jobs)
        }
        if let squeue = which("squeue"),
            let result = try? capture(
                squeue, ["--noheader", "--array", "--jobs", jobs.joined(separator: ","), "--format=%i %T"]),
            result.status == 0
        {
            states.merge(parseSqueue(result.stdout, jobs: jobs)) { _, queued in queued }
        }
        return states
    }

    /// `squeue --array --format="%i %T"` lines (`15_2 RUNNING`) → index → `RUNNING (job 15)`.
    static func parseSqueue(_ text: String, jobs: [String]) -> [Int: String] {
        parse(text.split(separator: "\n").map { line in line.split(separator: " ", maxSplits: 1).map(String.init) }, jobs: jobs)
    }

    /// `sacct --parsable2 --format=JobID,State` lines (`15_0|CANCELLED by 0`, `15_[2-3]|PENDING`:
    /// bracketed ranges are pending and left out) → index → `CANCELLED (job 15)`.
    static func parseSacct(_ text: String, jobs: [String]) -> [Int: String] {
        parse(
            text.split(separator: "\n").map { line in
                let parts = line.split(separator: "|", maxSplits: 1).map(String.init)
                return parts.count == 2 ? [parts[0], String(parts[1].split(separator: " ").first ?? "")] : parts
            }, jobs: jobs)
    }

    /// (`job_index`, state) pairs; for each index the state from the latest job in `jobs` wins.
    private static func parse(_ rows: [[String]], jobs: [String]) -> [Int: String] {
        var best: [Int: (rank: Int, state: String)] = [:]
        for row in rows where row.count == 2 {
            let id = row[0].split(separator: "_")
            guard id.count == 2, let index = Int(id[1]), let rank = jobs.lastIndex(of: String(id[0])) else { continue }
            if let current = best[index], current.rank > rank { continue }
            best[index] = (rank, "\(row[1]) (job \(id[0]))")
        }
        return best.mapValues(\.state)
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func capture(_ executable: String, _ arguments: [String]) throws -> CapturedProcess {
        try CapturedProcess.run(URL(fileURLWithPath: executable), arguments)
    }
}
