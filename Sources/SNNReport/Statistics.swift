import Foundation

/// Mean and sample standard deviation over seeds.
struct MeanSD: Equatable {
    var mean: Double
    /// Nil for a single value.
    var sd: Double?
    var count: Int

    init(_ values: [Double]) {
        precondition(!values.isEmpty, "a mean needs values")
        count = values.count
        mean = values.reduce(0, +) / Double(values.count)
        if values.count > 1 {
            let m = mean
            sd = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
        }
    }

    /// `82.07 ± 1.29` (or the mean alone) with `digits` decimals.
    func text(_ digits: Int = 2) -> String {
        fixed(mean, digits) + (sd.map { " ± " + fixed($0, digits) } ?? "")
    }
}

/// `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

/// Three significant digits, plain notation for ordinary magnitudes.
func significant(_ value: Double) -> String {
    if value == 0 { return "0" }
    let a = abs(value)
    if a >= 1e-3 && a < 1e7 {
        let decimals = max(0, 2 - Int(floor(log10(a))))
        return String(format: "%.\(decimals)f", value)
    }
    return String(format: "%.3g", value)
}
