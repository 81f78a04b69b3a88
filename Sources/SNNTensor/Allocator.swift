// Opt-in process setting: keep freed tensor memory in the heap instead of returning it to the OS.
#if canImport(Glibc)
    import Glibc
#endif

/// Tells glibc's malloc to serve every allocation from its heap and never give freed memory
/// back to the OS (`M_MMAP_MAX = 0`, `M_TRIM_THRESHOLD = Int32.max`).
///
/// Kernels return fresh tensors; by default glibc hands each large one out as a new `mmap`
/// and unmaps it when freed, so every training step page-faults (and the kernel zeroes) all
/// activation memory again — on this VM that made `lifForward` ~10× slower than its loop.
/// With this setting a training loop reuses the same heap memory every step; the price is that
/// the process keeps its peak heap size. Process-wide; call once at start-up (e.g. in `main`)
/// before large allocations. Returns false (and does nothing) where unsupported.
@discardableResult
public func retainFreedMemoryForReuse() -> Bool {
    #if os(Linux) && canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not import; look it up.
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1
        let mmapMax: Int32 = -4  // M_TRIM_THRESHOLD, M_MMAP_MAX
        return mallopt(mmapMax, 0) == 1 && mallopt(trimThreshold, Int32.max) == 1
    #else
        return false
    #endif
}
