import Foundation
import SNNTensor

@testable import SNNData

/// The package root, found from this file's location (Tests/SNNDataTests/TestSupport.swift).
let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // SNNDataTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // package root

/// The committed Fashion-MNIST fixture directory.
let fixtureDirectory = packageRoot.appendingPathComponent("fixtures/fashion-mnist").path

/// The full Fashion-MNIST data set of the Debian package, if installed.
let fullFashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

/// Whether the full Fashion-MNIST data set is installed.
let fullFashionMNISTInstalled = FileManager.default.fileExists(
    atPath: fullFashionMNISTDirectory + "/train-images-idx3-ubyte.gz")

/// A fresh, empty directory that is deleted when the value is released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("snndata-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// `path/name`.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `path/name` (gzip-compressed when `compressed`) and returns the path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8], compressed: Bool = false) throws -> String {
        let target = file(name)
        try FileIO.write(bytes, to: target, compressed: compressed)
        return target
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// IDX image-file bytes for `count` images of `height`×`width` with the given pixels.
func idxImageBytes(count: Int, height: Int, width: Int, pixels: [UInt8]) -> [UInt8] {
    IDXReader.encode(
        magic: IDXReader.imageMagic, dimensions: [count, height, width],
        payload: pixels)
}

/// IDX label-file bytes for `labels`.
func idxLabelBytes(_ labels: [UInt8]) -> [UInt8] {
    IDXReader.encode(magic: IDXReader.labelMagic, dimensions: [labels.count], payload: labels)
}

/// Reproducible pseudo-random bytes.
func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = SeededRNG(seed: seed)
    return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
}

/// A synthetic data set with `perClass[k]` images of class `k`, labels interleaved in a
/// seeded random order, and pixels that encode the image's own index (first two bytes).
func syntheticData(
    perClass: [Int], channels: Int = 1, height: Int = 4, width: Int = 4,
    seed: UInt64 = 99
) throws -> LabeledImages {
    var labels: [Int32] = []
    for (label, count) in perClass.enumerated() {
        labels += [Int32](repeating: Int32(label), count: count)
    }
    var rng = SeededRNG(seed: seed)
    rng.shuffle(&labels)
    let size = channels * height * width
    var images = randomBytes(labels.count * size, seed: seed &+ 1)
    for index in 0..<labels.count {
        images[index * size] = UInt8(index & 0xFF)
        images[index * size + 1] = UInt8(index >> 8)
    }
    return try LabeledImages(
        images: images, labels: labels, channels: channels,
        height: height, width: width, classCount: perClass.count)
}
