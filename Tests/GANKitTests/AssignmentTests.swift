import Autograd
import Foundation
import Testing
@testable import GANKit

@Suite struct Assignments {
    /// Every way of giving the n rows distinct columns, by recursion: the reference the solver must match.
    func bruteForce(_ cost: [[Double]]) -> Double {
        let n = cost.count, m = cost[0].count
        var best = Double.infinity, used = [Bool](repeating: false, count: m)
        func extend(_ row: Int, _ total: Double) {
            if row == n { best = min(best, total); return }
            for j in 0..<m where !used[j] {
                used[j] = true
                extend(row + 1, total + cost[row][j])
                used[j] = false
            }
        }
        extend(0, 0)
        return best
    }

    func randomCost(_ n: Int, _ m: Int, integer: Bool, using rng: inout RandomGenerator) -> [[Double]] {
        (0..<n).map { _ in (0..<m).map { _ in integer ? Double(rng.next() % 4) : 10 * rng.nextDouble() - 3 } }
    }

    @Test(arguments: 1...7)
    func matchesBruteForceOverAllPermutations(_ n: Int) {
        var rng = RandomGenerator(seed: UInt64(100 + n))
        for trial in 0..<20 {
            // Small integer costs make many ties, where a careless solver picks a non-optimal path.
            let cost = randomCost(n, n, integer: trial % 2 == 0, using: &rng)
            let solution = Assignment(cost: cost)
            #expect(Set(solution.columnOf) == Set(0..<n), "not a permutation: \(solution.columnOf)")
            #expect(abs(solution.totalCost - bruteForce(cost)) < 1e-9, "n = \(n), trial \(trial)")
        }
    }

    @Test func rectangularProblemsLeaveColumnsFree() {
        var rng = RandomGenerator(seed: 7)
        for (n, m) in [(2, 5), (3, 6), (4, 7), (1, 3)] {
            let cost = randomCost(n, m, integer: false, using: &rng)
            let solution = Assignment(cost: cost)
            #expect(Set(solution.columnOf).count == n && solution.columnOf.allSatisfy { (0..<m).contains($0) })
            #expect(abs(solution.totalCost - bruteForce(cost)) < 1e-9)
        }
    }

    /// The potentials are a dual certificate: feasible (uᵢ + vⱼ ≤ cᵢⱼ), tight on the assignment,
    /// and their sum equals the primal cost — so the assignment is optimal without any search.
    @Test func dualPotentialsCertifyOptimality() {
        var rng = RandomGenerator(seed: 11)
        let n = 30
        let cost = randomCost(n, n, integer: false, using: &rng)
        let s = Assignment(cost: cost)
        for i in 0..<n {
            for j in 0..<n { #expect(s.rowPotentials[i] + s.columnPotentials[j] <= cost[i][j] + 1e-9) }
            #expect(abs(s.rowPotentials[i] + s.columnPotentials[s.columnOf[i]] - cost[i][s.columnOf[i]]) < 1e-9)
        }
        let dual = s.rowPotentials.reduce(0, +) + s.columnPotentials.reduce(0, +)
        #expect(abs(dual - s.totalCost) < 1e-8)
    }

    /// Translating a point set by t costs exactly ‖t‖: the identity matching achieves it, and no
    /// plan does better since E‖X − Y‖ ≥ ‖E X − E Y‖ = ‖t‖.
    @Test func translatedPointSetIsTheTranslationLengthAway() {
        var rng = RandomGenerator(seed: 5)
        let a = (0..<40).map { _ in (Double(rng.nextNormal()), Double(rng.nextNormal())) }
        for t in [(0.0, 0.0), (0.3, -0.4), (3.0, 4.0), (-10.0, 0.5)] {
            let b = a.reversed().map { ($0.0 + t.0, $0.1 + t.1) }
            let (distance, plan) = Wasserstein.exact2D(a, b)
            #expect(abs(distance - (t.0 * t.0 + t.1 * t.1).squareRoot()) < 1e-9, "t = \(t)")
            if t.0 * t.0 + t.1 * t.1 > 1 { #expect(plan == Array((0..<40).reversed())) }  // the translation itself
        }
    }

    @Test func pointsOnALineAgreeWithTheExact1DDistance() {
        var rng = RandomGenerator(seed: 9)
        for n in [1, 5, 33, 100] {
            let a = (0..<n).map { _ in Double(rng.nextNormal()) }, b = (0..<n).map { _ in 2 * rng.nextDouble() + 0.5 }
            let along = Wasserstein.exact2D(a.map { ($0, 0) }, b.map { ($0, 0) }).distance
            let tilted = Wasserstein.exact2D(a.map { (0.6 * $0, 0.8 * $0) }, b.map { (0.6 * $0, 0.8 * $0) }).distance
            let reference = Wasserstein.exact1D(a, b)
            #expect(abs(along - reference) < 1e-9 && abs(tilted - reference) < 1e-9, "n = \(n)")
        }
    }

    /// Projections are 1-Lipschitz, so every sliced distance is at most the exact one.
    @Test func slicedIsALowerBound() {
        var rng = RandomGenerator(seed: 13)
        let a = (0..<60).map { _ in (Double(rng.nextNormal()), Double(rng.nextNormal())) }
        let b = (0..<60).map { _ in (2 * rng.nextDouble(), rng.nextDouble() - 1) }
        #expect(Wasserstein.sliced(a, b) <= Wasserstein.exact2D(a, b).distance)
    }
}
