import Foundation

// Distances between distributions, exactly or on a grid. Natural logarithms throughout, so the
// Jensen–Shannon divergence tops out at log 2 ≈ 0.693 when the supports are disjoint.

public enum Divergence {
    /// KL(p‖q) = Σ p log(p/q) for discrete distributions (normalised here). Infinite when p puts
    /// mass where q has none — the reason KL is useless for disjoint supports.
    public static func kl(_ p: [Double], _ q: [Double]) -> Double {
        let (p, q) = (normalised(p), normalised(q))
        var total = 0.0
        for (a, b) in zip(p, q) where a > 0 {
            if b == 0 { return .infinity }
            total += a * log(a / b)
        }
        return total
    }

    /// JS(p‖q) = ½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2. Symmetric, at most log 2.
    public static func js(_ p: [Double], _ q: [Double]) -> Double {
        let (p, q) = (normalised(p), normalised(q))
        let m = zip(p, q).map { ($0 + $1) / 2 }
        return 0.5 * kl(p, m) + 0.5 * kl(q, m)
    }

    /// Total variation ½ Σ |p − q|.
    public static func totalVariation(_ p: [Double], _ q: [Double]) -> Double {
        let (p, q) = (normalised(p), normalised(q))
        return 0.5 * zip(p, q).reduce(0) { $0 + abs($1.0 - $1.1) }
    }

    /// The densities on a uniform grid, as probabilities of its cells (midpoint rule).
    public static func discretise(_ density: (Double) -> Double, over grid: [Double]) -> [Double] {
        let dx = grid.count > 1 ? grid[1] - grid[0] : 1
        return grid.map { density($0) * dx }
    }

    static func normalised(_ p: [Double]) -> [Double] {
        precondition(p.allSatisfy { $0 >= 0 }, "probabilities must be non-negative")
        let s = p.reduce(0, +)
        precondition(s > 0, "a distribution needs some mass")
        return p.map { $0 / s }
    }
}

public enum Wasserstein {
    /// Exact W₁ between the empirical distributions of two 1-D samples of any sizes:
    /// ∫ |F(t) − G(t)| dt over the merged sorted support.
    public static func exact1D(_ a: [Double], _ b: [Double]) -> Double {
        precondition(!a.isEmpty && !b.isEmpty, "Wasserstein distance of an empty sample")
        let a = a.sorted(), b = b.sorted()
        var i = 0, j = 0, total = 0.0
        var previous = min(a[0], b[0])
        while i < a.count || j < b.count {
            let next = j >= b.count || (i < a.count && a[i] <= b[j]) ? a[i] : b[j]
            total += abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)) * (next - previous)
            previous = next
            if i < a.count && a[i] == next { i += 1 } else { j += 1 }
        }
        return total
    }

    /// Sliced W₁ in 2-D: the mean of exact 1-D distances between projections onto `directions`
    /// equally spaced angles in [0, π) (deterministic, so no seed is needed).
    public static func sliced(_ a: [(Double, Double)], _ b: [(Double, Double)], directions: Int = 64) -> Double {
        precondition(directions > 0, "need at least one direction")
        var total = 0.0
        for k in 0..<directions {
            let angle = Double.pi * Double(k) / Double(directions)
            let (c, s) = (cos(angle), sin(angle))
            total += exact1D(a.map { c * $0.0 + s * $0.1 }, b.map { c * $0.0 + s * $0.1 })
        }
        return total / Double(directions)
    }
}
