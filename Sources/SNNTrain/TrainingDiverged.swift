/// Training produced a non-finite loss (the weights have blown up): nothing after it can be
/// trusted, so the run stops before saving that epoch.
public struct TrainingDiverged: Error, CustomStringConvertible, Equatable, Sendable {
    /// The epoch (0-based) whose mean loss was not finite.
    public var epoch: Int
    /// The mean loss of that epoch (NaN or ±∞).
    public var loss: Double
    /// Which run diverged (e.g. a ticket search's `imp/level-3`), if more than one runs.
    public var run: String?
    /// The first parameter with a non-finite value, when the loss itself stayed finite.
    public var parameter: String?

    /// Creates the error.
    public init(epoch: Int, loss: Double, run: String? = nil, parameter: String? = nil) {
        self.epoch = epoch
        self.loss = loss
        self.run = run
        self.parameter = parameter
    }

    /// Throws `TrainingDiverged` when `loss` is not finite, or when a parameter of `parameters`
    /// holds NaN or ±∞ (the loss of a spiking network can stay finite after its weights blew up).
    public static func check(
        loss: Double, epoch: Int, run: String? = nil,
        parameters: ParameterSet? = nil
    ) throws(TrainingDiverged) {
        guard loss.isFinite else { throw TrainingDiverged(epoch: epoch, loss: loss, run: run) }
        if let name = parameters?.firstNonFinite {
            throw TrainingDiverged(epoch: epoch, loss: loss, run: run, parameter: name)
        }
    }

    public var description: String {
        let what = parameter.map { "parameter '\($0)' became non-finite" } ?? "the loss became \(loss)"
        return "training diverged: \(what) in epoch \(epoch + 1)" + (run.map { " of run \($0)" } ?? "")
    }

    /// Equal when the same epoch of the same run diverged the same way (NaN equals NaN here).
    public static func == (a: TrainingDiverged, b: TrainingDiverged) -> Bool {
        a.epoch == b.epoch && a.run == b.run && a.parameter == b.parameter
            && (a.loss == b.loss || (a.loss.isNaN && b.loss.isNaN))
    }
}

extension ParameterSet {
    /// The name of the first parameter holding NaN or ±∞, or nil when all are finite.
    public var firstNonFinite: String? {
        parameters.first { p in !p.value.scalars.allSatisfy(\.isFinite) }?.name
    }
}
