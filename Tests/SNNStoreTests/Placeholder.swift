import Testing
@testable import SNNStore

@Test func placeholderSNNStore() { #expect(Bool(true)) }
