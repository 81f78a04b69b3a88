import Foundation

/// The Slurm batch script of a sweep: one job array, task k runs the plan's run k by name with
/// `snnc sweep run <file> --run <name>` (which resumes a partial file), so a requeued or
/// resubmitted task continues where it stopped.
struct SlurmScript {
    var partition: String?
    var time: String?
    var cpusPerTask: Int?
    var mem: String?
    /// Tasks running at once (`%M`); nil: no limit.
    var maxParallel: Int?

    /// The script for `plan`; `snnc` and `folder` are absolute paths (the binary and the sweep
    /// file's folder, where every task works), `sweepFile` the sweep file's name in it.
    func text(for plan: SweepPlan, snnc: String, folder: String, sweepFile: String) -> String {
        let last = plan.runs.count - 1
        let logs = (plan.file.outputs as NSString).appendingPathComponent("logs")
        var lines = [
            "#!/bin/bash",
            "# Written by 'snnc sweep slurm \(sweepFile)': the sweep's \(plan.runs.count) runs as one Slurm job array.",
            "# Task k runs run k below; each run resumes from its own file, so requeued tasks continue.",
            "#SBATCH --job-name=snnc-\(plan.file.name)",
            "#SBATCH --array=0-\(last)" + (maxParallel.map { "%\($0)" } ?? ""),
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        if let cpusPerTask { lines.append("#SBATCH --cpus-per-task=\(cpusPerTask)") }
        if let mem { lines.append("#SBATCH --mem=\(mem)") }
        lines += [
            "#SBATCH --chdir=\(folder)",
            "#SBATCH --output=\(logs)/slurm-%A_%a.out",
            "#SBATCH --open-mode=append",
            "#SBATCH --requeue",
            "set -euo pipefail",
            "runs=(",
        ]
        lines += plan.runs.map { "    \($0.name)" }
        lines += [
            ")",
            "run=${runs[$SLURM_ARRAY_TASK_ID]}",
            "echo \"== task $SLURM_ARRAY_TASK_ID (job ${SLURM_ARRAY_JOB_ID}, restart ${SLURM_RESTART_COUNT:-0}) on $(hostname): $run\"",
            "exec \(Self.quoted(snnc)) sweep run \(Self.quoted(sweepFile)) --run \"$run\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` quoted for bash when it holds anything but plain path characters.
    static func quoted(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/._+=-,:@".unicodeScalars.contains($0)
        }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `sbatch --array` for the given run indices: `0-3`, `1,3`, `0-2,5` (with `%M` when limited).
    static func arraySpec(_ indices: [Int], maxParallel: Int?) -> String {
        var parts: [String] = []
        var start: Int?
        var previous = -2
        for index in indices.sorted() {
            if index == previous + 1 {
                previous = index
                continue
            }
            if let start { parts.append(start == previous ? "\(start)" : "\(start)-\(previous)") }
            start = index
            previous = index
        }
        if let start { parts.append(start == previous ? "\(start)" : "\(start)-\(previous)") }
        return parts.joined(separator: ",") + (maxParallel.map { "%\($0)" } ?? "")
    }
}
