import Testing

@testable import SNNCompiler

/// Inputs that libFuzzer found (scripts/fuzz.sh, docs/HARDENING.md), kept so they stay fixed.
@Suite struct TOMLFuzzRegressionTests {
    /// fuzz `toml`, 2026-12-03: `flag = [[[[…` (2,560 brackets) overflowed the stack, since arrays
    /// parse recursively. Now arrays nest at most `TOMLParser.maxArrayDepth` deep.
    @Test(arguments: [2_560, 100_000])
    func deeplyNestedArraysAreAnErrorNotAStackOverflow(_ depth: Int) {
        let text = "# every value kind\nflag = " + String(repeating: "[", count: depth)
        #expect {
            try TOMLDocument(parsing: text, file: "deep.toml")
        } throws: { error in
            (error as? TOMLError)?.reason.contains("nested more than 64 deep") == true
        }
    }

    @Test func arraysNestedToTheLimitStillParse() throws {
        let depth = TOMLParser.maxArrayDepth
        let text = "a = " + String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        var value = try #require(try TOMLDocument(parsing: text, file: "ok.toml").root["a"])
        for _ in 0..<depth {
            guard case .array(let items) = value, items.count == 1 else {
                Issue.record("expected a one-element array, found \(value)")
                return
            }
            value = items[0]
        }
        #expect(value == .integer(1))
    }
}
