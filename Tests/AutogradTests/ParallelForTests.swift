import Dispatch
import Testing
@testable import Autograd

@Suite struct ParallelForTests {
    /// Every index runs exactly once, whatever the thread count — also when jobs are nested (the
    /// inner one runs inline) and when several threads hand the pool jobs at once (all but one
    /// run inline): the cases the engine's loops, GEMM splits and side-by-side trainings produce.
    @Test func everyIndexRunsOnceFromNestedAndConcurrentCallers() {
        for threads in [1, 2, 3, 8] {
            var hits = [Int](repeating: 0, count: 1000)
            hits.withUnsafeMutableBufferPointer { h in
                parallelFor(1000, threads: threads) { h[$0] += 1 }
            }
            #expect(hits.allSatisfy { $0 == 1 }, "threads \(threads)")
        }
        var nested = [Int](repeating: 0, count: 12 * 12)
        nested.withUnsafeMutableBufferPointer { h in
            parallelFor(12, threads: 2) { i in parallelFor(12, threads: 2) { j in h[i * 12 + j] += 1 } }
        }
        #expect(nested.allSatisfy { $0 == 1 })
        let callers = 4, count = 5000
        let sums = UnsafeMutableBufferPointer<Int>.allocate(capacity: callers * count)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0)
        DispatchQueue.concurrentPerform(iterations: callers) { c in
            for _ in 0..<20 { parallelFor(count, threads: 2) { sums[c * count + $0] += 1 } }
        }
        #expect(sums.allSatisfy { $0 == 20 })
    }
}
