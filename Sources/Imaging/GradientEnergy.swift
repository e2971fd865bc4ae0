/// A sharpness statistic for comparing restorations with the sharp reference: how much
/// fine detail (edges, texture) an image holds. PSNR and SSIM reward the conditional mean, which
/// is smooth; this measure shows what a GAN loss buys instead.
extension Metrics {
    /// Mean squared forward-difference gradient,
    ///
    ///     E(I) = 1/|Ω| Σ_{(y,x) ∈ Ω} (I(y, x+1) − I(y, x))² + (I(y+1, x) − I(y, x))²,
    ///
    /// over Ω = the pixels that have both a right and a lower neighbour, averaged over channels.
    /// A ramp of slope a has E = a²; a one-pixel checkerboard of 0 and 1 has E = 2. Blur lowers E
    /// (it is a low-pass filter), noise and ringing raise it. Compare E(restored) / E(sharp):
    /// 1 means as much detail as the reference, not that it is the right detail.
    public static func gradientEnergy(_ image: Image) -> Double {
        let h = image.height, w = image.width
        precondition(h >= 2 && w >= 2, "gradient energy needs at least 2 × 2 pixels")
        let sum = image.sumOverForwardDifferences(interiorOnly: true) { $0 * $0 }
        return sum / Double(image.channels * (h - 1) * (w - 1))
    }
}
