/// The sliding-window geometry shared by convolution and pooling: kernel size, stride and
/// symmetric zero padding, each per axis (H, W).
///
/// An input of height `H` gives `outputHeight(H) = (H + 2·padH − kernelH) / strideH + 1`
/// rows (floor division, PyTorch's `ceil_mode=False`); likewise for the width.
public struct Window2d: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Kernel extent along H.
    public var kernelH: Int
    /// Kernel extent along W.
    public var kernelW: Int
    /// Step between windows along H.
    public var strideH: Int
    /// Step between windows along W.
    public var strideW: Int
    /// Zero (or, for max pooling, −∞) padding added at the top and at the bottom.
    public var padH: Int
    /// Padding added at the left and at the right.
    public var padW: Int

    /// A window with per-axis kernel, stride and padding.
    /// - Precondition: kernels and strides ≥ 1, paddings ≥ 0.
    public init(
        kernelH: Int, kernelW: Int, strideH: Int = 1, strideW: Int = 1,
        padH: Int = 0, padW: Int = 0
    ) {
        precondition(kernelH >= 1 && kernelW >= 1, "kernel must be at least 1x1, got \(kernelH)x\(kernelW)")
        precondition(strideH >= 1 && strideW >= 1, "stride must be at least 1, got \(strideH)x\(strideW)")
        precondition(padH >= 0 && padW >= 0, "padding must be non-negative, got \(padH)x\(padW)")
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.strideH = strideH
        self.strideW = strideW
        self.padH = padH
        self.padW = padW
    }

    /// A square window: `kernel`×`kernel`, the same stride and padding on both axes.
    public init(kernel: Int, stride: Int = 1, padding: Int = 0) {
        self.init(
            kernelH: kernel, kernelW: kernel, strideH: stride, strideW: stride,
            padH: padding, padW: padding)
    }

    /// Output rows for an input of `height` rows.
    /// - Precondition: the padded input is at least one kernel tall.
    public func outputHeight(_ height: Int) -> Int {
        precondition(
            height + 2 * padH >= kernelH,
            "input height \(height) (+2·\(padH) padding) smaller than kernel \(kernelH)")
        return (height + 2 * padH - kernelH) / strideH + 1
    }

    /// Output columns for an input of `width` columns.
    /// - Precondition: the padded input is at least one kernel wide.
    public func outputWidth(_ width: Int) -> Int {
        precondition(
            width + 2 * padW >= kernelW,
            "input width \(width) (+2·\(padW) padding) smaller than kernel \(kernelW)")
        return (width + 2 * padW - kernelW) / strideW + 1
    }

    /// Output rows and columns for a `height`×`width` input, or nil when the padded input is
    /// smaller than the kernel on either axis (for sizes that come from files or users).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int)? {
        let (h, overflowH) = padH.multipliedReportingOverflow(by: 2)
        let (w, overflowW) = padW.multipliedReportingOverflow(by: 2)
        guard !overflowH, !overflowW, height <= Int.max - h, width <= Int.max - w,
            height + h >= kernelH, width + w >= kernelW
        else { return nil }
        return (outputHeight(height), outputWidth(width))
    }

    /// `kernel kHxkW stride sHxsW pad pHxpW`.
    public var description: String {
        "kernel \(kernelH)x\(kernelW) stride \(strideH)x\(strideW) pad \(padH)x\(padW)"
    }

    /// The input rows that output row `o` covers, clipped to `0..<height` (padding rows left out).
    /// - Precondition: the window reaches the image (true whenever padding ≤ kernel/2, as pooling
    ///   requires); a window wholly in the padding traps.
    @inline(__always)
    func inputRows(ofOutputRow o: Int, height: Int) -> Range<Int> {
        max(o * strideH - padH, 0)..<min(o * strideH - padH + kernelH, height)
    }

    /// The input columns that output column `o` covers, clipped to `0..<width`.
    /// - Precondition: as `inputRows(ofOutputRow:height:)`.
    @inline(__always)
    func inputColumns(ofOutputColumn o: Int, width: Int) -> Range<Int> {
        max(o * strideW - padW, 0)..<min(o * strideW - padW + kernelW, width)
    }

    /// The output positions `o` in `0..<outputCount` whose input index `o·stride − pad + k`
    /// lies inside `0..<inputCount`, for kernel offset `k` (an empty range if none).
    @inline(__always)
    static func validOutputRange(
        kernelOffset k: Int, stride: Int, pad: Int,
        inputCount: Int, outputCount: Int
    ) -> Range<Int> {
        // o·stride ≥ pad − k   and   o·stride ≤ inputCount − 1 + pad − k
        let lowNumerator = pad - k
        let low = lowNumerator <= 0 ? 0 : (lowNumerator + stride - 1) / stride
        let highNumerator = inputCount - 1 + pad - k
        let high = highNumerator < 0 ? 0 : highNumerator / stride + 1
        let lo = min(low, outputCount)
        let hi = min(max(high, lo), outputCount)
        return lo..<hi
    }
}
