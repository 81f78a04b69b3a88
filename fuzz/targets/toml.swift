// libFuzzer target: snnc's TOML-subset parser (the chip profile reader), compiled together with
// Sources/SNNCompiler/TOML/*.swift by scripts/fuzz.sh. Any input must parse or throw a
// TOMLError; a trap, an out-of-bounds access or a leak is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let document = try? TOMLDocument(parsing: text, file: "fuzz.toml") {
        // Render every value back to text: the writer must cope with whatever the parser accepted.
        for key in document.root.keys { _ = document.root[key]?.tomlText }
    }
    return 0
}
