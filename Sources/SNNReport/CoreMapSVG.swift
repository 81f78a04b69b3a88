import Foundation

/// Draws a core map: one cell per core at its mesh position, coloured by layer, with a bar per
/// resource showing how full it is; the core's fullest resource is outlined, and a resource at
/// or over capacity is drawn in the `fail` colour.
struct CoreMapSVG {
    static let width = 860.0
    static let left = 70.0
    static let top = 34.0
    static let gridWidth = 560.0
    static let legendLeft = 650.0
    /// Cells smaller than this (pixels) draw one bar: the core's fullest resource.
    static let compactCell = 24.0

    var plot: Plot
    var map: CoreMap

    func render() -> String {
        let columns = max(map.columns, 1)
        let usedColumns = min(columns, (map.cores.map(\.core).max() ?? 0) + 1)
        let rows = ((map.cores.map(\.core).max() ?? 0) / columns) + 1
        let cell = min(140, Self.gridWidth / Double(max(usedColumns, 1)))
        let layers = plot.series.map(\.name)
        let legendHeight = Double(layers.count + 8) * 18 + Self.top
        let height = max(Self.top + Double(rows) * cell + 50, legendHeight + 10)
        var out = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart core-map\" role=\"img\" aria-labelledby=\"\(plot.id)-title\" "
                + "viewBox=\"0 0 \(coordinate(Self.width)) \(coordinate(height))\" width=\"\(coordinate(Self.width))\" "
                + "height=\"\(coordinate(height))\">",
            "<title id=\"\(plot.id)-title\">\(escaped(plot.title))</title>",
            "<g class=\"axis x-axis\">",
        ]
        for c in 0..<usedColumns where usedColumns <= 32 || c % 4 == 0 {
            out.append(
                "<text class=\"tick\" x=\"\(coordinate(Self.left + (Double(c) + 0.5) * cell))\" y=\"\(coordinate(Self.top - 6))\" "
                    + "text-anchor=\"middle\">\(c)</text>")
        }
        out.append(
            "<text class=\"axis-title\" x=\"\(coordinate(Self.left + Double(usedColumns) * cell / 2))\" "
                + "y=\"\(coordinate(Self.top + Double(rows) * cell + 30))\" text-anchor=\"middle\">\(escaped(plot.x.title))</text>")
        out.append("</g>")
        out.append("<g class=\"axis y-axis\">")
        for r in 0..<rows where rows <= 32 || r % 4 == 0 {
            out.append(
                "<text class=\"tick\" x=\"\(coordinate(Self.left - 6))\" y=\"\(coordinate(Self.top + (Double(r) + 0.5) * cell + 4))\" "
                    + "text-anchor=\"end\">\(r)</text>")
        }
        let middle = coordinate(Self.top + Double(rows) * cell / 2)
        out.append(
            "<text class=\"axis-title\" transform=\"translate(16 \(middle)) rotate(-90)\" "
                + "text-anchor=\"middle\">\(escaped(plot.y.title))</text>"
        )
        out.append("</g>")
        out.append("<g class=\"series\">")
        for core in map.cores {
            out.append(self.cell(core, size: cell, columns: columns, colour: Palette.colour(layers.firstIndex(of: core.layer) ?? 0)))
        }
        out.append("</g>")
        out.append(legend(layers, compact: cell < Self.compactCell))
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    private func cell(_ core: CoreCell, size: Double, columns: Int, colour: String) -> String {
        let x = Self.left + Double(core.core % columns) * size
        let y = Self.top + Double(core.core / columns) * size
        let pad = max(2, size * 0.08)
        var parts = [
            "<g class=\"core\" data-core=\"\(core.core)\" data-layer=\"\(escaped(core.layer))\">",
            "<title>core \(core.core): \(escaped(core.layer)); "
                + escaped(
                    core.resources.map { r in "\(r.name) \(r.used)" + (r.capacity.map { "/\($0) \(r.unit)" } ?? " \(r.unit)") }
                        .joined(separator: ", ")) + "</title>",
            "<rect x=\"\(coordinate(x + 1))\" y=\"\(coordinate(y + 1))\" width=\"\(coordinate(size - 2))\" "
                + "height=\"\(coordinate(size - 2))\" "
                + "fill=\"\(colour)\" fill-opacity=\"0.22\" stroke=\"\(colour)\" stroke-width=\"2\"/>",
        ]
        if size >= 40 {
            parts.append(
                "<text class=\"core-label\" x=\"\(coordinate(x + pad))\" y=\"\(coordinate(y + pad + 9))\">"
                    + "\(core.core) \(escaped(clip(core.layer, max(3, Int(size / 8)))))</text>")
        }
        // Small cells (a mesh of many cores) show only the fullest resource, which keeps the page small.
        let compact = size < Self.compactCell
        let resources = compact ? core.binding.map { [$0] } ?? [] : core.resources
        let barTop = y + (size >= 40 ? pad + 14 : pad)
        let barHeight = max(2, (y + size - pad - barTop) / Double(max(resources.count, 1)) - 2)
        let binding = compact ? nil : core.binding?.name
        for (i, r) in resources.enumerated() {
            let by = barTop + Double(i) * (barHeight + 2)
            let fullWidth = size - 2 * pad
            let fill = min(r.fill ?? 0, 1)
            let over = (r.fill ?? 0) >= 1
            if !compact {
                parts.append(
                    "<rect x=\"\(coordinate(x + pad))\" y=\"\(coordinate(by))\" width=\"\(coordinate(fullWidth))\" "
                        + "height=\"\(coordinate(barHeight))\" fill=\"#ffffff\" stroke=\"\(Palette.grid)\"/>")
            }
            parts.append(
                "<rect class=\"fill\" x=\"\(coordinate(x + pad))\" y=\"\(coordinate(by))\" width=\"\(coordinate(fullWidth * fill))\" "
                    + "height=\"\(coordinate(barHeight))\" fill=\"\(over ? Palette.colour(0, role: "fail") : Palette.ink)\" "
                    + "data-resource=\"\(escaped(r.name))\" data-used=\"\(r.used)\" "
                    + "data-capacity=\"\(r.capacity.map(String.init) ?? "")\"/>"
            )
            if r.name == binding {
                parts.append(
                    "<rect class=\"binding\" x=\"\(coordinate(x + pad - 1.5))\" y=\"\(coordinate(by - 1.5))\" "
                        + "width=\"\(coordinate(fullWidth + 3))\" height=\"\(coordinate(barHeight + 3))\" fill=\"none\" "
                        + "stroke=\"#000000\" stroke-width=\"2\"/>")
            }
        }
        parts.append("</g>")
        return parts.joined(separator: "\n")
    }

    private func legend(_ layers: [String], compact: Bool) -> String {
        var parts = ["<g class=\"legend\">"]
        var y = Self.top + 6
        for (i, name) in layers.enumerated() {
            let colour = Palette.colour(i)
            parts.append(
                "<rect x=\"\(coordinate(Self.legendLeft))\" y=\"\(coordinate(y - 6))\" width=\"14\" height=\"12\" fill=\"\(colour)\" "
                    + "fill-opacity=\"0.22\" stroke=\"\(colour)\" stroke-width=\"2\"/>")
            parts.append(
                "<text class=\"legend-item\" x=\"\(coordinate(Self.legendLeft + 22))\" "
                    + "y=\"\(coordinate(y + 4))\">\(escaped(clip(name)))</text>"
            )
            y += 18
        }
        let names = compact ? ["the core's fullest resource", "(which one: see the table)"] : map.cores.first?.resources.map(\.name) ?? []
        parts.append(
            "<text class=\"legend-item\" x=\"\(coordinate(Self.legendLeft))\" y=\"\(coordinate(y + 8))\">"
                + (compact ? "bar:" : "bars, top to bottom:") + "</text>")
        y += 26
        for name in names {
            parts.append(
                "<text class=\"legend-item\" x=\"\(coordinate(Self.legendLeft + 10))\" y=\"\(coordinate(y))\">\(escaped(name))</text>")
            y += 16
        }
        y += 8
        if !compact {
            parts.append(
                "<rect x=\"\(coordinate(Self.legendLeft))\" y=\"\(coordinate(y - 6))\" width=\"22\" height=\"10\" fill=\"\(Palette.ink)\" "
                    + "stroke=\"#000000\" stroke-width=\"2\"/>")
            parts.append(
                "<text class=\"legend-item\" x=\"\(coordinate(Self.legendLeft + 28))\" "
                    + "y=\"\(coordinate(y + 3))\">fullest resource of the core</text>"
            )
            y += 18
        }
        parts.append(
            "<rect x=\"\(coordinate(Self.legendLeft))\" y=\"\(coordinate(y - 6))\" width=\"22\" height=\"10\" "
                + "fill=\"\(Palette.colour(0, role: "fail"))\"/>")
        parts.append(
            "<text class=\"legend-item\" x=\"\(coordinate(Self.legendLeft + 28))\" y=\"\(coordinate(y + 3))\">at or over capacity</text>")
        parts.append("</g>")
        return parts.joined(separator: "\n")
    }
}
