/// The data behind one figure of the report: what is drawn, with the numbers it is drawn from.
///
/// A plot is a value: `ReportBuilder` fills it from the inputs, `SVGChart` draws it, `HTMLReport`
/// puts the drawing and its table on the page, and `--json` encodes it as it is.
public struct Plot: Sendable, Equatable, Encodable {
    /// How the series are drawn.
    public enum Kind: String, Sendable, Equatable, Encodable {
        /// Lines through the points (with a ± band where points carry `low`/`high`).
        case lines
        /// Markers only.
        case points
        /// Bars side by side per category.
        case bars
        /// Bars stacked per category.
        case stackedBars
        /// The chip's cores on their mesh (`coreMap` holds the cells).
        case coreMap
    }

    /// Stable id (the HTML anchor).
    public var id: String
    /// The page section the plot belongs to (`Ticket search`, a deployment file, …).
    public var section: String
    /// The figure's title.
    public var title: String
    /// One or two sentences on what is shown and where the numbers come from.
    public var caption: String
    /// How the series are drawn.
    public var kind: Kind
    /// The horizontal axis.
    public var x: Axis
    /// The vertical axis.
    public var y: Axis
    /// The data, one entry per legend item.
    public var series: [Series]
    /// Horizontal reference lines (the dense accuracy, 100% of a budget).
    public var references: [Reference]
    /// The cells of a core map (kind `coreMap` only).
    public var coreMap: CoreMap?
    /// The numbers of the plot as rows, shown below it.
    public var table: DataTable

    /// Creates a plot.
    public init(
        id: String, section: String, title: String, caption: String, kind: Kind, x: Axis, y: Axis,
        series: [Series], references: [Reference] = [], coreMap: CoreMap? = nil, table: DataTable
    ) {
        self.id = id
        self.section = section
        self.title = title
        self.caption = caption
        self.kind = kind
        self.x = x
        self.y = y
        self.series = series
        self.references = references
        self.coreMap = coreMap
        self.table = table
    }
}

/// An axis: its label, its unit, and for categorical axes the category names.
public struct Axis: Sendable, Equatable, Encodable {
    /// What the axis measures.
    public var label: String
    /// The unit of its values (`%`, `KiB`, `nJ`, …; empty for plain counts).
    public var unit: String
    /// Category names, in order, for a categorical axis (point `x` is the index).
    public var categories: [String]?

    /// Creates an axis.
    public init(label: String, unit: String, categories: [String]? = nil) {
        self.label = label
        self.unit = unit
        self.categories = categories
    }

    /// `label (unit)`, or the label alone without a unit.
    public var title: String { unit.isEmpty ? label : "\(label) (\(unit))" }
}

/// One legend item and its points.
public struct Series: Sendable, Equatable, Encodable {
    /// The legend text.
    public var name: String
    /// The points, in drawing order.
    public var points: [Point]
    /// Draw with a dashed line (to tell series apart without colour).
    public var dashed: Bool
    /// A fixed colour role instead of the next palette colour (`pass`, `fail`).
    public var role: String?

    /// Creates a series.
    public init(name: String, points: [Point], dashed: Bool = false, role: String? = nil) {
        self.name = name
        self.points = points
        self.dashed = dashed
        self.role = role
    }
}

/// One data point: `x` (a category index on categorical axes), `y`, and an optional band.
public struct Point: Sendable, Equatable, Encodable {
    /// Horizontal value, or the category index.
    public var x: Double
    /// Vertical value.
    public var y: Double
    /// Lower edge of the band (mean − sd), when there is one.
    public var low: Double?
    /// Upper edge of the band (mean + sd), when there is one.
    public var high: Double?

    /// Creates a point.
    public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil) {
        self.x = x
        self.y = y
        self.low = low
        self.high = high
    }
}

/// A labelled horizontal line.
public struct Reference: Sendable, Equatable, Encodable {
    /// The legend text.
    public var name: String
    /// Its height on the vertical axis.
    public var y: Double

    /// Creates a reference line.
    public init(name: String, y: Double) {
        self.name = name
        self.y = y
    }
}

/// A plot's numbers as a table: a header and rows of rendered cells.
public struct DataTable: Sendable, Equatable, Encodable {
    /// Column headers (with units).
    public var columns: [String]
    /// Rows of cells, as many as `columns`.
    public var rows: [[String]]

    /// Creates a table.
    public init(columns: [String], rows: [[String]]) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "every row needs one cell per column")
        self.columns = columns
        self.rows = rows
    }
}
