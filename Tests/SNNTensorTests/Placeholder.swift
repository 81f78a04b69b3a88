import Testing
@testable import SNNTensor

@Test func placeholderSNNTensor() { #expect(Bool(true)) }
