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
        var sum = 0.0
        pixels.withUnsafeBufferPointer { p in
            for c in 0..<channels {
                let base = c * planeSize
                for y in 0..<height { for x in 0..<width {
                    let v = Double(p[base + y * width + x])
                    if x + 1 < width { sum += pow(abs(Double(p[base + y * width + x + 1]) - v), alpha) }
                    if y + 1 < height { sum += pow(abs(Double(p[base + (y + 1) * width + x]) - v), alpha) }
                } }
            }
        }
        return sum / Double(pixels.count)
    }
}
