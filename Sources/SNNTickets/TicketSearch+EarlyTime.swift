import Foundation
import SNNTrain

/// The early-time probe of IMP+ET and EB+ET, run inside round 0 or the early-bird search.
extension TicketSearch {
    /// Makes a run probe T_early after its first `afterEpochs` epochs (and switch to it when
    /// `switchTimeSteps`); with `thenRewind`, the state the probe leaves becomes the rewind state.
    func addProbe(to hooks: inout RunHooks, afterEpochs: Int, switchTimeSteps: Bool, thenRewind: Bool = false) {
        hooks.probeAfterEpochs = afterEpochs
        hooks.onProbe = { [unowned self] state, ledger, run in
            try self.probe(&state, ledger: &ledger, run: run, switchTimeSteps: switchTimeSteps)
            if thenRewind { self.takeRewind(state, key: .rewind) }
        }
    }

    /// The early-time probe on the run's state; its passes go into the run's ledger.
    private func probe(_ state: inout TrainingState, ledger: inout CostLedger, run: String, switchTimeSteps: Bool) throws {
        let batch = fixedBatch(images: min(search.earlyTime.probeImages, data.train.count), stream: RandomStream.probeBatch)
        let started = now()
        let (probe, passes) = try EarlyTime.probe(
            parameters: &state.parameters, spec: state.spec, batch: batch,
            config: search.earlyTime, afterEpochs: state.epochsCompleted)
        let seconds = now() - started
        for (i, steps) in passes.enumerated() {
            ledger.record(
                phase: "probe", run: run, timeSteps: steps, images: batch.count, macs: snnMACs, trained: false,
                seconds: i == 0 ? seconds : 0)
        }
        document.results.earlyTime = probe
        let values = zip(probe.candidates, probe.normalized).map { String(format: "n%d=%.3f", $0.0, $0.1) }.joined(separator: " ")
        onEvent(
            .note(
                "early-time probe after \(probe.afterEpochs) epochs on \(probe.images) images: \(values) "
                    + "→ T_early = \(probe.chosen) (λ = \(probe.lambda))"))
        if switchTimeSteps { state.spec.timeSteps = probe.chosen }
    }
}
