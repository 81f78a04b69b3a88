import Foundation

/// Draws an XY plot (lines, points, bars) as one inline SVG element: axes with ticks and
/// titles, the series, reference lines and a legend on the right. Every marker and bar
/// carries its series and values (`data-series`, `data-x`, `data-y`) for tests and readers.
struct SVGChart {
    static let width = 860.0
    static let plotLeft = 80.0
    static let plotRight = 630.0
    static let plotTop = 20.0
    static let legendLeft = 650.0

    var plot: Plot

    /// The `<svg>` element.
    func render() -> String {
        let categories = plot.x.categories
        let bottomMargin = categories == nil ? 56.0 : 30 + min(110, 6.2 * Double(categories?.map(\.count).max() ?? 4))
        let legendHeight = Double(plot.series.count + plot.references.count) * 18 + 10
        let plotBottom = max(300, legendHeight + Self.plotTop)
        let height = plotBottom + bottomMargin
        let ys = plot.series.flatMap { $0.points.flatMap { [$0.y, $0.low ?? $0.y, $0.high ?? $0.y] } } + plot.references.map(\.y)
        let stackedTotals = plot.kind == .stackedBars ? stackedHeights() : []
        let barLike = plot.kind == .bars || plot.kind == .stackedBars
        let yScale = AxisScale(
            values: plot.kind == .stackedBars ? stackedTotals + ys : ys, includeZero: barLike, from: plotBottom, to: Self.plotTop)
        var out = [String]()
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"\(plot.id)-title\" "
                + "viewBox=\"0 0 \(coordinate(Self.width)) \(coordinate(height))\" width=\"\(coordinate(Self.width))\" "
                + "height=\"\(coordinate(height))\">")
        out.append("<title id=\"\(plot.id)-title\">\(escaped(plot.title))</title>")
        out.append(yAxis(yScale, plotBottom: plotBottom))
        if let categories {
            out.append(categoryAxis(categories, plotBottom: plotBottom))
            out.append(barLike ? bars(yScale, categories.count) : lines(yScale, x: { self.band(categories.count).center($0) }))
        } else {
            let xs = plot.series.flatMap { $0.points.map(\.x) }
            let xScale = AxisScale(values: xs, includeZero: false, from: Self.plotLeft, to: Self.plotRight)
            out.append(valueAxis(xScale, plotBottom: plotBottom))
            out.append(lines(yScale, x: { xScale.position($0) }))
        }
        for r in plot.references {
            let y = coordinate(yScale.position(r.y))
            out.append(
                "<line class=\"reference\" x1=\"\(coordinate(Self.plotLeft))\" x2=\"\(coordinate(Self.plotRight))\" y1=\"\(y)\" "
                    + "y2=\"\(y)\" stroke=\"\(Palette.ink)\" stroke-dasharray=\"6 4\" data-y=\"\(r.y)\"/>")
        }
        out.append(legend())
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    // MARK: - Axes

    private func yAxis(_ s: AxisScale, plotBottom: Double) -> String {
        var parts = ["<g class=\"axis y-axis\">"]
        for t in s.ticks {
            let y = coordinate(s.position(t))
            parts.append(
                "<line x1=\"\(coordinate(Self.plotLeft))\" x2=\"\(coordinate(Self.plotRight))\" y1=\"\(y)\" y2=\"\(y)\" "
                    + "stroke=\"\(Palette.grid)\"/>")
            parts.append(
                "<text x=\"\(coordinate(Self.plotLeft - 6))\" y=\"\(y)\" class=\"tick\" text-anchor=\"end\" dy=\"4\">\(s.label(t))</text>")
        }
        parts.append(
            "<line x1=\"\(coordinate(Self.plotLeft))\" x2=\"\(coordinate(Self.plotLeft))\" y1=\"\(coordinate(Self.plotTop))\" "
                + "y2=\"\(coordinate(plotBottom))\" stroke=\"\(Palette.ink)\"/>")
        let middle = coordinate((Self.plotTop + plotBottom) / 2)
        parts.append(
            "<text class=\"axis-title\" transform=\"translate(16 \(middle)) rotate(-90)\" text-anchor=\"middle\">"
                + "\(escaped(plot.y.title))</text>")
        parts.append("</g>")
        return parts.joined(separator: "\n")
    }

    private func valueAxis(_ s: AxisScale, plotBottom: Double) -> String {
        var parts = ["<g class=\"axis x-axis\">", baseline(plotBottom)]
        for t in s.ticks {
            let x = coordinate(s.position(t))
            parts.append(
                "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(coordinate(plotBottom))\" y2=\"\(coordinate(plotBottom + 5))\" "
                    + "stroke=\"\(Palette.ink)\"/>"
            )
            parts.append("<text x=\"\(x)\" y=\"\(coordinate(plotBottom + 18))\" class=\"tick\" text-anchor=\"middle\">\(s.label(t))</text>")
        }
        parts.append(
            "<text class=\"axis-title\" x=\"\(coordinate((Self.plotLeft + Self.plotRight) / 2))\" y=\"\(coordinate(plotBottom + 44))\" "
                + "text-anchor=\"middle\">\(escaped(plot.x.title))</text>")
        parts.append("</g>")
        return parts.joined(separator: "\n")
    }

    private func categoryAxis(_ categories: [String], plotBottom: Double) -> String {
        let band = band(categories.count)
        var parts = ["<g class=\"axis x-axis\">", baseline(plotBottom)]
        for (i, name) in categories.enumerated() {
            let x = coordinate(band.center(Double(i)))
            let y = coordinate(plotBottom + 14)
            parts.append(
                "<text x=\"\(x)\" y=\"\(y)\" class=\"tick\" text-anchor=\"end\" transform=\"rotate(-35 \(x) \(y))\">\(escaped(name))</text>"
            )
        }
        let longest = Double(categories.map(\.count).max() ?? 4)
        parts.append(
            "<text class=\"axis-title\" x=\"\(coordinate((Self.plotLeft + Self.plotRight) / 2))\" "
                + "y=\"\(coordinate(plotBottom + 24 + min(100, 5.2 * longest)))\" text-anchor=\"middle\">\(escaped(plot.x.title))</text>")
        parts.append("</g>")
        return parts.joined(separator: "\n")
    }

    private func baseline(_ plotBottom: Double) -> String {
        "<line x1=\"\(coordinate(Self.plotLeft))\" x2=\"\(coordinate(Self.plotRight))\" y1=\"\(coordinate(plotBottom))\" "
            + "y2=\"\(coordinate(plotBottom))\" stroke=\"\(Palette.ink)\"/>"
    }

    /// Equal bands for `count` categories across the plot area.
    private func band(_ count: Int) -> (width: Double, center: (Double) -> Double) {
        let width = (Self.plotRight - Self.plotLeft) / Double(max(count, 1))
        return (width, { Self.plotLeft + ($0 + 0.5) * width })
    }

    // MARK: - Series

    private func lines(_ y: AxisScale, x: @escaping (Double) -> Double) -> String {
        var parts: [String] = []
        for (i, s) in plot.series.enumerated() {
            let colour = Palette.colour(i, role: s.role)
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            if points.contains(where: { $0.low != nil }) {
                let upper = points.map { "\(coordinate(x($0.x))),\(coordinate(y.position($0.high ?? $0.y)))" }
                let lower = points.reversed().map { "\(coordinate(x($0.x))),\(coordinate(y.position($0.low ?? $0.y)))" }
                parts.append(
                    "<polygon class=\"band\" data-series=\"\(escaped(s.name))\" points=\"\((upper + lower).joined(separator: " "))\" "
                        + "fill=\"\(colour)\" fill-opacity=\"0.18\" stroke=\"none\"/>")
            }
            if plot.kind == .lines, points.count > 1 {
                let path = points.map { "\(coordinate(x($0.x))),\(coordinate(y.position($0.y)))" }.joined(separator: " ")
                parts.append(
                    "<polyline class=\"line\" points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
                        + (s.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>")
            }
            for p in points {
                parts.append(marker(i, x: x(p.x), y: y.position(p.y), colour: colour, data: dataAttributes(s, p)))
            }
        }
        return "<g class=\"series\">\n" + parts.joined(separator: "\n") + "\n</g>"
    }

    private func bars(_ y: AxisScale, _ count: Int) -> String {
        let band = band(count)
        let stacked = plot.kind == .stackedBars
        let groups = stacked ? 1 : max(plot.series.count, 1)
        let barWidth = band.width * 0.8 / Double(groups)
        var base = [Double](repeating: 0, count: count)
        var parts: [String] = []
        for (i, s) in plot.series.enumerated() {
            let colour = Palette.colour(i, role: s.role)
            for p in s.points where p.x.isFinite && p.y.isFinite {
                let c = Int(p.x)
                guard c >= 0, c < count else { continue }
                let left = band.center(p.x) - band.width * 0.4 + (stacked ? 0 : Double(i) * barWidth)
                let bottom = stacked ? base[c] : 0
                let top = bottom + p.y
                if stacked { base[c] = top }
                let y0 = y.position(min(bottom, top))
                let y1 = y.position(max(bottom, top))
                parts.append(
                    "<rect x=\"\(coordinate(left))\" y=\"\(coordinate(y1))\" width=\"\(coordinate(max(barWidth - 1, 1)))\" "
                        + "height=\"\(coordinate(max(y0 - y1, 0)))\" fill=\"\(colour)\"" + (s.dashed ? " fill-opacity=\"0.6\"" : "")
                        + " \(dataAttributes(s, p))><title>\(escaped(s.name)): \(escaped(significant(p.y)))</title></rect>")
            }
        }
        return "<g class=\"series\">\n" + parts.joined(separator: "\n") + "\n</g>"
    }

    private func dataAttributes(_ s: Series, _ p: Point) -> String {
        var text = "data-series=\"\(escaped(s.name))\" data-x=\"\(p.x)\" data-y=\"\(p.y)\""
        if let low = p.low, let high = p.high { text += " data-low=\"\(low)\" data-high=\"\(high)\"" }
        return text
    }

    /// Circle, square, triangle, diamond, … by series index: series differ in shape as well as colour.
    private func marker(_ index: Int, x: Double, y: Double, colour: String, data: String) -> String {
        let cx = coordinate(x)
        let cy = coordinate(y)
        switch index % 4 {
        case 0: return "<circle class=\"marker\" cx=\"\(cx)\" cy=\"\(cy)\" r=\"3.5\" fill=\"\(colour)\" \(data)/>"
        case 1:
            return
                "<rect class=\"marker\" x=\"\(coordinate(x - 3.5))\" y=\"\(coordinate(y - 3.5))\" width=\"7\" height=\"7\" "
                + "fill=\"\(colour)\" \(data)/>"
        case 2:
            let points = "\(cx),\(coordinate(y - 4.5)) \(coordinate(x + 4)),\(coordinate(y + 3)) \(coordinate(x - 4)),\(coordinate(y + 3))"
            return "<polygon class=\"marker\" points=\"\(points)\" fill=\"\(colour)\" \(data)/>"
        default:
            let points = "\(cx),\(coordinate(y - 5)) \(coordinate(x + 5)),\(cy) \(cx),\(coordinate(y + 5)) \(coordinate(x - 5)),\(cy)"
            return "<polygon class=\"marker\" points=\"\(points)\" fill=\"\(colour)\" \(data)/>"
        }
    }

    private func stackedHeights() -> [Double] {
        var totals: [Int: Double] = [:]
        for s in plot.series { for p in s.points where p.x.isFinite && p.y.isFinite { totals[Int(p.x), default: 0] += p.y } }
        return Array(totals.values)
    }

    // MARK: - Legend

    private func legend() -> String {
        var parts = ["<g class=\"legend\">"]
        var y = Self.plotTop + 6
        let barLike = plot.kind == .bars || plot.kind == .stackedBars
        for (i, s) in plot.series.enumerated() {
            let colour = Palette.colour(i, role: s.role)
            if barLike {
                parts.append(
                    "<rect x=\"\(coordinate(Self.legendLeft))\" y=\"\(coordinate(y - 5))\" width=\"14\" height=\"10\" fill=\"\(colour)\"/>")
            } else {
                parts.append(
                    "<line x1=\"\(coordinate(Self.legendLeft))\" x2=\"\(coordinate(Self.legendLeft + 22))\" y1=\"\(coordinate(y))\" "
                        + "y2=\"\(coordinate(y))\" stroke=\"\(colour)\" stroke-width=\"2\"" + (s.dashed ? " stroke-dasharray=\"5 3\"" : "")
                        + "/>")
                parts.append(marker(i, x: Self.legendLeft + 11, y: y, colour: colour, data: "data-legend=\"\(escaped(s.name))\""))
            }
            parts.append(
                "<text x=\"\(coordinate(Self.legendLeft + 28))\" y=\"\(coordinate(y + 4))\" "
                    + "class=\"legend-item\">\(escaped(clip(s.name)))</text>"
            )
            y += 18
        }
        for r in plot.references {
            parts.append(
                "<line x1=\"\(coordinate(Self.legendLeft))\" x2=\"\(coordinate(Self.legendLeft + 22))\" y1=\"\(coordinate(y))\" "
                    + "y2=\"\(coordinate(y))\" stroke=\"\(Palette.ink)\" stroke-dasharray=\"6 4\"/>")
            parts.append(
                "<text x=\"\(coordinate(Self.legendLeft + 28))\" y=\"\(coordinate(y + 4))\" "
                    + "class=\"legend-item\">\(escaped(clip(r.name)))</text>"
            )
            y += 18
        }
        parts.append("</g>")
        return parts.joined(separator: "\n")
    }
}

/// Legend text cut to fit beside the plot.
func clip(_ text: String, _ length: Int = 30) -> String {
    text.count <= length ? text : String(text.prefix(length - 1)) + "…"
}
