import Autograd
import Foundation

/// Example 1 of the WGAN paper (Arjovsky, Chintala, Bottou 2017), "parallel lines":
/// Z ~ U[0, 1], P₀ = law of (0, Z), P_θ = law of (θ, Z). Two distributions on line segments that
/// coincide only at θ = 0, so every divergence that compares densities jumps there, and only the
/// Wasserstein distance shrinks smoothly as θ → 0.
public enum ParallelLines {
    /// `n` samples of P_θ as an [n, 2] tensor.
    public static func sample(_ n: Int, theta: Double, using rng: inout RandomGenerator) -> Tensor {
        var values = [Float]()
        values.reserveCapacity(2 * n)
        for _ in 0..<n { values += [Float(theta), rng.nextFloat()] }
        return Tensor(shape: [n, 2], data: values)
    }

    /// JS(P₀‖P_θ): log 2 for θ ≠ 0 (disjoint supports: the mixture is half of each), 0 at θ = 0.
    public static func js(_ theta: Double) -> Double { theta == 0 ? 0 : log(2.0) }

    /// KL(P_θ‖P₀) = KL(P₀‖P_θ): +∞ for θ ≠ 0 (each puts mass where the other has none).
    public static func kl(_ theta: Double) -> Double { theta == 0 ? 0 : .infinity }

    /// Total variation sup_A |P₀(A) − P_θ(A)|: 1 for θ ≠ 0 (A = the segment at x = 0).
    public static func totalVariation(_ theta: Double) -> Double { theta == 0 ? 0 : 1 }

    /// W(P₀, P_θ) = |θ|: moving every (0, z) to (θ, z) costs |θ|, and no plan costs less because
    /// the x-coordinates alone already need |θ| (W₁ of the x-marginals).
    public static func wasserstein(_ theta: Double) -> Double { abs(theta) }
}
