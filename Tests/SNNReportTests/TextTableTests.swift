import SNNReport
import Testing

/// The one table renderer: padding, alignment, rules, and no trailing padding.
@Suite("Text tables")
struct TextTableTests {
    @Test func columnsArePaddedToTheWidestCellAndAligned() {
        var table = TextTable([.init("level"), .init("label", .left), .init("time")])
        table.append(["0", "dense", "12s"])
        table.append(["10", "round 10", "1s"])
        #expect(
            table.rendered() == [
                "level  label     time",
                "    0  dense      12s",
                "   10  round 10    1s",
            ])
    }

    @Test func rulesSpanEachColumnAndALeftAlignedLastColumnIsNotPadded() {
        var table = TextTable([.init("layer", .left), .init("units"), .init("per step", .left)])
        table.appendRule()
        table.append(["lif1", "3136", "202 319"])
        table.append(["lif_fc1", "16", ""])
        table.appendRule()
        table.append(["total", "3152", "x"])
        #expect(
            table.rendered() == [
                "layer    units  per step",
                "-------  -----  --------",
                "lif1      3136  202 319",
                "lif_fc1     16  ",
                "-------  -----  --------",
                "total     3152  x",
            ])
    }
}
