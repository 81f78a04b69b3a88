/// The images of one IDX image file: `count` grayscale images of `height`×`width` bytes.
///
/// Invariant: `pixels.count == count * height * width`, image-major then row-major.
public struct IDXImages: Equatable, Sendable {
    /// Number of images (`N`).
    public var count: Int
    /// Rows per image (`H`).
    public var height: Int
    /// Columns per image (`W`).
    public var width: Int
    /// The pixel bytes, `N×H×W` row-major (0 = background for MNIST-style data).
    public var pixels: [UInt8]
}

/// Reader for the IDX format used by MNIST and Fashion-MNIST, gzip-compressed or raw.
///
/// Layout: a big-endian `UInt32` magic number (`0x00000803` for uint8 images with three
/// dimensions, `0x00000801` for uint8 labels with one), one big-endian `UInt32` per dimension,
/// then the bytes. Files are read whole through zlib; the header is checked against the
/// actual size, so a lying header can neither crash the reader nor make it allocate.
public enum IDXReader {
    /// Magic number of an uint8 image file with dimensions `N, H, W`.
    public static let imageMagic: UInt32 = 0x0000_0803
    /// Magic number of an uint8 label file with dimension `N`.
    public static let labelMagic: UInt32 = 0x0000_0801

    /// Hint attached to `DataError.missingFile` when the caller does not pass one.
    public static let defaultMissingFileHint =
        "install the Fashion-MNIST files with `apt-get install dataset-fashion-mnist`, or pass `--data-dir`"

    /// Reads an image file (`N×H×W` uint8).
    /// - Parameters:
    ///   - path: the file, gzip-compressed or raw.
    ///   - missingFileHint: the hint reported when the file does not exist.
    /// - Throws: `DataError.missingFile`, `.unreadable`, `.wrongMagic`, `.badHeader`,
    ///   `.truncated` or `.trailingBytes`.
    public static func readImages(
        path: String, missingFileHint: String = defaultMissingFileHint
    ) throws(DataError) -> IDXImages {
        let bytes = try FileIO.readAll(path: path, missingFileHint: missingFileHint)
        return try parseImages(bytes, path: path)
    }

    /// Reads a label file (`N` uint8) and checks every label is in `0..<classCount`.
    /// - Parameters:
    ///   - path: the file, gzip-compressed or raw.
    ///   - classCount: number of classes; labels must lie in `0..<classCount`.
    ///   - missingFileHint: the hint reported when the file does not exist.
    /// - Returns: the labels as `Int32`, in file order.
    /// - Throws: `DataError.missingFile`, `.unreadable`, `.wrongMagic`, `.truncated`,
    ///   `.trailingBytes` or `.labelOutOfRange`.
    public static func readLabels(
        path: String, classCount: Int, missingFileHint: String = defaultMissingFileHint
    ) throws(DataError) -> [Int32] {
        let bytes = try FileIO.readAll(path: path, missingFileHint: missingFileHint)
        return try parseLabels(bytes, classCount: classCount, path: path)
    }

    /// Decodes the (already decompressed) bytes of an image file; `path` is only for errors.
    /// - Throws: `DataError.wrongMagic`, `.badHeader`, `.truncated` or `.trailingBytes`.
    public static func parseImages(_ bytes: [UInt8], path: String) throws(DataError) -> IDXImages {
        let dims = try header(bytes, magic: imageMagic, dimensionCount: 3, path: path)
        let (count, height, width) = (dims[0], dims[1], dims[2])
        guard height > 0, width > 0 else {
            throw .badHeader(path: path, reason: "image size \(height)×\(width) is empty")
        }
        let (perImage, o1) = height.multipliedReportingOverflow(by: width)
        let (payload, o2) = perImage.multipliedReportingOverflow(by: count)
        guard !o1, !o2, payload <= Int.max - 16 else {
            throw .badHeader(path: path, reason: "dimensions \(count)×\(height)×\(width) overflow")
        }
        let start = 4 + 4 * 3
        try checkSize(bytes.count, expected: start + payload, path: path)
        return IDXImages(
            count: count, height: height, width: width,
            pixels: Array(bytes[start..<(start + payload)]))
    }

    /// Decodes the (already decompressed) bytes of a label file; `path` is only for errors.
    /// - Throws: `DataError.wrongMagic`, `.truncated`, `.trailingBytes` or `.labelOutOfRange`.
    public static func parseLabels(
        _ bytes: [UInt8], classCount: Int, path: String
    ) throws(DataError) -> [Int32] {
        let dims = try header(bytes, magic: labelMagic, dimensionCount: 1, path: path)
        let count = dims[0]
        let start = 4 + 4
        try checkSize(bytes.count, expected: start + count, path: path)
        var labels = [Int32](repeating: 0, count: count)
        for i in 0..<count {
            let label = bytes[start + i]
            guard Int(label) < classCount else {
                throw .labelOutOfRange(path: path, index: i, label: Int(label), classCount: classCount)
            }
            labels[i] = Int32(label)
        }
        return labels
    }

    /// Checks the magic number and returns the `dimensionCount` extents that follow it.
    private static func header(
        _ bytes: [UInt8], magic: UInt32, dimensionCount: Int, path: String
    ) throws(DataError) -> [Int] {
        let headerSize = 4 + 4 * dimensionCount
        guard bytes.count >= 4 else {
            throw .truncated(path: path, expectedBytes: headerSize, gotBytes: bytes.count)
        }
        let found = bigEndianWord(bytes, at: 0)
        guard found == magic else {
            throw .wrongMagic(path: path, expected: magic, found: found)
        }
        guard bytes.count >= headerSize else {
            throw .truncated(path: path, expectedBytes: headerSize, gotBytes: bytes.count)
        }
        return (0..<dimensionCount).map { Int(bigEndianWord(bytes, at: 4 + 4 * $0)) }
    }

    private static func checkSize(_ got: Int, expected: Int, path: String) throws(DataError) {
        if got < expected {
            throw .truncated(path: path, expectedBytes: expected, gotBytes: got)
        }
        if got > expected {
            throw .trailingBytes(path: path, expectedBytes: expected, gotBytes: got)
        }
    }

    private static func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// Encodes images and labels as IDX bytes (the inverse of `parseImages`/`parseLabels`);
    /// used by tests to build files.
    static func encode(magic: UInt32, dimensions: [Int], payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        for word in [Int(magic)] + dimensions {
            let value = UInt32(truncatingIfNeeded: word)
            bytes += [
                UInt8(value >> 24), UInt8((value >> 16) & 0xFF),
                UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF),
            ]
        }
        return bytes + payload
    }
}
