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

/// Group normalisation without affine parameters (Wu & He 2018): each sample's channels split into
/// `groups` groups, each normalised over its channels and pixels together. With one group it
/// normalises each image as a whole — a norm that keeps the channels' relative sizes, which
/// InstanceNorm throws away (the restoration networks of NAFNet and HINet replace InstanceNorm
/// for that reason). Computed as an instance norm of the [N, G, C/G·H, W] view.
public final class GroupNorm2d: Module {
    public let groups: Int
    public let numFeatures: Int
    public let eps: Float

    public init(groups: Int, _ numFeatures: Int, eps: Float = 1e-5) {
        precondition(groups > 0 && numFeatures % groups == 0, "\(numFeatures) channels do not split into \(groups) groups")
        self.groups = groups
        self.numFeatures = numFeatures
        self.eps = eps
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == numFeatures,
                     "GroupNorm2d(\(groups), \(numFeatures)) expects [N, \(numFeatures), H, W], got \(x.shape)")
        let s = x.shape
        return x.reshape([s[0], groups, s[1] / groups * s[2], s[3]]).instanceNorm(eps: eps).reshape(s)
    }
}

/// Layer normalisation over the channels of each pixel, with a per-channel scale and shift
/// (weight 1 and bias 0 at start): NAFNet's `LayerNorm2d`, PyTorch's `nn.LayerNorm(C)` applied to
/// an NHWC view. Unlike InstanceNorm it keeps each channel's spatial contrast — a flat region
/// stays flat — which is what a restoration network needs to see.
public final class LayerNorm2d: Module {
    public let numFeatures: Int
    public let eps: Float
    public let weight: Tensor
    public let bias: Tensor

    public init(_ numFeatures: Int, eps: Float = 1e-6) {
        self.numFeatures = numFeatures
        self.eps = eps
        weight = parameter(.ones([numFeatures]))
        bias = parameter(.zeros([numFeatures]))
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == numFeatures,
                     "LayerNorm2d(\(numFeatures)) expects [N, \(numFeatures), H, W], got \(x.shape)")
        let centred = x - x.mean(axis: 1, keepDims: true)
        let y = centred / (centred.square().mean(axis: 1, keepDims: true) + eps).sqrt()
        return y * weight.reshape([1, numFeatures, 1, 1]) + bias.reshape([1, numFeatures, 1, 1])
    }
}

/// The identity: stands in for a layer switched off, so the layers after it keep their indices
/// (and their parameter names).
public final class Identity: Module {
    public override init() {}
    public override func callAsFunction(_ x: Tensor) -> Tensor { x }
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
