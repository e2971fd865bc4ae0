import Autograd
import DeblurGAN
import Foundation
import GANKit
import Imaging
import NN
import Notebook
import Pix2Pix
import Plot

let lesson = Lesson("conditional-gan", title: "Conditional GANs: image to image")

lesson.markdown("""
    # Conditional GANs: image to image

    A GAN learns a map **z ↦ y**: noise z ~ p_z goes in, a sample G(z) that should look like it
    came from p_data comes out, and a discriminator D(y) judges single images. Nothing ties the
    output to anything we chose.

    A **conditional GAN** learns **z, x ↦ y**: the generator also receives an observation x and
    must produce a y that belongs with it — a sample from p(y | x). The discriminator judges
    *pairs*: D(x, y) should say "real" for a true pair and "fake" for (x, G(x, z)). pix2pix
    (Isola et al. 2017) turned this into a general recipe for image-to-image translation:

    ```math
    G* = arg min_G max_D  E log D(x, y) + E log(1 − D(x, G(x, z)))  +  λ · E ‖y − G(x, z)‖₁ ,   λ = 100
    ```

    Why both terms? When x does not determine y — many sharp images are consistent with one
    blurred or shrunken photo — p(y | x) is a spread-out distribution, not one answer. A network
    trained on L1 alone predicts the per-pixel *median* of that distribution (for L2: the mean).
    Where the plausible answers disagree (the exact grain of gravel, the position of a hair) the
    median is a smooth compromise: a blurry image. PSNR and SSIM reward that compromise, because
    it is never far from any of the answers. The adversarial term penalises anything a
    discriminator can tell from a real image, so it pushes G towards *one* plausible sharp answer
    instead of their average; the L1 term keeps that answer close to the truth.

    And z? pix2pix found that a generator simply ignores an extra noise input, so its only noise
    is **dropout** in the decoder, kept on at test time — and the paper reports that even this
    changes the output very little. This lesson does the same, and measures how little.
    """)

lesson.markdown("""
    ## The task: ×4 super-resolution of 64 × 64 patches

    x is a 64 px patch shrunk to 16 px (area averaging) and enlarged back with bilinear
    interpolation; y is the original. Sixteen output pixels per input pixel: the coarse structure
    is given, the fine detail is not — exactly the uncertainty that makes L1 average. It is also
    deblurring's close relative (shrinking is a known blur followed by sampling), so everything
    here carries over to the next lesson.

    The task was chosen by measurement (the table below; the same networks and budget for each
    candidate, held-out photos). Deblurring 64 px patches with camera-shake kernels moved nothing
    in a few hundred steps: L1 stayed within 0.2 dB of the input, so there was no average for
    the GAN to sharpen. Inpainting a masked centre showed the blurry L1 blob, but 600 steps were
    far too few for any model to fill the hole plausibly. Super-resolution learnt quickly — L1
    gained a dB — and left visibly smooth outputs: the contrast this lesson is about.

    **Data:** 64 px crops of the course photos at half size (a crop covers 128 px of the photo).
    Training photos: astronaut, chelsea, rocket, brick, gravel, grass, china, face, ascent;
    evaluation only on coffee and camera, which the networks never see.

    **Networks** (sized for 2 CPU cores): pix2pix's U-Net with 5 levels (ngf 16; 64 px → 2 px at
    the bottleneck; dropout on the level next to it) and pix2pix's 70 × 70 PatchGAN (the course's
    `PatchCritic`, ndf 16, 3 strided layers; on 64 px patches each score sees nearly the whole
    patch). The conditional D reads 6 channels, x and the candidate stacked; the unconditional D
    reads 3. pix2pix's settings otherwise: non-saturating BCE loss, D's objective halved, Adam
    2e-4 with β = (0.5, 0.999), λ = 100, batch 8. One departure, taken from DeblurGAN: the
    generator predicts a correction, output = clamp(x + U(x), −1, 1), so training starts from the
    input instead of from grey.

    **The schedule: L1 first, then the adversarial term.** pix2pix trains every objective from
    scratch for hundreds of epochs. At a CPU budget that fails: trained from scratch for 1,500
    steps, L1 + cGAN was sharper than L1 but covered in colour speckle, because its
    discriminator spent the first hundreds of steps judging noise. SRGAN (Ledig et al. 2017) and
    ESRGAN (Wang et al. 2018) initialise the GAN from a network pre-trained on the pixel loss
    alone, so that "the discriminator starts out seeing reasonable images". This lesson does the
    same: one L1 pre-training (Adam 1e-3), then every variant continues from those weights for the
    same number of steps with its own objective — L1 included, so that all variants see the same
    steps, batches and learning rate and differ only in their loss.
    """)
// MARK: - Helpers

/// An Imaging image as a figure raster.
func raster(_ image: Image) -> RasterImage {
    RasterImage(pixels: image.pixels, channels: image.channels, height: image.height, width: image.width)
}

/// The measured search for the task (see the "How the task was chosen" cell).
let taskTrials = "Data/cgan-task-trials.csv"

lesson.cell("How the task was chosen", data: [taskTrials]) { ctx in
    let table = CSV.parse(try String(contentsOf: ctx.data(taskTrials), encoding: .utf8))
    guard let header = table.first, header.count == 9, table.count > 1 else { throw CellError("\(taskTrials) is not the task-trials table") }
    var md = "| task | schedule | objective | steps | input PSNR | PSNR | SSIM | gradient energy / sharp | patch distance |\n|---|---|---|---|---|---|---|---|---|\n"
    for row in table.dropFirst() where row.count == 9 { md += "| " + row.map { $0.isEmpty ? "—" : $0 }.joined(separator: " | ") + " |\n" }
    ctx.say("Measured with Experiments/cgan-trials (seed 0, held-out coffee and camera, batch 8, U-Net ngf 16, PatchGAN ndf 16):\n" + md)
    try ctx.text("task_trials", md)
}

/// Patch side; the U-Net has 5 levels, so sides must be multiples of 32.
let patch = 64
/// The super-resolution factor: x keeps one pixel of information per `factor` × `factor` block.
let factor = 4
let trainPhotos = DeblurRecipe.paths(DeblurRecipe.trainingPhotos)
let heldOutPhotos = DeblurRecipe.paths(DeblurRecipe.heldOutPhotos)
/// Every cell that uses the pairs declares the photos, so editing a photo re-runs it.
let photoFiles = trainPhotos + heldOutPhotos

/// Input/target image pairs; `batch` turns some of them into [N, 3, S, S] tensors in [−1, 1].
struct Pairs {
    let inputImages: [Image]
    let targetImages: [Image]
    var count: Int { targetImages.count }

    /// Pairs number `indices` as one batch.
    func batch(_ indices: [Int]) -> (x: Tensor, y: Tensor) {
        (Image.batch(indices.map { inputImages[$0] }), Image.batch(indices.map { targetImages[$0] }))
    }

    var all: (x: Tensor, y: Tensor) { (Image.batch(inputImages), Image.batch(targetImages)) }
}

/// Mean squared neighbour difference below which a crop counts as blank (sky, a wall: an rms step
/// of 0.03, about 8 grey levels of 255). Blank crops look the same at every resolution, so they
/// teach nothing and only inflate PSNR.
let minEnergy = 1e-3

/// The course photos at half size: a 64 px crop then shows a 128 px neighbourhood.
func loadPhotos(_ paths: [String], _ ctx: CellContext) throws -> [Image] {
    try paths.map {
        let im = try Image(contentsOfPNG: ctx.data($0).path).rgb()
        return im.resized(width: im.width / 2, height: im.height / 2, method: .area)
    }
}

/// The low-resolution view of y, at y's size: area-shrunk by `factor`, bilinearly enlarged.
func shrunk(_ y: Image) -> Image {
    y.resized(width: y.width / factor, height: y.height / factor, method: .area).resized(width: y.width, height: y.height, method: .bilinear)
}

/// The first `count` pairs from `next` whose target is not blank, with progress under `label`.
func collectPairs(count: Int, label: String, _ ctx: CellContext, next: () -> (x: Image, y: Image)) throws -> Pairs {
    var x: [Image] = [], y: [Image] = []
    while y.count < count {
        let pair = next()
        guard Metrics.gradientEnergy(pair.y) >= minEnergy else { continue }
        x.append(pair.x)
        y.append(pair.y)
        if y.count % 64 == 0 || y.count == count { try ctx.progress(y.count, of: count, label: label) }
    }
    return Pairs(inputImages: x, targetImages: y)
}

/// `count` random crops of side `side` that are not blank, each with its ×4-shrunk version.
func makePairs(_ photos: [Image], side: Int, count: Int, seed: UInt64, flip: Bool, _ ctx: CellContext) throws -> Pairs {
    var rng = RandomGenerator(seed: seed)
    return try collectPairs(count: count, label: "\(side) px pairs", ctx) {
        var crop = photos[Int(rng.next() % UInt64(photos.count))].randomCrop(width: side, height: side, using: &rng)
        if flip && rng.next() % 2 == 0 { crop = crop.flippedHorizontally() }
        return (shrunk(crop), crop)
    }
}

struct PatchSplits {
    let train: Pairs
    /// Held-out pairs of the training size, for the metrics.
    let test: Pairs
    /// Larger held-out crops for the picture grid (the networks are fully convolutional).
    let showcase: Pairs
}

let data = lesson.shared("low/high-resolution pairs") { ctx -> PatchSplits in
    let train = try loadPhotos(trainPhotos, ctx), held = try loadPhotos(heldOutPhotos, ctx)
    return PatchSplits(
        train: try makePairs(train, side: patch, count: ctx.pick(quick: 512, full: 2048), seed: ctx.seed &+ 1, flip: true, ctx),
        test: try makePairs(held, side: patch, count: ctx.pick(quick: 64, full: 192), seed: ctx.seed &+ 2, flip: false, ctx),
        showcase: try makePairs(held, side: 128, count: 4, seed: ctx.seed &+ 3, flip: false, ctx))
}

lesson.markdown("""
    ## The data: what the generator gets and what it should give back

    Each column is one training pair: the ×4-shrunk patch x, enlarged back to 64 px (top), and
    the patch y it came from (bottom). The edges survive as soft ramps; the grain of gravel,
    grass, fur and brick is gone from x and cannot be read back from it — only re-invented.
    """)

lesson.cell("The training pairs", uses: [data], data: photoFiles) { ctx in
    let d = try ctx.use(data)
    let cols = 8
    let x = d.train.inputImages, y = d.train.targetImages
    try ctx.figure("training_pairs", height: 560, title: "Training pairs (64 × 64 px): ×4-shrunk input x above, original y below") { fig in
        let grid = fig.imageGrid(rows: 2, cols: cols)
        grid.rowLabels = ["x (×4 shrunk)", "y (original)"]
        for i in 0..<cols {
            grid.set(raster(x[i]), row: 0, col: i, caption: "\(f1(Metrics.psnr(x[i], y[i]))) dB")
            grid.set(raster(y[i]), row: 1, col: i)
        }
    }
    let all = zip(x, y).map { Metrics.psnr($0, $1) }
    ctx.say("\(d.train.count) training pairs, \(d.test.count) held-out pairs (coffee, camera); input PSNR on the training pairs \(f1(mean(all))) ± \(f1(MeanSD(all).sd)) dB")
    ctx.metric("train_pairs", Double(d.train.count))
    ctx.metric("train_input_psnr_mean", mean(all))
}

// MARK: - Training

/// Steps and batch size shared by every variant: the same data, seed and budget for each.
struct Budget {
    /// L1 pre-training steps, shared by every variant.
    let pretrain: Int
    /// Steps each variant then trains with its own objective.
    let steps: Int
    /// The same two phases for the deblurring cell.
    let deblurPretrain: Int
    let deblurSteps: Int
    let batch: Int
    let evalEvery: Int
}

func budget(_ ctx: CellContext) -> Budget {
    ctx.pick(quick: Budget(pretrain: 100, steps: 50, deblurPretrain: 50, deblurSteps: 25, batch: 8, evalEvery: 25),
             full: Budget(pretrain: 600, steps: 400, deblurPretrain: 300, deblurSteps: 200, batch: 8, evalEvery: 50))
}

/// Noise (dropout) seed for every evaluation: each model is compared with one fixed z.
let evalNoise: UInt64 = 7

func psnrs(_ restored: Tensor, _ target: Tensor) -> [Double] {
    zip(Image.unbatch(restored), Image.unbatch(target)).map { Metrics.psnr($0, $1) }
}

/// A U-Net trained on `pairs` with `config`, with its held-out PSNR curve.
struct Trained {
    let trainer: Pix2PixTrainer
    /// (step counted from the start of pre-training, mean PSNR of G(x) on the first 64 held-out pairs).
    let heldOutPSNR: [(step: Int, psnr: Double)]
    let seconds: Double
}

/// The pix2pix networks of this lesson: a 5-level U-Net, ngf 16, from the lesson seed alone.
func makeGenerator(_ ctx: CellContext) -> UNetGenerator {
    var rng = RandomGenerator(seed: ctx.seed &+ 11)
    return UNetGenerator(channels: 3, ngf: 16, depth: 5, using: &rng)
}

/// Trains `generator` for `steps` steps of `config` on `train`, starting the step count at
/// `offset`; every variant sees the same batches (they depend on the seed and the step only).
func train(_ config: Pix2PixConfig, generator: UNetGenerator, train: Pairs, test: Pairs, steps: Int, offset: Int,
           seed: UInt64, _ ctx: CellContext, progress: ((Int) throws -> Void)? = nil) throws -> Trained {
    let b = budget(ctx)
    var c = config
    c.ndf = 16
    c.discriminatorLayers = 3
    let n = train.count
    let trainer = Pix2PixTrainer(config: c, generator: generator, channels: 3, seed: seed) { rng in
        let (x, y) = train.batch((0..<b.batch).map { _ in Int(rng.next() % UInt64(n)) })
        return (x, y)
    }
    let probe = test.batch(Array(0..<min(64, test.count)))
    func heldOut() -> Double { mean(psnrs(trainer.translate(probe.x, noiseSeed: evalNoise), probe.y)) }
    var curve: [(step: Int, psnr: Double)] = [(offset, heldOut())]
    let start = Date()
    try trainer.train(steps: steps) { r in
        try ctx.requireFinite(Double(r.l1), "\(c.name): L1")
        if let a = r.generatorAdversarial { try ctx.requireFinite(Double(a), "\(c.name): G adversarial loss") }
        if r.step % b.evalEvery == 0 { curve.append((offset + r.step, heldOut())) }
        if let progress { try progress(r.step) } else { try ctx.progress(r.step, of: steps, label: c.name) }
    }
    return Trained(trainer: trainer, heldOutPSNR: curve, seconds: Date().timeIntervalSince(start))
}

/// The shared start: L1 only, Adam 1e-3 (SRGAN's and ESRGAN's pixel-loss pre-training), from the
/// lesson's initial U-Net; returns the trained weights with the run.
func preTrain(_ name: String, train pairs: Pairs, test: Pairs, steps: Int, seed: UInt64, _ ctx: CellContext) throws -> (weights: [[Float]], run: Trained) {
    let g = makeGenerator(ctx)
    var config = Pix2PixConfig(name: name, l1Weight: 100, adversarial: nil)
    config.learningRate = 1e-3
    let run = try train(config, generator: g, train: pairs, test: test, steps: steps, offset: 0, seed: seed, ctx)
    return (g.parameters().map(\.data), run)
}

let pretrained = lesson.shared("L1 pre-training", uses: [data]) { ctx -> (weights: [[Float]], run: Trained) in
    let d = try ctx.use(data)
    return try preTrain("L1 pre-training", train: d.train, test: d.test, steps: budget(ctx).pretrain, seed: ctx.seed &+ 10, ctx)
}

/// The pre-trained U-Net's weights in a fresh copy, so that each variant starts from them.
func startingFrom(_ weights: [[Float]], _ ctx: CellContext) -> UNetGenerator {
    let g = makeGenerator(ctx)
    for (p, w) in zip(g.parameters(), weights) { p.data = w }
    return g
}

/// Trains independent variants two at a time (one engine thread each, `Engine.sideBySide`):
/// these small networks run only about 1.3× faster on 2 threads than on 1, so side by side they
/// finish in little more than half the time. Progress counts the steps of all of them.
func trainSideBySide(_ runs: [(config: Pix2PixConfig, generator: UNetGenerator)], train pairs: Pairs, test: Pairs,
                     steps: Int, offset: Int, seed: UInt64, label: String, _ ctx: CellContext) throws -> [Trained] {
    let shared = ctx.sharedProgress(of: steps * runs.count, label: label)
    let progress: (Int) throws -> Void = { _ in try shared(1) }
    return try Engine.sideBySide(runs.map { run in {
        try train(run.config, generator: run.generator, train: pairs, test: test, steps: steps, offset: offset, seed: seed, ctx, progress: progress)
    } })
}

/// The five objectives in table and grid order, with short labels and metric keys.
let variants: [(config: Pix2PixConfig, short: String, key: String)] = {
    var matching = Pix2PixConfig(name: "L1 + cGAN (matching-aware D)")
    matching.mismatchedNegatives = true
    return [
        (Pix2PixConfig(name: "L1", l1Weight: 100, adversarial: nil), "L1", "l1"),
        (Pix2PixConfig(name: "cGAN", l1Weight: 0), "cGAN", "cgan"),
        (Pix2PixConfig(name: "L1 + cGAN"), "L1 + cGAN", "l1_cgan"),
        (matching, "… matching D", "l1_cgan_match"),
        (Pix2PixConfig(name: "L1 + GAN (uncond. D)", conditionalDiscriminator: false), "… uncond. D", "l1_uncond"),
    ]
}()
/// Positions in `variants`.
let (l1Index, cganIndex, l1CGANIndex, matchingIndex, unconditionalIndex) = (0, 1, 2, 3, 4)

/// Every variant: the pre-trained U-Net, trained on with its objective for the same steps.
let objectives = lesson.shared("the five objectives", uses: [data, pretrained]) { ctx -> [Trained] in
    let d = try ctx.use(data), start = try ctx.use(pretrained)
    let b = budget(ctx)
    return try trainSideBySide(variants.map { ($0.config, startingFrom(start.weights, ctx)) }, train: d.train, test: d.test,
                               steps: b.steps, offset: b.pretrain, seed: ctx.seed &+ 12, label: "five objectives, side by side", ctx)
}

// MARK: - 3. Five objectives

lesson.markdown("""
    ## Five objectives, one budget

    After the shared L1 pre-training, the same U-Net trains on five ways, each for the same
    number of steps on the same batches:

    1. **L1**: λ·E‖y − G(x)‖₁ alone — plain regression, no discriminator.
    2. **cGAN**: the non-saturating adversarial loss −log D(x, G(x)) alone, against a conditional
       PatchGAN — no pixel loss at all.
    3. **L1 + cGAN**: the sum, λ = 100 — pix2pix's objective.
    4. **L1 + cGAN with a matching-aware D**: as 3, but D also sees real targets beside the wrong
       input as fakes (below).
    5. **L1 + GAN with an unconditional D**: as 3, but D sees G(x) or y alone, never x.

    Each cell reports where its run ended: the L1 on the last training batches, the held-out
    PSNR against the input's, and the discriminator's loss.
    """)

/// The common report of a training cell.
func report(_ t: Trained, key: String, _ ctx: CellContext) throws {
    let d = try ctx.use(data)
    let steps = t.trainer.history.count
    let tail = t.trainer.history.suffix(max(steps / 10, 1))
    let l1 = mean(tail.map { Double($0.l1) })
    let probe = d.test.batch(Array(0..<min(64, d.test.count)))
    let input = mean(psnrs(probe.x, probe.y))
    ctx.say("\(t.trainer.config.name): \(steps) steps of batch \(budget(ctx).batch) in \(f1(t.seconds)) s (\(Int(1000 * t.seconds / Double(max(steps, 1)))) ms/step)")
    ctx.say("training L1 over the last \(tail.count) steps \(f3(l1)) (images in [−1, 1]); held-out PSNR \(f2(t.heldOutPSNR.last!.psnr)) dB vs \(f2(input)) dB for the input")
    if t.trainer.history.last?.discriminator != nil {
        let dTail = mean(tail.compactMap { $0.discriminator.map(Double.init) })
        ctx.say("D loss over the last \(tail.count) steps \(f3(dTail)) (2 log 2 = 1.386 when D cannot tell)")
        ctx.metric("\(key)_d_loss_end", dTail)
    }
    ctx.say("held-out PSNR during training: " + t.heldOutPSNR.map { "\($0.step): \(f2($0.psnr))" }.joined(separator: ", "))
    ctx.metric("\(key)_train_l1_end", l1)
    ctx.metric("\(key)_heldout_psnr", t.heldOutPSNR.last!.psnr)
    ctx.metric("\(key)_seconds", t.seconds)
}

lesson.cell("Pre-train: L1", uses: [data, pretrained], data: photoFiles) { ctx in
    let t = try ctx.use(pretrained).run
    try report(t, key: "pretrain", ctx)
    try claim(t.heldOutPSNR.last!.psnr > t.heldOutPSNR.first!.psnr, "L1 training improves held-out PSNR over the input")
}

for (title, i) in [("Train: L1 only", l1Index), ("Train: cGAN only", cganIndex), ("Train: L1 + cGAN", l1CGANIndex)] {
    lesson.cell(title, uses: [data, pretrained, objectives], data: photoFiles) { ctx in
        try report(try ctx.use(objectives)[i], key: variants[i].key, ctx)
    }
}

// MARK: - 4. Results side by side

/// Held-out scores of one set of outputs against the targets.
struct Scores {
    let psnr: [Double]
    let ssim: [Double]
    /// E(output) / E(target) per pair, E the gradient energy.
    let energy: [Double]
    /// Sliced Wasserstein distance between the outputs' and the targets' 7 × 7 patches.
    let patchDistance: Double
    /// Radially averaged power spectrum, averaged over the pairs.
    let spectrum: [Double]

    init(_ outputs: [Image], _ targets: [Image]) {
        psnr = zip(outputs, targets).map { Metrics.psnr($0, $1) }
        ssim = zip(outputs, targets).map { Metrics.ssim($0, $1) }
        energy = zip(outputs, targets).map { Metrics.gradientEnergy($0) / max(Metrics.gradientEnergy($1), 1e-12) }
        patchDistance = Metrics.patchDistance(outputs, targets)
        spectrum = Scores.meanSpectrum(outputs)
    }

    static func meanSpectrum(_ images: [Image]) -> [Double] {
        let spectra = images.map(Metrics.radialPowerSpectrum)
        return spectra[0].indices.map { k in spectra.reduce(0) { $0 + $1[k] } / Double(spectra.count) }
    }
}

/// Every variant's held-out scores, with the input's first and the targets' spectrum last.
let evaluation = lesson.shared("held-out scores", uses: [data, objectives]) { ctx -> (names: [String], keys: [String], scores: [Scores], target: [Double]) in
    let d = try ctx.use(data)
    let (x, y) = d.test.all
    let targets = Image.unbatch(y)
    var scores = [Scores(Image.unbatch(x), targets)]
    for (i, m) in try ctx.use(objectives).enumerated() {
        scores.append(Scores(Image.unbatch(m.trainer.translate(x, noiseSeed: evalNoise)), targets))
        try ctx.progress(i + 1, of: variants.count, label: "scoring")
    }
    return (["×4-shrunk input"] + variants.map(\.short), ["input"] + variants.map(\.key), scores, Scores.meanSpectrum(targets))
}

lesson.markdown("""
    ## Side by side on held-out photos

    Columns: the ×4-shrunk input, the five generators (the two marked "…" are L1 + cGAN with a
    matching-aware and with an unconditional D), the original; rows: 128 px crops of coffee and
    camera (the networks are fully convolutional, so they run on crops larger than their training
    patches). Each generator runs with one fixed dropout mask (one z), as pix2pix keeps dropout
    on at test time. Look at edges — the tripod's legs, the cup's rim, the coat's outline: L1's
    are soft ramps, the adversarial runs' are steps.

    The table scores all held-out 64 px patches two ways. **Distortion** — PSNR and SSIM against
    each patch's own target — rewards the average of the plausible answers. **Realism** — how
    much the outputs *as a set* look like the set of originals — does not: the **patch distance**
    is the sliced Wasserstein distance between the 7 × 7 patches (brightness removed) of all
    outputs and of all originals (Karras et al. 2018 use it on image pyramids; 0 when both sets
    hold the same patches in any order), and the **gradient-energy ratio** E(G(x)) / E(y) says
    how much fine detail there is (1: as much as in the originals — not necessarily the right
    detail, which the distortion scores check).
    """)

lesson.cell("Results and metrics", uses: [data, evaluation, objectives], data: photoFiles) { ctx in
    let d = try ctx.use(data)
    let e = try ctx.use(evaluation)
    let models = try ctx.use(objectives)
    var rows: [[Any]] = []
    var table = "| model | PSNR (dB) | SSIM | patch distance (×100) | gradient energy / original |\n|---|---|---|---|---|\n"
    for (i, s) in e.scores.enumerated() {
        rows.append([e.names[i], mean(s.psnr), MeanSD(s.psnr).sd, mean(s.ssim), MeanSD(s.ssim).sd, s.patchDistance, mean(s.energy), MeanSD(s.energy).sd])
        table += "| \(e.names[i]) | \(f2(mean(s.psnr))) ± \(f2(MeanSD(s.psnr).sd)) | \(f3(mean(s.ssim))) ± \(f3(MeanSD(s.ssim).sd)) | \(f3(100 * s.patchDistance)) | \(f2(mean(s.energy))) ± \(f2(MeanSD(s.energy).sd)) |\n"
        ctx.metric("\(e.keys[i])_psnr", mean(s.psnr))
        ctx.metric("\(e.keys[i])_ssim", mean(s.ssim))
        ctx.metric("\(e.keys[i])_patch_distance", s.patchDistance)
        ctx.metric("\(e.keys[i])_gradient_energy_ratio", mean(s.energy))
    }
    try ctx.csv("metrics", header: ["model", "psnr_mean_db", "psnr_sd_db", "ssim_mean", "ssim_sd", "patch_distance",
                                    "gradient_energy_ratio_mean", "gradient_energy_ratio_sd"], rows: rows)
    try ctx.text("metrics_table", table)
    ctx.say("held-out patches: \(d.test.count) (mean ± sd)\n" + table)

    let (sx, sy) = d.showcase.all
    let columns = ([sx] + models.map { $0.trainer.translate(sx, noiseSeed: evalNoise) } + [sy]).map(Image.unbatch)
    let originals = columns.last!
    try ctx.figure("results_grid", width: 1800, height: 1250, title: "Held-out crops, one column per objective (… : L1 + cGAN with that D)") { fig in
        let grid = fig.imageGrid(rows: d.showcase.count, cols: columns.count)
        grid.colLabels = ["×4-shrunk input"] + variants.map(\.short) + ["original"]
        for (c, images) in columns.enumerated() {
            for (r, im) in images.enumerated() {
                grid.set(raster(im), row: r, col: c, caption: c == columns.count - 1 ? "target" : "\(f1(Metrics.psnr(im, originals[r]))) dB")
            }
        }
    }

    // What the numbers say, checked against the lesson's claims.
    let psnr = e.scores.map { mean($0.psnr) }, dist = e.scores.map(\.patchDistance), energy = e.scores.map { mean($0.energy) }
    let (input, l1, cgan, l1c) = (0, l1Index + 1, cganIndex + 1, l1CGANIndex + 1)   // the input's scores come first
    ctx.say("L1 vs input: \(f2(psnr[l1] - psnr[input])) dB; L1 + cGAN vs L1: \(f2(psnr[l1c] - psnr[l1])) dB, patch distance \(f3(100 * dist[l1])) → \(f3(100 * dist[l1c])), gradient energy \(f2(energy[l1])) → \(f2(energy[l1c]))")
    try claim(psnr[l1] > psnr[input], "L1 beats the input's PSNR")
    // In quick mode the two train for seconds and tie to 0.01 dB, where rounding decides the order.
    try claim(psnr[l1] >= psnr[l1c] - 0.05, "L1 alone scores at least the PSNR of L1 + cGAN, to 0.05 dB (PSNR rewards the average)")
    try claim(energy[l1] < 0.5, "L1's outputs keep less than half the originals' gradient energy (they are smooth)")
    try claim(dist[l1c] < dist[l1] && energy[l1c] > energy[l1], "adding the cGAN term makes the outputs more like real patches than L1's")
    try claim(psnr[cgan] < psnr[l1c], "the cGAN without L1 is less faithful than with it")

    // z: how much does the dropout noise change the output?
    let (x, _) = d.test.all
    let pix2pix = models[l1CGANIndex].trainer
    let a = pix2pix.translate(x, noiseSeed: evalNoise), b = pix2pix.translate(x, noiseSeed: evalNoise &+ 1)
    let change = mean(zip(a.data, b.data).map { Double(abs($0 - $1)) }) / 2   // in [0, 1] pixel units
    ctx.metric("l1_cgan_z_change", change)
    ctx.say("a different dropout mask z changes the L1 + cGAN output by \(f3(change)) on average (pixel range 0–1, i.e. \(f1(255 * change)) grey levels of 255): as pix2pix reports, the noise does little")
}

lesson.markdown("""
    ## The perception–distortion trade-off

    Blau & Michaeli (2018) proved that distortion (distance to the true image) and perceptual
    quality (distance of the output *distribution* to the distribution of real images) cannot
    both be minimised: below some distortion, every further gain costs realism. Each model is one
    point: right is more faithful, down is more realistic. The cell says where this run's models
    landed.
    """)

lesson.cell("Perception against distortion", uses: [evaluation]) { ctx in
    let e = try ctx.use(evaluation)
    try ctx.figure("perception_distortion", width: 1400, height: 900, title: "Perception–distortion: each model one point (right: faithful; down: realistic)") { fig in
        let ax = fig.axes()
        let names = ["×4-shrunk input"] + variants.map(\.config.name)
        for (i, s) in e.scores.enumerated() {
            ax.scatter(x: [mean(s.psnr)], y: [100 * s.patchDistance], label: names[i], color: Palette.color(i), size: 24, alpha: 1)
        }
        ax.xlabel = "PSNR against the original (dB): distortion, higher is more faithful"
        ax.ylabel = "patch distance to the originals ×100 (log): lower is more realistic"
        ax.yscale = .log
        ax.legend = .topRight
    }
    let psnr = e.scores.map { mean($0.psnr) }, dist = e.scores.map(\.patchDistance)
    let (input, l1, cgan, l1c) = (0, l1Index + 1, cganIndex + 1, l1CGANIndex + 1)
    let mostFaithful = psnr.indices.max { psnr[$0] < psnr[$1] }!, mostRealistic = dist.indices.min { dist[$0] < dist[$1] }!
    ctx.say("most faithful (highest PSNR): \(e.names[mostFaithful]); most realistic (lowest patch distance): \(e.names[mostRealistic])")
    ctx.say("adding the cGAN term to L1 moved the model \(f2(psnr[l1c] - psnr[l1])) dB in PSNR and \(f1(100 * (dist[l1c] / dist[l1] - 1))) % in patch distance")
    ctx.say(dist[cgan] > dist[input]
        ? "the cGAN without L1 is neither faithful nor realistic here: its artefacts are patches no photo has, further from real patches than the input's (\(f3(100 * dist[cgan])) vs \(f3(100 * dist[input])))"
        : "the cGAN without L1 is more realistic than the input (patch distance \(f3(100 * dist[cgan])) vs \(f3(100 * dist[input]))) but the least faithful model")
}

lesson.markdown("""
    ## Where the detail goes: the power spectrum

    The radially averaged power spectrum shows how much of an image's energy sits at each spatial
    frequency; here each model's, divided by the originals', on a log axis (1: the originals'
    amount). Shrinking ×4 deletes most of what lies above 1/8 cycle per pixel (the dotted line).
    How much each model puts back at high frequencies — the right amount of energy, not
    necessarily the right content — is printed below the figure.
    """)

lesson.cell("Power spectra", uses: [evaluation]) { ctx in
    let e = try ctx.use(evaluation)
    let k = Array(1..<e.target.count)
    let frequency = k.map { Double($0) / Double(patch) }
    try ctx.figure("power_spectra", width: 1400, height: 900, title: "Power spectrum relative to the originals' (held-out patches)") { fig in
        let ax = fig.axes()
        for (i, s) in e.scores.enumerated() {
            ax.line(x: frequency, y: k.map { s.spectrum[$0] / e.target[$0] }, label: i == 0 ? e.names[0] : variants[i - 1].config.name, color: Palette.color(i))
        }
        ax.hline(1, label: "originals")
        ax.vline(1 / Double(2 * factor), label: "input's Nyquist (1/8)", color: .ink, style: .dotted)
        ax.yscale = .log
        ax.xlabel = "spatial frequency (cycles per pixel)"
        ax.ylabel = "power / originals' power"
        ax.legend = .bottomLeft
    }
    let high = k.filter { Double($0) / Double(patch) > 0.25 }
    var ratios: [Double] = []
    for (i, s) in e.scores.enumerated() {
        let ratio = mean(high.map { s.spectrum[$0] / e.target[$0] })
        ctx.metric("\(e.keys[i])_high_frequency_power_ratio", ratio)
        ctx.say("\(e.names[i]): mean power above 1/4 cycle per pixel \(f3(ratio)) × the originals'")
        ratios.append(ratio)
    }
    let (l1, l1c) = (l1Index + 1, l1CGANIndex + 1)
    ctx.say("the cGAN term puts back \(f1(ratios[l1c] / ratios[l1]))× the high-frequency power of L1 alone")
}

// MARK: - 5. What the discriminators read

lesson.markdown("""
    ## What a conditional discriminator reads

    An unconditional D judges G(x) alone: "is this a real photo patch?". It cannot notice a
    sharp patch that does not belong to its input — only the L1 term ties the output to x. A
    conditional D judges the pair (x, y), so it *can* check that y belongs with x; pix2pix's D is
    never told to, though: its fakes are always G(x), and "sharp" may be all it needs.

    Reed et al. (2016, "GAN-CLS") make the check part of D's job: a **matching-aware** D also
    sees real targets beside the wrong input, (x, y′) with y′ another pair's target, as fakes,
    so a pair is real only when the image is real *and* belongs to x. Its loss is
    ½·[L(real, fake) + L(real, mismatched)].

    The test asks each trained D to score held-out pairs three ways: true pairs (x, y), the
    generator's pairs (x, G(x)), and **wrong-target pairs (x, y′)**. The score is D's mean patch
    logit (log-odds of "real"). The unconditional D sees y and y′ only, so it prefers the true
    target to a wrong one only by chance (≈ 50 %): the baseline. (Its true and wrong-target
    histograms are the same set of images, y′ being another pair's y, so one hides the other.)
    """)

lesson.cell("Train: the other two discriminators", uses: [data, pretrained, objectives], data: photoFiles) { ctx in
    for i in [matchingIndex, unconditionalIndex] { try report(try ctx.use(objectives)[i], key: variants[i].key, ctx) }
}

lesson.cell("What each discriminator scores as real", uses: [data, objectives], data: photoFiles) { ctx in
    let d = try ctx.use(data), models = try ctx.use(objectives)
    let (x, y) = d.test.all
    let n = d.test.count
    // Wrong targets: each input beside the next pair's target.
    let (_, yWrong) = d.test.batch((0..<n).map { ($0 + 1) % n })
    /// Mean patch logit of each pair.
    func scores(_ t: Pix2PixTrainer, _ image: Tensor) -> [Double] {
        let s = withNoGrad { t.discriminator!(t.discriminatorInput(x, image)) }
        let per = s.count / n
        return (0..<n).map { i in Double(s.data[(i * per)..<((i + 1) * per)].reduce(0, +)) / Double(per) }
    }
    func fraction(_ a: [Double], above b: [Double]) -> Double { Double(zip(a, b).filter { $0 > $1 }.count) / Double(n) }
    let panels: [(title: String, key: String, trainer: Pix2PixTrainer)] = [
        ("unconditional D(y)", "uncond", models[unconditionalIndex].trainer),
        ("pix2pix's D(x, y)", "cond", models[l1CGANIndex].trainer),
        ("matching-aware D(x, y)", "match", models[matchingIndex].trainer),
    ]
    var wrongShare: [String: Double] = [:]
    try ctx.figure("discriminator_scores", width: 1800, height: 720, title: "What each discriminator scores as real (held-out pairs; % = true pair above the wrong-target one)") { fig in
        let axes = fig.subplots(rows: 1, cols: 3)[0]
        for (ax, p) in zip(axes, panels) {
            let trueS = scores(p.trainer, y), fakeS = scores(p.trainer, p.trainer.translate(x, noiseSeed: evalNoise)), wrongS = scores(p.trainer, yWrong)
            let all = trueS + fakeS + wrongS
            let range = all.min()!...all.max()!
            ax.histogram(trueS, bins: 30, range: range, label: "true pairs (x, y)")
            ax.histogram(fakeS, bins: 30, range: range, label: "generated (x, G(x))")
            ax.histogram(wrongS, bins: 30, range: range, label: "wrong target (x, y′)")
            let overFake = fraction(trueS, above: fakeS), overWrong = fraction(trueS, above: wrongS)
            ax.title = "\(p.title): \(Int((100 * overWrong).rounded())) %"
            ax.xlabel = "mean patch logit (higher = more \"real\")"
            ax.ylabel = "held-out pairs"
            ctx.say("\(p.title): true pair scored above the generated one for \(f1(100 * overFake)) %, above the wrong-target pair for \(f1(100 * overWrong)) %")
            ctx.metric("\(p.key)_d_true_over_generated", overFake)
            ctx.metric("\(p.key)_d_true_over_wrong_target", overWrong)
            wrongShare[p.key] = overWrong
        }
    }
    try claim(abs(wrongShare["uncond"]! - 0.5) < 0.15, "the unconditional D prefers the true target to a wrong one only by chance")
    try claim(wrongShare["match"]! > 0.8, "the matching-aware D rejects wrong targets")
    let cond = wrongShare["cond"]!
    if cond > 0.8 {
        ctx.say("pix2pix's D learnt correspondence without being told: for super-resolution x holds the coarse picture, so a target that does not match it is easy to spot. The matching-aware negatives make it certain rather than incidental.")
    } else if cond < 0.4 {
        ctx.say("pix2pix's D does read x — but it rates the *wrong* target as more real than the true one. Its fakes G(x) always stay close to x (the generator starts from the input and L1 holds it there), so it learnt a shortcut: \"real\" means \"far from x\". A patch from elsewhere is further from x than the true target, so it scores higher still. Nothing in its training penalises the shortcut; the matching-aware negatives do, and that D ranks the true target first almost always.")
    } else if cond < 0.6 {
        ctx.say("pix2pix's D reads x only weakly: with fakes that always belong to x, nothing forces it to check the match — \"sharp\" was enough to win. The matching-aware negatives are what make the conditional D conditional.")
    } else {
        ctx.say("pix2pix's D separates true from wrong targets only partly: it reads x, but nothing in its training demands the match; the matching-aware negatives do.")
    }
}

// MARK: - 6. Training curves

lesson.markdown("""
    ## Training curves

    Left: the L1 distance to the target on the training batches (smoothed). Middle: held-out
    PSNR during training — the black segment is the shared L1 pre-training, then each objective
    goes its own way. Right: the discriminators' loss; 2 log 2 ≈ 1.386 is the value when D
    cannot tell real from generated at all (it outputs ½ everywhere); its colours are those of the
    other panels.
    """)

/// A centred moving average over `window` values (shorter at the ends).
func smooth(_ v: [Double], window: Int) -> [Double] {
    let h = window / 2
    return v.indices.map { i in mean(Array(v[max(0, i - h)...min(v.count - 1, i + h)])) }
}

lesson.cell("Training curves", uses: [data, pretrained, objectives], data: photoFiles) { ctx in
    let start = try ctx.use(pretrained).run
    let models = try ctx.use(objectives)
    let b = budget(ctx)
    let window = max(b.steps / 25, 1)
    try ctx.figure("training_curves", height: 700, title: "Training: pixel loss, held-out PSNR and discriminator loss") { fig in
        let axes = fig.subplots(rows: 1, cols: 3)[0]
        axes[1].line(x: start.heldOutPSNR.map { Double($0.step) }, y: start.heldOutPSNR.map(\.psnr), label: "L1 pre-training", color: .ink)
        for (i, m) in models.enumerated() {
            let colour = Palette.color(i + 1)
            let h = m.trainer.history
            let steps = h.map { Double(b.pretrain + $0.step) }
            axes[0].line(x: steps, y: smooth(h.map { Double($0.l1) }, window: window), label: variants[i].config.name, color: colour)
            axes[1].line(x: m.heldOutPSNR.map { Double($0.step) }, y: m.heldOutPSNR.map(\.psnr), label: variants[i].config.name, color: colour)
            if h.first?.discriminator != nil {
                axes[2].line(x: steps, y: smooth(h.map { Double($0.discriminator!) }, window: window), label: variants[i].config.name, color: colour)
            }
        }
        axes[2].hline(2 * log(2))
        for ax in axes { ax.xlabel = "generator step (pre-training included)" }
        axes[0].ylabel = "training L1 (images in [−1, 1])"
        axes[0].title = "L1 to the target"
        axes[1].ylabel = "held-out PSNR (dB)"
        axes[1].title = "held-out PSNR"
        axes[2].ylabel = "D loss (BCE, real + fake)"
        axes[2].title = "D loss (dashed: 2 log 2, chance)"
        axes[2].legend = .hidden
    }
}

// MARK: - 7. The bridge to DeblurGAN

lesson.markdown("""
    ## The same recipe on deblurring

    Deblurring is a conditional GAN problem for the same reason: x = I_B, the blurred photo;
    y = I_S, the sharp one; camera shake destroys detail, so many sharp images blur to almost the
    same I_B and L1's answer is their blurry average. The cell below runs this lesson's recipe —
    L1 pre-training, then L1 + cGAN against L1 for the same steps — on 64 px crops blurred with
    DeblurGAN's camera-shake kernels (Imaging's `BlurPatchDataset`, the next lesson's data).

    Expect less: the blur here is far stronger than a ×4 shrink (paths up to 60 px on a 64 px
    patch) and the budget a fraction of the super-resolution runs'. L1 barely moves off the
    input, and the adversarial term adds detail that is mostly noise rather than the lost edges —
    the same trade-off, at a point where the pixel loss has not yet learnt anything to sharpen.
    The next lesson's recipe search measures how much more model and budget deblurring takes.

    One difference to carry forward: **DeblurGAN is conditional only through G.** Its critic
    is unconditional (it sees the sharp or the restored image, never I_B); what ties the output
    to the input is the content loss, weight 100, exactly the role L1 plays here — the
    unconditional-D row above shows how well that works.
    """)

let deblurring = lesson.shared("deblurring: L1, then L1 + cGAN", uses: []) { ctx -> (input: Scores, l1: Scores, cgan: Scores, grid: [[Image]]) in
    let trainImages = try loadPhotos(trainPhotos, ctx), held = try loadPhotos(heldOutPhotos, ctx)
    func pairs(_ photos: [Image], count: Int, seed: UInt64, flip: Bool) throws -> Pairs {
        let dataset = BlurPatchDataset(photos: photos, patchSize: patch, seed: seed, randomFlip: flip)
        var i = -1
        return try collectPairs(count: count, label: "blurring \(patch) px crops", ctx) {
            i += 1
            let s = dataset.sample(i)
            return (s.blurred, s.sharp)
        }
    }
    let trainPairs = try pairs(trainImages, count: ctx.pick(quick: 256, full: 1024), seed: ctx.seed &+ 21, flip: true)
    let test = try pairs(held, count: ctx.pick(quick: 32, full: 128), seed: ctx.seed &+ 22, flip: false)
    let b = budget(ctx)
    let weights = try preTrain("deblurring: L1 pre-training", train: trainPairs, test: test, steps: b.deblurPretrain, seed: ctx.seed &+ 23, ctx).weights
    let runs = [Pix2PixConfig(name: "deblurring: L1", l1Weight: 100, adversarial: nil), Pix2PixConfig(name: "deblurring: L1 + cGAN")]
    let trained = try trainSideBySide(runs.map { ($0, startingFrom(weights, ctx)) }, train: trainPairs, test: test, steps: b.deblurSteps,
                                      offset: b.deblurPretrain, seed: ctx.seed &+ 24, label: "deblurring: L1 and L1 + cGAN, side by side", ctx)
    let (l1, cgan) = (trained[0].trainer, trained[1].trainer)
    let (x, y) = test.all
    let targets = Image.unbatch(y)
    let outputs = [x, l1.translate(x, noiseSeed: evalNoise), cgan.translate(x, noiseSeed: evalNoise)].map(Image.unbatch)
    let shown = [0, 1, 2, 3].map { $0 * test.count / 4 }
    let grid = (outputs + [targets]).map { images in shown.map { images[$0] } }
    return (Scores(outputs[0], targets), Scores(outputs[1], targets), Scores(outputs[2], targets), grid)
}

lesson.cell("Deblurring with the same recipe", uses: [deblurring], data: photoFiles) { ctx in
    let r = try ctx.use(deblurring)
    let rows: [(String, String, Scores)] = [("blurred input", "deblur_input", r.input), ("L1", "deblur_l1", r.l1), ("L1 + cGAN", "deblur_l1_cgan", r.cgan)]
    var table = "| model | PSNR (dB) | SSIM | patch distance (×100) | gradient energy / sharp |\n|---|---|---|---|---|\n"
    for (name, key, s) in rows {
        table += "| \(name) | \(f2(mean(s.psnr))) | \(f3(mean(s.ssim))) | \(f3(100 * s.patchDistance)) | \(f2(mean(s.energy))) |\n"
        ctx.metric("\(key)_psnr", mean(s.psnr))
        ctx.metric("\(key)_patch_distance", s.patchDistance)
        ctx.metric("\(key)_gradient_energy_ratio", mean(s.energy))
    }
    ctx.say(table)
    try ctx.text("deblurring_table", table)
    try ctx.figure("deblurring", width: 1400, height: 1300, title: "The same recipe on camera-shake blur (held-out 64 px crops)") { fig in
        let grid = fig.imageGrid(rows: r.grid[0].count, cols: r.grid.count)
        grid.colLabels = ["blurred input", "L1", "L1 + cGAN", "sharp"]
        for (c, images) in r.grid.enumerated() {
            for (i, im) in images.enumerated() { grid.set(raster(im), row: i, col: c, caption: c == 3 ? nil : "\(f1(Metrics.psnr(im, r.grid[3][i]))) dB") }
        }
    }
    try claim(mean(r.input.energy) < 1, "blur removes gradient energy")
    ctx.say("gradient energy: blurred \(f2(mean(r.input.energy))), L1 \(f2(mean(r.l1.energy))), L1 + cGAN \(f2(mean(r.cgan.energy))); PSNR gain of L1 over the input \(f2(mean(r.l1.psnr) - mean(r.input.psnr))) dB")
}

lesson.markdown("""
    ## What to take away

    - **PSNR and SSIM reward the average.** L1 alone beats L1 + cGAN on PSNR while its outputs
      keep less than half of the originals' fine detail (both checked above): where the answer is
      uncertain, the best guess in the mean is a blur.
    - **The adversarial term buys realism, not fidelity.** Adding the cGAN term moves the model
      along the perception–distortion trade-off: its patches and its power spectrum come closer
      to the originals', at a cost in PSNR. That is why pix2pix — and DeblurGAN next — pair a GAN
      loss with a pixel or perceptual loss, and why their papers show pictures, not only tables.
    - **The GAN alone is unfaithful.** Without L1 the generator drifts from its input and
      invents texture and checkerboard artefacts (the transposed convolutions' signature).
    - **A conditional D is conditional when its training demands it.** Mismatched pairs as
      negatives (Reed et al. 2016) make D check that the image belongs to x; the histograms show
      what pix2pix's D learnt without them.
    - **Pre-train on the pixel loss, then add the GAN** (SRGAN, ESRGAN): on a CPU budget this is
      what lets the discriminator teach detail instead of fighting noise. The next lesson's
      DeblurGAN does the same.
    """)

lesson.main()
