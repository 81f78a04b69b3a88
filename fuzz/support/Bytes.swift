// Shared by the structure-aware fuzz targets (nir, deployment, tickets): scripts/fuzz.sh compiles
// this file into each of them.

/// The fuzzer's bytes as numbers (zeros once they run out).
struct Bytes {
    var data: UnsafeBufferPointer<UInt8>
    var position = 0
    var isEmpty: Bool { position >= data.count }
    mutating func byte() -> Int {
        defer { position += 1 }
        return position < data.count ? Int(data[position]) : 0
    }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : (byte() << 8 | byte()) % n }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
