import Testing
@testable import SNNData

@Test func placeholderSNNData() { #expect(Bool(true)) }
