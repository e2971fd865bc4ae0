/// Everything that defines a DeblurGAN training run except the data and the content loss.
/// Defaults are the paper's and the official code's; the presets change sizes and budget, and the
/// small presets (`quick`, `default`) also start the generator at the identity (`zeroLastLayer`).
public struct DeblurGANConfig: Sendable, Codable, Equatable {
    public var name: String
    /// Generator width (filters of the first conv) and number of ResBlocks.
    public var ngf: Int
    public var blocks: Int
    /// Critic width and number of strided layers (PatchGAN n_layers).
    public var ndf: Int
    public var criticLayers = 3
    /// Training patches are cropSize × cropSize (a multiple of 4).
    public var cropSize: Int
    public var batchSize: Int
    /// Generator steps in total.
    public var steps: Int
    /// The learning rate stays constant for this many steps, then decays linearly towards 0 at
    /// `steps` (the official code: 150 epochs constant, 150 decaying).
    public var constantSteps: Int
    /// Critic updates per generator step, all on the same generated batch (as the official code).
    public var criticSteps = 5
    /// Adam for both networks: lr 1e-4, β = (0.5, 0.999).
    public var learningRate: Float = 1e-4
    public var beta1: Float = 0.5
    public var beta2: Float = 0.999
    /// λ of the gradient penalty and the weight of the content loss.
    public var penaltyWeight: Float = 10
    public var contentWeight: Float = 100
    public var penalty: PenaltyVariant = .deblurGANCode
    /// output = clamp(input + G(input), −1, 1), as the official README's commands.
    public var learnResidual = true
    /// Dropout probability inside each ResBlock during training.
    public var dropout: Float = 0.5
    /// Start the generator's last convolution at zero (`ResnetGenerator(zeroLastLayer:)`), so the
    /// untrained generator returns its input. Not the paper's (N(0, 0.02) everywhere).
    public var zeroLastLayer = false

    public init(name: String, ngf: Int, blocks: Int, ndf: Int, cropSize: Int, batchSize: Int, steps: Int,
                constantSteps: Int? = nil) {
        precondition(cropSize % 4 == 0 && cropSize >= 8, "the crop size must be a multiple of 4, at least 8")
        precondition(ngf > 0 && ndf > 0 && blocks >= 0 && batchSize > 0 && steps >= 0, "sizes must be positive")
        self.name = name
        self.ngf = ngf
        self.blocks = blocks
        self.ndf = ndf
        self.cropSize = cropSize
        self.batchSize = batchSize
        self.steps = steps
        self.constantSteps = constantSteps ?? steps / 2
    }

    /// Tiny networks on 32² crops, 40 steps: a few seconds (measured in release on a shared
    /// 2-core machine: 0.03–0.06 s per step with L1, 0.09–0.18 s with the VGG perceptual loss).
    public static let quick: DeblurGANConfig = {
        var c = DeblurGANConfig(name: "quick", ngf: 8, blocks: 2, ndf: 8, cropSize: 32, batchSize: 2, steps: 40)
        c.zeroLastLayer = true
        return c
    }()

    /// Sized so a training fits in about 25 minutes on 2 CPU cores: ngf 16, 3 blocks, critic ndf
    /// 16, 64² crops, batch 4, 1,500 steps. Measured in release on a shared 2-core machine:
    /// 0.44–0.78 s per step with L1 (11–20 min), 0.95 s with the VGG perceptual loss (24 min).
    ///
    /// One deviation from the paper: the generator's last convolution starts at zero
    /// (`zeroLastLayer`), so training starts from output = input. With the paper's N(0, 0.02) init
    /// the untrained residual network adds a large random correction (5–10 dB below the blurred
    /// input), and a 1,500-step budget spends most of itself undoing it.
    public static let `default`: DeblurGANConfig = {
        var c = DeblurGANConfig(name: "default", ngf: 16, blocks: 3, ndf: 16, cropSize: 64, batchSize: 4, steps: 1500)
        c.zeroLastLayer = true
        return c
    }()

    /// The paper: ngf 64, 9 blocks, ndf 64, 256² crops, batch 1, 300 epochs of GoPro's 2,103
    /// training pairs (150 at constant rate, 150 decaying), 630,900 steps. Measured: about 40 s
    /// per step on one core of a shared machine — months on a CPU; the paper trained on a GPU.
    public static let paper = DeblurGANConfig(name: "paper", ngf: 64, blocks: 9, ndf: 64, cropSize: 256, batchSize: 1,
                                              steps: 300 * 2103)

    /// lr at generator step `step` (0-based): constant, then linear down to lr/(steps − constantSteps) at the last step.
    public func learningRate(at step: Int) -> Float {
        guard step >= constantSteps, steps > constantSteps else { return learningRate }
        return learningRate * (1 - Float(step - constantSteps) / Float(steps - constantSteps))
    }
}
