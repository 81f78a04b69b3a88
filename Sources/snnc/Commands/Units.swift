import Foundation

/// Human-readable quantities for tables and budget messages, and their parsing.
enum Units {
    /// Bytes in binary units: `512 B`, `16.0 KiB`, `1.50 MiB`.
    static func bytes(_ value: Double) -> String {
        scaled(value, [(1_073_741_824, "GiB"), (1_048_576, "MiB"), (1024, "KiB")], base: "B")
    }

    /// Energy from picojoules: `512 pJ`, `3.20 nJ`, `1.25 µJ`, `16.0 mJ`.
    static func energy(picojoules value: Double) -> String {
        scaled(value, [(1e12, "J"), (1e9, "mJ"), (1e6, "µJ"), (1e3, "nJ")], base: "pJ")
    }

    /// A count with its noun, plural unless one: `1 epoch`, `2 epochs`, `0 runs`.
    static func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// Time from seconds: `5.00 ms`, `12.3 µs`.
    static func time(seconds value: Double) -> String {
        if value >= 1 { return String(format: "%.3g s", value) }
        return scaled(value * 1e9, [(1e6, "ms"), (1e3, "µs")], base: "ns")
    }

    /// Counts with metric suffixes: `950`, `12.3k`, `4.56M`, `7.89G`.
    static func count(_ value: Double) -> String {
        let a = abs(value)
        if a >= 1e9 { return String(format: "%.3gG", value / 1e9) }
        if a >= 1e6 { return String(format: "%.3gM", value / 1e6) }
        if a >= 1e4 { return String(format: "%.3gk", value / 1e3) }
        if value == value.rounded() { return String(Int64(value)) }
        return String(format: "%.3g", value)
    }

    private static func scaled(_ value: Double, _ units: [(Double, String)], base: String) -> String {
        for (scale, unit) in units where abs(value) >= scale { return String(format: "%.3g %@", value / scale, unit) }
        if value == value.rounded() { return "\(Int64(value)) \(base)" }
        return String(format: "%.3g %@", value, base)
    }

    /// Parses `<number><unit>` with the given unit table (case-sensitive first, then lowercase);
    /// a bare number is in the base unit (factor 1).
    static func parse(_ text: String, units: [String: Double]) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard
            let split = trimmed.firstIndex(where: { !($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+") })
                ?? Optional(trimmed.endIndex)
        else { return nil }
        var numberPart = String(trimmed[..<split])
        var unit = String(trimmed[split...]).trimmingCharacters(in: .whitespaces)
        // "2e" followed by a unit letter is not an exponent.
        if numberPart.hasSuffix("e") || numberPart.hasSuffix("E") {
            unit = String(numberPart.removeLast()) + unit
        }
        guard let number = Double(numberPart), number.isFinite, number >= 0 else { return nil }
        if unit.isEmpty { return number }
        guard let factor = units[unit] ?? units[unit.lowercased()] else { return nil }
        return number * factor
    }

    static let byteUnits: [String: Double] = [
        "B": 1, "b": 1, "KiB": 1024, "kib": 1024, "MiB": 1_048_576, "mib": 1_048_576, "GiB": 1_073_741_824,
        "gib": 1_073_741_824, "KB": 1000, "kB": 1000, "kb": 1000, "MB": 1e6, "mb": 1e6, "GB": 1e9, "gb": 1e9,
    ]
    static let energyUnits: [String: Double] = [
        "pJ": 1, "pj": 1, "nJ": 1e3, "nj": 1e3, "uJ": 1e6, "uj": 1e6, "µJ": 1e6, "mJ": 1e9, "mj": 1e9, "J": 1e12, "j": 1e12,
    ]
    static let timeUnits: [String: Double] = [
        "s": 1, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9,
    ]
    static let countUnits: [String: Double] = ["k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9]
}
