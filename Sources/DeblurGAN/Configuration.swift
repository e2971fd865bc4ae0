import Foundation

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
    /// The generator's normalisation (`.instance` is the paper's).
    public var norm: GeneratorNorm = .instance
    /// Additive encoder–decoder skips in the generator (`ResnetGenerator(skips:)`; not the paper's).
    /// Optional so that configurations recorded before it existed still decode (nil: no skips).
    public var skips: Bool?
    /// Coarse-to-fine passes of the generator (`ResnetGenerator(scales:)`; not the paper's, which is 1),
    /// each scale's output scored against the sharp image at its size (SRN-DeblurNet's multi-scale
    /// loss). Optional so that configurations recorded before it existed still decode (nil: 1).
    public var scales: Int?
    /// Stride-2 convolutions before the generator's ResBlocks (`ResnetGenerator(downsamplings:)`;
    /// the paper's is 2). Optional so that configurations recorded before it existed still decode (nil: 2).
    public var downsamplings: Int?
    /// The generator's LeakyReLU slope (`ResnetGenerator(leakySlope:)`; the paper's ReLU is 0).
    /// Optional so that configurations recorded before it existed still decode (nil: 0).
    public var leakySlope: Float?
    /// The generator's residual blocks (`ResnetGenerator(block:)`; the paper's are `.resnet`).
    /// Optional so that configurations recorded before it existed still decode (nil: `.resnet`).
    public var block: GeneratorBlock?
    /// How the learning rate falls over training (the paper: constant, then linear to 0).
    public var schedule: LearningRateSchedule = .constantThenLinear
    /// The learning rate rises linearly from lr/warmupSteps to lr over the first `warmupSteps`
    /// steps (Goyal et al. 2017's warm-up; not the paper's). Optional so that configurations
    /// recorded before it existed still decode (nil: no warm-up).
    public var warmupSteps: Int?
    /// The first `contentOnlySteps` generator steps train G on the content loss alone, with no
    /// critic (SRGAN's and ESRGAN's pixel-loss pretraining; not the paper's, which is 0).
    public var contentOnlySteps = 0
    /// The weight of the adversarial term −E[D(G(I_B))] in G's loss (the paper: 1).
    public var adversarialWeight: Float = 1

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

    /// Tiny networks on 32² crops, 40 steps, with the lesson preset's recipe and blocks: a few
    /// seconds (measured in release on a shared 2-core machine: 0.03–0.06 s per step with L1,
    /// 0.09–0.18 s with the VGG perceptual loss).
    public static let quick: DeblurGANConfig = {
        var c = DeblurGANConfig(name: "quick", ngf: 8, blocks: 2, ndf: 8, cropSize: 32, batchSize: 2, steps: 40)
        c.applyCourseRecipe()
        c.block = .naf
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

    /// The recipe `course recipe` found (Data/models/recipe-trials.csv, the deblurgan lesson's table),
    /// at the lesson's size: no normalisation, Adam 1e-3 with β = (0.9, 0.999), no dropout, content
    /// loss alone for 90 % of the steps, then WGAN-GP with one critic update per step and the
    /// adversarial term at 0.1 (DeblurGAN-v2's ratio of adversarial to content weight), and
    /// NAFNet's blocks in place of the ResBlocks (the ninth round). About 20 minutes on 2 cores.
    public static let lesson: DeblurGANConfig = {
        var c = courseRecipe("lesson", ngf: 16, blocks: 3, steps: 24_000)
        c.block = .naf
        return c
    }()

    /// The same recipe with ResBlocks, at the lesson's size and about twice its steps: the model the
    /// course shipped before `longNAF`, trained by `course train --preset long`, about 1.2 CPU-hours
    /// on one core.
    /// The size is measured, not guessed: the earlier long preset (ngf 32, 6 blocks, Adam 5e-4)
    /// reached after 1.6 CPU-hours what ngf 16 / 3 blocks reaches in 30 CPU-minutes, and at 5 and
    /// 10 CPU-minutes ngf 32 learns more slowly than ngf 16 (the recipe tables).
    public static let long = courseRecipe("long", ngf: 16, blocks: 3, steps: 50_000)

    /// Two candidates to replace `long`, each changing one thing of it with about the same CPU
    /// time (~1.3 CPU-hours on one core): the long run's training L1 fell only from 0.082 to 0.076
    /// over 50,000 steps while validation stalled at +0.9 dB, so the small network underfits, and
    /// the question is where more capacity buys most — width (4× the FLOPs per step) or the
    /// paper's depth of 9 blocks at ¼ size (about 2× the FLOPs). Measured (the deblurgan lesson's
    /// "Longer runs"): neither beats `long` beyond the validation noise at equal CPU time, and
    /// ngf 32 scores +1.00 dB on the lesson's test crops against `long`'s +1.16 on the same photos.
    public static let longNgf32 = courseRecipe("long-ngf-32", ngf: 32, blocks: 3, steps: 24_000)
    public static let longBlocks9 = courseRecipe("long-blocks-9", ngf: 16, blocks: 9, steps: 28_000)

    /// `long` for twice its steps (about 1.8 CPU-hours): how much more CPU buys once the recipe is
    /// fixed, the gain-against-CPU-time curve out to twice the shipped model's budget. Measured
    /// (the deblurgan lesson's "Longer runs"): +1.35 dB on the lesson's test crops against the
    /// shipped model's +1.32, and lower on the validation crops, so it was not shipped.
    public static let longer = courseRecipe("longer", ngf: 16, blocks: 3, steps: 100_000)

    /// `long` with NAFNet's blocks in place of the ResBlocks (`GeneratorBlock.naf`), the one change
    /// of the ninth recipe round that led the base by more than a seed's noise at equal CPU time
    /// (the deblurgan lesson's "NAFNet blocks on 48 photos"): the model the course ships
    /// (Data/models/), about 1 CPU-hour on one core.
    public static let longNAF: DeblurGANConfig = {
        var c = courseRecipe("long-naf", ngf: 16, blocks: 3, steps: 50_000)
        c.block = .naf
        return c
    }()

    /// The course recipe for a generator of this width and depth: critic ndf 16, batch 4 of 64² crops.
    static func courseRecipe(_ name: String, ngf: Int, blocks: Int, steps: Int) -> DeblurGANConfig {
        var c = DeblurGANConfig(name: name, ngf: ngf, blocks: blocks, ndf: 16, cropSize: 64, batchSize: 4, steps: steps)
        c.applyCourseRecipe()
        return c
    }

    public mutating func applyCourseRecipe() {
        norm = .none
        learningRate = 1e-3
        beta1 = 0.9
        dropout = 0
        zeroLastLayer = true
        contentOnlySteps = steps * 9 / 10
        constantSteps = steps / 2
        criticSteps = 1
        adversarialWeight = 0.1
        // Neutral at ngf 16 (the warmup trial), and it keeps wider networks from losing every
        // channel of their last ReLU in the first steps at lr 1e-3 (warmup-ngf-32 against photos-ngf-32).
        warmupSteps = min(500, max(1, steps / 10))
    }

    /// "ngf 16, 3 blocks, 24000 steps".
    var shape: String { "ngf \(ngf), \(blocks) \(block == .naf ? "NAFNet blocks" : "blocks"), \(steps) steps" }

    /// What `course train` can train.
    public static let trainingPresets = [
        TrainingPreset(name: "lesson", summary: "the deblurgan lesson's full run, \(lesson.shape)", config: lesson),
        TrainingPreset(name: "long", summary: "the model shipped before long-naf, \(long.shape)", config: long),
        TrainingPreset(name: "longer", summary: "long for twice its steps, \(longer.shape)", config: longer),
        TrainingPreset(name: "long-ngf-32", summary: "a candidate to replace long, \(longNgf32.shape)", config: longNgf32),
        TrainingPreset(name: "long-blocks-9", summary: "a candidate to replace long, \(longBlocks9.shape)", config: longBlocks9),
        TrainingPreset(name: "long-naf", summary: "the shipped model, \(longNAF.shape)", config: longNAF),
    ]

    /// The paper: ngf 64, 9 blocks, ndf 64, 256² crops, batch 1, 300 epochs of GoPro's 2,103
    /// training pairs (150 at constant rate, 150 decaying), 630,900 steps. Measured: about 40 s
    /// per step on one core of a shared machine — months on a CPU; the paper trained on a GPU.
    public static let paper = DeblurGANConfig(name: "paper", ngf: 64, blocks: 9, ndf: 64, cropSize: 256, batchSize: 1,
                                              steps: 300 * 2103)

    /// lr at generator step `step` (0-based). Constant-then-linear: constant for `constantSteps`,
    /// then linear down to lr/(steps − constantSteps) at the last step. Cosine: from lr at step 0
    /// to 1/1000 of it at `steps` (NAFNet's and BasicSR's schedule; `constantSteps` unused).
    /// A warm-up, if any, multiplies either by (step + 1)/warmupSteps until it reaches 1.
    public func learningRate(at step: Int) -> Float {
        let warmup = warmupSteps.map { Float(min(step + 1, $0)) / Float($0) } ?? 1
        return warmup * scheduledRate(at: step)
    }

    private func scheduledRate(at step: Int) -> Float {
        switch schedule {
        case .constantThenLinear:
            guard step >= constantSteps, steps > constantSteps else { return learningRate }
            return learningRate * (1 - Float(step - constantSteps) / Float(steps - constantSteps))
        case .cosine:
            guard steps > 0 else { return learningRate }
            let t = Double(min(step, steps)) / Double(steps)
            return learningRate * Float(0.001 + 0.999 * 0.5 * (1 + cos(Double.pi * t)))
        }
    }
}

public enum LearningRateSchedule: String, Sendable, Codable, CaseIterable {
    case constantThenLinear = "constant+linear"
    case cosine
}

/// A named configuration `course train` can train.
public struct TrainingPreset: Sendable {
    public let name: String
    public let summary: String
    public let config: DeblurGANConfig
}
