import ArgumentParser
import Foundation
import SNNTensor

/// The `snnc` command: spiking neural networks from training to a neuromorphic chip.
@main
struct SNNC: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "snnc",
        abstract: "Spiking neural network lottery tickets, compiled for neuromorphic chips.",
        discussion: """
            snnc trains spiking neural networks on the CPU, searches for sparse lottery tickets, \
            compiles them to compressed-sparse tables for a chip profile, and checks the result \
            in an event-driven simulator.

            Files are HDF5. Errors go to stderr; results to stdout (--json for scripts). \
            Exit status: 0 done, 1 error, 3 'inspect --budget' exceeded or 'simulate \
            --fail-on-flags' flagged a layer, 64 bad options, 128+N stopped by signal N.

            A typical run, from a trained model to a chip:
              snnc train --model vgg16 --width 0.125 --epochs 20 -o dense.h5
              snnc prune --from dense.h5 --method imp+et --rounds 4 -o tickets.h5
              snnc export tickets.h5 --level 4 --target edge -o model.snn.h5
              snnc simulate model.snn.h5 --limit 1000 --check
              snnc inspect model.snn.h5 --budget memory=1MiB
            """,
        version: version,
        subcommands: [
            Train.self, Prune.self, Import.self, Evaluate.self, Export.self, Simulate.self, Inspect.self, Report.self, Sweep.self,
            Targets.self,
        ]
    )

    /// Entry point: one process-wide allocator setting, then normal argument parsing.
    static func main() {
        acceptTerminationSignals()
        restartWithSleepingWorkerThreads()
        // Training allocates the same large activation buffers every step; keeping freed
        // memory in the heap avoids re-faulting them from the OS each time (see SNNTensor).
        retainFreedMemoryForReuse()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    /// Gives SIGTERM and SIGINT their default action, unblocked: a launcher may hand them down
    /// blocked or ignored (a process inherits its parent's signal mask, and ignored signals stay
    /// ignored across exec), and then a `kill`, `scancel` or Ctrl-C would leave a search running
    /// and `snnc sweep run` could not stop its runs. Called first, before any thread starts, so
    /// every thread (and every child process) inherits the unblocked mask.
    private static func acceptTerminationSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_DFL)
            sigaddset(&signals, signalNumber)
        }
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }
}
