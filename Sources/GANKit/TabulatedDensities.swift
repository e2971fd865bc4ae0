import Foundation

/// A real and a generated 1-D density tabulated on one uniform grid, as cell probabilities — the
/// setting in which the GAN lesson computes the optimal discriminator, the value function and the
/// divergences exactly (up to the grid), to set against what a trained network finds.
///
/// Natural logarithms throughout. Cells where a density underflows to 0 are handled as the
/// limits of the integrands (0·log 0 = 0), so disjoint supports give log 2 and ∞ where the math does.
public struct TabulatedDensities: Sendable {
    public let grid: [Double]
    /// p_r and p_g as probabilities of the grid's cells (each sums to 1).
    public let real: [Double], generated: [Double]

    /// Tabulates two densities (midpoint rule) and renormalises them on the grid.
    public init(grid: [Double], real: (Double) -> Double, generated: (Double) -> Double) {
        self.init(grid: grid, real: Divergence.discretise(real, over: grid),
                  generated: Divergence.discretise(generated, over: grid))
    }

    public init(grid: [Double], real: [Double], generated: [Double]) {
        precondition(grid.count == real.count && grid.count == generated.count, "grid and tables differ in length")
        self.grid = grid
        self.real = Divergence.normalised(real)
        self.generated = Divergence.normalised(generated)
    }

    /// The grid spacing.
    public var spacing: Double { grid.count > 1 ? grid[1] - grid[0] : 1 }

    /// D*(x) = p_r(x) / (p_r(x) + p_g(x)), the discriminator that maximises V(G, D) for this G
    /// (Goodfellow et al. 2014, Proposition 1); ½ where neither distribution has mass.
    public var optimalDiscriminator: [Double] {
        zip(real, generated).map { r, g in r + g > 0 ? r / (r + g) : 0.5 }
    }

    /// D* as a score (logit): s*(x) = log p_r(x) − log p_g(x), so that D* = σ(s*). Values and
    /// losses are computed from scores because 1 − D* rounds to 0 in p_r's tails, where
    /// log(1 − D*) still matters; ±∞ where one density vanishes, 0 where both do.
    public var optimalLogits: [Double] {
        zip(real, generated).map { r, g in r == 0 && g == 0 ? 0 : log(r) - log(g) }
    }

    /// V(G, D) = E_r[log D(x)] + E_g[log(1 − D(x))] for D = σ(s) with scores s tabulated on the
    /// grid (log D = −softplus(−s), log(1 − D) = −softplus(s)). At D* it equals 2·JS(p_r‖p_g) − 2 log 2.
    public func value(logits s: [Double]) -> Double {
        precondition(s.count == grid.count, "discriminator table has \(s.count) values for \(grid.count) cells")
        var v = 0.0
        for i in grid.indices {
            if real[i] > 0 { v -= real[i] * softplus(-s[i]) }
            if generated[i] > 0 { v -= generated[i] * softplus(s[i]) }
        }
        return v
    }

    /// E_g[−log D(x)] for D = σ(s): the generator's loss under the "−log D" (non-saturating) cost.
    public func nonSaturatingLoss(logits s: [Double]) -> Double {
        precondition(s.count == grid.count, "discriminator table has \(s.count) values for \(grid.count) cells")
        var v = 0.0
        for i in grid.indices where generated[i] > 0 { v += generated[i] * softplus(-s[i]) }
        return v
    }

    /// E_g[log(1 − D(x))] for D = σ(s): the generator's loss under the original (saturating) cost.
    public func saturatingLoss(logits s: [Double]) -> Double {
        precondition(s.count == grid.count, "discriminator table has \(s.count) values for \(grid.count) cells")
        var v = 0.0
        for i in grid.indices where generated[i] > 0 { v -= generated[i] * softplus(s[i]) }
        return v
    }

    /// E_r[log D(x)] for D = σ(s).
    public func realLogLikelihood(logits s: [Double]) -> Double {
        precondition(s.count == grid.count, "discriminator table has \(s.count) values for \(grid.count) cells")
        var v = 0.0
        for i in grid.indices where real[i] > 0 { v -= real[i] * softplus(-s[i]) }
        return v
    }

    /// JS(p_r‖p_g), at most log 2.
    public var js: Double { Divergence.js(real, generated) }
    /// KL(p_g‖p_r): what the −log D generator effectively minimises (with −2·JS); ∞ when G puts
    /// mass where there is no data.
    public var klGeneratedFromReal: Double { Divergence.kl(generated, real) }
    /// KL(p_r‖p_g): maximum likelihood's divergence; ∞ when G misses part of the data.
    public var klRealFromGenerated: Double { Divergence.kl(real, generated) }
    /// W₁ = ∫ |F_r − F_g| dx.
    public var wasserstein: Double { Wasserstein.tabulated1D(real, generated, spacing: spacing) }

    /// The pointwise terms p_g log(p_g / p_r) of KL(p_g‖p_r), per unit length (they sum, times
    /// the spacing, to the divergence): → 0 where p_g → 0, → ∞ where p_r → 0 but p_g > 0.
    public var klGeneratedFromRealTerms: [Double] {
        zip(generated, real).map { g, r in
            g == 0 ? 0 : r == 0 ? .infinity : g * log(g / r) / spacing
        }
    }
}

/// log(1 + eˣ) without overflow; +∞ at +∞ and 0 at −∞.
func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }

extension Wasserstein {
    /// W₁ between two distributions tabulated as cell probabilities on one uniform grid:
    /// Σ |F(xᵢ) − G(xᵢ)| · spacing, with F and G the cumulative sums.
    public static func tabulated1D(_ p: [Double], _ q: [Double], spacing: Double) -> Double {
        precondition(p.count == q.count, "tables differ in length")
        let (p, q) = (Divergence.normalised(p), Divergence.normalised(q))
        var (cp, cq, total) = (0.0, 0.0, 0.0)
        for (a, b) in zip(p, q) {
            cp += a; cq += b
            total += abs(cp - cq) * spacing
        }
        return total
    }
}
