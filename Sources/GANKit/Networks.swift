import Autograd
import NN

/// A multilayer perceptron as in the WGAN-GP toy code: Linear layers with an activation between
/// them and none after the last (so a discriminator returns logits and a critic raw scores).
/// `mlp([2, 512, 512, 512, 1])` is that code's critic.
public func mlp(_ sizes: [Int], activation: Activation = .relu, using rng: inout RandomGenerator) -> Sequential {
    precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "an MLP needs at least two positive layer sizes, got \(sizes)")
    var layers: [Module] = []
    for i in 0..<(sizes.count - 1) {
        layers.append(Linear(sizes[i], sizes[i + 1], using: &rng))
        if i < sizes.count - 2 { layers.append(activation.module()) }
    }
    return Sequential(layers)
}

public enum Activation: Sendable {
    case relu, leakyRelu(Float), tanh

    func module() -> Module {
        switch self {
        case .relu: return ReLU()
        case .leakyRelu(let slope): return LeakyReLU(slope)
        case .tanh: return Tanh()
        }
    }
}

/// Which optimiser a network trains with, so a training configuration is plain data.
public enum OptimiserChoice: Equatable, Sendable {
    case adam(learningRate: Float, beta1: Float, beta2: Float)
    case rmsprop(learningRate: Float)
    case sgd(learningRate: Float, momentum: Float)

    public func make(_ parameters: [Tensor]) -> Optimiser {
        switch self {
        case let .adam(lr, b1, b2): return Adam(parameters: parameters, learningRate: lr, betas: (b1, b2))
        case let .rmsprop(lr): return RMSProp(parameters: parameters, learningRate: lr)
        case let .sgd(lr, m): return SGD(parameters: parameters, learningRate: lr, momentum: m)
        }
    }

    /// The reference settings for each loss: WGAN's RMSProp 5e-5 (Arjovsky et al., Algorithm 1);
    /// Adam 1e-4, β = (0.5, 0.9) for everything else (the WGAN-GP toy code's choice).
    public static func reference(for loss: GANLoss) -> OptimiserChoice {
        if case .wgan = loss { return .rmsprop(learningRate: 5e-5) }
        return .adam(learningRate: 1e-4, beta1: 0.5, beta2: 0.9)
    }
}
