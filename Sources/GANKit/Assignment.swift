import Foundation

/// The optimal assignment of rows to columns of a cost matrix: each row gets its own column and
/// the total cost is as small as possible. Solved exactly by the Hungarian method in its
/// shortest-augmenting-path form (Kuhn–Munkres with potentials, as in Jonker–Volgenant), O(n²m).
///
/// Why it matters for GANs: the earth mover's distance between two empirical distributions of n
/// points each is a linear programme whose optimal plans include a permutation (Birkhoff–von
/// Neumann), so W₁ = min over permutations σ of (1/n) Σᵢ ‖aᵢ − b_σ(i)‖ — an assignment problem.
/// The solver also returns the dual potentials (u, v) with uᵢ + vⱼ ≤ costᵢⱼ and
/// Σu + Σv = total cost: the discrete form of the Kantorovich–Rubinstein dual a WGAN critic
/// approximates, and a certificate that the assignment is optimal.
public struct Assignment: Sendable {
    /// `columnOf[i]` is the column given to row i.
    public let columnOf: [Int]
    /// The sum of the chosen costs.
    public let totalCost: Double
    /// Dual potentials: rowPotentials[i] + columnPotentials[j] ≤ cost[i][j], with equality on the assignment.
    public let rowPotentials: [Double]
    public let columnPotentials: [Double]

    /// Solves the problem for `cost` with n rows and m ≥ n columns (n = m for a full matching).
    /// Costs must be finite.
    public init(cost: [[Double]]) {
        let n = cost.count, m = cost.first?.count ?? 0
        precondition(cost.allSatisfy { $0.count == m }, "the cost matrix must be rectangular")
        precondition(n <= m, "an assignment needs at least as many columns (\(m)) as rows (\(n))")
        precondition(cost.allSatisfy { $0.allSatisfy(\.isFinite) }, "costs must be finite")
        // 1-based arrays with a virtual column 0, the classic formulation: p[j] is the row matched
        // to column j (0: none), way[j] the previous column on the shortest augmenting path.
        var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: m + 1)
        var p = [Int](repeating: 0, count: m + 1), way = [Int](repeating: 0, count: m + 1)
        for i in stride(from: 1, through: n, by: 1) {
            p[0] = i
            var j0 = 0
            var minv = [Double](repeating: .infinity, count: m + 1)
            var used = [Bool](repeating: false, count: m + 1)
            // Dijkstra-like growth of the alternating tree from row i until a free column is reached.
            repeat {
                used[j0] = true
                let i0 = p[j0]
                var delta = Double.infinity, j1 = 0
                for j in 1...m where !used[j] {  // m ≥ n ≥ 1 here
                    let reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < minv[j] { minv[j] = reduced; way[j] = j0 }
                    if minv[j] < delta { delta = minv[j]; j1 = j }
                }
                for j in 0...m {
                    if used[j] { u[p[j]] += delta; v[j] -= delta } else { minv[j] -= delta }
                }
                j0 = j1
            } while p[j0] != 0
            // Flip the matching along the augmenting path.
            repeat {
                let j1 = way[j0]
                p[j0] = p[j1]
                j0 = j1
            } while j0 != 0
        }
        var columnOf = [Int](repeating: -1, count: n)
        for j in stride(from: 1, through: m, by: 1) where p[j] != 0 { columnOf[p[j] - 1] = j - 1 }
        self.columnOf = columnOf
        totalCost = columnOf.enumerated().reduce(0) { $0 + cost[$1.offset][$1.element] }
        rowPotentials = Array(u.dropFirst())
        // v[0] carries the running total of the virtual column; the real columns are 1…m.
        columnPotentials = Array(v.dropFirst())
    }
}

extension Wasserstein {
    /// Exact W₁ between the empirical distributions of two equal-size 2-D point sets (uniform
    /// weights 1/n), with the optimal transport plan as a matching: point `a[i]` moves to
    /// `b[plan[i]]`. O(n³): fine for a few hundred points, the sizes the lessons plot.
    public static func exact2D(_ a: [(Double, Double)], _ b: [(Double, Double)]) -> (distance: Double, plan: [Int]) {
        precondition(a.count == b.count && !a.isEmpty, "exact2D needs two non-empty point sets of equal size, got \(a.count) and \(b.count)")
        let cost = a.map { p in b.map { q in ((p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1)).squareRoot() } }
        let solution = Assignment(cost: cost)
        return (solution.totalCost / Double(a.count), solution.columnOf)
    }
}
