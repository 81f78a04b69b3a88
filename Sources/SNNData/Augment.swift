import SNNTensor

/// One concrete random-crop-and-flip of an image, as drawn for one training example.
///
/// Meaning: zero-pad the image on every side, cut out a window of the original size whose
/// top-left corner is moved by (`offsetY`, `offsetX`) from the centred position, then mirror
/// it left–right if `flipped`. Equivalently, output pixel `(y, x)` of each channel reads
/// source pixel `(y + offsetY, x' + offsetX)` with `x' = flipped ? W-1-x : x`, and is 0 when
/// that lies outside the image.
public struct CropFlip: Equatable, Sendable {
    /// Vertical shift of the crop window in pixels, in `-padding...padding`.
    public var offsetY: Int
    /// Horizontal shift of the crop window in pixels, in `-padding...padding`.
    public var offsetX: Int
    /// Whether the crop is mirrored left–right.
    public var flipped: Bool

    /// Creates a crop-and-flip from its three parameters.
    public init(offsetY: Int, offsetX: Int, flipped: Bool) {
        self.offsetY = offsetY
        self.offsetX = offsetX
        self.flipped = flipped
    }

    /// No shift, no flip: the image unchanged.
    public static let identity = CropFlip(offsetY: 0, offsetX: 0, flipped: false)

    /// Whether this transform leaves every image unchanged.
    public var isIdentity: Bool { self == .identity }

    /// Applies the transform to one `C×H×W` byte image (reference implementation; the batch
    /// path uses a fused crop-flip-normalise kernel that must agree with it).
    /// - Precondition: `image.count == channels * height * width`.
    /// - Returns: a `C×H×W` image; pixels shifted in from outside are 0.
    public func apply(to image: [UInt8], channels: Int, height: Int, width: Int) -> [UInt8] {
        precondition(
            image.count == channels * height * width,
            "\(image.count) bytes are not a \(channels)×\(height)×\(width) image")
        var out = [UInt8](repeating: 0, count: image.count)
        for c in 0..<channels {
            for y in 0..<height {
                let sy = y + offsetY
                guard sy >= 0 && sy < height else { continue }
                for x in 0..<width {
                    let sx = (flipped ? width - 1 - x : x) + offsetX
                    guard sx >= 0 && sx < width else { continue }
                    out[(c * height + y) * width + x] = image[(c * height + sy) * width + sx]
                }
            }
        }
        return out
    }
}

/// The training-time augmentation policy: random crop after zero padding, and random
/// horizontal flip.
///
/// `.standard` is the usual CIFAR recipe (pad 4, crop back to the original size, flip with
/// probability 1/2); `.none` turns augmentation off (evaluation).
public struct Augmentation: Equatable, Sendable {
    /// Zero padding on each side before the random crop; 0 disables cropping.
    public var cropPadding: Int
    /// Whether to mirror left–right with probability 1/2.
    public var horizontalFlip: Bool

    /// Creates a policy.
    /// - Precondition: `cropPadding >= 0`.
    public init(cropPadding: Int, horizontalFlip: Bool) {
        precondition(cropPadding >= 0, "crop padding must be non-negative, got \(cropPadding)")
        self.cropPadding = cropPadding
        self.horizontalFlip = horizontalFlip
    }

    /// No augmentation.
    public static let none = Augmentation(cropPadding: 0, horizontalFlip: false)
    /// Random crop with padding 4 plus random horizontal flip.
    public static let standard = Augmentation(cropPadding: 4, horizontalFlip: true)

    /// Whether this policy never changes an image.
    public var isNone: Bool { cropPadding == 0 && !horizontalFlip }

    /// Draws one example's transform from `rng`.
    ///
    /// Draw order (fixed, so streams stay reproducible): if cropping, `offsetY` then `offsetX`,
    /// each uniform in `-cropPadding...cropPadding` via `nextInt(below: 2·cropPadding+1)`;
    /// then, if flipping, one 64-bit word whose lowest bit decides the flip. A disabled part
    /// draws nothing.
    public func draw(using rng: inout SeededRNG) -> CropFlip {
        var transform = CropFlip.identity
        if cropPadding > 0 {
            transform.offsetY = rng.nextInt(below: 2 * cropPadding + 1) - cropPadding
            transform.offsetX = rng.nextInt(below: 2 * cropPadding + 1) - cropPadding
        }
        if horizontalFlip {
            transform.flipped = rng.next() & 1 == 1
        }
        return transform
    }
}
