import Foundation
import SNNTickets
import SNNTrain

/// The lines `snnc prune` prints while a search runs.
enum PruneProgress {
    /// The progress line of a running search.
    static func statusLine(_ s: SearchStatus) -> String {
        let fraction = Double(s.batch) / Double(max(s.batches, 1))
        var line =
            "\(s.method.rawValue)  level \(s.level)/\(s.lastLevel)  \(s.run)  T=\(s.timeSteps)  "
            + "epoch \(s.epoch + 1)/\(s.epochs) \(progressBar(fraction))"
        line += String(format: "  loss %.4f", s.meanLoss)
        if let acc = s.lastAccuracy { line += String(format: "  last test %.2f%%", 100 * acc) }
        line += "  ETA " + (s.remainingSeconds.map(formatDuration) ?? "?")
        return line
    }

    /// The line of a finished epoch (with the weights' sparsity when the run learns its mask).
    static func epochLine(_ s: SearchStatus, _ record: EpochRecord) -> String {
        String(
            format: "%@ level %d %@ epoch %d/%d  T=%d  lr %.4f  loss %.4f  train %.2f%%  ",
            s.method.rawValue, s.level, s.run, s.epoch + 1, s.epochs, s.timeSteps,
            record.learningRate, record.trainLoss, 100 * record.trainAccuracy)
            + (s.weightSparsity.map { String(format: "sparsity %.2f%%  ", $0) } ?? "") + formatDuration(record.seconds)
    }

    /// The line of a stored level.
    static func levelLine(_ info: LevelInfo) -> String {
        String(
            format: "level %d (%@): kept %d of %d, sparsity %.2f%% (paper) / %.2f%% (weights), T=%d, test %.2f%%, "
                + "%.1f spikes/img, search %@ + train %@ MAC, %@",
            info.level, info.label, info.sparsity.kept, info.sparsity.prunable, info.paperSparsity, info.weightSparsity,
            info.timeSteps, 100 * info.testAccuracy, info.spikesPerImage, formatWork(info.searchCost.work),
            formatWork(info.trainCost.work), formatDuration(info.totalCost.seconds))
            + (info.keptChannels.map { ", channels kept: " + $0.map { "\($0.layer) \($0.channels.count)" }.joined(separator: ", ") } ?? "")
    }

    /// The line of a level's validation accuracy (`--validation-subset`).
    static func validationLine(_ info: LevelInfo) -> String {
        String(
            format: "level %d (%@): validation %.2f%% (%d held-out training images)", info.level, info.label,
            100 * (info.validationAccuracy ?? 0), info.validationImages ?? 0)
    }

    /// The line of a level's fit: per target, the estimates (or, short of cores, the cores the
    /// compiler's cut needs) and what does not fit.
    static func fitLine(_ level: Int, _ fit: LevelFit) -> String {
        let parts = fit.targets.map { t -> String in
            var text = "\(t.target) " + (t.fits ? "fits" : "does not fit")
            if let cores = t.cores, let memory = t.memoryBytes, let energy = t.energyPicojoules {
                text += ": \(cores)/\(t.coresAvailable) cores, \(Units.bytes(Double(memory))), \(Units.energy(picojoules: energy))"
            } else if let needed = t.coresNeeded {
                text += ": needs \(needed)/\(t.coresAvailable) cores"
            }
            if let violation = t.violations.first { text += " (\(violation.text))" }
            return text
        }
        return "level \(level): " + parts.joined(separator: "; ")
    }
}
