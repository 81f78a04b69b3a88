/// The extent of a layer's output as channels × positions, and the two index orders.
///
/// SNNIR numbers units in C-order, `(c·H + y)·W + x` ("CHW"). The event simulator keeps every
/// population and event stream position-major, `(y·W + x)·C + c` ("HWC"), so that the output
/// channels one input event reaches at one output position are adjacent in memory. A shape
/// `[F]` is the grid `F × 1 × 1`, for which both orders agree.
struct Grid: Sendable, Equatable {
    /// Channels `C` (features for a `[F]` shape).
    let channels: Int
    /// Rows `H` (1 for `[F]`).
    let height: Int
    /// Columns `W` (1 for `[F]`).
    let width: Int
    /// Division by `C`, `W` and `H·W` for the kernels (unit indices are below 2^31).
    let channelDivisor: Divisor
    let widthDivisor: Divisor
    let positionDivisor: Divisor

    /// The grid of an SNNIR shape `[C, H, W]` or `[F]`, or nil for any other rank, a
    /// non-positive extent, or 2^31 units or more.
    init?(shape: [Int]) {
        switch shape.count {
        case 3: self.init(checked: shape[0], shape[1], shape[2])
        case 1: self.init(checked: shape[0], 1, 1)
        default: return nil
        }
    }

    private init?(checked c: Int, _ h: Int, _ w: Int) {
        let limit = 1 << 31
        guard c >= 1, h >= 1, w >= 1, c < limit, h < limit, w < limit, c * h < limit, c * h * w < limit else { return nil }
        self.init(channels: c, height: h, width: w)
    }

    /// A grid from its extents.
    init(channels: Int, height: Int, width: Int) {
        (self.channels, self.height, self.width) = (channels, height, width)
        channelDivisor = Divisor(channels)
        widthDivisor = Divisor(width)
        positionDivisor = Divisor(height * width)
    }

    /// Spatial positions `H·W`.
    var positions: Int { height * width }
    /// Units `C·H·W`.
    var count: Int { channels * height * width }

    /// The HWC index of the unit with C-order index `chw`.
    @inline(__always)
    func hwc(fromCHW chw: Int) -> Int {
        let (c, position) = positionDivisor.split(chw)
        return position &* channels &+ c
    }

    /// The C-order index of the unit with HWC index `hwc`.
    @inline(__always)
    func chw(fromHWC hwc: Int) -> Int {
        let (position, c) = channelDivisor.split(hwc)
        return c &* positions &+ position
    }

    /// `[c, y, x]` of the unit with C-order index `chw` (`[f]` for a one-dimensional grid).
    func coordinates(ofCHW chw: Int, rank: Int) -> [Int] {
        if rank == 1 { return [chw] }
        let c = chw / positions
        let position = chw - c * positions
        return [c, position / width, position % width]
    }
}

/// How a population's accumulators (and position marks) are laid out: the HWC grid with a
/// zero halo of `haloH` rows and `haloW` columns around it.
///
/// A stride-1 conv then adds an event's whole kernel row without checking borders: the taps
/// that fall outside the output land in the halo, which is never read.
struct AccumulatorLayout: Sendable, Equatable {
    let grid: Grid
    let haloH: Int
    let haloW: Int

    /// Padded width `W + 2·haloW`.
    var paddedWidth: Int { grid.width + 2 * haloW }
    /// Padded positions `(H + 2·haloH)·(W + 2·haloW)`.
    var paddedPositions: Int { (grid.height + 2 * haloH) * paddedWidth }
    /// Accumulators `paddedPositions · C`.
    var count: Int { paddedPositions * grid.channels }

    /// The padded position of output `(y, x)`.
    @inline(__always)
    func paddedPosition(y: Int, x: Int) -> Int { (y + haloH) * paddedWidth + x + haloW }

    /// The padded position of unpadded position `position` (`y·W + x`).
    @inline(__always)
    func paddedPosition(_ position: Int) -> Int {
        let (y, x) = grid.widthDivisor.split(position)
        return paddedPosition(y: y, x: x)
    }

    /// The accumulator index of the unit with unpadded HWC index `unit`.
    func accumulator(ofHWC unit: Int) -> Int {
        let position = unit / grid.channels
        return paddedPosition(position) * grid.channels + unit - position * grid.channels
    }
}
