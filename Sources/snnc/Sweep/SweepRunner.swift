import Foundation
import SNNStore

/// Runs a sweep's runs on this machine, `jobs` at a time, each as its own `snnc` process working
/// in the sweep file's folder: finished runs are skipped, partial ones resumed (`--resume`), new
/// ones started. Every run appends its stderr (and stdout, except a simulation's JSON) to its log.
final class SweepRunner {
    /// What one run came to.
    enum Outcome: Equatable {
        case skipped
        case finished(resumed: Bool)
        /// Ended without its file: `how` says how ("exit status 1", "killed by signal 9").
        case failed(how: String)
        case refused(String)
    }

    let plan: SweepPlan
    let executable: String
    let jobs: Int
    /// Called with each run's outcome as it ends (on the calling thread).
    var onOutcome: (SweepRun, Outcome) -> Void = { _, _ in }
    /// Called with the grid's progress after every change and poll (on the calling thread).
    var onProgress: (_ finished: Int, _ running: [String], _ waiting: Int, _ failed: Int) -> Void = { _, _, _, _ in }

    init(plan: SweepPlan, executable: String, jobs: Int) {
        self.plan = plan
        self.executable = executable
        self.jobs = jobs
    }

    var directory: String { plan.file.directory }

    /// The arguments that take `run` from `state` to finished, or nil when there is nothing to do.
    static func arguments(for run: SweepRun, state: SweepRunState, command: SweepFile.Command) -> [String]? {
        switch state {
        case .finished: return nil
        case .notStarted, .failed, .unreadable, .differs: return run.arguments
        case .partial(_, let extend):
            // --resume takes the stored settings; only the options it accepts are passed on.
            let keep: Set<String> = ["--threads", "--data-dir"]
            var arguments = [command.rawValue, "--resume"] + extend + ["-o", run.output]
            var i = 1
            while i < run.arguments.count {
                if keep.contains(run.arguments[i]), i + 1 < run.arguments.count {
                    arguments += [run.arguments[i], run.arguments[i + 1]]
                    i += 1
                }
                i += 1
            }
            return arguments
        }
    }

    /// Runs `selected` (all runs when nil); returns each run's outcome in plan order.
    func run(_ selected: [SweepRun]? = nil) throws -> [(SweepRun, Outcome)] {
        let runs = selected ?? plan.runs
        let manager = FileManager.default
        let outputs = (directory as NSString).appendingPathComponent(plan.file.outputs)
        try manager.createDirectory(atPath: (outputs as NSString).appendingPathComponent("logs"), withIntermediateDirectories: true)
        var outcomes: [String: Outcome] = [:]
        var waiting: [(SweepRun, [String], resumed: Bool)] = []
        for run in runs {
            let state = SweepRunState.of(run, command: plan.file.command, in: directory)
            if case .unreadable(let why) = state {
                outcomes[run.name] = .refused("'\(run.output)' is not a file this run can continue (\(why)); remove it to start again")
                onOutcome(run, outcomes[run.name]!)
                continue
            }
            if case .differs(let why) = state {
                outcomes[run.name] = .refused(
                    "'\(run.output)' was \(why); remove the file (or change [sweep] outputs) to run it with the sweep's settings")
                onOutcome(run, outcomes[run.name]!)
                continue
            }
            guard let arguments = Self.arguments(for: run, state: state, command: plan.file.command) else {
                outcomes[run.name] = .skipped
                onOutcome(run, .skipped)
                continue
            }
            if case .partial = state { waiting.append((run, arguments, true)) } else { waiting.append((run, arguments, false)) }
        }
        var running: [(run: SweepRun, process: Process, resumed: Bool, stdout: String?, lock: RunLock)] = []
        var finished = outcomes.values.filter { $0 == .skipped }.count
        var failed = outcomes.count - finished
        waiting.reverse()
        while !waiting.isEmpty || !running.isEmpty {
            while running.count < jobs, let (run, arguments, resumed) = waiting.popLast() {
                guard let lock = try RunLock(run, in: directory) else {
                    let outcome = Outcome.refused("another 'snnc sweep run' is running it (it holds \(run.log.dropLast(4)).lock)")
                    outcomes[run.name] = outcome
                    failed += 1
                    onOutcome(run, outcome)
                    continue
                }
                let (process, stdout) = try launch(run, arguments)
                running.append((run, process, resumed, stdout, lock))
            }
            onProgress(finished, running.map(\.run.name), waiting.count, failed)
            Thread.sleep(forTimeInterval: 0.2)
            var still: [(run: SweepRun, process: Process, resumed: Bool, stdout: String?, lock: RunLock)] = []
            for entry in running {
                if entry.process.isRunning {
                    still.append(entry)
                    continue
                }
                SweepChildren.shared.remove(entry.process.processIdentifier)
                defer { entry.lock.release() }
                let outcome: Outcome
                if entry.process.terminationStatus == 0 {
                    // A run stopped early (e.g. --stop-after-epochs) exits 0 with a partial file.
                    if let problem = storeOutput(of: entry.run, from: entry.stdout) {
                        outcome = .failed(how: "its output could not be stored: \(problem)")
                    } else {
                        let state = SweepRunState.of(entry.run, command: plan.file.command, in: directory)
                        outcome =
                            state == .finished
                            ? .finished(resumed: entry.resumed) : .failed(how: "stopped before finishing (exit status 0)")
                    }
                } else {
                    if let temporary = entry.stdout { try? manager.removeItem(atPath: temporary) }
                    let status = entry.process.terminationStatus
                    outcome = .failed(
                        how: entry.process.terminationReason == .uncaughtSignal ? "killed by signal \(status)" : "exit status \(status)")
                }
                if case .finished = outcome {
                    finished += 1
                } else {
                    failed += 1
                    if case .failed(let how) = outcome { appendToLog(entry.run, SweepRunState.failureLine(how)) }
                }
                outcomes[entry.run.name] = outcome
                onOutcome(entry.run, outcome)
            }
            running = still
        }
        return runs.map { ($0, outcomes[$0.name]!) }
    }

    /// Appends `line` to the run's log on a line of its own (a run that died mid-line leaves its
    /// last line open), as the `== ` lines that start and end attempts must be; best effort.
    private func appendToLog(_ run: SweepRun, _ line: String) {
        guard let log = FileHandle(forUpdatingAtPath: (directory as NSString).appendingPathComponent(run.log)) else { return }
        defer { try? log.close() }
        guard let end = try? log.seekToEnd() else { return }
        var text = line
        if end > 0, (try? log.seek(toOffset: end - 1)) != nil, let last = try? log.read(upToCount: 1), last != Data("\n".utf8) {
            text = "\n" + line
        }
        _ = try? log.seekToEnd()
        try? log.write(contentsOf: Data(text.utf8))
    }

    /// Puts a finished simulation's stdout, kept in `temporary`, in place as its output (fsync'ed
    /// and renamed by `AtomicFile.replace`); nil when done or when the run writes its own file, else
    /// what went wrong (the temporary is removed, so the run is not finished and runs again).
    private func storeOutput(of run: SweepRun, from temporary: String?) -> String? {
        guard let temporary else { return nil }
        let target = (directory as NSString).appendingPathComponent(run.output)
        do {
            try AtomicFile.replace(target) { path in try FileManager.default.moveItem(atPath: temporary, toPath: path) }
            return nil
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            return Diagnostic(known: error)?.message ?? String(describing: error)
        }
    }

    /// Starts one run's process in the sweep's folder; a simulation's stdout goes to a temporary
    /// file named as `AtomicFile` names its own (so a killed sweep's is removed by the next write
    /// of that output), put in place when the run succeeds (`storeOutput`).
    private func launch(_ run: SweepRun, _ arguments: [String]) throws -> (Process, String?) {
        let logPath = (directory as NSString).appendingPathComponent(run.log)
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw Diagnostic(message: "cannot write the run's log", location: logPath, hint: "check the permissions of the outputs folder")
        }
        let stamp = ISO8601DateFormatter().string(from: Date())
        appendToLog(run, "== \(stamp) snnc \(arguments.joined(separator: " "))\n")
        _ = try? log.seekToEnd()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardError = log
        var temporary: String?
        if plan.file.command == .simulate {
            let target = (directory as NSString).appendingPathComponent(run.output)
            let path = AtomicFile.temporaryPath(for: target, in: URL(fileURLWithPath: target).deletingLastPathComponent().path)
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: path)
            temporary = path
        } else {
            process.standardOutput = log
        }
        try SweepChildren.shared.start(process)
        return (process, temporary)
    }
}

/// An exclusive `flock` on `<outputs>/logs/<run>.lock` while a run's process runs, so two
/// `snnc sweep run`s (e.g. one here, one in a Slurm task) never write one run's file at once.
final class RunLock {
    private var descriptor: Int32

    /// The lock, or nil when another process holds it.
    init?(_ run: SweepRun, in directory: String) throws {
        let path = (directory as NSString).appendingPathComponent(String(run.log.dropLast(4)) + ".lock")
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Diagnostic(
                message: "cannot create the run's lock file", location: path, hint: "check the permissions of the outputs folder")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

/// The runs' processes while they run, so that a SIGTERM or SIGINT to `snnc sweep run` (scancel,
/// kill, Ctrl-C) reaches them too instead of leaving them writing without their sweep.
final class SweepChildren: @unchecked Sendable {
    static let shared = SweepChildren()
    private let lock = NSLock()
    /// The running runs: pid → start time (`/proc/<pid>/stat`), which tells a run from a later
    /// process given the same pid once Foundation has reaped the run.
    private var runs: [Int32: String?] = [:]
    private var sources: [any DispatchSourceSignal] = []

    /// Starts `process` as a run, under the lock the signal handler takes (and keeps until the
    /// process ends): a signal either finds the run among those it stops, or came first, and then
    /// no run starts.
    func start(_ process: Process) throws {
        try lock.withLock {
            try HDF5File.startChildProcess(process)
            runs.updateValue(Self.startTime(process.processIdentifier), forKey: process.processIdentifier)
        }
    }
    func remove(_ pid: Int32) { lock.withLock { _ = runs.removeValue(forKey: pid) } }

    /// The runs the first signal is stopping (nil before any signal), behind a lock of its own so
    /// that a second signal can read them while the first handler holds `lock`.
    private let stopLock = NSLock()
    private var stopping: [Int32: String?]?

    /// Passes SIGTERM and SIGINT on to the running runs, waits (at most `grace` seconds) for them
    /// to end, then exits with 128 + the signal. Waiting keeps the runs inside the sweep's process
    /// tree while they stop, so a batch system that tracks a job by its process tree (Slurm's
    /// proctrack/linuxproc) still finds one that outlives the signal and kills it after KillWait,
    /// instead of losing an orphan that goes on writing its file. A second signal during the wait
    /// kills the runs (SIGKILL) and exits at once. Returns once both handlers are installed, so
    /// no run starts before a signal would reach it.
    func forwardSignals(grace: TimeInterval = 60) {
        let installed = DispatchSemaphore(value: 0)
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in stop(signalNumber, grace: grace) }
            source.setRegistrationHandler { installed.signal() }
            source.resume()
            lock.withLock { sources.append(source) }
        }
        for _ in 0..<2 { _ = installed.wait(timeout: .now() + 10) }
    }

    private func stop(_ signalNumber: Int32, grace: TimeInterval) {
        let first = stopLock.withLock {
            guard stopping == nil else { return false }
            stopping = [:]
            return true
        }
        guard first else {
            Self.signalLiving(stopLock.withLock { stopping ?? [:] }, SIGKILL)
            _exit(128 + signalNumber)
        }
        lock.lock()  // never released: this handler ends the process, and no run starts after it
        let running = runs
        stopLock.withLock { stopping = running }
        Self.signalLiving(running, signalNumber)
        let deadline = ProcessInfo.processInfo.systemUptime + grace
        var left = running
        while !left.isEmpty, ProcessInfo.processInfo.systemUptime < deadline {
            left = left.filter { !Self.hasEnded($0.key, startedAt: $0.value) }
            if !left.isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        }
        exit(128 + signalNumber)
    }

    /// Sends `signalNumber` to every run of `runs` (pid → start time) that has not ended.
    private static func signalLiving(_ runs: [Int32: String?], _ signalNumber: Int32) {
        for (pid, started) in runs where !hasEnded(pid, startedAt: started) { kill(pid, signalNumber) }
    }

    /// Whether child `pid` has ended: reaped (by Foundation, which waits for its processes; the
    /// pid may then belong to a later process, told apart by its start time when `startedAt` is
    /// given), or a zombie not reaped yet. Read from /proc rather than with waitpid, which would
    /// take the exit status from Foundation.
    static func hasEnded(_ pid: Int32, startedAt: String? = nil) -> Bool {
        guard let fields = statFields(pid) else { return true }
        if let startedAt, fields.count <= 19 || fields[19] != startedAt { return true }
        return fields.first == "Z"
    }

    /// When process `pid` started (clock ticks since boot), or nil when it is gone.
    static func startTime(_ pid: Int32) -> String? {
        guard let fields = statFields(pid), fields.count > 19 else { return nil }
        return String(fields[19])
    }

    /// The fields of `/proc/<pid>/stat` after the command name (the state first, the start time
    /// 20th), or nil when there is no such process. The name may hold spaces, so the fields are
    /// read after its last ')'.
    static func statFields(_ pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
}
