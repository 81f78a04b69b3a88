import Testing

@testable import SNNCompiler

/// Tables, keys, comments and line endings.
@Suite struct TOMLStructureTests {
    @Test func tablesHoldTheirKeysInOrder() throws {
        let text = """
            # leading comment
            top = 1
            [cores]   # comment after a header
            cores = 128  # comment after a value
            neurons_per_core = 1024
            [ timing ]
            clock_hz = 1e9
            """
        let root = try TOMLDocument(parsing: text, file: "t.toml").root
        #expect(root.keys == ["top", "cores", "timing"])
        guard case .table(let cores)? = root["cores"] else {
            Issue.record("[cores] is not a table")
            return
        }
        #expect(cores.keys == ["cores", "neurons_per_core"])
        #expect(cores["cores"] == .integer(128))
        #expect(cores.entry("neurons_per_core")?.position == TOMLPosition(line: 5, column: 1))
        #expect(cores.position == TOMLPosition(line: 3, column: 1))
    }

    @Test func dottedAndQuotedTableNamesNest() throws {
        let text = """
            [a.b]
            x = 1
            [a]
            y = 2
            ["quoted key".'literal']
            "spaced key" = 3
            """
        let root = try TOMLDocument(parsing: text, file: "t.toml").root
        guard case .table(let a)? = root["a"], case .table(let b)? = a["b"] else {
            Issue.record("[a.b] did not nest")
            return
        }
        #expect(b["x"] == .integer(1))
        #expect(a["y"] == .integer(2))
        guard case .table(let quoted)? = root["quoted key"], case .table(let literal)? = quoted["literal"] else {
            Issue.record("quoted table names did not nest")
            return
        }
        #expect(literal["spaced key"] == .integer(3))
    }

    @Test func crlfLineEndingsAndAByteOrderMarkAreAccepted() throws {
        let root = try TOMLDocument(parsing: "\u{FEFF}a = 1\r\n[t]\r\nb = \"x\"\r\n", file: "t.toml").root
        #expect(root["a"] == .integer(1))
        guard case .table(let t)? = root["t"] else {
            Issue.record("[t] missing")
            return
        }
        #expect(t["b"] == .string("x"))
    }

    @Test func emptyAndCommentOnlyDocumentsAreEmpty() throws {
        #expect(try TOMLDocument(parsing: "", file: "t.toml").root.keys.isEmpty)
        #expect(try TOMLDocument(parsing: "# only\n\n   # comments\n", file: "t.toml").root.keys.isEmpty)
    }

    @Test func errorsNameTheFile() {
        #expect(
            throws: TOMLError(
                file: "dir/p.toml", position: TOMLPosition(line: 1, column: 3), reason: "expected '=' after key 'a', found 'b'")
        ) {
            try TOMLDocument(parsing: "a b", file: "dir/p.toml")
        }
        let error = TOMLError(file: "dir/p.toml", position: TOMLPosition(line: 4, column: 9), reason: "why")
        #expect(error.description == "dir/p.toml:4:9: why")
    }
}
