import Imaging

/// The trials of `course recipe`, in the order they were measured. Each changes one factor of its
/// parent; a later trial's parent is the best configuration measured before it (a greedy path,
/// so every row is one change from a row above it). Names are used in the CSV and the lesson.
public enum RecipeTrials {
    /// The lesson's configuration before the search: the paper's recipe at a small size.
    static let paperSmall: DeblurGANConfig = .default

    static func with(_ base: DeblurGANConfig, _ change: (inout DeblurGANConfig) -> Void) -> DeblurGANConfig {
        var c = base
        change(&c)
        return c
    }

    static let fastAdam = with(paperSmall) { $0.learningRate = 1e-3; $0.beta1 = 0.9 }
    /// The best of the first round: no normalisation at Adam 1e-3.
    static let plain = with(fastAdam) { $0.norm = .none }
    /// The best of the second round: `plain` without dropout (the third round keeps it and adds photos).
    static let plainNoDropout = with(plain) { $0.dropout = 0 }
    /// `plainNoDropout` with the learning rate warmed up over 500 steps.
    static let warm = with(plainNoDropout) { $0.warmupSteps = 500 }

    /// A content-only trial on all 48 training photos that changes `warm` by `change`: every trial
    /// from the sixth round on.
    static func onAllPhotos(_ name: String, parent: String, factor: String,
                            _ change: (inout DeblurGANConfig) -> Void = { _ in }) -> RecipeTrial {
        RecipeTrial(name, parent: parent, factor: factor, config: with(warm, change), contentOnlyShare: 1,
                    photos: DeblurRecipe.trainingPhotos)
    }

    public static let all: [RecipeTrial] = [
        RecipeTrial("paper-small", parent: "", factor: "the paper's recipe at ngf 16 / 3 blocks / 64² crops / batch 4",
                    config: paperSmall, contentOnlyShare: 0),
        RecipeTrial("content-only", parent: "paper-small", factor: "no critic: L1 content loss only",
                    config: paperSmall, contentOnlyShare: 1),
        RecipeTrial("adam-1e-3", parent: "content-only", factor: "Adam lr 1e-3 and β1 0.9 (was 1e-4 and 0.5)",
                    config: fastAdam, contentOnlyShare: 1),
        RecipeTrial("no-dropout", parent: "adam-1e-3", factor: "dropout 0 (was 0.5)",
                    config: with(fastAdam) { $0.dropout = 0 }, contentOnlyShare: 1),
        RecipeTrial("cosine", parent: "adam-1e-3", factor: "cosine schedule (was constant then linear)",
                    config: with(fastAdam) { $0.schedule = .cosine }, contentOnlyShare: 1),
        RecipeTrial("layer-norm", parent: "adam-1e-3", factor: "GroupNorm(1) instead of InstanceNorm",
                    config: with(fastAdam) { $0.norm = .layer }, contentOnlyShare: 1),
        RecipeTrial("no-norm", parent: "adam-1e-3", factor: "no normalisation instead of InstanceNorm",
                    config: with(fastAdam) { $0.norm = .none }, contentOnlyShare: 1),
        RecipeTrial("ngf-32", parent: "adam-1e-3", factor: "ngf 32 (was 16)",
                    config: with(fastAdam) { $0.ngf = 32 }, contentOnlyShare: 1),
        RecipeTrial("blocks-6", parent: "adam-1e-3", factor: "6 ResBlocks (was 3)",
                    config: with(fastAdam) { $0.blocks = 6 }, contentOnlyShare: 1),
        RecipeTrial("crop-128", parent: "adam-1e-3", factor: "128² crops at batch 1 (was 64² at batch 4: same pixels)",
                    config: with(fastAdam) { $0.cropSize = 128; $0.batchSize = 1 }, contentOnlyShare: 1),
        // Second round, from the best of the first (no-norm).
        RecipeTrial("plain-ngf-32", parent: "no-norm", factor: "ngf 32 (was 16)",
                    config: with(plain) { $0.ngf = 32 }, contentOnlyShare: 1),
        RecipeTrial("plain-blocks-6", parent: "no-norm", factor: "6 ResBlocks (was 3)",
                    config: with(plain) { $0.blocks = 6 }, contentOnlyShare: 1),
        RecipeTrial("plain-no-dropout", parent: "no-norm", factor: "dropout 0 (was 0.5)",
                    config: plainNoDropout, contentOnlyShare: 1),
        RecipeTrial("plain-cosine", parent: "no-norm", factor: "cosine schedule (was constant then linear)",
                    config: with(plain) { $0.schedule = .cosine }, contentOnlyShare: 1),
        RecipeTrial("plain-lr-3e-3", parent: "no-norm", factor: "Adam lr 3e-3 (was 1e-3)",
                    config: with(plain) { $0.learningRate = 3e-3 }, contentOnlyShare: 1),
        RecipeTrial("plain-batch-16", parent: "no-norm", factor: "batch 16 (was 4)",
                    config: with(plain) { $0.batchSize = 16 }, contentOnlyShare: 1),
        RecipeTrial("plain-crop-128", parent: "no-norm", factor: "128² crops at batch 1 (was 64² at batch 4)",
                    config: with(plain) { $0.cropSize = 128; $0.batchSize = 1 }, contentOnlyShare: 1),
        RecipeTrial("plain-gan-tail", parent: "no-norm", factor: "last 20 % of the budget adversarial: WGAN-GP with 5 critic updates",
                    config: plain, contentOnlyShare: 0.8),
        RecipeTrial("plain-gan-tail-v2", parent: "no-norm", factor: "last 20 % adversarial: 1 critic update and adversarial weight 0.1",
                    config: with(plain) { $0.criticSteps = 1; $0.adversarialWeight = 0.1 }, contentOnlyShare: 0.8),
        // Third round, from the best of the second (no-norm without dropout): the training data.
        RecipeTrial("more-photos", parent: "plain-no-dropout", factor: "9 training photos: + china / face / ascent (was 6)",
                    config: plainNoDropout, contentOnlyShare: 1, photos: DeblurRecipe.ninePhotos),
        // Fourth round, from more-photos: the generator's shape.
        RecipeTrial("skips", parent: "more-photos", factor: "additive encoder–decoder skips at full and half size",
                    config: with(plainNoDropout) { $0.skips = true }, contentOnlyShare: 1, photos: DeblurRecipe.ninePhotos),
        RecipeTrial("mse", parent: "more-photos", factor: "L2 content loss as in DeblurGAN-v2 (was L1)",
                    config: plainNoDropout, contentOnlyShare: 1, photos: DeblurRecipe.ninePhotos, pixelLoss: .l2),
        RecipeTrial("photos-crop-128", parent: "more-photos", factor: "128² crops at batch 1 (was 64² at batch 4: same pixels)",
                    config: with(plainNoDropout) { $0.cropSize = 128; $0.batchSize = 1 }, contentOnlyShare: 1,
                    photos: DeblurRecipe.ninePhotos),
        RecipeTrial("photos-batch-8", parent: "more-photos", factor: "batch 8 of 64² crops (was 4)",
                    config: with(plainNoDropout) { $0.batchSize = 8 }, contentOnlyShare: 1, photos: DeblurRecipe.ninePhotos),
        RecipeTrial("photos-ngf-32", parent: "more-photos", factor: "ngf 32 (was 16)",
                    config: with(plainNoDropout) { $0.ngf = 32 }, contentOnlyShare: 1, photos: DeblurRecipe.ninePhotos),
        // Fifth round: the two stalls above are dead units — every channel of the ReLU before the
        // last convolution stops firing within ~500 steps at lr 1e-3 — and a warm-up keeps them
        // alive; and wider training data.
        RecipeTrial("wide-photos", parent: "more-photos", factor: "33 training photos: + 24 of people / animals / buildings / landscapes (was 9)",
                    config: plainNoDropout, contentOnlyShare: 1, photos: DeblurRecipe.ninePhotos + DeblurRecipe.widerPhotos),
        RecipeTrial("warmup", parent: "more-photos", factor: "lr warm-up over the first 500 steps",
                    config: warm, contentOnlyShare: 1, photos: DeblurRecipe.ninePhotos),
        RecipeTrial("warmup-ngf-32", parent: "warmup", factor: "ngf 32 (was 16)",
                    config: with(warm) { $0.ngf = 32 }, contentOnlyShare: 1, photos: DeblurRecipe.ninePhotos),
        RecipeTrial("warmup-crop-128", parent: "warmup", factor: "128² crops at batch 1 (was 64² at batch 4: same pixels)",
                    config: with(warm) { $0.cropSize = 128; $0.batchSize = 1 }, contentOnlyShare: 1,
                    photos: DeblurRecipe.ninePhotos),
        // Sixth round, from the shipped model's recipe before its adversarial tail (all 48 photos,
        // warm-up): the batch and the crop, which the stalls of the third round left unmeasured.
        onAllPhotos("all-photos", parent: "warmup", factor: "48 training photos (was 9)"),
        onAllPhotos("all-photos-batch-8", parent: "all-photos", factor: "batch 8 of 64² crops (was 4)") { $0.batchSize = 8 },
        onAllPhotos("all-photos-crop-128", parent: "all-photos", factor: "128² crops at batch 1 (was 64² at batch 4)") {
            $0.cropSize = 128; $0.batchSize = 1
        },
        onAllPhotos("all-photos-crop-128-batch-2", parent: "all-photos", factor: "128² crops at batch 2 (was 64² at batch 4)") {
            $0.cropSize = 128; $0.batchSize = 2
        },
        // Seventh round: every knob above lands near +1.1 dB at 30 minutes, so the shape of the
        // network: coarse to fine with shared weights and a loss at every scale (SRN-DeblurNet).
        onAllPhotos("all-photos-scales-2", parent: "all-photos", factor: "coarse to fine at 2 scales with one set of weights (was 1 scale)") {
            $0.scales = 2
        },
        onAllPhotos("all-photos-scales-3", parent: "all-photos", factor: "coarse to fine at 3 scales with one set of weights (was 1 scale)") {
            $0.scales = 3
        },
        // Eighth round: neither did sharing weights across scales, so a deeper encoder–decoder with
        // weights of its own per level (a U-Net's or DeblurGAN-v2's pyramid depth) at the same
        // multiply-adds per pixel: twice the reach and four times the block weights.
        onAllPhotos("down-3", parent: "all-photos", factor: "3 downsamplings: ResBlocks at 1/8 size on 8·ngf channels (was 2: 1/4 size on 4·ngf)") {
            $0.downsamplings = 3
        },
        onAllPhotos("down-3-warmup-2000", parent: "down-3", factor: "lr warm-up over 2000 steps (was 500): at 500 every channel of the last ReLU died within 5 minutes") {
            $0.downsamplings = 3; $0.warmupSteps = 2000
        },
        onAllPhotos("down-3-leaky", parent: "down-3", factor: "LeakyReLU 0.2 instead of ReLU in the generator: no channel can die") {
            $0.downsamplings = 3; $0.leakySlope = 0.2
        },
        onAllPhotos("down-3-skips", parent: "down-3", factor: "additive encoder–decoder skips at full / half / quarter size") {
            $0.downsamplings = 3; $0.skips = true
        },
        // Ninth round: ReLUs without a norm die at lr 1e-3, and a norm costs the base its speed, so
        // NAFNet's block (Chen et al. 2022), built to train at lr 1e-3: LayerNorm, a gate of products
        // instead of ReLU, channel attention and a depthwise 3×3.
        onAllPhotos("all-photos-naf", parent: "all-photos", factor: "NAFNet blocks instead of ResBlocks") {
            $0.block = .naf
        },
        onAllPhotos("down-3-skips-naf", parent: "down-3-skips", factor: "NAFNet blocks instead of ResBlocks") {
            $0.downsamplings = 3; $0.skips = true; $0.block = .naf
        },
        // Tenth round: a NAFNet block costs under half a ResBlock's multiply-adds, so the saving can
        // buy depth, the axis NAFNet itself scales along.
        onAllPhotos("naf-6-blocks", parent: "all-photos-naf", factor: "6 NAFNet blocks (was 3)") {
            $0.block = .naf; $0.blocks = 6
        },
        onAllPhotos("naf-ngf-24", parent: "all-photos-naf", factor: "ngf 24 (was 16)") {
            $0.block = .naf; $0.ngf = 24
        },
    ]
}
