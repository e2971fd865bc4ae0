import Autograd

/// How a layer's weight and bias start. Layers take one at construction, with a generator passed
/// explicitly, so a seed fixes every initial weight.
public enum Initialiser: Sendable {
    /// PyTorch's default for Linear and the convolutions: the weight is `kaiming_uniform_(a = √5)`,
    /// which works out to U(−1/√fanIn, 1/√fanIn), and the bias is drawn from the same range.
    case pytorchDefault
    /// Weights N(0, std²) and zero bias — DeblurGAN and pix2pix use std = 0.02.
    case normal(std: Float)

    /// The weight of a layer whose units each see `fanIn` inputs, drawn before the bias (as PyTorch).
    public func weight(_ shape: [Int], fanIn: Int, using rng: inout RandomGenerator) -> Tensor {
        switch self {
        case .pytorchDefault:
            let bound = Initialiser.bound(fanIn)
            return .uniform(shape, low: -bound, high: bound, using: &rng)
        case .normal(let std):
            return .normal(shape, mean: 0, std: std, using: &rng)
        }
    }

    public func bias(_ count: Int, fanIn: Int, using rng: inout RandomGenerator) -> Tensor {
        switch self {
        case .pytorchDefault:
            let bound = Initialiser.bound(fanIn)
            return .uniform([count], low: -bound, high: bound, using: &rng)
        case .normal:
            return .zeros([count])
        }
    }

    /// gain · √(3 / fanIn) with the leaky-ReLU gain √(2 / (1 + a²)) at a = √5, i.e. 1/√fanIn.
    private static func bound(_ fanIn: Int) -> Float {
        precondition(fanIn > 0, "fan-in must be positive, got \(fanIn)")
        return 1 / Float(fanIn).squareRoot()
    }
}
