import Foundation
import SNNStore
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    @Test func knownDigests() {
        // FIPS 180-4 / NIST example messages.
        #expect(SHA256.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let twoBlocks = Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(of: twoBlocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = Data(repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(of: million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func feedingInPiecesEqualsFeedingAtOnce() {
        let bytes = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let whole = SHA256.hex(of: Data(bytes))
        // Piece sizes that cross, fill and skip block boundaries; arrays, slices and Data.
        for sizes in [[1], [63, 1, 64], [65, 200], [7, 128, 3]] {
            var hasher = SHA256()
            var offset = 0
            var k = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + sizes[k % sizes.count])
                if k % 2 == 0 { hasher.update(bytes[offset..<end]) } else { hasher.update(Data(bytes[offset..<end])) }
                offset = end
                k += 1
            }
            #expect(hasher.hexDigest() == whole, "pieces \(sizes)")
        }
        // A sequence without contiguous storage goes the same way.
        var lazy = SHA256()
        lazy.update(bytes.lazy.map { $0 })
        #expect(lazy.hexDigest() == whole)
    }

    @Test func fileDigestEqualsDataDigest() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("blob.bin")
        let data = Data((0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        try data.write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hexDigest(ofFile: path) == SHA256.hex(of: data))
    }
}
