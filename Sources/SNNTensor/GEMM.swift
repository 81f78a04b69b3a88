// GEMM: the single doorway to BLAS. Every matrix product in SNNTensor goes through
// `sgemmKernel`, the only function that calls `cblas_sgemm`.
import CBLAS

#if canImport(Glibc)
    import Glibc
#endif

/// Sets the number of threads OpenBLAS uses for every later GEMM (process-wide).
///
/// OpenBLAS `sgemm` gives the same bits for the same inputs as long as the thread count stays
/// fixed, so set it once at start-up for reproducible runs.
/// - Precondition: `count >= 1`.
public func setBLASThreads(_ count: Int) {
    precondition(count >= 1, "BLAS thread count must be at least 1, got \(count)")
    openblas_set_num_threads(Int32(count))
    setConvolutionThreads(count)
}

/// The number of threads OpenBLAS currently uses.
public func blasThreads() -> Int {
    Int(openblas_get_num_threads())
}

/// Row-major single-precision GEMM on raw pointers: `C = alpha · op(A) · op(B) + beta · C`.
///
/// `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`; `A` is stored `[m, lda]`
/// (or `[k, lda]` when `transA`), `B` is stored `[k, ldb]` (or `[n, ldb]` when `transB`), `C` is
/// stored `[m, ldc]`. When `beta == 0`, `C` is not read (it may hold garbage).
/// The only place in SNNTensor that calls BLAS.
func sgemmKernel(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        // BLAS would just scale C; do it here so callers need not special-case empty sums.
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else if beta != 1 {
                for j in 0..<n { row[j] *= beta }
            }
        }
        return
    }
    precondition(
        m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max),
        "GEMM dimensions exceed 32-bit BLAS indices")
    cblas_sgemm(
        CblasRowMajor,
        transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k),
        alpha, a, Int32(lda), b, Int32(ldb),
        beta, c, Int32(ldc))
}

/// Row-major single-precision GEMM on arrays: `C = alpha · op(A) · op(B) + beta · C`.
///
/// Shapes: `op(A)` is `[m, k]` and `op(B)` is `[k, n]`; `C` is `[m, n]` stored with leading
/// dimension `ldc`. `A` is stored row-major as `[m, lda]` (`[k, lda]` if `transA`), `B` as
/// `[k, ldb]` (`[n, ldb]` if `transB`). Leading dimensions default to the tight ones.
/// When `beta == 0`, the old contents of `c` are ignored.
/// - Precondition: the arrays are large enough for the given shapes and leading dimensions.
public func gemm(
    transA: Bool = false, transB: Bool = false,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: [Float], lda: Int? = nil,
    b: [Float], ldb: Int? = nil,
    beta: Float = 0,
    c: inout [Float], ldc: Int? = nil
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "negative GEMM dimension m=\(m) n=\(n) k=\(k)")
    let aRows = transA ? k : m
    let aCols = transA ? m : k
    let bRows = transB ? n : k
    let bCols = transB ? k : n
    let lda = lda ?? max(1, aCols)
    let ldb = ldb ?? max(1, bCols)
    let ldc = ldc ?? max(1, n)
    precondition(
        lda >= max(1, aCols) && ldb >= max(1, bCols) && ldc >= max(1, n),
        "leading dimension too small (lda \(lda), ldb \(ldb), ldc \(ldc))")
    precondition(
        aRows == 0 || aCols == 0 || a.count >= (aRows - 1) * lda + aCols,
        "A has \(a.count) elements, needs \(aRows)x\(aCols) with lda \(lda)")
    precondition(
        bRows == 0 || bCols == 0 || b.count >= (bRows - 1) * ldb + bCols,
        "B has \(b.count) elements, needs \(bRows)x\(bCols) with ldb \(ldb)")
    precondition(
        m == 0 || c.count >= (m - 1) * ldc + n,
        "C has \(c.count) elements, needs \(m)x\(n) with ldc \(ldc)")
    if m == 0 || n == 0 { return }
    if k == 0 {  // empty sum: C = beta · C
        for i in 0..<m {
            for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
        }
        return
    }
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                sgemmKernel(
                    transA: transA, transB: transB, m: m, n: n, k: k,
                    alpha: alpha, a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                    beta: beta, c: pc.baseAddress!, ldc: ldc)
            }
        }
    }
}

/// Makes the idle worker threads of OpenBLAS and of oneDNN's OpenMP runtime sleep right after
/// each parallel kernel instead of spinning.
///
/// By default an idle OpenBLAS worker busy-waits (`sched_yield`) for about 2^28 cycles before
/// sleeping, and an idle OpenMP worker spins too, so during snnc's own threaded kernels (LIF, BN,
/// pooling) they compete for the same cores (on two cores, spinning OpenMP workers took 47% of a
/// training profile). Both runtimes read their setting (`OPENBLAS_THREAD_TIMEOUT`, as a power of
/// two; `OMP_WAIT_POLICY`) only when they load, so this sets the variables and re-executes the
/// current program once, with the same arguments. Call it first thing in `main`. A variable the
/// user already set is kept (the user's choice wins); nothing happens when both are set or where
/// `/proc/self/exe` is unavailable.
public func restartWithSleepingWorkerThreads() {
    #if os(Linux)
        var changed = false
        if getenv("OPENBLAS_THREAD_TIMEOUT") == nil {
            setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1)  // 2^4 cycles: sleep almost at once
            changed = true
        }
        if getenv("OMP_WAIT_POLICY") == nil {
            setenv("OMP_WAIT_POLICY", "passive", 1)
            changed = true
        }
        guard changed else { return }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    // execv only returns on failure: carry on with spinning workers.
    #endif
}
