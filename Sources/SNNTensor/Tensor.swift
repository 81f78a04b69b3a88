/// A dense, contiguous, row-major (C-order) array of `Float`.
///
/// `Tensor` is a value type: copies share storage until one of them is written
/// (copy-on-write through `[Float]`). Shapes use the letters of DESIGN.md:
/// `N` batch, `T` time steps, `C` channels, `H`/`W` height and width.
/// Invariant: `scalars.count == shape.reduce(1, *)`.
public struct Tensor: Equatable, Sendable {
    /// The extent of each dimension, outermost first.
    public var shape: [Int]
    /// The elements in row-major order.
    public var scalars: [Float]

    /// Creates a tensor from its elements; `scalars.count` must equal the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(
            scalars.count == shape.reduce(1, *),
            "\(scalars.count) scalars do not fill shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// Number of elements.
    public var count: Int { scalars.count }

    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// The same elements viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }
}

extension Tensor {
    /// A tensor of the given shape whose elements are all written by `initializer`.
    ///
    /// Skips the zero fill of `init(repeating:shape:)`; `initializer` must write every one of
    /// the `shape.reduce(1, *)` elements of the buffer it is handed. It is not called for an
    /// empty shape, so kernels may assume a non-nil base address.
    @inlinable
    public init(shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        let count = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            if count > 0 { initializer(buffer) }
            initializedCount = count
        }
        self.init(shape: shape, scalars: scalars)
    }
}
