import CBLAS
import CKernels
import Foundation

/// The engine's settings: how many cores its matrix products and convolutions use (the
/// elementwise loops have their own count, `loopThreads`, one by default: see there), which sgemm
/// does the products, and whether convolutions take the reference path.
///
/// A program calls `setThreads` once at start-up (the course, the lessons' runner, the benchmarks
/// do): besides the thread count, that first call applies the process-wide settings below. A
/// program that never calls it runs the engine on one thread with malloc and OpenBLAS as they come.
public enum Engine {
    /// The thread count: `setThreads`'s, or `withThreads`'s inside its body.
    public static var threads: Int { threadsOverride ?? configuredThreads }
    private static var configuredThreads = 1
    @TaskLocal private static var threadsOverride: Int?

    /// Runs `body` at `n` threads whatever `setThreads` said (task-local: tests compare results at
    /// 1 and 2 threads while others run). Work the engine hands to other threads is given its
    /// thread count explicitly, so it does not read this.
    public static func withThreads<T>(_ n: Int, _ body: () throws -> T) rethrows -> T {
        precondition(n >= 1, "thread count must be at least 1, got \(n)")
        return try $threadsOverride.withValue(n, operation: body)
    }

    /// Applied once, by the first `setThreads`.
    ///
    /// glibc hands every block over 32 MB (im2col buffers, activations) straight back to the
    /// kernel on free and maps it afresh on the next allocation, so each training step paid for
    /// page faults and zeroing of the same memory again (measured: ~40% of a small generator's
    /// forward + backward). Keeping freed blocks in the heap makes the next step reuse them; the
    /// resident size then stays at the peak instead of shrinking between steps.
    private static let processSettings: Void = {
        #if os(Linux)
        _ = mallopt(-3, 1 << 30)       // M_MMAP_THRESHOLD
        _ = mallopt(-1, Int32.max)     // M_TRIM_THRESHOLD
        #endif
    }()

    /// Applied before OpenBLAS's first product (`splitSGEMM`). OpenBLAS starts a worker per core
    /// when it is loaded, and they spin (sched_yield) for a while before sleeping: in profiles they
    /// held the second core for the first ~0.1 s of every program, and after every product they
    /// shared, competing with the engine's own threads. The engine splits products itself, so
    /// OpenBLAS runs on one thread, its workers stopped, and its results do not depend on a count
    /// that another part of the program might have set.
    static let openblasSingleThreaded: Void = {
        openblas_set_num_threads(1)
        _ = blas_thread_shutdown_()
    }()

    /// Sets the engine's thread count. `OPENBLAS_CORETYPE` is never touched: a user who set it
    /// keeps their kernel choice.
    public static func setThreads(_ n: Int) {
        precondition(n >= 1, "thread count must be at least 1, got \(n)")
        Engine.processSettings
        configuredThreads = n
    }

    /// The CPU kernel OpenBLAS picked (e.g. "Haswell", "SkylakeX"); recorded in manifests and benchmarks.
    public static var blasCoreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}

extension Engine {
    /// The sgemm behind every matrix product and convolution.
    public enum GEMM: String, Sendable {
        /// Our kernel (Sources/CKernels/gemm.c), on CPUs with AVX-512: there it runs about twice as
        /// fast as OpenBLAS's AVX2 kernels (which `OPENBLAS_CORETYPE=Haswell` pins OpenBLAS to)
        /// and, unlike OpenBLAS's threads, leaves no thread spinning after a product.
        case avx512 = "own AVX-512 kernel"
        case openblas = "OpenBLAS"
    }

    /// Whether this CPU can run our kernels (x86-64 with AVX-512F).
    public static let hasAVX512 = cgemm_available() != 0

    /// Our kernel where the CPU can run it, unless the environment says `COURSE_GEMM=openblas`.
    public static let defaultGEMM: GEMM =
        hasAVX512 && ProcessInfo.processInfo.environment["COURSE_GEMM"] != "openblas" ? .avx512 : .openblas

    @TaskLocal public static var gemm = defaultGEMM

    /// Runs `body` with products computed by `gemm` (task-local: tests compare both side by side).
    public static func withGEMM<T>(_ gemm: GEMM, _ body: () throws -> T) rethrows -> T {
        precondition(gemm == .openblas || hasAVX512, "this CPU has no AVX-512")
        return try $gemm.withValue(gemm, operation: body)
    }

    /// What the manifests and benchmarks record: the GEMM, and OpenBLAS's kernel when it is used.
    public static var gemmName: String {
        gemm == .avx512 ? gemm.rawValue : "OpenBLAS (\(blasCoreName))"
    }
}

extension Engine {
    /// Every convolution through the reference path at the top of Convolution.swift (im2col,
    /// matmul, bias: a few differentiable ops) instead of the kernels in Kernels/: for debugging,
    /// or to check a suspicion that a kernel is wrong. On with `COURSE_REFERENCE_CONV=1`; much
    /// slower and memory-hungry (it builds every im2col whole).
    @TaskLocal public static var referenceConvolution = ProcessInfo.processInfo.environment["COURSE_REFERENCE_CONV"] == "1"

    /// Runs `body` with convolutions on the reference path (`on`) or the kernels; task-local.
    public static func withReferenceConvolution<T>(_ on: Bool = true, _ body: () throws -> T) rethrows -> T {
        try $referenceConvolution.withValue(on, operation: body)
    }
}

/// Stops OpenBLAS's worker threads (exported by OpenBLAS for fork handlers; not in its header).
@_silgen_name("blas_thread_shutdown_") private func blas_thread_shutdown_() -> Int32

#if os(Linux)
/// glibc's malloc tuning (declared in <malloc.h>, which Swift's Glibc module does not import).
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

extension Engine {
    /// The thread count of the engine's elementwise loops (instance norm, elementwise ops; a
    /// convolution's loops use `threads`). One unless `withLoopThreads` says otherwise: at 2 threads on a
    /// 2-core machine no DeblurGAN workload measured faster with these loops split (gen_small
    /// 25.5–25.8 ms serial against 28.2–32.1 split, critic_full 294–318 ms against 309–310), and
    /// with the pool's cheaper hand-over it is still a wash (medians of 5 interleaved rounds on
    /// Zen 3: toy_nsgan and critic_small 4–5 % faster split, toy_wgangp, gen_small and
    /// critic_full 5–10 % slower).
    @TaskLocal public static var loopThreads = 1

    /// Runs `body` with the engine's own loops split over `n` threads (OpenBLAS's count is left
    /// alone); task-local, so tests can compare results at 1 and 2 threads while others run.
    public static func withLoopThreads<T>(_ n: Int, _ body: () throws -> T) rethrows -> T {
        precondition(n >= 1, "thread count must be at least 1, got \(n)")
        return try $loopThreads.withValue(n, operation: body)
    }
}

/// Runs `body(range)` over `0..<count` split into contiguous chunks, in parallel when the work is
/// large enough to pay for it. Each chunk writes its own outputs and each output is computed by
/// one thread in a fixed order, so results do not depend on the thread count.
@inline(__always)
func parallelChunks(_ count: Int, grain: Int = 32_768, threads: Int = Engine.loopThreads, _ body: (Range<Int>) -> Void) {
    let chunks = min(threads, max(1, count / max(grain, 1)))
    if chunks <= 1 { body(0..<count); return }
    parallelFor(chunks, threads: chunks) { c in body((count * c / chunks)..<(count * (c + 1) / chunks)) }
}

/// body(i) for every i in 0..<count, spread over `threads` threads by the engine's pool
/// (CKernels/pool.c), whose workers stay awake between the ops of a step: handing a job to
/// GCD's `concurrentPerform` costs a thread wake-up each time.
@inline(__always)
func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    if count <= 1 || threads <= 1 { for i in 0..<count { body(i) }; return }
    withoutActuallyEscaping(body) { body in
        var body = body
        withUnsafeMutablePointer(to: &body) { context in
            ck_parallel_for(Int32(threads), count, { context, i in
                context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(i)
            }, context)
        }
    }
}

extension Engine {
    /// Runs independent jobs `lanes` at a time, each on one engine thread, and returns their
    /// results in job order (the first error, in job order, is rethrown once all have ended).
    /// Small networks do not split well over threads — a PatchGAN step on 64 px patches runs only
    /// about 1.3× faster on 2 threads than on 1 — so two such trainings side by side finish in
    /// about half the time of one after the other. Each job computes exactly what it would at one
    /// thread, so results do not depend on `lanes`; jobs must not share mutable state.
    public static func sideBySide<T>(_ jobs: [() throws -> T], lanes: Int = Engine.threads) throws -> [T] {
        precondition(lanes >= 1, "lanes must be at least 1, got \(lanes)")
        let saved = configuredThreads
        setThreads(1)
        defer { setThreads(saved) }
        let lock = NSLock()
        var results = [Result<T, Error>?](repeating: nil, count: jobs.count)
        var next = 0
        DispatchQueue.concurrentPerform(iterations: max(1, min(lanes, jobs.count))) { _ in
            while true {
                let i: Int = lock.withLock { defer { next += 1 }; return next }
                guard i < jobs.count else { return }
                let result = Result { try jobs[i]() }
                lock.withLock { results[i] = result }
            }
        }
        return try results.map { try $0!.get() }
    }
}
