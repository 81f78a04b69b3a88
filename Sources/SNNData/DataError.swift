/// Everything that can go wrong while reading or slicing a data set.
///
/// Every case names the file involved (when there is one), and `description` renders four
/// parts: **what** failed, **where** (the file path), **why**, and a **hint** for the fix, e.g.
///
///     wrong magic number: /data/train-labels-idx1-ubyte.gz: expected 0x00000803 (IDX images:
///     uint8, 3 dimensions) but found 0x00000801 (IDX labels: uint8, 1 dimension)
///     (hint: this looks like a label file; check that the image and label file names are not swapped)
///
/// Readers never crash on malformed input: every malformed byte pattern maps to one of these
/// cases.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist. `hint` says how to obtain it.
    case missingFile(path: String, hint: String)
    /// The file exists but could not be opened or decompressed (`reason` comes from the OS or zlib).
    case unreadable(path: String, reason: String)
    /// The first four bytes are not the expected IDX magic number.
    case wrongMagic(path: String, expected: UInt32, found: UInt32)
    /// The IDX header is well-formed but describes an impossible shape (`reason` says which).
    case badHeader(path: String, reason: String)
    /// The file holds fewer bytes than its header (or record count) requires. Sizes count the
    /// decompressed contents, header included.
    case truncated(path: String, expectedBytes: Int, gotBytes: Int)
    /// The file holds more bytes than its header requires (trailing data); sizes as for
    /// `truncated`.
    case trailingBytes(path: String, expectedBytes: Int, gotBytes: Int)
    /// A record file's size is not a whole number of fixed-size records.
    case badRecordSize(path: String, size: Int, recordSize: Int)
    /// The image file and the label file hold different numbers of examples.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// Record `index` (0-based) carries `label`, which is not in `0..<classCount`.
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
    /// An in-memory data set is inconsistent (`reason` says how); no file is involved.
    case inconsistent(reason: String)
    /// A stratified subset asked for more examples of class `label` than exist.
    case notEnoughExamples(label: Int, requested: Int, available: Int)

    /// What failed, in a few words.
    public var what: String {
        switch self {
        case .missingFile: "data file not found"
        case .unreadable: "cannot read data file"
        case .wrongMagic: "wrong magic number"
        case .badHeader: "invalid IDX header"
        case .truncated: "truncated file"
        case .trailingBytes: "unexpected trailing bytes"
        case .badRecordSize: "file size is not a whole number of records"
        case .countMismatch: "image/label count mismatch"
        case .labelOutOfRange: "label out of range"
        case .inconsistent: "inconsistent data set"
        case .notEnoughExamples: "not enough examples for a stratified subset"
        }
    }

    /// The file the error is about, or `nil` when no single file is involved.
    public var path: String? {
        switch self {
        case .missingFile(let path, _), .unreadable(let path, _), .wrongMagic(let path, _, _),
            .badHeader(let path, _), .truncated(let path, _, _), .trailingBytes(let path, _, _),
            .badRecordSize(let path, _, _), .labelOutOfRange(let path, _, _, _):
            path
        case .countMismatch(let imagesPath, _, let labelsPath, _):
            "\(imagesPath) and \(labelsPath)"
        case .inconsistent, .notEnoughExamples:
            nil
        }
    }

    /// Why it failed: the observed facts (expected versus found).
    public var why: String {
        switch self {
        case .missingFile:
            "no such file"
        case .unreadable(_, let reason):
            reason
        case .wrongMagic(_, let expected, let found):
            "expected \(Self.hex(expected)) (\(Self.magicMeaning(expected))) "
                + "but found \(Self.hex(found)) (\(Self.magicMeaning(found)))"
        case .badHeader(_, let reason):
            reason
        case .truncated(_, let expected, let got):
            "expected \(expected) bytes but got only \(got) (\(expected - got) missing)"
        case .trailingBytes(_, let expected, let got):
            "expected \(expected) bytes but got \(got) (\(got - expected) extra)"
        case .badRecordSize(_, let size, let recordSize):
            "\(size) bytes is not a multiple of the \(recordSize)-byte record size "
                + "(\(size / recordSize) whole records and \(size % recordSize) bytes left over)"
        case .countMismatch(_, let images, _, let labels):
            "\(images) images but \(labels) labels"
        case .labelOutOfRange(_, let index, let label, let classCount):
            "record \(index) has label \(label), outside 0..<\(classCount)"
        case .inconsistent(let reason):
            reason
        case .notEnoughExamples(let label, let requested, let available):
            "class \(label) has \(available) examples but \(requested) were requested"
        }
    }

    /// What to try next (every case has a hint; optional as `SNNError` requires).
    public var hint: String? {
        switch self {
        case .missingFile(_, let hint):
            hint
        case .unreadable:
            "check the file's permissions, and that it is a complete gzip or raw file"
        case .wrongMagic(_, let expected, let found):
            if expected == IDXReader.imageMagic && found == IDXReader.labelMagic {
                "this looks like a label file; check that the image and label file names are not swapped"
            } else if expected == IDXReader.labelMagic && found == IDXReader.imageMagic {
                "this looks like an image file; check that the image and label file names are not swapped"
            } else {
                "this is not a uint8 IDX (MNIST-format) file, or it is corrupt; re-download it"
            }
        case .badHeader, .truncated, .trailingBytes, .badRecordSize:
            "the file is corrupt or incomplete; re-download or re-extract it"
        case .countMismatch:
            "the image and label files come from different splits or versions; use a matching pair"
        case .labelOutOfRange:
            "the file is corrupt, or belongs to a data set with a different number of classes"
        case .inconsistent:
            "this is a bug in the code that built the data set"
        case .notEnoughExamples:
            "ask for fewer examples per class"
        }
    }

    /// `what: where: why (hint: hint)` on one line.
    public var description: String {
        let location = path.map { "\($0): " } ?? ""
        return "\(what): \(location)\(why)" + (hint.map { " (hint: \($0))" } ?? "")
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    private static func magicMeaning(_ magic: UInt32) -> String {
        switch magic {
        case IDXReader.imageMagic: "IDX images: uint8, 3 dimensions"
        case IDXReader.labelMagic: "IDX labels: uint8, 1 dimension"
        case 0x1F8B_0000...0x1F8B_FFFF: "a gzip header inside the decompressed data"
        default: "unknown"
        }
    }
}
