import Autograd
import Foundation

/// The toy distributions of the GAN lessons. Two-dimensional ones follow the WGAN-GP toy code
/// (gan_toy.py): the same centres, noise and final scaling, so figures are comparable with the paper's.
public enum ToyData: String, CaseIterable, Sendable {
    /// 8 Gaussians on a ring: centres (±1, 0), (0, ±1), (±1/√2, ±1/√2) scaled by 2, σ = 0.02, then ÷ 1.414.
    case eightGaussians = "8gaussians"
    /// 25 Gaussians on a grid: centres (2i, 2j), i, j ∈ {−2…2}, σ = 0.05, then ÷ 2.828.
    case twentyFiveGaussians = "25gaussians"
    /// scikit-learn's swiss roll (noise 0.25), coordinates 0 and 2, ÷ 7.5.
    case swissRoll = "swissroll"

    /// The divisor the reference code applies to every sample.
    var scale: Double {
        switch self {
        case .eightGaussians: return 1.414
        case .twentyFiveGaussians: return 2.828
        case .swissRoll: return 7.5
        }
    }

    /// Standard deviation of each mode after scaling (nil: not a mixture).
    public var modeStd: Double? {
        switch self {
        case .eightGaussians: return 0.02 / scale
        case .twentyFiveGaussians: return 0.05 / scale
        case .swissRoll: return nil
        }
    }

    /// Mode centres after scaling (empty for the swiss roll).
    public var modes: [(Double, Double)] {
        switch self {
        case .eightGaussians:
            let r = 1 / 2.0.squareRoot()
            return [(1, 0), (-1, 0), (0, 1), (0, -1), (r, r), (r, -r), (-r, r), (-r, -r)].map { (2 * $0.0 / scale, 2 * $0.1 / scale) }
        case .twentyFiveGaussians:
            return (-2...2).flatMap { i in (-2...2).map { j in (2 * Double(i) / scale, 2 * Double(j) / scale) } }
        case .swissRoll:
            return []
        }
    }

    /// `n` samples as an [n, 2] tensor.
    public func sample(_ n: Int, using rng: inout RandomGenerator) -> Tensor {
        var values = [Float]()
        values.reserveCapacity(2 * n)
        for _ in 0..<n {
            let (x, y): (Double, Double)
            switch self {
            case .eightGaussians, .twentyFiveGaussians:
                let centres = modes, sd = modeStd!
                let c = centres[Int(rng.next() % UInt64(centres.count))]
                (x, y) = (c.0 + sd * Double(rng.nextNormal()), c.1 + sd * Double(rng.nextNormal()))
            case .swissRoll:
                let t = 1.5 * Double.pi * (1 + 2 * rng.nextDouble())
                (x, y) = ((t * cos(t) + 0.25 * Double(rng.nextNormal())) / scale,
                          (t * sin(t) + 0.25 * Double(rng.nextNormal())) / scale)
            }
            values.append(Float(x)); values.append(Float(y))
        }
        return Tensor(shape: [n, 2], data: values)
    }
}

/// A 1-D Gaussian, for the lessons' closed-form examples.
public struct Gaussian1D: Sendable {
    public var mean: Double, std: Double
    public init(mean: Double, std: Double) { precondition(std > 0, "std must be positive"); self.mean = mean; self.std = std }

    public func density(_ x: Double) -> Double {
        let z = (x - mean) / std
        return exp(-0.5 * z * z) / (std * (2 * Double.pi).squareRoot())
    }

    /// `n` samples as an [n, 1] tensor.
    public func sample(_ n: Int, using rng: inout RandomGenerator) -> Tensor {
        Tensor(shape: [n, 1], data: (0..<n).map { _ in Float(mean + std * Double(rng.nextNormal())) })
    }
}

/// The rows of an [n, 2] tensor of samples as points, for plots and the exact distances.
public func points(_ t: Tensor) -> [(Double, Double)] {
    precondition(t.rank == 2 && t.shape[1] == 2, "points needs an [n, 2] tensor, got \(t.shape)")
    return (0..<t.shape[0]).map { (Double(t.data[2 * $0]), Double(t.data[2 * $0 + 1])) }
}
