/// Writes a report as one self-contained XHTML page: inline CSS and inline SVG, no script, no
/// external resource, so it opens offline and parses as XML.
public enum HTMLReport {
    /// The page.
    public static func render(_ report: Report) -> String {
        var out = [
            "<!DOCTYPE html>",
            "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\"/>",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>",
            "<meta name=\"generator\" content=\"\(escaped(report.generator))\"/>",
            "<title>\(escaped(report.title))</title>",
            "<style>\(css)</style>",
            "</head>",
            "<body>",
            "<h1>\(escaped(report.title))</h1>",
            "<p class=\"note\">Written by \(escaped(report.generator)). Every figure is followed by a table of its numbers; "
                + "colours follow Okabe and Ito's colour-blind-safe palette, and series also differ in marker shape.</p>",
            "<h2 id=\"inputs\">Inputs</h2>",
            table(
                DataTable(columns: ["file", "kind", "contents"], rows: report.sources.map { [$0.file, $0.kind, $0.summary] }),
                class: "inputs"),
        ]
        if report.plots.isEmpty {
            out.append("<p class=\"note\">These inputs hold nothing to plot.</p>")
        } else {
            out.append("<nav><h2>Figures</h2><ol>")
            for plot in report.plots {
                out.append(
                    "<li><a href=\"#\(plot.id)\">\(escaped(plot.title))</a> <span class=\"muted\">\(escaped(plot.section))</span></li>")
            }
            out.append("</ol></nav>")
        }
        var section: String?
        for plot in report.plots {
            if plot.section != section {
                if section != nil { out.append("</section>") }
                section = plot.section
                out.append("<section>")
                out.append("<h2>\(escaped(plot.section))</h2>")
            }
            out.append(figure(plot))
        }
        if section != nil { out.append("</section>") }
        out += ["</body>", "</html>", ""]
        return out.joined(separator: "\n")
    }

    /// One figure: heading, drawing, caption and the table of its numbers.
    static func figure(_ plot: Plot) -> String {
        let drawing = plot.coreMap.map { CoreMapSVG(plot: plot, map: $0).render() } ?? SVGChart(plot: plot).render()
        return [
            "<figure id=\"\(plot.id)\" class=\"plot\" data-kind=\"\(plot.kind.rawValue)\">",
            "<h3>\(escaped(plot.title))</h3>",
            drawing,
            "<figcaption>\(escaped(plot.caption))</figcaption>",
            "<details open=\"open\"><summary>Numbers</summary>",
            table(plot.table),
            "</details>",
            "</figure>",
        ].joined(separator: "\n")
    }

    static func table(_ t: DataTable, class name: String = "numbers") -> String {
        var rows = [
            "<table class=\"\(name)\">",
            "<thead><tr>" + t.columns.map { "<th scope=\"col\">\(escaped($0))</th>" }.joined() + "</tr></thead>", "<tbody>",
        ]
        for row in t.rows {
            rows.append("<tr>" + row.map { "<td>\(escaped($0))</td>" }.joined() + "</tr>")
        }
        rows += ["</tbody>", "</table>"]
        return rows.joined(separator: "\n")
    }

    static let css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;max-width:900px;\
        color:#222;background:#fff;line-height:1.45;padding:0 12px}\
        h1{font-size:1.6em;margin-bottom:4px}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:2px;margin-top:32px}\
        h3{font-size:1.05em;margin:0 0 6px}\
        .note,.muted{color:#555}.muted{font-size:.85em}\
        figure.plot{margin:20px 0 28px;padding:0}\
        figcaption{font-size:.9em;color:#444;margin:4px 0 6px}\
        svg.chart{display:block;max-width:100%;height:auto;font-size:12px}\
        svg .tick{font-size:11px;fill:#333}svg .axis-title{font-size:12.5px;fill:#222;font-weight:600}\
        svg .legend-item{font-size:12px;fill:#222}svg .core-label{font-size:10px;fill:#222}\
        table{border-collapse:collapse;font-size:.82em;margin:4px 0;font-variant-numeric:tabular-nums}\
        th,td{border:1px solid #ddd;padding:2px 6px;text-align:right}th{background:#f4f4f4}\
        td:first-child,th:first-child{text-align:left}\
        summary{cursor:pointer;font-size:.85em;color:#555}\
        table.inputs td,table.inputs th{text-align:left}\
        nav ol{font-size:.85em;padding-left:22px;columns:2;column-gap:28px}nav li{break-inside:avoid}
        """
}
