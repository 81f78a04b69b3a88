import Foundation

/// A linear scale from data values to pixels with "nice" tick values (1, 2 or 5 × 10^k apart).
struct AxisScale {
    var low: Double
    var high: Double
    var step: Double
    /// Pixel positions of `low` and `high`.
    var from: Double
    var to: Double

    /// A scale covering `values` (and `includeZero` → 0) with about five ticks.
    init(values: [Double], includeZero: Bool, from: Double, to: Double) {
        let finite = values.filter(\.isFinite)
        var lo = finite.min() ?? 0
        var hi = finite.max() ?? 1
        if includeZero {
            lo = min(lo, 0)
            hi = max(hi, 0)
        }
        if hi - lo < 1e-12 {
            let pad = abs(hi) > 0 ? abs(hi) * 0.1 : 1
            lo -= includeZero && lo == 0 ? 0 : pad
            hi += pad
        }
        let raw = (hi - lo) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        step = nice * magnitude
        // Whole-number data (time steps, counts) gets whole-number ticks.
        if step < 1 && !finite.isEmpty && finite.allSatisfy({ $0 == $0.rounded() }) { step = 1 }
        low = floor(lo / step) * step
        high = ceil(hi / step) * step
        self.from = from
        self.to = to
    }

    /// The pixel position of `value`.
    func position(_ value: Double) -> Double {
        from + (value - low) / (high - low) * (to - from)
    }

    /// The tick values from `low` to `high`.
    var ticks: [Double] {
        let count = Int(((high - low) / step).rounded())
        return (0...max(count, 0)).map { low + Double($0) * step }
    }

    /// A tick label with as many decimals as the step needs.
    func label(_ value: Double) -> String {
        if abs(value) >= 1e5 || (value != 0 && abs(value) < 1e-4) { return String(format: "%g", value) }
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        let text = String(format: "%.\(min(decimals, 6))f", value)
        return text == "-0" ? "0" : text
    }
}
