import Foundation
import Testing
@testable import GANKit

/// The exact (grid) computations of the GAN lesson, against closed forms.
@Suite struct TabulatedDensityMath {
    let log2 = Foundation.log(2.0)
    let grid = stride(from: -12.0, through: 12.0, by: 0.002).map { $0 }

    func gaussians(_ r: Gaussian1D, _ g: Gaussian1D) -> TabulatedDensities {
        TabulatedDensities(grid: grid, real: r.density, generated: g.density)
    }

    /// N(0, 1) against N(1, 1): p_g/p_r = exp(x − ½), so D*(x) = σ(½ − x).
    @Test func optimalDiscriminatorOfTwoUnitGaussians() {
        let t = gaussians(Gaussian1D(mean: 0, std: 1), Gaussian1D(mean: 1, std: 1))
        for (x, d) in zip(t.grid, t.optimalDiscriminator) where abs(x) < 8 {
            #expect(abs(d - 1 / (1 + exp(x - 0.5))) < 1e-9)
        }
        for (x, s) in zip(t.grid, t.optimalLogits) { #expect(abs(s - (0.5 - x)) < 1e-9) }
    }

    /// V(G, D*) = 2·JS − 2 log 2, and no other discriminator does better (D ≡ ½ gives −2 log 2).
    @Test(arguments: [0.0, 0.7, 3.0])
    func valueIsMaximisedByDStar(_ shift: Double) {
        let t = gaussians(Gaussian1D(mean: 0, std: 1), Gaussian1D(mean: shift, std: 0.6))
        let sStar = t.optimalLogits
        let vStar = t.value(logits: sStar)
        #expect(abs(vStar - (2 * t.js - 2 * log2)) < 1e-9)
        #expect(abs(t.value(logits: Array(repeating: 0, count: grid.count)) + 2 * log2) < 1e-12)
        let perturbed = sStar.enumerated().map { i, s in s + 0.3 * sin(Double(i) / 300) }
        #expect(t.value(logits: perturbed) < vStar)
        #expect(abs(t.realLogLikelihood(logits: sStar) + t.saturatingLoss(logits: sStar) - vStar) < 1e-12)
    }

    /// Uniforms U[0, 1] and U[s, s + 1]: the mixture is ½ on the parts that do not overlap, so
    /// JS = s·log 2 for s ≤ 1 and log 2 once the supports are disjoint; KL(p_g‖p_r) = ∞ for s > 0; W = s.
    @Test(arguments: [0.25, 0.5, 1.5, 3.0])
    func slidingUniforms(_ s: Double) {
        let dx = 0.001
        let grid = stride(from: -0.5 + dx / 2, to: 5, by: dx).map { $0 }
        let t = TabulatedDensities(grid: grid, real: { (0..<1).contains($0) ? 1 : 0 },
                                   generated: { (s..<(s + 1)).contains($0) ? 1 : 0 })
        #expect(abs(t.js - min(s, 1) * log2) < 2e-3)
        #expect(t.klGeneratedFromReal == .infinity)
        #expect(abs(t.wasserstein - s) < 2e-3)
        if s > 1 { #expect(abs(t.js - log2) < 1e-12) }   // disjoint: exactly log 2 up to rounding
    }

    /// With D*: E_g[−log D*] = KL(p_g‖p_r) − 2·JS + 2 log 2 + E_r[log D*], because
    /// log(p_g/p_r) = log(1 − D*) − log D* and E_r[log D*] + E_g[log(1 − D*)] = 2·JS − 2 log 2.
    @Test(arguments: [(0.5, 1.0), (2.0, 0.5), (-1.0, 1.7)])
    func negativeLogDIdentity(_ mean: Double, _ std: Double) {
        let t = gaussians(Gaussian1D(mean: 0, std: 1), Gaussian1D(mean: mean, std: std))
        let s = t.optimalLogits
        let rhs = t.klGeneratedFromReal - 2 * t.js + 2 * log2 + t.realLogLikelihood(logits: s)
        #expect(abs(t.nonSaturatingLoss(logits: s) - rhs) < 1e-9)
    }

    /// Arjovsky & Bottou 2017, Theorem 2.5: with D* held fixed at θ₀, the −log D generator's
    /// gradient is ∇_θ[KL(P_θ‖P_r) − 2·JS(P_r‖P_θ)] at θ₀ (the E_r[log D*] term does not depend on θ);
    /// the saturating generator's is ∇_θ 2·JS. Checked with central differences, P_θ = N(θ, 1.3).
    @Test(arguments: [0.3, 1.0, 2.5])
    func generatorGradientsAtTheOptimalDiscriminator(_ theta0: Double) {
        let real = Gaussian1D(mean: 0, std: 1)
        func at(_ theta: Double) -> TabulatedDensities { gaussians(real, Gaussian1D(mean: theta, std: 1.3)) }
        let sStar = at(theta0).optimalLogits
        let h = 1e-3
        func derivative(_ f: (TabulatedDensities) -> Double) -> Double { (f(at(theta0 + h)) - f(at(theta0 - h))) / (2 * h) }
        let nonSaturating = derivative { $0.nonSaturatingLoss(logits: sStar) }
        let reverseKLMinusJS = derivative { $0.klGeneratedFromReal - 2 * $0.js }
        #expect(abs(nonSaturating - reverseKLMinusJS) < 1e-5 * max(1, abs(reverseKLMinusJS)))
        let saturating = derivative { $0.saturatingLoss(logits: sStar) }
        let twiceJS = derivative { 2 * $0.js }
        #expect(abs(saturating - twiceJS) < 1e-5 * max(1, abs(twiceJS)))
    }

    /// The pointwise terms of KL(p_g‖p_r) sum to the divergence; they vanish where p_g does and
    /// are infinite where only p_r does.
    @Test func klTerms() {
        let t = gaussians(Gaussian1D(mean: 0, std: 1), Gaussian1D(mean: 0.5, std: 0.8))
        let total = t.klGeneratedFromRealTerms.reduce(0, +) * t.spacing
        #expect(abs(total - t.klGeneratedFromReal) < 1e-12)
        // KL(N(μ₁, σ₁)‖N(μ₂, σ₂)) = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½
        #expect(abs(t.klGeneratedFromReal - (log(1 / 0.8) + (0.64 + 0.25) / 2 - 0.5)) < 1e-6)
        let gaps = TabulatedDensities(grid: [0, 1, 2], real: [1, 1, 0], generated: [0, 1, 1])
        #expect(gaps.klGeneratedFromRealTerms[0] == 0)
        #expect(gaps.klGeneratedFromRealTerms[2] == .infinity)
    }

    @Test func wassersteinOfAShiftedGaussianIsTheShift() {
        for s in [0.0, 0.4, 2.0, 6.0] {
            let t = gaussians(Gaussian1D(mean: 0, std: 1), Gaussian1D(mean: s, std: 1))
            #expect(abs(t.wasserstein - s) < 1e-6)
        }
    }
}
