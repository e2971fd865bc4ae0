import Foundation

extension Image {
    /// The sparse-gradient penalty −log p(I) + const of natural-image priors such as Levin et al.'s:
    /// the mean over pixels (and channels) of |∂ₓI|^α + |∂ᵧI|^α, with forward differences inside
    /// the image and 0 < α ≤ 1 (α < 1 rewards few large edges over many small gradients).
    ///
    /// Blur spreads each edge into many small gradients, so it changes this sum — lesson 1 measures
    /// in which direction, which decides whether a naive blind deblurrer that maximises
    /// p(I_S) over (k, I_S) prefers the true sharp image or the blurred input with k = δ.
    public func sparseGradientPenalty(alpha: Double = 0.8) -> Double {
        precondition(alpha > 0, "alpha must be positive")
        let sum = sumOverForwardDifferences(interiorOnly: false) { Foundation.pow(Swift.abs($0), alpha) }
        return sum / Double(pixels.count)
    }
}
