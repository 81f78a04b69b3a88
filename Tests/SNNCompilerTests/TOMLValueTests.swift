import Testing

@testable import SNNCompiler

/// Each value kind the TOML subset reads.
@Suite struct TOMLValueTests {
    /// Parses `key = <text>` and returns the value.
    func value(_ text: String) throws -> TOMLValue? {
        try TOMLDocument(parsing: "key = \(text)\n", file: "t.toml").root["key"]
    }

    @Test func basicStringsResolveEveryEscape() throws {
        #expect(try value(#""plain""#) == .string("plain"))
        #expect(try value(#""tab\there""#) == .string("tab\there"))
        #expect(try value(#""a\"b\\c""#) == .string("a\"b\\c"))
        #expect(try value(#""\b\f\n\r""#) == .string("\u{08}\u{0C}\n\r"))
        #expect(try value(#""\u00e9 \U0001F600""#) == .string("é 😀"))
        #expect(try value(##""# not a comment""##) == .string("# not a comment"))
        #expect(try value(#""""#) == .string(""))
    }

    @Test func literalStringsAreVerbatim() throws {
        #expect(try value(#"'C:\path\n'"#) == .string(#"C:\path\n"#))
    }

    @Test func integersTakeSignsUnderscoresAndPrefixes() throws {
        #expect(try value("1024") == .integer(1024))
        #expect(try value("+7") == .integer(7))
        #expect(try value("-42") == .integer(-42))
        #expect(try value("0") == .integer(0))
        #expect(try value("1_048_576") == .integer(1_048_576))
        #expect(try value("0xff") == .integer(255))
        #expect(try value("0o17") == .integer(15))
        #expect(try value("0b1010") == .integer(10))
        #expect(try value("9223372036854775807") == .integer(.max))
        #expect(try value("-9223372036854775808") == .integer(.min))
    }

    @Test func floatsTakeFractionsAndExponents() throws {
        #expect(try value("23.6") == .float(23.6))
        #expect(try value("100e6") == .float(100e6))
        #expect(try value("1.5e-3") == .float(1.5e-3))
        #expect(try value("1E+3") == .float(1000))
        #expect(try value("-0.5") == .float(-0.5))
        #expect(try value("6.0") == .float(6))
        #expect(try value("3_000.000_5") == .float(3000.0005))
    }

    @Test func booleans() throws {
        #expect(try value("true") == .boolean(true))
        #expect(try value("false") == .boolean(false))
    }

    @Test func arraysSpanLinesWithCommentsAndATrailingComma() throws {
        let text = """
            key = [  # opening comment
                1,
                "two",   # a comment after an element

                3.0,
                [true, false],
            ]
            after = 1
            """
        let document = try TOMLDocument(parsing: text, file: "t.toml")
        #expect(document.root["key"] == .array([.integer(1), .string("two"), .float(3), .array([.boolean(true), .boolean(false)])]))
        #expect(document.root["after"] == .integer(1))
        #expect(try value("[]") == .array([]))
        #expect(try value("[ 1 , 2 ]") == .array([.integer(1), .integer(2)]))
    }

    @Test func valuesRenderBackAsTOML() throws {
        let values: [TOMLValue] = [
            .string("a \"b\"\n\u{01}"), .integer(-3), .float(1e9), .float(0.376), .boolean(false),
            .array([.integer(1), .string("x")]),
        ]
        for original in values {
            #expect(try value(original.tomlText) == original, "round trip of \(original.tomlText)")
        }
    }
}
