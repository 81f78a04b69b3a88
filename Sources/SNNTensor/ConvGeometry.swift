// The geometry of one convolution call: input and output extents derived from the window.

/// Geometry of one convolution input/output pair, precomputed once per call.
struct ConvGeometry {
    let channels: Int
    let height: Int
    let width: Int
    let outH: Int
    let outW: Int
    let window: Window2d

    init(channels: Int, height: Int, width: Int, window: Window2d) {
        self.channels = channels
        self.height = height
        self.width = width
        self.window = window
        self.outH = window.outputHeight(height)
        self.outW = window.outputWidth(width)
    }

    /// Rows of the column matrix: Cin·kH·kW.
    var columnRows: Int { channels * window.kernelH * window.kernelW }
    /// Output pixels per image: outH·outW.
    var outputPixels: Int { outH * outW }
    /// Input elements per image: Cin·H·W.
    var inputImageSize: Int { channels * height * width }
}
