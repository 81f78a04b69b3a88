// libFuzzer target: snnc's IDX reader (Fashion-MNIST images and labels), compiled together with
// Sources/SNNData/{IDXReader,DataError,FileIO}.swift by scripts/fuzz.sh. The first byte picks
// images or labels; the rest is the (decompressed) file. Any input must decode or throw a
// DataError; a trap, an out-of-bounds access or an allocation driven by a lying header is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 0 {
        if let images = try? IDXReader.parseImages(bytes, path: "fuzz-images") {
            precondition(images.pixels.count == images.count * images.height * images.width)
        }
    } else {
        _ = try? IDXReader.parseLabels(bytes, classCount: Int(data[0] >> 1) + 1, path: "fuzz-labels")
    }
    return 0
}
