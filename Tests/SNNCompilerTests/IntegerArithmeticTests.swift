import SNNIR
import Testing

@Suite("Integer arithmetic of the IR")
struct IntegerArithmeticTests {
    @Test func signedRangesAtEveryWidthIncluding64() {
        #expect(IntegerArithmetic.maxSigned(bits: 8) == 127)
        #expect(IntegerArithmetic.minSigned(bits: 8) == -128)
        #expect(IntegerArithmetic.maxSigned(bits: 16) == 32767)
        #expect(IntegerArithmetic.maxSigned(bits: 63) == Int64.max >> 1)
        #expect(IntegerArithmetic.maxSigned(bits: 64) == .max)
        #expect(IntegerArithmetic.minSigned(bits: 64) == .min)
    }

    @Test func saturationClampsToTheStateRange() {
        #expect(IntegerArithmetic.saturate(200, bits: 8) == 127)
        #expect(IntegerArithmetic.saturate(-200, bits: 8) == -128)
        #expect(IntegerArithmetic.saturate(-5, bits: 8) == -5)
        #expect(IntegerArithmetic.saturate(.max, bits: 64) == .max)
    }
}
