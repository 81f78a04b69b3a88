/// Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008), in the order the
/// report hands colours to series; series beyond its length are dashed and get other markers.
enum Palette {
    static let colours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]

    /// The colour of series `index`, or of a fixed role (`pass` blue, `fail` vermillion).
    static func colour(_ index: Int, role: String? = nil) -> String {
        switch role {
        case "pass": "#0072B2"
        case "fail": "#D55E00"
        default: colours[index % colours.count]
        }
    }

    /// Grey for axes, grid and reference lines.
    static let ink = "#333333"
    static let grid = "#dddddd"
}
