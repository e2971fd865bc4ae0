import Testing
@testable import Autograd

@Suite struct SideBySideTests {
    /// Two lanes give the results of one after the other, in job order, and the thread count is
    /// restored afterwards.
    @Test func sideBySideMatchesSequentialAndKeepsOrder() throws {
        func job(_ seed: UInt64) -> () throws -> [Float] {
            {
                var rng = RandomGenerator(seed: seed)
                let a = Tensor.uniform([48, 64], using: &rng), b = Tensor.uniform([64, 40], using: &rng)
                return matmul(a, b).relu().data
            }
        }
        let jobs = (0..<5).map { job(UInt64($0)) }
        let before = Engine.threads
        let sequential = try jobs.map { try $0() }
        #expect(try Engine.sideBySide(jobs, lanes: 2) == sequential)
        #expect(try Engine.sideBySide(jobs, lanes: 1) == sequential)
        #expect(Engine.threads == before)
    }

    struct Failure: Error, Equatable { let job: Int }

    @Test func sideBySideRethrowsTheFirstFailingJobsError() {
        let jobs: [() throws -> Int] = [{ 1 }, { throw Failure(job: 1) }, { 3 }, { throw Failure(job: 3) }]
        #expect(throws: Failure(job: 1)) { try Engine.sideBySide(jobs, lanes: 2) }
    }
}
