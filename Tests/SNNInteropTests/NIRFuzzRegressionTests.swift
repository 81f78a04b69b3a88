import Foundation
import SNNFormat
import SNNInterop
import Testing

/// Inputs the `nir` libFuzzer target (fuzz/targets/nir.swift) crashed on, as documents built in
/// memory: each must now be a named error.
@Suite("NIR fuzz regressions")
struct NIRFuzzRegressionTests {
    /// `smallDocument()` with one field of one node replaced.
    func document(_ node: String, _ field: String, _ value: NIRField) -> NIRDocument {
        NIRExportTests.document(setting: field, of: node, to: value)
    }

    /// Found by the fuzzer: a Conv2d weight whose shape does not hold its values trapped in
    /// `Tensor(shape:scalars:)` ("18 scalars do not fill shape …").
    @Test func aWeightWhoseShapeDoesNotHoldItsValuesIsANamedError() {
        let weight = (0..<18).map { Float($0) }
        NIRExportTests.expectImportError(
            document("conv", "weight", .floats(weight, shape: [2, 1, 3, 4])), node: "conv", field: "weight",
            saying: "shape [2, 1, 3, 4] does not hold its 18 values")
        NIRExportTests.expectImportError(
            document("fc", "weight", .doubles([1, 2, 3], shape: [3, 8])), node: "fc", field: "weight",
            saying: "does not hold its 3 values")
        NIRExportTests.expectImportError(document("lif", "r", .floats([1], shape: [-1])), node: "lif", field: "r", saying: "does not hold")
    }

    /// A neuron parameter whose shape's element count overflows is an error, not an overflow trap.
    @Test func aNeuronShapeThatOverflowsIsANamedError() {
        NIRExportTests.expectImportError(
            document("lif", "tau", .floats([2, 2], shape: [1 << 40, 1 << 40])), node: "lif", field: "tau", saying: "does not hold")
    }

    /// Found by the fuzzer (seed `fuzz/corpus/nir/crash-huge-output-shape`): a conv's padding
    /// given as the scalar 2^31 made its output 2^32 + 26 pixels a side; the next node (a LIF
    /// turned into a Flatten) multiplied that shape out until the product overflowed. Every layer's
    /// output is now bounded before later nodes use it.
    @Test func aLayerDeclaringMoreThan2To32OutputsIsANamedError() {
        NIRExportTests.expectImportError(
            document("conv", "padding", .int(1 << 31)), node: "conv", field: nil, saying: "has more than 2^32 elements")
        var flattened = document("conv", "padding", .int(1 << 31))
        for n in flattened.nodes.indices where flattened.nodes[n].name == "lif" {
            flattened.nodes[n].type = "Flatten"
            flattened.nodes[n].fields = []
        }
        NIRExportTests.expectImportError(flattened, node: "conv", field: nil, saying: "has more than 2^32 elements")
    }
}
