/// Number formatting for profile renderings: plain, stable, locale-independent.
enum ProfileFormat {
    /// Integers without a fraction, other values in Swift's shortest round-trip form.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// `value` divided by `scale`, rounded to at most `decimals` decimals, trailing zeros dropped.
    static func scaled(_ value: Double, by scale: Double, decimals: Int = 2) -> String {
        let factor = (0..<decimals).reduce(1.0) { product, _ in product * 10 }
        return number((value / scale * factor).rounded() / factor)
    }

    /// Bytes in binary units: `512 B`, `16 KiB`, `62.5 KiB`, `8 MiB`.
    static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var scale = 1.0
        var unit = 0
        while unit + 1 < units.count, Double(count) >= scale * 1024 {
            scale *= 1024
            unit += 1
        }
        return "\(scaled(Double(count), by: scale, decimals: 1)) \(units[unit])"
    }

    /// Hertz in decimal units: `200 MHz`, `1 GHz`.
    static func frequency(_ hertz: Double) -> String {
        let units: [(Double, String)] = [(1e9, "GHz"), (1e6, "MHz"), (1e3, "kHz")]
        for (scale, unit) in units where hertz >= scale {
            return "\(scaled(hertz, by: scale, decimals: 3)) \(unit)"
        }
        return "\(number(hertz)) Hz"
    }
}
