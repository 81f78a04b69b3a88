import Testing
@testable import SNNCompiler

@Test func placeholderSNNCompiler() { #expect(Bool(true)) }
