import Autograd

/// Instance normalisation of NCHW tensors, as PyTorch's `nn.InstanceNorm2d` with its defaults:
/// no affine parameters unless asked, eps 1e-5, statistics of the input itself in training and
/// in eval (no running statistics are tracked, so eval mode changes nothing).
///
/// DeblurGAN's released weights still carry `running_mean`/`running_var` entries from an old
/// PyTorch; this layer has no such tensors, so load those files with
/// `ignoring: ["running_mean", "running_var"]`.
public final class InstanceNorm2d: Module {
    public let numFeatures: Int
    public let eps: Float
    /// Per-channel scale and shift (PyTorch's `weight` = 1 and `bias` = 0 at start), when affine.
    public let weight: Tensor?
    public let bias: Tensor?

    public init(_ numFeatures: Int, eps: Float = 1e-5, affine: Bool = false) {
        self.numFeatures = numFeatures
        self.eps = eps
        weight = affine ? parameter(.ones([numFeatures])) : nil
        bias = affine ? parameter(.zeros([numFeatures])) : nil
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == numFeatures,
                     "InstanceNorm2d(\(numFeatures)) expects [N, \(numFeatures), H, W], got \(x.shape)")
        let y = x.instanceNorm(eps: eps)
        guard let weight, let bias else { return y }
        return y * weight.reshape([1, numFeatures, 1, 1]) + bias.reshape([1, numFeatures, 1, 1])
    }
}

/// Inverted dropout, active only in training mode: zeroes each value with probability p and
/// scales the survivors by 1/(1 − p), so eval mode is the identity.
///
/// The layer owns its generator, seeded at construction, so a run is reproducible without any
/// global random state. (DeblurGAN never switches to eval, so its dropout stays on at test time.)
public final class Dropout: Module {
    public let p: Float
    /// Settable, so a trainer can derive each step's masks from (seed, step) and resume bit-identically.
    public var generator: RandomGenerator

    public init(_ p: Float = 0.5, generator: RandomGenerator) {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
        self.p = p
        self.generator = generator
    }

    public convenience init(_ p: Float = 0.5, seed: UInt64) {
        self.init(p, generator: RandomGenerator(seed: seed))
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        isTraining ? x.dropout(p, using: &generator) : x
    }
}
