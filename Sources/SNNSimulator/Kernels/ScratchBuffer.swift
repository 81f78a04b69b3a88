/// Fixed-size memory for the hot kernels: one allocation, freed with the buffer.
///
/// The kernels index raw pointers in their inner loops; this type owns that memory so that no
/// pointer escapes a kernel's caller. A `ScratchBuffer` is mutable and belongs to one thread
/// (a simulation workspace); it is not `Sendable`.
final class ScratchBuffer<Element: BitwiseCopyable> {
    /// First element.
    let base: UnsafeMutablePointer<Element>
    /// Number of elements.
    let count: Int

    /// `count` copies of `value`.
    init(repeating value: Element, count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: max(count, 1))
    }

    deinit { base.deallocate() }

    /// Element `i` (unchecked in release builds, as in every kernel).
    subscript(i: Int) -> Element {
        get { base[i] }
        set { base[i] = newValue }
    }

    /// Sets every element to `value`.
    func fill(_ value: Element) { base.update(repeating: value, count: count) }

    /// The first `n` elements as an array.
    func prefix(_ n: Int) -> [Element] { Array(UnsafeBufferPointer(start: base, count: n)) }
}

/// Read-only memory for the kernels, shared by every thread that runs the same network.
///
/// Built once from an array and never written afterwards, which is why it may be shared across
/// threads (`@unchecked Sendable`): concurrent reads of memory nobody writes are safe.
final class FrozenBuffer<Element: BitwiseCopyable & Sendable>: @unchecked Sendable {
    /// First element.
    let base: UnsafePointer<Element>
    /// Number of elements.
    let count: Int

    /// A copy of `values`.
    init(_ values: [Element]) {
        count = values.count
        let memory = UnsafeMutablePointer<Element>.allocate(capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { source in
            if let start = source.baseAddress { memory.initialize(from: start, count: values.count) }
        }
        base = UnsafePointer(memory)
    }

    deinit { UnsafeMutablePointer(mutating: base).deallocate() }

    /// Element `i`.
    subscript(i: Int) -> Element { base[i] }
}
