import Autograd
import Foundation

/// The N in I_B = k ∗ I_S + N. Both kinds are seeded through the generator passed in, and the
/// result is clipped to [0, 1] — as a camera's sensor and an 8-bit file would clip — so the noise
/// is slightly biased near black and white.
extension Image {
    /// Additive white Gaussian noise of standard deviation `sigma` (in units of the [0, 1] range),
    /// then clipped to [0, 1].
    public func addingGaussianNoise(sigma: Float, using rng: inout RandomGenerator) -> Image {
        var out = self
        if sigma == 0 { return out }
        out.pixels.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = min(max(p[i] + sigma * rng.nextNormal(), 0), 1) }
        }
        return out
    }

    /// Shot noise: a pixel of value v collects Poisson(v · photons) photons and reads as
    /// count / photons, clipped to [0, 1]. Fewer photons, more noise (SNR = √(v·photons)).
    public func addingPoissonNoise(photons: Float, using rng: inout RandomGenerator) -> Image {
        precondition(photons > 0, "photon count must be positive")
        var out = self
        out.pixels.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count {
                let count = poissonSample(Double(max(p[i], 0) * photons), using: &rng)
                p[i] = min(Float(count) / photons, 1)
            }
        }
        return out
    }
}

/// A Poisson(λ) sample: multiplication of uniforms (Knuth) for λ < 10, and Hörmann's transformed
/// rejection with squeeze (PTRS, 1993) above — exact, a couple of uniforms per sample.
func poissonSample(_ lambda: Double, using rng: inout RandomGenerator) -> Int {
    if lambda <= 0 { return 0 }
    if lambda < 10 {
        let limit = exp(-lambda)
        var k = 0
        var p = rng.nextDouble()
        while p > limit { k += 1; p *= rng.nextDouble() }
        return k
    }
    let slam = lambda.squareRoot(), loglam = log(lambda)
    let b = 0.931 + 2.53 * slam
    let a = -0.059 + 0.02483 * b
    let invalpha = 1.1239 + 1.1328 / (b - 3.4)
    let vr = 0.9277 - 3.6224 / (b - 2)
    while true {
        let u = rng.nextDouble() - 0.5
        let v = rng.nextDouble()
        let us = 0.5 - abs(u)
        let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
        if us >= 0.07 && v <= vr { return Int(k) }
        if k < 0 || (us < 0.013 && v > us) { continue }
        if log(v) + log(invalpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1) {
            return Int(k)
        }
    }
}
