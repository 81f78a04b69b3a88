extension ChipProfile {
    /// The text for `snnc targets show NAME`: a title line, then every field by table with its
    /// unit. Estimated values are marked `~`, with a legend, so they never read as measurements.
    public func describe() -> String {
        var lines = ["\(name) (\(kind.rawValue)): \(description)"]
        if !estimates.isEmpty {
            lines.append("~ marks an estimate: no published value (the profile file explains each one)")
        }
        let width = ProfileField.all.map(\.key.count).max() ?? 0
        for table in ProfileField.tables where table != "chip" {
            lines.append("[\(table)]")
            for field in ProfileField.fields(in: table) {
                if ProfileField.mappingFields.contains(field) && value(of: field) == nil { continue }
                let key = field.key.padding(toLength: width)
                let mark = isEstimate(field) ? "~" : " "
                lines.append("  \(key) \(mark) \(renderedValue(of: field))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The column titles matching `summaryLine()`.
    public static var summaryHeader: String {
        summaryColumns(["name", "kind", "cores", "neurons/core", "synapse mem/core", "weight bits", "pJ/SOP"])
    }

    /// One line for `snnc targets`: name, kind, cores, neurons per core, synapse memory per core,
    /// weight bits and energy per synaptic op (`~` marks estimates).
    public func summaryLine() -> String {
        func marked(_ field: ProfileField, _ text: String) -> String { (isEstimate(field) ? "~" : "") + text }
        return Self.summaryColumns([
            name,
            kind.rawValue,
            marked(.coreCount, String(cores.count)),
            marked(.neuronsPerCore, String(cores.neuronsPerCore)),
            marked(.synapseMemoryBytesPerCore, ProfileFormat.bytes(cores.synapseMemoryBytesPerCore)),
            marked(.weightBits, String(numerics.weightBits)),
            marked(.synapticOpPJ, ProfileFormat.number(energy.synapticOpPJ)),
        ])
    }

    private static func summaryColumns(_ cells: [String]) -> String {
        let widths = [12, 8, 6, 13, 17, 12, 9]  // first two left-aligned, the rest right-aligned
        var line = ""
        for (index, cell) in cells.enumerated() {
            line += index < 2 ? cell.padding(toLength: widths[index]) : cell.leftPadding(toLength: widths[index])
        }
        return String(line.reversed().drop(while: { $0 == " " }).reversed())
    }

    /// One field's value with its unit, e.g. `131072 B (128 KiB)`, `1000000000 Hz (1 GHz)`.
    func renderedValue(of field: ProfileField) -> String {
        guard let value = value(of: field) else {
            switch field {
            case .tickHz: return "not set (steps run back to back)"
            case .inputMACPJ: return "not set (input MACs cost e_synaptic_op_pj)"
            default: return "not set (no limit)"
            }
        }
        if case .array(let items) = value, !field.unit.isEmpty {
            return "[\(items.map(\.tomlText).joined(separator: ", "))] \(field.unit)"
        }
        switch value {
        case .integer(let count) where field.unit == "B" && count >= 1024:
            return "\(count) B (\(ProfileFormat.bytes(Int(count))))"
        case .integer(let count):
            return field.unit.isEmpty ? String(count) : "\(count) \(field.unit)"
        case .float(let number) where field.unit == "Hz":
            return "\(ProfileFormat.number(number)) Hz (\(ProfileFormat.frequency(number)))"
        case .float(let number):
            return "\(ProfileFormat.number(number)) \(field.unit)"
        default:
            return value.tomlText
        }
    }
}

extension String {
    /// The string followed by spaces up to `length` characters (unchanged if already longer).
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }

    /// Spaces followed by the string, up to `length` characters, with at least one space in front.
    fileprivate func leftPadding(toLength length: Int) -> String {
        String(repeating: " ", count: max(1, length - count)) + self
    }
}
