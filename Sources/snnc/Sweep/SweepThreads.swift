import Foundation

/// The threads a sweep asks of the machine: each run's `--threads` (the command's default when the
/// sweep file does not set it) times the runs `sweep run -j N` starts at once.
enum SweepThreads {
    /// The threads `run` uses: its `--threads N` or `--threads=N`, else `CommandDefaults.threads` for a
    /// command that takes threads, else 1 (export, import: single-threaded).
    static func threads(of run: SweepRun) -> Int {
        let arguments = run.arguments
        for (i, argument) in arguments.enumerated() {
            if argument == "--threads", i + 1 < arguments.count, let n = Int(arguments[i + 1]) { return n }
            if argument.hasPrefix("--threads="), let n = Int(argument.dropFirst("--threads=".count)) { return n }
        }
        return ["train", "prune", "simulate", "evaluate"].contains(arguments.first ?? "") ? CommandDefaults.threads : 1
    }

    /// A warning when `jobs` of `runs` at once would ask for more threads than `cores`, nil
    /// otherwise. Oversubscribed runs slow each other down; on a 2-core machine two one-thread
    /// training runs do 1.26× the work of one two-thread run (BENCHMARKS.md), and two two-thread
    /// runs do less than either.
    static func oversubscription(runs: [SweepRun], jobs: Int, cores: Int) -> String? {
        let atOnce = min(jobs, runs.count)
        guard atOnce > 1 else { return nil }
        let widest = runs.map(threads(of:)).max() ?? 1
        let asked = atOnce * widest
        guard asked > cores else { return nil }
        return "-j \(jobs) starts \(atOnce) runs at once with up to \(widest) threads each: \(asked) threads on \(cores) "
            + "cores, so the runs slow each other down. Set 'threads = \(max(1, cores / atOnce))' in the sweep file's "
            + "[options] or lower -j to \(max(1, cores / widest))."
    }
}
