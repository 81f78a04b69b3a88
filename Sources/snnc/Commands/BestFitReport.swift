import Foundation
import SNNTickets

/// The lines `--level best-fit` prints about its choice: the level, its sparsity, validation and
/// test accuracy, energy and cores on the target, and why it was chosen.
enum BestFitReport {
    static func lines(_ choice: BestFit) -> [String] {
        let info = choice.info
        let fit = choice.fit
        var level =
            String(
                format: "best-fit: level %d (%@), sparsity %.2f%% (weights %.2f%%), validation %.2f%% (%d images), "
                    + "test %.2f%% (%d images)",
                choice.level, info.label, info.paperSparsity, info.weightSparsity, 100 * (info.validationAccuracy ?? 0),
                info.validationImages ?? 0, 100 * info.testAccuracy, info.testImages)
        level += ", \(fit.target): " + (fit.energyPicojoules.map { Units.energy(picojoules: $0) } ?? "-") + " per inference, "
        level += fit.cores.map { "\($0)/\(fit.coresAvailable) cores" } ?? "- cores"
        let candidates = choice.candidates.map(String.init).joined(separator: ", ")
        var why =
            "best-fit: the highest validation accuracy of the \(choice.candidates.count) level"
            + "\(choice.candidates.count == 1 ? " that fits" : "s that fit") every target and budget (\(candidates))"
        if !choice.tiedWith.isEmpty {
            let tied = choice.tiedWith.map(String.init).joined(separator: ", ")
            why +=
                "; tied on it with level\(choice.tiedWith.count == 1 ? "" : "s") \(tied), broken by lower energy on "
                + "'\(fit.target)', then lower level"
        }
        why += " (test accuracy shown, not used: choosing by it would leak the test set)"
        return [level, why]
    }
}
