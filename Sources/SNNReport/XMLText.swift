import Foundation

/// Text made safe for XML content and attribute values.
func escaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            // Control characters other than tab and newline are not allowed in XML 1.0.
            if let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1, scalar.value < 0x20, scalar != "\t", scalar != "\n" {
                out += "?"
            } else {
                out.append(c)
            }
        }
    }
    return out
}

/// A coordinate with at most two decimals (keeps the SVG small).
func coordinate(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    guard abs(value) < 1e15 else { return String(format: "%.0f", value) }
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}
