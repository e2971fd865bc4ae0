import Autograd
import DeblurGAN
import Foundation
import GANKit
import Imaging
import NN
import Notebook
import Plot

let lesson = Lesson("deblurgan", title: "DeblurGAN: blind motion deblurring as a conditional WGAN-GP")

// MARK: - Settings shared by the cells

/// VGG19 ImageNet weights for the perceptual loss (torchvision names, safetensors): the file named by
/// DEBLURCOURSE_VGG19, else Data/weights/vgg19.safetensors. Not shipped: see
/// Sources/DeblurGAN/DeblurGAN.docc/VGG19-weights.md to make it.
let vggPath = ProcessInfo.processInfo.environment["DEBLURCOURSE_VGG19"] ?? "Data/weights/vgg19.safetensors"

/// The photo split every DeblurGAN run of the course follows (`DeblurRecipe`): training crops come
/// only from `trainingPhotos`; every score is measured on `heldOutPhotos`.
let trainingPhotos = DeblurRecipe.paths(DeblurRecipe.trainingPhotos)
let heldOutPhotos = DeblurRecipe.paths(DeblurRecipe.heldOutPhotos)
let realBlurPhoto = DeblurRecipe.paths([DeblurRecipe.realBlurPhoto])[0]
let trainingData = trainingPhotos + heldOutPhotos
/// The recipe search's measured table (`course recipe`), committed beside the shipped model.
let recipeTable = "Data/models/recipe-trials.csv"
/// The same search's last rounds at the live run's budget, 30 CPU-minutes per trial.
let longRecipeTable = "Data/models/recipe-trials-30.csv"
/// A sixth round at that budget, from the shipped model's recipe on all 48 photos.
let allPhotosTable = "Data/models/recipe-trials-48.csv"
/// A seventh: the generator run coarse to fine, from the same base.
let scalesTable = "Data/models/recipe-trials-scales.csv"
/// An eighth: a deeper encoder–decoder with weights of its own per level, from the same base.
let depthTable = "Data/models/recipe-trials-down.csv"
/// A ninth: NAFNet's blocks in place of the ResBlocks, at both depths.
let nafTable = "Data/models/recipe-trials-naf.csv"
/// A tenth: six NAFNet blocks instead of three, or wider ones.
let nafSizeTable = "Data/models/recipe-trials-naf-size.csv"

/// The `course train` preset the shipped model was trained with (its metadata says the same).
let shippedPreset = "long-naf"

/// The gains the course aims for on held-out crops (PSNR, dB): the live run and the shipped model.
let liveTarget = 1.0, shippedTarget = 2.0

func loadPhotos(_ ctx: CellContext, _ paths: [String]) throws -> [Image] {
    try paths.map { try PNG.read(ctx.data($0).path) }
}

func raster(_ image: Image) -> RasterImage {
    RasterImage(pixels: image.pixels, channels: image.channels, height: image.height, width: image.width)
}

lesson.markdown("""
    # DeblurGAN

    Lesson 1 deblurred with the kernel known; lesson 5 turned image-to-image translation into a
    conditional GAN. DeblurGAN (Kupyn et al., 2018) puts the two together: a network G maps a
    blurred photo I_B straight to a sharp estimate Î_S = G(I_B) — it never estimates the kernel
    (blind deblurring) — trained with a WGAN-GP critic and a content loss.

    This lesson builds the paper's networks layer for layer (with the official code's parameter
    names, so its released weights would load), then asks what a CPU can afford: the paper's
    recipe trains for days on a GPU, so the lesson *measures* which changes buy the most dB per
    CPU-minute and trains the resulting recipe live — by its ninth round, with NAFNet's blocks in
    place of the paper's ResBlocks. It scores that model, and the model the course ships (the same
    recipe trained by the same code for twice the steps), on photos they never saw, against the
    blurred input and the non-blind baselines of lesson 1, and runs them on a real motion-blurred
    photo.

    Budgets: `--quick` trains a tiny configuration for 40 steps — it proves the loop end to end
    (train, checkpoint, resume, evaluate) in seconds, and its model does not deblur. The full run
    trains the `lesson` preset (about 20 minutes on 2 cores). Its model is kept in
    out/deblurgan/deblurgan.safetensors and the next full run resumes from it (nothing is
    retrained once it is complete) unless `--force`. `course deblur IN.png OUT.png` uses it, or the
    shipped model if the lesson has not been run.
    """)

// MARK: - 0. Content loss

/// The content loss the lesson trains with: the paper's perceptual loss when the VGG19 weights are
/// there, else the stated L1 fallback.
let contentLoss = lesson.shared("content loss") { _ -> (loss: ContentLoss, message: String) in
    ContentLoss.standard(vggWeights: FileManager.default.fileExists(atPath: vggPath) ? vggPath : nil)
}

lesson.cell("Which content loss this run uses", uses: [contentLoss], data: [vggPath]) { ctx in
    let (loss, message) = try ctx.use(contentLoss)
    ctx.say(message)
    let perceptualNote = loss.isPerceptual ? "The weights are present, so the content-loss cell compares the perceptual loss too."
        : "Set DEBLURCOURSE_VGG19 or put the converted file at \(vggPath) and the content-loss cell compares the perceptual loss too."
    ctx.say("""
        → the lesson's recipe trains with L1 on pixels, not the paper's perceptual loss ‖φ(G(I_B)) − φ(I_S)‖² \
        (φ = VGG19 conv3_3): the recipe search below was measured with L1, because VGG19's ImageNet weights \
        cannot be downloaded here. \(perceptualNote)
        """)
    ctx.metric("perceptual_loss_available", loss.isPerceptual ? 1 : 0)
}

extension ContentLoss {
    var isPerceptual: Bool { if case .perceptual = self { return true } else { return false } }
}

// MARK: - 1. Architecture

lesson.markdown("""
    ## The networks

    **Generator** (the official `resnet_9blocks`): a 7×7 convolution, two stride-2 convolutions
    (the image shrinks 4× and widens to 4·ngf channels), B ResBlocks — each x ↦ x + F(x) with
    F = conv 3×3 → InstanceNorm → ReLU → Dropout(0.5) → conv 3×3 → InstanceNorm — two stride-2
    transposed convolutions back up, a 7×7 convolution to 3 channels and tanh. With learn_residual
    (the official README's setting) the network only predicts a correction:
    Î_S = clamp(I_B + G(I_B), −1, 1). Reflection padding instead of zeros avoids dark borders;
    InstanceNorm normalises each image on its own, which suits batch size 1.

    Two deviations from the paper in the configurations the course trains (`quick`, `lesson`,
    `long-naf`; `DeblurGANConfig.paper` keeps the paper's layers and init), both measured below. The
    recipe search found the network learns faster without InstanceNorm, so those layers are
    switched off (the table shows them as "(no norm)"; every index and parameter name stays the
    official one), and the convolutions then start from PyTorch's default init. And the last
    7×7 convolution starts at zero
    weights and bias instead of N(0, 0.02), so at step 0 the generator returns its input exactly
    (tanh(0) = 0). With the paper's init the untrained network adds a large random correction —
    our small models started 5–10 dB *below* the blurred input — and a short CPU budget spends
    much of itself undoing it; starting from "do nothing" is a common choice for residual
    networks trained briefly. Every other layer keeps the paper's init. A third change came last:
    the ninth round of the search swaps each ResBlock for NAFNet's block (the section "NAFNet
    blocks on 48 photos" says what it is and what it bought), and the lesson's table shows it
    under the same index, `model.10` to `model.12`.

    **Critic** (a PatchGAN): four 4×4 strided convolutions with LeakyReLU(0.2) and InstanceNorm, and
    a final convolution to one channel — no sigmoid, since a WGAN critic outputs a score, not a
    probability. It returns a map of scores, one per overlapping ~70-pixel patch, so it judges local
    texture (is this patch sharp?) rather than the whole image. It sees only Î_S or I_S — not I_B.

    The tables list each layer of `model` (the official indices) with the output shape for one
    training crop and its parameter count. The paper's networks must have 11,378,179 and 2,764,737
    parameters (the official code's counts); the lesson checks that.
    """)

lesson.cell("Layer by layer: the lesson's and the paper's networks") { ctx in
    var csv: [[Any]] = []
    for config in [DeblurGANConfig.lesson, .paper] {
        var rng = RandomGenerator(seed: ctx.seed)
        let g = ResnetGenerator(config, using: &rng)
        let d = PatchCritic(ndf: config.ndf, layers: config.criticLayers, using: &rng)
        // The paper's 256² pass costs ~100 GFLOP: quick mode traces the shapes on a 64² crop instead.
        let side = ctx.quick ? min(config.cropSize, 64) : config.cropSize
        let input = Tensor.zeros([1, 3, side, side])
        g.eval()
        let gen = LayerSummary(g.model, input: input), critic = LayerSummary(d.model, input: input)
        ctx.say(gen.text("Generator, \(config.name) configuration (ngf \(config.ngf), \(config.blocks) \(config.block == .naf ? "NAFNet blocks" : "ResBlocks")), one \(side)² crop; "
                         + "then output = clamp(input + model(input), −1, 1)"))
        ctx.say("")
        ctx.say(critic.text("Critic, \(config.name) configuration (ndf \(config.ndf)), one \(side)² crop: one score per patch"))
        ctx.say("")
        for (net, summary) in [("generator", gen), ("critic", critic)] {
            for r in summary.rows { csv.append([config.name, net, r.index, r.layer, r.shape.map(String.init).joined(separator: "x"), r.parameters]) }
        }
        ctx.metric("\(config.name)_generator_parameters", Double(g.parameterCount))
        ctx.metric("\(config.name)_critic_parameters", Double(d.parameterCount))
        if config == .paper {
            try claim(g.parameterCount == 11_378_179, "the paper's generator has 11,378,179 parameters (got \(g.parameterCount))")
            try claim(d.parameterCount == 2_764_737, "the paper's critic has 2,764,737 parameters (got \(d.parameterCount))")
        }
    }
    try ctx.csv("architecture", header: ["config", "network", "index", "layer", "output_shape", "parameters"], rows: csv)
}

// MARK: - 2. The loss

lesson.markdown("""
    ## The loss

    The critic D is trained as in WGAN-GP (lesson 4), on sharp crops I_S (real) and restored crops
    Î_S = G(I_B) (fake):

    ```math
    L_D = E[D(Î_S)] − E[D(I_S)] + λ_GP · E[(‖∇_x̂ D(x̂)‖ − 1)²],   x̂ = ε·I_S + (1 − ε)·Î_S
    ```

    with λ_GP = 10 and 5 critic updates per generator update in the paper, all on the same restored
    batch (as the official code). D(x) is the *mean* of the PatchGAN's patch scores; only the
    penalty differentiates their sum, so that ∇_x̂ D(x̂) is the gradient of the whole score map. The
    official code differs from the WGAN-GP paper in two details, and the course follows the code:
    one ε per batch, and the gradient norm taken per pixel over the colour channels and then
    averaged (the paper: one ε per sample, the norm over the whole image).

    The generator minimises an adversarial term plus a content term:

    ```math
    L_G = −E[D(G(I_B))] + λ · L_content(G(I_B), I_S),   λ = 100
    ```

    The paper's L_content is perceptual: the squared distance between VGG19 conv3_3 feature maps
    of Î_S and I_S (the official code takes conv3_3 before its ReLU, on [−1, 1] images). The
    adversarial term alone would produce sharp-looking images unrelated to the input; the content
    term ties Î_S to I_S.

    **Conditional only through G.** pix2pix (lesson 5) shows its discriminator the pair (input,
    output). DeblurGAN's critic never sees I_B: it judges whether Î_S looks like a sharp photo,
    and only the generator's input and the content term tie the output to this particular blurred
    photo. It is a conditional GAN because G is conditioned on I_B, not because D is.
    """)

// MARK: - 3. A recipe for a CPU budget

lesson.markdown("""
    ## A recipe a CPU can afford

    The paper trains ngf 64 / 9 ResBlocks on 256² crops for 630,900 steps, each with 5 critic
    updates — about 12 s per step on one core here (timed at the end of the lesson), three months
    in all. Scaled down to ngf 16 / 3 blocks and 64² crops and trained for minutes, the same recipe
    barely moves a photo. So the course changed the recipe, by measurement: `course recipe` trains
    one configuration after another for the same CPU budget (one thread), each differing from its
    parent in one factor, and scores every one on held-out crops of coffee and camera, blurred the
    way the lesson's test crops are. A change is kept when it beats its parent; the next round
    starts from the best so far. The table below is that measurement, read from \(recipeTable)
    (one seed; differences below ~0.1 dB are within noise).

    What the literature suggested, and what each row tests:

    - **Pixel loss first, adversarial phase last** — SRGAN initialises its GAN from an MSE-trained
      network and ESRGAN from an L1-trained one "so the discriminator starts out seeing reasonable
      images"; training with the content loss alone costs 1/6 of a DeblurGAN step (no 5 critic updates).
    - **No InstanceNorm, a higher learning rate** — EDSR removed BatchNorm from its restoration
      network; HINet finds InstanceNorm "does not always bring gains"; NAFNet trains at lr 10⁻³
      with a norm that tolerates it. InstanceNorm also throws away each channel's mean and scale,
      which a deblurring network must pass through.
    - **Width, depth, crops, batch, schedule, dropout** — the usual knobs, one at a time.
    - **One critic update per generator update, a small adversarial weight** — DeblurGAN-v2 (its
      config: adversarial weight 0.001 against content 0.5·MSE + 0.006·VGG).
    """)

/// One row of the recipe table, as `course recipe` writes it (the last evaluation of a trial).
struct TrialRow {
    let trial: String, parent: String, factor: String
    let step: Int, cpuMinutes: Double, gain: Double, gainSD: Double, improved: Double
    /// Evaluations during the trial: (CPU minutes, mean gain).
    var curve: [(Double, Double)]
}

func readTrials(_ path: String) throws -> [TrialRow] {
    let lines = CSV.parse(try String(contentsOfFile: path, encoding: .utf8))
    guard let header = lines.first, let col = Optional(Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })),
          let t = col["trial"], let p = col["parent"], let f = col["factor"], let s = col["step"], let c = col["cpu_minutes"],
          let g = col["gain_db_mean"], let sd = col["gain_db_sd"], let i = col["improved_share"] else {
        throw CellError("\(path) is not a `course recipe` table")
    }
    var rows: [TrialRow] = []
    for l in lines.dropFirst() where l.count == header.count {
        guard let step = Int(l[s]), let cpu = Double(l[c]), let gain = Double(l[g]), let gsd = Double(l[sd]), let imp = Double(l[i]) else { continue }
        if let k = rows.firstIndex(where: { $0.trial == l[t] }) {
            rows[k] = TrialRow(trial: l[t], parent: l[p], factor: l[f], step: step, cpuMinutes: cpu, gain: gain, gainSD: gsd,
                               improved: imp, curve: rows[k].curve + [(cpu, gain)])
        } else {
            rows.append(TrialRow(trial: l[t], parent: l[p], factor: l[f], step: step, cpuMinutes: cpu, gain: gain, gainSD: gsd,
                                 improved: imp, curve: [(cpu, gain)]))
        }
    }
    return rows
}

/// A recipe table in Markdown, each trial's gain also against `reference(trial)` (column `versus`).
func trialTable(_ trials: [TrialRow], versus: String, reference: (TrialRow) -> Double?) -> String {
    var table = "| trial | changes from its parent | CPU min | steps | gain (dB) | crops improved | \(versus) |\n|---|---|---|---|---|---|---|\n"
    for r in trials {
        table += "| \(r.trial) | \(r.parent.isEmpty ? r.factor : "\(r.parent) + \(r.factor)") | \(f1(r.cpuMinutes)) | \(r.step) | "
            + "\(signed(r.gain)) ± \(f2(r.gainSD)) | \(Int((100 * r.improved).rounded())) % | \(reference(r).map { signed(r.gain - $0) } ?? "—") |\n"
    }
    return table
}

/// The same trials as the CSV artifact `name`.
func writeTrialCSV(_ ctx: CellContext, _ name: String, _ trials: [TrialRow]) throws {
    try ctx.csv(name, header: ["trial", "parent", "factor", "steps", "cpu_minutes", "gain_db", "gain_sd_db", "improved_share"],
                rows: trials.map { [$0.trial, $0.parent, $0.factor, $0.step, $0.cpuMinutes, $0.gain, $0.gainSD, $0.improved] })
}

lesson.cell("What buys dB per CPU-minute", data: [recipeTable]) { ctx in
    let trials = try readTrials(ctx.data(recipeTable).path)
    guard let base = trials.first else { throw CellError("\(recipeTable) has no trials") }
    let gainOf = Dictionary(trials.map { ($0.trial, $0.gain) }, uniquingKeysWith: { a, _ in a })
    let table = trialTable(trials, versus: "vs parent") { gainOf[$0.parent] }
    ctx.say(table)
    try ctx.text("recipe_trials", table)
    try writeTrialCSV(ctx, "recipe_trials", trials)
    let best = trials.max { $0.gain < $1.gain }!
    // The chain of kept changes that leads to the best trial.
    var chain = [best]
    while let parent = trials.first(where: { $0.trial == chain[0].parent }) { chain.insert(parent, at: 0) }
    try ctx.figure("recipe_trials", height: 1000, title: "What buys dB per CPU-minute: each trial one change from its parent, same CPU budget") { fig in
        let ax = fig.subplots(rows: 1, cols: 2)
        let a = ax[0][0]
        let ys = trials.indices.map { Double(trials.count - 1 - $0) }
        for (r, y) in zip(trials, ys) {
            a.line(x: [r.gain - r.gainSD, r.gain + r.gainSD], y: [y, y], color: Palette.color(0).withAlpha(0.5), width: 2)
        }
        a.scatter(x: trials.map(\.gain), y: ys, label: "mean gain ± sd over the crops", color: Palette.color(0))
        a.scatter(x: chain.map(\.gain), y: chain.map { c in ys[trials.firstIndex { $0.trial == c.trial }!] },
                  label: "kept: the path to the best", color: Palette.color(1))
        a.vline(0, color: .ink, style: .solid)
        a.yticks(ys, labels: trials.map(\.trial))
        a.xlabel = "PSNR gain over the blurred input (dB)"
        a.title = "Held-out gain after the budget"
        a.legend = .topRight
        let b = ax[0][1]
        for (k, r) in chain.enumerated() {
            b.line(x: [0] + r.curve.map(\.0), y: [0] + r.curve.map(\.1), label: r.trial, color: Palette.color(k), marker: .circle)
        }
        b.xlabel = "training CPU minutes (one thread)"
        b.ylabel = "PSNR gain (dB)"
        b.title = "Gain against CPU time along the kept path"
        b.legend = .topLeft
    }
    ctx.say("Best after \(f1(best.cpuMinutes)) CPU minutes: \(best.trial), \(signed(best.gain)) dB against \(signed(base.gain)) dB "
            + "for the paper's recipe at this size (\(base.trial)); the kept path: \(chain.map(\.trial).joined(separator: " → ")).")
    ctx.metric("recipe_best_gain_db", best.gain)
    ctx.metric("recipe_paper_small_gain_db", base.gain)
}

lesson.markdown("""
    Three-minute trials rank changes quickly, but they favour whatever learns fastest; the live
    run trains for 30 CPU-minutes. The last rounds were therefore measured at that budget, each
    from more-photos: additive encoder–decoder skips, the L2 content loss (DeblurGAN-v2's pixel
    term, and what PSNR measures), 128² crops at batch 1 (the same pixels per step), batch 8
    (twice the pixels, half the steps) and ngf 32. Two of them never left the identity they start
    from (ngf 32, and 128² crops at batch 1): `course recipe` now prints how many channels of the
    ReLU before the last convolution still fire, and in such runs none do — a dead network, its
    last layer fed only zeros. A learning-rate warm-up (Goyal et al. 2017: lr/500 rising to lr
    over 500 steps) was measured on its own and with ngf 32. The last trial widens the training
    photos from 9 to 33 (people, animals, buildings, landscapes; Data/LICENSES.md), since the
    paper's own ablation found synthetic data must be varied to generalise (DeblurGAN "Synth-only"
    23.7 dB on GoPro against 28.7 with real pairs added). The fifth round's trials were stopped at
    15–20 CPU-minutes to give the cores to the shipped model's training. Read from
    \(longRecipeTable), one seed, six evaluations per trial; with one seed, differences below
    ~0.1 dB are within noise.
    """)

/// A round of trials at the live run's budget: its table, CSV and curves, every trial against the
/// round's first (its base) at the same CPU time; the trial that leads the base most goes into the
/// metrics `<metric>_best_gain_db` and `<metric>_best_lead_db`. Returns that lead (dB).
@discardableResult
func sameBudgetRound(_ ctx: CellContext, _ path: String, name: String, metric: String, title: String) throws -> Double {
    let trials = try readTrials(ctx.data(path).path)
    guard let base = trials.first, trials.count > 1 else { throw CellError("\(path) needs a base trial and at least one more") }
    // A trial stopped early is compared with the base at the same CPU time, not at the base's end:
    // the base's gain interpolated between its evaluations (from 0 dB at 0 minutes), or its last
    // gain past its end. Trials end a few seconds apart, so a step rule would compare a trial that
    // ends just before the base with the base's previous evaluation, minutes earlier.
    func baseGain(at minutes: Double) -> Double {
        let curve = [(0.0, 0.0)] + base.curve
        guard let i = curve.firstIndex(where: { $0.0 >= minutes }) else { return curve[curve.count - 1].1 }
        guard i > 0 else { return 0 }
        let (a, b) = (curve[i - 1], curve[i])
        return a.1 + (b.1 - a.1) * (minutes - a.0) / (b.0 - a.0)
    }
    func advantage(_ r: TrialRow) -> Double { r.gain - baseGain(at: r.cpuMinutes) }
    try ctx.text(name, trialTable(trials, versus: "vs \(base.trial) at the same CPU time") {
        $0.trial == base.trial ? nil : baseGain(at: $0.cpuMinutes)
    })
    try writeTrialCSV(ctx, name, trials)
    try ctx.figure(name, height: 900, title: title) { fig in
        let a = fig.axes()
        // The base in dashed grey, so the trials keep distinct colours; the table above gives each factor.
        // A diverged trial (far below the input) would squash the others into a flat band: the axis
        // stops 1 dB below zero and its legend entry gives the value it left at.
        let floor = -1.0
        for (k, r) in trials.enumerated() {
            let isBase = r.trial == base.trial, lowest = r.curve.map(\.1).min() ?? 0
            let label = isBase ? "\(r.trial) (the recipe before)"
                : lowest < floor ? "\(r.trial) (off the scale: \(String(format: "%+.1f", lowest)) dB)" : r.trial
            a.line(x: [0] + r.curve.map(\.0), y: [0] + r.curve.map { max($0.1, floor - 0.5) }, label: label,
                   color: isBase ? Color(hex: 0x777777) : Palette.color(k - 1), style: isBase ? .dashed : .solid, marker: .circle)
        }
        if trials.contains(where: { ($0.curve.map(\.1).min() ?? 0) < floor }) {
            a.ylim = floor...max(0.5, (trials.flatMap { $0.curve.map(\.1) }.max() ?? 0) + 0.2)
        }
        a.hline(0, color: .ink, style: .solid)
        a.xlabel = "training CPU minutes (one thread)"
        a.ylabel = "PSNR gain over the blurred input (dB)"
        a.legend = .outside
    }
    let stopped = trials.filter { $0.cpuMinutes < 0.75 * base.cpuMinutes }
    if !stopped.isEmpty {
        ctx.say("Stopped before the base's \(f1(base.cpuMinutes)) CPU-minutes: "
                + stopped.map { "\($0.trial) at \(f1($0.cpuMinutes))" }.joined(separator: ", ") + "; each is compared with \(base.trial) at its own last evaluation.")
    }
    let best = trials.dropFirst().max { advantage($0) < advantage($1) }!
    let lead = advantage(best)
    ctx.say(lead < 0.1
            ? "No change beats \(base.trial) by more than one seed's noise (0.1 dB) at equal CPU time."
            : "Best against \(base.trial) at equal CPU time: \(best.trial) (\(best.factor)), \(signed(best.gain)) dB after \(f1(best.cpuMinutes)) CPU-minutes, "
                + "\(signed(lead)) dB ahead of \(base.trial) at the same time.")
    ctx.metric("\(metric)_best_gain_db", best.gain)
    ctx.metric("\(metric)_best_lead_db", lead)
    return lead
}

lesson.cell("What holds at 30 CPU-minutes", data: [longRecipeTable]) { ctx in
    try sameBudgetRound(ctx, longRecipeTable, name: "recipe_trials_30", metric: "recipe_30",
                        title: "At the live run's budget: held-out gain against training CPU time, one trial per change")
}

lesson.markdown("""
    A sixth round starts from the recipe the shipped model trains with, before its adversarial
    tail: all 48 photos and the warm-up (all-photos, one change from warmup). The stalls above left
    two knobs unmeasured on a network that learns: the batch (8 of 64² crops: twice the pixels per
    step, half the steps) and the crop, since a 64² crop spans barely two lengths of the longest
    30 px blur paths: 128² at batch 2 (batch 8's pixels per step) and at batch 1 (the base's).
    Read from \(allPhotosTable), at the same budget and seed.
    """)

lesson.cell("The batch and the crop on 48 photos", data: [allPhotosTable]) { ctx in
    let lead = try sameBudgetRound(ctx, allPhotosTable, name: "recipe_trials_48", metric: "recipe_48",
                                   title: "On the shipped model's 48 photos: held-out gain against training CPU time")
    try claim(lead < 0.1, "that no change of this round beats all-photos by more than one seed's noise (0.1 dB)")
}

lesson.markdown("""
    What the sixth round says: at equal CPU time neither the batch nor the crop gains more than one
    seed's noise (the verdict above). A batch of one 128² crop still silences the last ReLU
    with the warm-up, as it did without it, so the warm-up alone does not protect a batch of one. All
    the live runs sit near +1 dB after 30 CPU-minutes, where the shipped model's longer run also
    flattens ("Longer runs" below): these knobs are not what stands between the recipe and the
    +2 dB the course aims at.
    """)

lesson.markdown("""
    A seventh round changes the network's shape instead of its training. Every trial so far ran the
    generator once, at full size, where a 30-px path is a long smear across a 64² crop. Blind
    deblurring networks since Nah et al. (2017) work coarse to fine: restore a downscaled copy first,
    where the blur is half as long, then refine at full size from that estimate. SRN-DeblurNet (Tao
    et al. 2018) showed that one set of weights can serve every scale. `ResnetGenerator(scales:)`
    does that with the paper's network unchanged — same layers, same names, same parameter count —
    and the loss scores every scale against the sharp crop averaged down to its size (SRN's
    multi-scale loss). A second scale costs a quarter more per step, a third a further sixteenth.
    Read from \(scalesTable), same budget and seed, with all-photos' rows as the base.
    """)

lesson.cell("Coarse to fine on 48 photos", data: [scalesTable]) { ctx in
    let lead = try sameBudgetRound(ctx, scalesTable, name: "recipe_trials_scales", metric: "recipe_scales",
                                   title: "Coarse to fine, one set of weights: held-out gain against training CPU time")
    try claim(lead < 0.1, "that no coarse-to-fine generator beats all-photos by more than one seed's noise (0.1 dB)")
}

lesson.markdown("""
    The coarse pass does not pay at this budget (the verdict above): two scales stay within one
    seed's noise of the one-scale base while taking a fifth fewer steps in the same CPU time, and
    three scales trail it at every evaluation. Sharing the weights
    asks one small network to be two deblurrers — one for half-size images with short blur, one
    for full-size images that are already partly sharp — and at ngf 16 it has no capacity to
    spare. SRN shares weights at ngf 32–128 with an LSTM between scales; DeblurGAN-v2 gets its
    multi-scale view from a feature pyramid with its own weights per level. Either is a larger
    change than this one, and a candidate for the next round.
    """)

lesson.markdown("""
    An eighth round takes the second road: more levels, each with weights of its own, as a U-Net
    or DeblurGAN-v2's pyramid has. `ResnetGenerator(downsamplings: 3)` adds a third stride-2
    convolution before the ResBlocks and a third transposed one after them, so the blocks work at
    1/8 size on 8·ngf = 128 channels. That is the same multiply-adds per pixel as the paper's 1/4
    size on 64 channels, four times the blocks' weights, and twice their reach: a 3×3 convolution at
    1/8 size spans 24 pixels of the photo. The table reads \(depthTable) at the same budget and
    seed, with all-photos' rows as the base. Without skips, the deeper network's last ReLU died
    within 5 CPU-minutes at both warm-ups, and `course recipe` stops a trial there. With additive
    skips at every size above the blocks (full, half and quarter), the decoder gets the encoder's
    detail directly.
    """)

lesson.cell("A deeper encoder–decoder on 48 photos", data: [depthTable]) { ctx in
    let lead = try sameBudgetRound(ctx, depthTable, name: "recipe_trials_down", metric: "recipe_down",
                                   title: "Three downsamplings instead of two: held-out gain against training CPU time")
    try claim(lead < 0.1, "that no deeper encoder–decoder beats all-photos by more than one seed's noise (0.1 dB)")
}

lesson.markdown("""
    Depth does not pay either, and the way it fails is the lesson. Without a normalisation, Adam at
    1e-3 pushes the deeper network's activations around so hard that the last ReLU goes silent —
    a four-times-longer warm-up only delays it. A LeakyReLU cannot go silent, and the same push
    then drives the output into the Tanh's flat ends instead: every pixel clamped, no gradient,
    −19 dB. With skips the decoder is handed the encoder's features at every size, the network
    trains, and it ends level with the two-level base — after 35 CPU-minutes to the base's 26,
    since a trial's step count comes from timing its first steps. The shallow recipe's trick — no
    normalisation, a high learning rate — does not scale to a deeper network. NAFNet (Chen et al.
    2022) gets both a deep U-Net and a high rate by keeping LayerNorm and replacing the ReLU with a
    gate (one half of the channels times the other); that is the next change to measure, not more
    depth alone.
    """)

lesson.markdown("""
    A ninth round measures that change. NAFNet's block (Chen, Chu, Zhang & Sun 2022, "Simple
    Baselines for Image Restoration") is built to train a restoration network at Adam 1e-3:

    - **LayerNorm over each pixel's channels** (`LayerNorm2d`), not over each channel's pixels as
      InstanceNorm: a flat region stays flat, so the contrast a deblurrer must restore survives.
    - **SimpleGate instead of ReLU**: one half of the channels times the other. A product has no
      threshold for a unit to fall below, so none can go silent.
    - **Simplified channel attention**: each channel scaled by a 1×1 convolution of the channels'
      means over the image, a cheap global view.
    - **A depthwise 3×3** (`DepthwiseConv2d`, each channel its own kernel) is the only spatial
      filter, between 1×1 convolutions; per-channel scales β and γ start at zero, so a new block
      is the identity and the network starts from "do nothing", as the zero-started last layer does.

    `ResnetGenerator(block: .naf)` swaps the three ResBlocks for three such blocks and keeps
    everything else. At 64 channels a block costs about 30 thousand multiply-adds per pixel against
    a ResBlock's 74 thousand, but in these trials its many small operations made a training step
    about a sixth slower (the depthwise loop in C that came after brings that to about 4 %). It is tried at both depths: on the base (parent all-photos) and on the deeper
    network with skips (parent down-3-skips, whose rows the table repeats). Read from \(nafTable),
    same budget and seed, with all-photos' rows as the base.
    """)

lesson.cell("NAFNet blocks on 48 photos", data: [nafTable]) { ctx in
    let lead = try sameBudgetRound(ctx, nafTable, name: "recipe_trials_naf", metric: "recipe_naf",
                                   title: "NAFNet blocks instead of ResBlocks: held-out gain against training CPU time")
    try claim(lead > 0.1, "that NAFNet's blocks beat all-photos by more than one seed's noise (0.1 dB)")
}

lesson.markdown("""
    NAFNet's blocks are the first change in five rounds to beat the base by more than one seed's
    noise, and by a wide margin: ahead at every evaluation from 5 CPU-minutes on, and by the end
    improving all 32 crops (the table above). At 25 CPU-minutes, the last time both ran, the NAF
    generator gains +1.54 dB against all-photos' +1.08, after an eighth fewer steps, and its curve is
    still rising where the base's has flattened. It is not more capacity: the NAF generator has
    about half the parameters (143 thousand against 273 thousand) and fewer multiply-adds. NAFNet's
    authors credit the norm and the gate for keeping a high learning rate stable; this round
    measures the outcome, not the cause. On the deeper network the same swap leads down-3-skips
    early (+0.2 dB at 5 and 10 minutes) and ends level with it (+1.19 against +1.12 at 35
    minutes), both below the two-level NAF generator: the extra level buys nothing at this budget
    with either block. So the recipe keeps NAFNet's blocks: the live run below trains them (the
    `lesson` preset), and the model the course ships is the same change at the long run's length,
    `course train --preset long-naf` (both are scored in the held-out evaluation below).
    """)

lesson.markdown("""
    A NAFNet block costs under half a ResBlock's multiply-adds, so the tenth round spends the
    saving on size: on depth, the axis NAFNet itself grows along (its GoPro model has 36 blocks),
    with six blocks instead of three; and on width, ngf 24 instead of 16 (the blocks then work on
    96 channels). The base runs again beside them, on the same machine, because the NAF rows
    above were measured with a slower depthwise loop on another CPU, and CPU-minutes only compare
    within one machine and one build.
    """)

lesson.cell("More or wider NAFNet blocks on 48 photos", data: [nafSizeTable]) { ctx in
    let lead = try sameBudgetRound(ctx, nafSizeTable, name: "recipe_trials_naf_size", metric: "recipe_naf_size",
                                   title: "More or wider NAFNet blocks: held-out gain against training CPU time")
    try claim(lead < 0.1, "that neither six NAFNet blocks nor ngf 24 beats three blocks at ngf 16 by more than one seed's noise (0.1 dB) at this budget")
}

lesson.markdown("""
    Neither, at this budget. Six blocks take half as long again per step, and at equal CPU time
    they trail three by 0.1 to 0.2 dB from 5 to 20 minutes, draw level at 25 (+1.84 dB against the
    base's +1.83, where its schedule ended at 24.4 minutes) and end at +1.92 after 29 minutes.
    ngf 24 starts slower still (0.3 dB behind at 5 and 10 minutes), catches up by 15 and ends at
    +1.88 after 24.3 — both within one seed's noise of the base. Size may pay over a longer run,
    as width and the paper's depth did not for ResBlocks; at the live run's budget the network
    stays as it is. The base's
    rerun also shows that a CPU-minute is not a fixed unit: with the C depthwise loop on a newer
    CPU (Zen 4) it reaches +1.83 dB after 24 CPU-minutes, where the ninth round's run (the Swift
    loop on a Zen 3) had +1.54 after 25.
    """)

// MARK: - 4. Training

lesson.markdown("""
    ## Training on synthetic camera shake

    Training pairs are made as DeblurGAN made its synthetic set — a random crop of one of the
    \(DeblurRecipe.trainingPhotos.count) training photos (the recipe search's first six, three of
    them textures; three scenes added by the `more-photos` trial; and \(DeblurRecipe.widerPhotos.count)
    photos of people, animals, buildings, landscapes, water and a night street added by the
    `wide-photos` trial, all public domain or CC0, Data/LICENSES.md) blurred with a fresh random
    camera-shake kernel (Boracchi & Foi trajectories, expl from
    the official list) — with four changes so that a pair looks like a real blurred photo rather
    than a clean simulation (`BlurPatchDataset.Realism`):

    - **Blur of every strength**: the camera path is 2 to 30 px long, drawn evenly per octave. (The
      official script cuts 60-px paths at 1/10, 1/2 or the whole exposure for 256² crops.)
    - **Noise and 8 bits**: Gaussian noise with σ drawn in [0, 0.01], then the blurred input is
      rounded to 8 bits as a PNG stores it.
    - **Flips and 90° turns**: camera shake has no preferred direction.
    - **Sub-pixel centring**: each kernel is moved by a fraction of a pixel so that its centre of
      mass lies on its centre pixel. A kernel whose centre of mass is off-centre also *translates*
      the image, and no blind method can see a translation in a single photo: on these sharp
      photos half a pixel of shift alone costs 27–28 dB, and a network trained on such pairs
      learns to hedge towards the blurred input.

    The live run trains the `lesson` preset: the kept recipe of the tables above, NAFNet's blocks
    included, sized to about 20 minutes on 2 cores — content loss alone for most of the budget,
    then a short adversarial phase with the WGAN-GP critic. Every few hundred steps the generator deblurs a fixed validation set
    (8 crops of the held-out photos, different from the test crops below) and its PSNR is recorded;
    nothing is chosen by it. A checkpoint (both networks, both Adam states, the step, the CPU time;
    safetensors, written atomically) is saved at the same times, with the history beside it, so a
    run stopped by Ctrl-C or a crash resumes where it stopped. A loss that is not a finite number
    stops training with its step, and the last good checkpoint is kept.
    """)

/// Everything about the lesson's training run that later cells need.
struct TrainedModel {
    let config: DeblurGANConfig
    let generator: ResnetGenerator
    /// The generator at the end of the content-only phase (nil if the run has none).
    let contentOnly: ResnetGenerator?
    let history: [TrainingRun.Record]
    /// The validation crops (held-out photos) and the mean PSNR of their blurred inputs.
    let validation: [BlurPatchDataset.Sample]
    let validationBaseline: Double
    let cpuMinutes: Double
    /// Wall time per step of the steps trained in this run (nil if it only loaded a finished run).
    let secondsPerStep: Double?
}

/// The validation and test crops: held-out photos, photo-like blur, fixed by the lesson seed.
func heldOutCrops(_ ctx: CellContext, count: Int, size: Int, seed: UInt64) throws -> [BlurPatchDataset.Sample] {
    DeblurRecipe.testCrops(try loadPhotos(ctx, heldOutPhotos), count: count, size: size, seed: seed)
}

func meanPSNR(_ generator: ResnetGenerator, _ crops: [BlurPatchDataset.Sample]) -> Double {
    let d = Deblurrer(generator: generator)
    return MeanSD(crops.map { Metrics.psnr(d.deblur(image: $0.blurred), $0.sharp) }).mean
}

let trained = lesson.shared("trained model") { ctx -> TrainedModel in
    let config = ctx.quick ? DeblurGANConfig.quick : .lesson
    let batches = DeblurRecipe.batches(try loadPhotos(ctx, trainingPhotos), config: config, seed: ctx.seed &+ 17)
    let photoList = DeblurRecipe.trainingPhotoList
    let validation = try heldOutCrops(ctx, count: ctx.pick(quick: 4, full: 8), size: ctx.pick(quick: 64, full: 128), seed: ctx.seed &+ 1000)
    let baseline = MeanSD(validation.map { Metrics.psnr($0.blurred, $0.sharp) }).mean
    let every = ctx.pick(quick: 10, full: 250)
    let folder = ctx.outFolder.path
    let path = folder + "/" + (ctx.quick ? "deblurgan-quick.safetensors" : TrainedCheckpoint.fileName)
    let snapshotPath = folder + "/" + (ctx.quick ? "deblurgan-quick" : "deblurgan") + "-content-only.safetensors"

    do {
        let started = Date()
        let run = try TrainingRun(path: path, config: config, content: .l1, seed: ctx.seed, data: photoList, batches: batches, restart: ctx.force || ctx.quick)
        ctx.say(run.startMessage)
        let firstStep = run.trainer.step
        func onStep(_ r: TrainingRun.Record) throws {
            if let v = r.validationPSNR { try ctx.requireFinite(v, "validation PSNR at step \(r.step.step)") }
            if r.step.step == config.contentOnlySteps {
                try run.exportGenerator(to: snapshotPath, provenance: ["note": "the lesson's generator at the end of its content-only phase"])
            }
            try ctx.progress(r.step.step, of: config.steps, label: r.step.step <= config.contentOnlySteps ? "content-only steps" : "adversarial steps")
        }
        let validate = { (g: ResnetGenerator) in meanPSNR(g, validation) }
        if ctx.quick {
            // Train all but the last step with checkpoints, resume a second run from the file for the
            // last step, and check it matches the first continuing uninterrupted.
            try run.train(every: every, until: config.steps - 1, validate: validate, onStep: onStep)
            let resumed = try TrainingRun(path: path, config: config, content: .l1, seed: ctx.seed, data: photoList, batches: batches)
            ctx.say("checkpoint written at step \(run.trainer.step) → \(path); " + resumed.startMessage)
            try resumed.train(every: every, validate: validate, onStep: onStep)
            try run.train(every: every)
            let same = zip(run.trainer.generator.parameters(), resumed.trainer.generator.parameters()).allSatisfy { $0.data == $1.data }
                && zip(run.trainer.critic.parameters(), resumed.trainer.critic.parameters()).allSatisfy { $0.data == $1.data }
            try claim(same, "a resumed run continues bit-identically to an uninterrupted one")
            ctx.say("step \(resumed.trainer.step) after resuming: both networks bit-identical to the uninterrupted run ✓")
        } else {
            if run.trainer.step < config.steps {
                ctx.say("training \(config.name): \(config.steps) steps of batch \(config.batchSize), \(config.cropSize)² crops, "
                        + "the first \(config.contentOnlySteps) with the content loss alone")
            }
            try run.train(every: every, validate: validate, onStep: onStep)
        }
        let final = ctx.quick ? try TrainingRun(path: path, config: config, content: .l1, seed: ctx.seed, data: photoList, batches: batches) : run
        let snapshot = config.contentOnlySteps > 0 ? try ResnetGenerator(contentsOf: snapshotPath) : nil
        let trainedSteps = final.trainer.step - firstStep
        return TrainedModel(config: config, generator: final.trainer.generator, contentOnly: snapshot, history: final.history,
                            validation: validation, validationBaseline: baseline, cpuMinutes: final.cpuSeconds / 60,
                            secondsPerStep: trainedSteps > 0 && !ctx.quick ? Date().timeIntervalSince(started) / Double(trainedSteps) : nil)
    } catch let diverged as TrainingDiverged {
        throw CellError("\(diverged)")
    }
}

lesson.cell("Train (or resume) and plot the training curves", uses: [trained], data: trainingData) { ctx in
    let m = try ctx.use(trained)
    let h = m.history
    guard let last = h.last else { throw CellError("no training history") }
    try ctx.csv("training_history", header: ["step", "critic_estimate", "gradient_penalty", "content_loss", "generator_adversarial",
                                             "learning_rate", "validation_psnr"],
                rows: h.map { r in [r.step.step, r.step.criticEstimate, r.step.gradientPenalty, r.step.contentLoss,
                                   r.step.generatorAdversarialLoss, r.step.learningRate, r.validationPSNR.map { "\($0)" } ?? ""] })
    let validated = h.filter { $0.validationPSNR != nil }
    let switchStep = Double(m.config.contentOnlySteps)
    let adversarial = h.filter { $0.step.step > m.config.contentOnlySteps }
    try ctx.figure("training_curves", height: 1000, title: "Training the \(m.config.name) preset: content loss alone, then WGAN-GP") { fig in
        let ax = fig.subplots(rows: 2, cols: 2)
        let window = max(1, h.count / 40)
        let steps = h.map { Double($0.step.step) }
        let c = ax[0][0]
        c.line(x: steps, y: h.map { Double($0.step.contentLoss) }, label: "per step", color: Palette.color(0).withAlpha(window > 1 ? 0.25 : 1), width: 1.5)
        if window > 1 {
            c.line(x: steps, y: movingAverage(h.map { Double($0.step.contentLoss) }, window: window), label: "mean of \(window) steps", color: Palette.color(0))
        }
        c.title = "Content loss (L1 on pixels, before its weight 100)"
        c.ylabel = "L1"
        let v = ax[0][1]
        let vx = validated.map { Double($0.step.step) }
        v.line(x: vx, y: validated.map { $0.validationPSNR! - m.validationBaseline }, label: "PSNR(DeblurGAN) − PSNR(blurred input)", marker: .circle)
        v.hline(0, color: Palette.color(1))
        v.title = "Validation gain (held-out photos)"
        v.ylabel = "gain (dB)"
        v.legend = .bottomRight
        let e = ax[1][0], p = ax[1][1]
        if adversarial.isEmpty {
            e.text("no adversarial phase in this run", x: 0.5, y: 0.5, align: .center)
            p.text("no adversarial phase in this run", x: 0.5, y: 0.5, align: .center)
        } else {
            let ax2 = adversarial.map { Double($0.step.step) }
            e.line(x: ax2, y: adversarial.map { Double($0.step.criticEstimate) }, label: "E[D(I_S)] − E[D(Î_S)]", color: Palette.color(2))
            p.line(x: ax2, y: adversarial.map { Double($0.step.gradientPenalty) }, label: "E[(‖∇D(x̂)‖ − 1)²]", color: Palette.color(3))
        }
        e.title = "Critic's estimate of W (adversarial phase)"
        e.ylabel = "estimate"
        p.title = "Gradient penalty, before λ_GP = 10"
        p.ylabel = "penalty"
        for a in [c, v, e, p] {
            a.xlabel = "generator step"
            if switchStep > 0 && switchStep < Double(m.config.steps) { a.vline(switchStep, label: "adversarial phase starts", color: Color(hex: 0x777777)) }
        }
    }
    let finalPSNR = validated.last?.validationPSNR ?? .nan
    ctx.say("after \(last.step.step) steps (\(f1(m.cpuMinutes)) CPU minutes in all): validation PSNR \(f2(finalPSNR)) dB vs "
            + "\(f2(m.validationBaseline)) dB blurred (\(signed(finalPSNR - m.validationBaseline)) dB)")
    if let s = m.secondsPerStep {
        ctx.say(String(format: "%.3f s per generator step on average with %d thread(s)", s, ctx.threads))
        ctx.metric("seconds_per_step", s)
    }
    // Dead units: a ReLU channel that fires nowhere passes no gradient back (the recipe search's stalls).
    let firing = m.generator.liveChannels(on: Image.batch(m.validation.map(\.blurred)))
    ctx.say("channels that fire on the validation crops, per ReLU of the main path: "
            + firing.map { "model.\($0.layer) \($0.live)/\($0.channels)" }.joined(separator: ", "))
    ctx.metric("live_channels_last_relu", Double(firing.last?.live ?? 0))
    ctx.metric("steps", Double(last.step.step))
    ctx.metric("training_cpu_minutes", m.cpuMinutes)
    ctx.metric("validation_psnr_gain_db", finalPSNR - m.validationBaseline)
}

// MARK: - 5. Evaluation on held-out photos

lesson.markdown("""
    ## How much does it deblur? Held-out photos

    The test set: crops of coffee and camera (never trained on), each blurred with a fresh
    camera-shake kernel of 2–30 px with noise and 8-bit rounding, like the training pairs but from
    photos no training step saw. Methods:

    - **blurred input** — doing nothing; the bar to beat.
    - **Wiener / Richardson–Lucy, true kernel** — the non-blind methods of lesson 1, *given the
      kernel that made the blur*: an oracle no blind method can expect to match.
    - **Wiener / Richardson–Lucy, wrong kernel** — the same kernel turned by 90°: the right blur
      length and shape in the wrong direction, a realistic mistake of a kernel estimate.
    - **DeblurGAN, this run** — the model trained above, blind: it sees only the blurred crop; and
      the same run's generator at the end of its content-only phase, before the critic joined.
    - **DeblurGAN, shipped** — the model in Data/models/, trained by `course train --preset
      \(shippedPreset)` with the same recipe for about twice the steps (its metadata says the
      recipe, how many steps and CPU hours, and from which commit).
    - **DeblurGAN, shipped, self-ensemble of 8** — the same model run on the crop's 8 flips and
      quarter turns, each result turned back and averaged (EDSR's geometric self-ensemble, Lim et
      al. 2017; `course deblur --self-ensemble`). Not part of DeblurGAN: a test-time trick that
      costs 8× the time, shown so its gain is measured rather than guessed.

    Wiener uses NSR 10⁻³ and Richardson–Lucy 30 iterations (lesson 1's settings for low noise).
    These inputs are noisier than that (σ up to 0.01, then 8-bit rounding), so one more oracle
    row gives Wiener every advantage: the true kernel *and*, for each crop, the NSR of a grid
    (10⁻⁵ … 10⁻¹) that scores best against the sharp crop — the ceiling of a constant-NSR Wiener
    filter on these crops. Besides PSNR and SSIM, the table gives a sharpness ratio: the gradient energy of the result
    over that of the sharp crop (1 = as much fine detail as the truth; blur lowers it, noise and
    ringing raise it).
    """)

/// NSR values the tuned Wiener oracle chooses from: 10⁻⁵ … 10⁻¹ in steps of 10^¼.
let wienerNSRGrid = stride(from: -5.0, through: -1, by: 0.25).map { pow(10, $0) }

/// Wiener with the true kernel and, for each crop, the NSR of the grid that gives the best PSNR
/// against the sharp crop: the best any Wiener filter with a constant NSR could do on it.
func tunedWiener(_ c: BlurPatchDataset.Sample) -> Image {
    wienerNSRGrid.map { nsr -> (image: Image, psnr: Double) in
        let x = Deconvolution.wiener(c.blurred, kernel: c.kernel, nsr: nsr).clamped()
        return (x, Metrics.psnr(x, c.sharp))
    }.max { $0.psnr < $1.psnr }!.image
}

/// One method's results on every test crop.
struct MethodScore {
    let name: String
    let restored: [Image]
    let psnr: [Double], ssim: [Double], sharpness: [Double]
}

/// The shipped model, if Data/models holds it, with its provenance.
struct ShippedModel {
    let generator: ResnetGenerator
    let metadata: [String: String]
    var summary: String {
        let m = metadata
        return "\(m["preset"] ?? "?") preset, step \(m["step"] ?? "?") of \(DeblurGANConfig(metadata: m)?.steps ?? 0), "
            + "\(m["cpu_hours"] ?? "?") CPU hours, commit \(m["commit"] ?? "?")"
    }
}

let shipped = lesson.shared("shipped model") { ctx -> ShippedModel? in
    let path = try ctx.data(ShippedCheckpoint.path).path
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let file = try SafeTensors.read(path, including: { _ in false })
    // The prose names the preset: a model trained with another must not slip in under its name.
    try claim(file.metadata["preset"] == shippedPreset,
              "that the shipped model was trained with the \(shippedPreset) preset (its metadata says \(file.metadata["preset"] ?? "none"))")
    return ShippedModel(generator: try ResnetGenerator(contentsOf: path), metadata: file.metadata)
}

/// The crops and every method's scores on them.
struct Evaluation {
    let crops: [BlurPatchDataset.Sample]
    let methods: [MethodScore]
    func method(_ name: String) -> MethodScore? { methods.first { $0.name == name } }
}

let live = "DeblurGAN, this run", liveContentOnly = "DeblurGAN, this run, content only", shippedName = "DeblurGAN, shipped"
/// The shipped model with EDSR's geometric self-ensemble (`Deblurrer.selfEnsemble`): a test-time
/// average over the 8 flips and quarter turns, not part of DeblurGAN.
let shippedEnsembleName = "DeblurGAN, shipped, self-ensemble of 8"
let tunedWienerName = "Wiener, true kernel, best NSR per crop"

let evaluation = lesson.shared("held-out evaluation", uses: [trained, shipped]) { ctx -> Evaluation in
    let model = try ctx.use(trained)
    let ship = try ctx.use(shipped)
    let crops = try heldOutCrops(ctx, count: ctx.pick(quick: 8, full: 32), size: ctx.pick(quick: 64, full: 128), seed: ctx.seed &+ 2000)
    func deblurring(_ g: ResnetGenerator) -> (BlurPatchDataset.Sample) -> Image { { Deblurrer(generator: g).deblur(image: $0.blurred) } }
    var methods: [(String, (BlurPatchDataset.Sample) -> Image)] = [
        ("blurred input", { $0.blurred }),
        ("Wiener, true kernel", { Deconvolution.wiener($0.blurred, kernel: $0.kernel) }),
        (tunedWienerName, tunedWiener),
        ("Richardson–Lucy, true kernel", { Deconvolution.richardsonLucy($0.blurred, kernel: $0.kernel) }),
        ("Wiener, kernel turned 90°", { Deconvolution.wiener($0.blurred, kernel: $0.kernel.rotated90()) }),
        ("Richardson–Lucy, kernel turned 90°", { Deconvolution.richardsonLucy($0.blurred, kernel: $0.kernel.rotated90()) }),
    ]
    if let g = model.contentOnly { methods.append((liveContentOnly, deblurring(g))) }
    methods.append((live, deblurring(model.generator)))
    if let ship {
        methods.append((shippedName, deblurring(ship.generator)))
        let ensemble = Deblurrer(generator: ship.generator, selfEnsemble: true)
        methods.append((shippedEnsembleName, { ensemble.deblur(image: $0.blurred) }))
    }
    var scored: [MethodScore] = []
    for (n, (name, restore)) in methods.enumerated() {
        let restored = crops.map { restore($0).clamped() }
        scored.append(MethodScore(name: name, restored: restored,
                                  psnr: zip(restored, crops).map { Metrics.psnr($0, $1.sharp) },
                                  ssim: zip(restored, crops).map { Metrics.ssim($0, $1.sharp) },
                                  sharpness: zip(restored, crops).map { Metrics.gradientEnergy($0) / Metrics.gradientEnergy($1.sharp) }))
        try ctx.progress(n + 1, of: methods.count, label: "methods")
    }
    return Evaluation(crops: crops, methods: scored)
}

lesson.cell("PSNR, SSIM and sharpness on held-out photos", uses: [evaluation, trained, shipped], data: trainingData + [ShippedCheckpoint.path]) { ctx in
    let e = try ctx.use(evaluation)
    let model = try ctx.use(trained)
    if let s = try ctx.use(shipped) { ctx.say("shipped model: \(s.summary)") } else {
        ctx.say("no shipped model at \(ShippedCheckpoint.path): its rows are missing below")
    }
    let base = e.methods[0]
    var table = "| method | PSNR (dB) | gain over blurred (dB) | crops improved | SSIM | sharpness ratio |\n|---|---|---|---|---|---|\n"
    var rows: [[Any]] = []
    for m in e.methods {
        let p = MeanSD(m.psnr), s = MeanSD(m.ssim), g = MeanSD(zip(m.psnr, base.psnr).map { $0 - $1 }), q = MeanSD(m.sharpness)
        let improved = zip(m.psnr, base.psnr).filter { $0 > $1 }.count
        table += "| \(m.name) | \(f2(p.mean)) ± \(f2(p.sd)) | \(signed(g.mean)) ± \(f2(g.sd)) | \(m.name == base.name ? "—" : "\(improved) / \(m.psnr.count)") | "
            + "\(f3(s.mean)) ± \(f3(s.sd)) | \(f2(q.mean)) |\n"
        rows.append([m.name, p.mean, p.sd, g.mean, g.sd, improved, s.mean, s.sd, q.mean])
    }
    ctx.say("\(e.crops.count) held-out crops of \(e.crops[0].sharp.width)² (coffee and camera alternating, paths 2–30 px); "
            + "this run: \(model.config.name) preset after \(model.history.last?.step.step ?? 0) steps:")
    ctx.say(table)
    try ctx.csv("heldout_scores", header: ["method", "psnr_mean", "psnr_sd", "gain_mean", "gain_sd", "crops_improved", "ssim_mean", "ssim_sd",
                                           "sharpness_ratio"], rows: rows)
    try ctx.text("heldout_scores", table)
    try ctx.csv("heldout_per_crop", header: ["crop", "photo", "path_px", "noise_sigma"] + e.methods.flatMap { ["\($0.name) psnr", "\($0.name) ssim"] },
                rows: e.crops.indices.map { i in
                    [i, i % 2 == 0 ? "coffee" : "camera", e.crops[i].pathLength, e.crops[i].noiseSigma]
                        + e.methods.flatMap { [$0.psnr[i], $0.ssim[i]] as [Any] }
                })
    let shown = [live, shippedName, "Wiener, kernel turned 90°"].compactMap { e.method($0) }
    try ctx.figure("heldout_gain_per_crop", height: 900, title: "Per-crop PSNR gain over the blurred input, against the blur's path length") { fig in
        let a = fig.axes()
        for (k, m) in shown.enumerated() {
            a.scatter(x: e.crops.map(\.pathLength), y: zip(m.psnr, base.psnr).map { $0 - $1 }, label: m.name, color: Palette.color(k))
        }
        // Labelled below the line at the left: the DeblurGAN points crowd just above it at the right.
        a.hline(0, color: .ink)
        a.text("blurred input", x: e.crops.map(\.pathLength).min() ?? 1, y: -0.8)
        a.xscale = .log
        a.xlabel = "camera-shake path length (px, log scale)"
        a.ylabel = "PSNR(method) − PSNR(blurred) (dB)"
        a.legend = .bottomLeft
    }
    for m in e.methods {
        let key = m.name.lowercased().replacingOccurrences(of: "deblurgan, ", with: "deblurgan_").replacingOccurrences(of: ", ", with: "_")
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "–", with: "_").replacingOccurrences(of: "-", with: "_")
            .replacingOccurrences(of: "°", with: "")
        ctx.metric("\(key)_psnr_gain_db", MeanSD(zip(m.psnr, base.psnr).map { $0 - $1 }).mean)
    }
    guard let liveScore = e.method(live) else { return }
    let gain = MeanSD(zip(liveScore.psnr, base.psnr).map { $0 - $1 }).mean
    let share = Double(zip(liveScore.psnr, base.psnr).filter { $0 > $1 }.count) / Double(base.psnr.count)
    if ctx.quick {
        ctx.say("Quick mode: a 40-step tiny model — this run proves the pipeline, not the gain.")
    } else {
        try claim(gain > 0, "the live model restores held-out photos better than doing nothing (gain \(f2(gain)) dB)")
        ctx.say("This run's model gains \(String(format: "%+.3f", gain)) dB over the blurred input without knowing the kernel and improves "
                + "\(Int((100 * share).rounded())) % of the crops; the course's target for a live run is ≥ +\(f1(liveTarget)) dB on ≥ 80 % of crops: "
                + (gain >= liveTarget && share >= 0.8 ? "reached." : "NOT reached by this budget."))
    }
    if let s = e.method(shippedName) {
        let g = MeanSD(zip(s.psnr, base.psnr).map { $0 - $1 }).mean
        let ensemble = e.method(shippedEnsembleName).map { MeanSD(zip($0.psnr, base.psnr).map { $0 - $1 }).mean }
        ctx.say("The shipped model gains \(String(format: "%+.3f", g)) dB"
                + (ensemble.map { String(format: " (%+.3f dB averaged over the 8 flips and turns of each crop, at 8× the time)", $0) } ?? "")
                + "; its target is ≥ +\(f1(shippedTarget)) dB for the model itself"
                + (ctx.quick ? ", judged on the full run's 32 crops of 128² (quick mode scores 8 of 64²)."
                   : ": " + (g >= shippedTarget ? "reached." : "not reached yet.")))
    }
}

/// The shipped model's validation gain at every checkpoint, written by `course train` beside it.
let shippedCurve = "Data/models/deblurgan-course-validation.csv"

/// One checkpoint of a `course train` validation curve.
struct CurvePoint { let step: Int, hours: Double, gain: Double }

/// The validation curve `course train` writes beside a model (x.safetensors → x-validation.csv);
/// [] when the file is absent.
func readValidationCurve(_ ctx: CellContext, _ file: String) throws -> [CurvePoint] {
    guard let text = try? String(contentsOfFile: ctx.data(file).path, encoding: .utf8) else { return [] }
    let lines = text.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
    guard lines.first == ["step", "cpu_hours", "validation_psnr", "blurred_psnr", "gain_db"] else {
        throw CellError("\(file) is not a `course train` validation curve")
    }
    return lines.dropFirst().compactMap { l in
        guard l.count == 5, let step = Int(l[0]), let hours = Double(l[1]), let gain = Double(l[4]) else { return nil }
        return CurvePoint(step: step, hours: hours, gain: gain)
    }
}

lesson.cell("Gain against CPU time: this run and the shipped model", uses: [trained], data: [shippedCurve]) { ctx in
    let m = try ctx.use(trained)
    let liveCurve = m.history.compactMap { r in r.validationPSNR.map { (r.cpuSeconds / 3600, $0 - m.validationBaseline) } }
    let shipCurve = try readValidationCurve(ctx, shippedCurve).map { ($0.hours, $0.gain) }
    try ctx.figure("gain_against_cpu_time", height: 800, title: "Validation gain against training CPU time (8 held-out 128² crops)") { fig in
        let a = fig.axes()
        a.line(x: liveCurve.map(\.0), y: liveCurve.map(\.1), label: "this run (\(m.config.name) preset)", marker: .circle)
        if !shipCurve.isEmpty {
            a.line(x: shipCurve.map(\.0), y: shipCurve.map(\.1), label: "shipped model (\(shippedPreset) preset)", color: Palette.color(1), marker: .circle)
        }
        a.hline(0, label: "blurred input", color: .ink)
        a.xscale = .log
        a.xlabel = "training CPU hours, one thread (log scale)"
        a.ylabel = "PSNR gain over the blurred input (dB)"
        a.legend = .topLeft
    }
    if ctx.quick { ctx.say("Quick mode validates on 4 crops of 64², so this run's points are not on the shipped curve's crops.") }
    guard let end = liveCurve.last?.0, let final = shipCurve.last else {
        ctx.say("no shipped validation curve at \(shippedCurve)")
        return
    }
    func shipAt(_ hours: Double) -> Double? { shipCurve.last { $0.0 <= hours }?.1 }
    ctx.say("shipped model: " + [("this run's budget", end), ("twice it", 2 * end)].compactMap { name, h in
        shipAt(h).map { String(format: "%@ dB at %@ (%.2f CPU h)", signed($0), name, h) } }.joined(separator: ", ")
        + String(format: ", %@ dB at the end (%.2f CPU h)", signed(final.1), final.0))
}

lesson.markdown("""
    ## Longer runs: width, depth, photos or steps?

    The long run on 33 photos (the model shipped two models ago) flattens at about +0.9 dB on the
    validation crops, and its training loss tells why: over 50,000 steps the L1 content loss on
    training pairs fell only from 0.082 to 0.076 (its history, measured when it trained). A network that cannot fit its own training pairs is short of capacity or of signal,
    not overfitting. So the longer runs each change one thing of that recipe, at about the
    same CPU cost, and are scored on the same 8 validation crops by `course train`: a wider network
    (ngf 32: four times the FLOPs per step), the paper's depth at this width (9 ResBlocks: about
    twice), and more training photos (48 instead of 33; this run also had the direct convolution
    for the generator's last layer, about a quarter less CPU per step, so compare it step for
    step; it was the shipped model before the one below). Then the plainest question: that recipe
    for twice its steps (`course train --preset longer`: 100,000, its learning rate constant for
    the first half and falling to zero over the second), the gain-against-CPU-time curve out to
    twice its budget. The last run is the ninth recipe round's change at the long run's length:
    NAFNet's blocks instead of the ResBlocks, 50,000 steps (`course train --preset long-naf`), the
    model the course now ships. The left panel compares them step for step, the right one at equal CPU time —
    the budget that matters on a CPU.
    """)

/// Longer runs of `course train`, each one change from its parent (the first run's, unless it
/// names another), with the validation curve it wrote beside its model (a run stopped early: its
/// checkpoints so far).
let longRuns: [(id: String, label: String, curve: String, parent: String?)] = [
    ("long-33-photos", "ngf 16, 3 blocks, 33 photos", "Data/models/long-runs/long-33-photos-validation.csv", nil),
    ("long-ngf-32", "ngf 32", "Data/models/long-runs/long-ngf-32-validation.csv", nil),
    ("long-blocks-9", "9 blocks (stopped early)", "Data/models/long-runs/long-blocks-9-validation.csv", nil),
    ("long-48-photos", "48 photos, faster kernels (shipped before)", "Data/models/long-runs/long-48-photos-validation.csv", nil),
    ("longer", "48 photos, twice the steps", "Data/models/long-runs/longer-validation.csv", "long-48-photos"),
    ("long-naf", "NAFNet blocks (the shipped model)", shippedCurve, "long-48-photos"),
]

lesson.cell("Longer runs: width, depth, photos or steps", data: longRuns.map(\.curve)) { ctx in
    typealias Run = (id: String, label: String, curve: [CurvePoint], parent: String?)
    let runs: [Run] = try longRuns.map { (id: $0.id, label: $0.label, curve: try readValidationCurve(ctx, $0.curve), parent: $0.parent) }
        .filter { !$0.curve.isEmpty }
    guard let base = runs.first else { throw CellError("no long-run curves in Data/models/long-runs/") }
    try ctx.figure("long_runs", height: 800, title: "Longer runs, one change each: validation gain (8 held-out 128² crops)") { fig in
        let panels = fig.subplots(rows: 1, cols: 2, shareY: true)[0]
        for (k, r) in runs.enumerated() {
            panels[0].line(x: r.curve.map { Double($0.step) / 1000 }, y: r.curve.map(\.gain), label: r.label, color: Palette.color(k), marker: .circle)
            panels[1].line(x: r.curve.map(\.hours), y: r.curve.map(\.gain), label: r.label, color: Palette.color(k), marker: .circle)
        }
        panels[0].xlabel = "training steps (thousands; batch 4 of 64²)"
        panels[1].xlabel = "training CPU hours (summed over threads)"
        panels[0].ylabel = "PSNR gain over the blurred input (dB)"
        panels[0].title = "step for step"
        panels[1].title = "at equal CPU time"
        panels[0].legend = .hidden
        panels[1].legend = .bottomRight
    }
    // A run against its parent at the same CPU time: the parent's last checkpoint at or before it.
    func gain(_ curve: [CurvePoint], atHours h: Double) -> Double? { curve.last { $0.hours <= h * 1.02 }?.gain }
    func parent(of r: Run) -> Run { runs.first { $0.id == r.parent } ?? base }
    try ctx.csv("long_runs", header: ["run", "steps", "cpu_hours", "ms_per_step", "final_gain_db", "parent", "parent_gain_at_same_cpu_hours_db"],
                rows: runs.map { r in
                    let end = r.curve.last!, p = parent(of: r)
                    return [r.label, end.step, f2(end.hours), Int((end.hours * 3_600_000 / Double(end.step)).rounded()), f2(end.gain),
                            r.id == base.id ? "—" : p.label, r.id == base.id ? "—" : gain(p.curve, atHours: end.hours).map(f2) ?? "—"]
                })
    for r in runs { ctx.metric("\(r.id.replacingOccurrences(of: "-", with: "_"))_gain_db", r.curve.last!.gain) }
    let leads = runs.dropFirst().map { r in
        let p = parent(of: r)
        return "\(r.label) " + (gain(p.curve, atHours: r.curve.last!.hours).map { signed(r.curve.last!.gain - $0) } ?? "—") + " dB against \(p.label)"
    }
    // The noise of one checkpoint: the first run's scatter over the second half of its curve.
    let plateau = base.curve.suffix(base.curve.count / 2).map(\.gain)
    let jump = zip(plateau, plateau.dropFirst()).map { abs($1 - $0) }.max() ?? 0
    ctx.say("At its last checkpoint, against its parent at the same CPU time (or the parent's end, if it ran longer): \(leads.joined(separator: "; ")). "
            + "On the plateau one checkpoint's gain on 8 crops scatters by \(f2(MeanSD(plateau).sd)) dB (sd; up to \(f2(jump)) between "
            + "neighbours), so only a lead well beyond that is a finding.")
    if let longer = runs.first(where: { $0.id == "longer" }), let end = longer.curve.last,
       let before = gain(parent(of: longer).curve, atHours: end.hours) {
        try claim(end.gain - before < 0.1, "that twice the steps ends no more than one checkpoint's noise (0.1 dB) above the 48-photo run")
    }
    if let naf = runs.first(where: { $0.id == "long-naf" }), let end = naf.curve.last,
       let before = gain(parent(of: naf).curve, atHours: end.hours) {
        try claim(end.gain - before > 0.1, "that NAFNet's blocks end more than one checkpoint's noise (0.1 dB) above the 48-photo run")
    }
}

lesson.markdown("""
    Twice the CPU does not buy a better model: the longer run's validation curve rides the 48-photo
    run's plateau through its constant-rate half and ends no higher (the comparison above), and on
    the 32 test crops its generator scores within a few hundredths of a dB of that run's
    (`course score --checkpoint …`; the numbers are in Data/LICENSES.md). The recipe's curve is
    flat from about half a CPU-hour on. What is missing is not budget but something the network
    cannot learn at this size in any budget measured here: the next step is a different network,
    not a longer run of this one. The NAFNet run is that network: the same steps and recipe, and
    its curve keeps rising where the others flatten, ending well above the 48-photo run at the
    same CPU time (the lead is printed above).
    """)

lesson.markdown("""
    ## Where the gain comes from: blur strength

    The next figure splits the test crops by the length of their camera-shake path, all on one
    PSNR-gain axis. A short path is nearly a small symmetric blur, which a network learns to undo
    first; a 30-px path smears every edge into a streak whose shape must be inferred from the
    image itself. The oracle bars show how much a method that *knows* the kernel recovers at each
    strength — and the wrong-kernel bars how quickly that advantage is lost.
    """)

let strengthBins = DeblurRecipe.strengthBins

lesson.cell("Gain by blur strength", uses: [evaluation], data: trainingData + [ShippedCheckpoint.path]) { ctx in
    let e = try ctx.use(evaluation)
    let base = e.methods[0]
    let shown = [live, shippedName, tunedWienerName, "Wiener, kernel turned 90°"].compactMap { e.method($0) }
    var table = "| path | crops | blurred (dB) | " + shown.map { "\($0.name) (dB)" }.joined(separator: " | ") + " |\n|---|---|---|"
        + String(repeating: "---|", count: shown.count) + "\n"
    var gains: [[Double]] = shown.map { _ in [] }, rows: [[Any]] = []
    for bin in strengthBins {
        let idx = e.crops.indices.filter { bin.range.contains(e.crops[$0].pathLength) }
        let blurred = MeanSD(idx.map { base.psnr[$0] }).mean
        var cells: [String] = []
        for (k, m) in shown.enumerated() {
            let g = idx.isEmpty ? .nan : MeanSD(idx.map { m.psnr[$0] - base.psnr[$0] }).mean
            gains[k].append(g)
            cells.append(signed(g))
        }
        table += "| \(bin.name) | \(idx.count) | \(f2(blurred)) | " + cells.joined(separator: " | ") + " |\n"
        rows.append([bin.name, idx.count, blurred] + gains.map { $0.last! as Any })
        if let k = shown.firstIndex(where: { $0.name == live }) { ctx.metric("live_gain_\(bin.name.split(separator: " ")[0])_px_db", gains[k].last!) }
    }
    ctx.say("PSNR gain over the blurred input by path length:")
    ctx.say(table)
    try ctx.text("gain_by_strength", table)
    try ctx.csv("gain_by_strength", header: ["path", "crops", "blurred_psnr"] + shown.map { "\($0.name) gain" }, rows: rows)
    try ctx.figure("gain_by_strength", height: 850, title: "Held-out PSNR gain over the blurred input, by blur strength (one axis for all)") { fig in
        let a = fig.axes()
        a.bars(categories: strengthBins.map { "path \($0.name)" }, values: gains, labels: shown.map(\.name), showValues: true)
        a.hline(0, color: .ink, style: .solid)
        a.ylabel = "PSNR gain (dB)"
        a.xlabel = "camera-shake path length"
        a.legend = .outside
    }
    if !ctx.quick, let k = shown.firstIndex(where: { $0.name == live }) {
        let g = gains[k]
        ctx.say(g.allSatisfy { $0 > 0 } ? "This run's model gains at every strength, most at \(strengthBins[g.firstIndex(of: g.max()!)!].name)."
                : "This run's model does not gain at every strength: " + zip(strengthBins, g).map { "\($0.name) \(signed($1)) dB" }.joined(separator: ", ") + ".")
    }
}

/// |a − b| per pixel, averaged over channels and amplified, as a gray image.
func errorMap(_ a: Image, _ b: Image, gain: Float = 4) -> RasterImage {
    let n = a.height * a.width
    var out = [Float](repeating: 0, count: n)
    for c in 0..<a.channels { for i in 0..<n { out[i] += abs(a.pixels[c * n + i] - b.pixels[c * n + i]) / Float(a.channels) } }
    return RasterImage(gray: out.map { min($0 * gain, 1) }, height: a.height, width: a.width)
}

lesson.cell("Blurred, restored, sharp — and where the errors are", uses: [evaluation], data: trainingData + [ShippedCheckpoint.path]) { ctx in
    let e = try ctx.use(evaluation)
    let base = e.methods[0]
    let models = [live, shippedName].compactMap { e.method($0) }
    // One crop per strength bin: the one where this run's gain is the bin's median.
    let picks: [Int] = strengthBins.compactMap { bin in
        let idx = e.crops.indices.filter { bin.range.contains(e.crops[$0].pathLength) }
        guard let m = e.method(live) else { return idx.first }
        let sorted = idx.sorted { m.psnr[$0] - base.psnr[$0] < m.psnr[$1] - base.psnr[$1] }
        return sorted.isEmpty ? nil : sorted[sorted.count / 2]
    }
    let side = e.crops[0].sharp.width
    let inset = ImageGrid.Inset(x: side * 3 / 8, y: side * 3 / 8, width: side / 4, height: side / 4, size: 0.42)
    try ctx.figure("heldout_grid", width: 1600, height: 1500,
                   title: "Held-out crops of each strength (median gain), centre enlarged: blurred / DeblurGAN / sharp") { fig in
        let grid = fig.imageGrid(rows: picks.count, cols: 2 + models.count)
        grid.colLabels = ["blurred input"] + models.map(\.name) + ["sharp"]
        grid.rowLabels = picks.map { "path \(f1(e.crops[$0].pathLength)) px" }
        grid.inset = inset
        for (r, i) in picks.enumerated() {
            let c = e.crops[i]
            grid.set(raster(c.blurred), row: r, col: 0, caption: "\(f1(base.psnr[i])) dB")
            for (k, m) in models.enumerated() { grid.set(raster(m.restored[i]), row: r, col: 1 + k, caption: "\(f1(m.psnr[i])) dB") }
            grid.set(raster(c.sharp), row: r, col: 1 + models.count)
        }
    }
    try ctx.figure("heldout_errors", width: 1600, height: 1500, title: "|result − sharp| × 4 on the same crops: darker is closer to the truth") { fig in
        let grid = fig.imageGrid(rows: picks.count, cols: 1 + models.count)
        grid.colLabels = ["blurred input"] + models.map(\.name)
        grid.rowLabels = picks.map { "path \(f1(e.crops[$0].pathLength)) px" }
        for (r, i) in picks.enumerated() {
            let c = e.crops[i]
            grid.set(errorMap(c.blurred, c.sharp), row: r, col: 0, caption: "mean |error| \(f3(Metrics.mse(c.blurred, c.sharp).squareRoot())) RMS")
            for (k, m) in models.enumerated() {
                grid.set(errorMap(m.restored[i], c.sharp), row: r, col: 1 + k, caption: "\(f3(Metrics.mse(m.restored[i], c.sharp).squareRoot())) RMS")
            }
        }
    }
}

// MARK: - 6. What the adversarial phase does

lesson.markdown("""
    ## What the critic adds

    The paper's ablation compares the content loss alone with content + adversarial. The lesson's
    run has both in one: its generator at the end of the content-only phase, and the same
    generator after the WGAN-GP phase. PSNR and SSIM reward the conditional mean — the average
    of every sharp image consistent with the blur, which is smooth — so a critic that pushes
    towards sharp-looking texture can *lower* them while making the result crisper (Blau &
    Michaeli's perception–distortion trade-off). The sharpness ratio shows that side.
    """)

lesson.cell("Content only vs + WGAN-GP", uses: [evaluation], data: trainingData + [ShippedCheckpoint.path]) { ctx in
    let e = try ctx.use(evaluation)
    guard let before = e.method(liveContentOnly), let after = e.method(live) else {
        ctx.say("this run has no content-only phase to compare")
        return
    }
    let base = e.methods[0]
    let ms = [base, before, after]
    var table = "| generator | PSNR (dB) | SSIM | sharpness ratio (1 = sharp) |\n|---|---|---|---|\n"
    for m in ms { table += "| \(m.name) | \(f2(MeanSD(m.psnr).mean)) | \(f3(MeanSD(m.ssim).mean)) | \(f2(MeanSD(m.sharpness).mean)) |\n" }
    ctx.say(table)
    try ctx.text("adversarial_ablation", table)
    try ctx.csv("adversarial_ablation", header: ["generator", "psnr", "ssim", "sharpness_ratio"],
                rows: ms.map { [$0.name, MeanSD($0.psnr).mean, MeanSD($0.ssim).mean, MeanSD($0.sharpness).mean] })
    try ctx.figure("adversarial_ablation", height: 750, title: "The adversarial phase: content loss alone vs + WGAN-GP, same run") { fig in
        let ax = fig.subplots(rows: 1, cols: 3)
        let names = ["content only", "+ WGAN-GP"]
        // Gains over the blurred input, so differences of hundredths are not lost on an axis from 0.
        for (a, f, label) in [(ax[0][0], { (m: MethodScore) in m.psnr }, "PSNR gain over blurred (dB)"),
                              (ax[0][1], { (m: MethodScore) in m.ssim }, "SSIM gain over blurred")] {
            a.bars(categories: names, values: [[before, after].map { MeanSD(f($0)).mean - MeanSD(f(base)).mean }], labels: [label], showValues: true)
            a.hline(0, color: .ink, style: .solid)  // the blurred input; unlabelled, the bars would cover the label
            a.title = label
            a.legend = .hidden
        }
        let q = ax[0][2]
        q.bars(categories: ["blurred"] + names, values: [ms.map { MeanSD($0.sharpness).mean }], labels: ["sharpness ratio"], showValues: true)
        q.hline(1, label: "sharp", color: .ink)
        q.title = "sharpness ratio (1 = sharp)"
        q.legend = .hidden
    }
    let dp = MeanSD(after.psnr).mean - MeanSD(before.psnr).mean, ds = MeanSD(after.sharpness).mean - MeanSD(before.sharpness).mean
    // Changes this small are within what another seed would give: called "about the same".
    let psnrWord = abs(dp) < 0.05 ? "about the same PSNR" : dp > 0 ? "higher PSNR" : "lower PSNR"
    let sharpWord = abs(ds) < 0.02 ? "no crisper" : ds > 0 ? "crisper" : "smoother"
    ctx.say("The adversarial phase changed PSNR by \(signed(dp)) dB and the sharpness ratio by \(signed(ds)): \(psnrWord), \(sharpWord)"
            + (ds >= 0.02 && dp < 0 ? " — the trade-off above." : " at this budget."))
    ctx.metric("adversarial_phase_psnr_change_db", dp)
    ctx.metric("adversarial_phase_sharpness_change", ds)
}

// MARK: - 7. A real motion-blurred photo

lesson.markdown("""
    ## A real motion-blurred photo

    clock_motion.png was taken while the camera moved, roughly horizontally: real blur, with real
    noise and processing, and no sharp version to compare against — so there is no PSNR, only a
    look. It is 400 × 300 and grey; the generators were trained on 64² colour crops, but they are
    fully convolutional, so they run on the whole photo (grey is repeated into RGB). Look at the
    numerals and the edge of the clock face in the enlargement.
    """)

/// The clock photo shrunk `downscale`× (area averaging), and each model's restoration of it at that size.
func clockColumns(_ ctx: CellContext, downscale: Int) throws -> (photo: Image, columns: [(String, Image)]) {
    let model = try ctx.use(trained)
    let ship = try ctx.use(shipped)
    let full = try PNG.read(ctx.data(realBlurPhoto).path).rgb()
    let photo = full.resized(width: full.width / downscale, height: full.height / downscale, method: .area)
    let size = downscale == 1 ? "" : ", 1/\(downscale) size"
    var columns = [("blurred photo\(size)", photo)]
    let start = Date()
    columns.append(("DeblurGAN, this run (\(model.config.name))\(size)", Deblurrer(generator: model.generator).deblur(image: photo)))
    ctx.say(String(format: "%d × %d deblurred in %.2f s", photo.width, photo.height, Date().timeIntervalSince(start)))
    if let ship {
        columns.append(("DeblurGAN, shipped (\(ship.metadata["preset"] ?? "long"))\(size)", Deblurrer(generator: ship.generator).deblur(image: photo)))
    }
    // No sharp clock exists: gradient energy against the blurred photo's says how much detail was added.
    let suffix = downscale == 1 ? "" : "_1_\(downscale)"
    for (c, key) in zip(columns.dropFirst(), ["clock_detail_ratio_this_run", "clock_detail_ratio_shipped"]) {
        ctx.metric(key + suffix, Metrics.gradientEnergy(c.1) / Metrics.gradientEnergy(photo))
    }
    return (photo, columns)
}

/// How many pixels the clock face's left and right edges take to rise from 10 % to 90 % of the way
/// from the background to the face's brightest column, in the mean of the middle sixth of the rows:
/// for a horizontal smear over a step edge, the smear's length.
func edgeRises(_ image: Image) -> (left: Int, right: Int) {
    let (h, w) = (image.height, image.width), rows = (h * 5 / 12)..<(h * 7 / 12)
    let profile = (0..<w).map { x in rows.map { image.pixels[$0 * w + x] }.reduce(0, +) / Float(rows.count) }
    let peak = profile.indices.max { profile[$0] < profile[$1] }!
    func rise(_ side: [Float]) -> Int {
        let background = side.prefix(max(3, side.count / 4)).reduce(0, +) / Float(max(3, side.count / 4))
        let top = side.max()!
        let at = { (f: Float) in side.firstIndex { $0 > background + f * (top - background) }! }
        return at(0.9) - at(0.1)
    }
    return (rise(Array(profile[...peak])), rise(Array(profile[peak...].reversed())))
}

lesson.cell("Deblurring the real motion-blurred clock", uses: [trained, shipped], data: trainingData + [realBlurPhoto, ShippedCheckpoint.path]) { ctx in
    let (photo, columns) = try clockColumns(ctx, downscale: 1)
    let rises = edgeRises(photo)
    ctx.say("Across the middle rows of the blurred clock, the face's left edge rises over \(rises.left) px and its right edge over \(rises.right) px (10 to 90 % of the way up).")
    ctx.metric("clock_edge_rise_left_px", Double(rises.left))
    ctx.metric("clock_edge_rise_right_px", Double(rises.right))
    try ctx.image("clock_deblurred", png: try PNG.encode(columns.last!.1), caption: "clock_motion.png deblurred by \(columns.last!.0)")
    try ctx.figure("clock_motion", width: 1600, height: 620, title: "A real motion-blurred photo (no sharp version exists)") { fig in
        let grid = fig.imageGrid(rows: 1, cols: columns.count)
        grid.colLabels = columns.map(\.0)
        grid.inset = .init(x: 150, y: 100, width: 120, height: 80, size: 0.45)
        for (k, c) in columns.enumerated() { grid.set(raster(c.1), row: 0, col: k) }
    }
}

lesson.markdown("""
    At full size the generators fade the rim's horizontal ghosts but leave the face smeared, and
    the reason is the length of the smear: the face's left and right edges each rise over about
    40 px (above), so the camera moved about 40 px during the exposure — longer than any path the
    generators trained on (2 to 30 px). A network learns the blur it was shown and little more;
    DeblurGAN's model trained on synthetic blur alone scores 23.7 dB on GoPro's real blur, against
    28.7 for the one that also saw GoPro's (its README). Shrinking the photo halves the smear to
    about 20 px, inside the training range — the first scale of a coarse-to-fine deblurrer (Nah et
    al. 2017), and `course deblur --downscale 2` — at the price of half the pixels.
    """)

lesson.cell("The clock at half size", uses: [trained, shipped], data: trainingData + [realBlurPhoto, ShippedCheckpoint.path]) { ctx in
    let (photo, columns) = try clockColumns(ctx, downscale: 2)
    // The clock fills the middle of the frame: show that part, enlarged (each pixel a block).
    let (x, y, w, h) = (photo.width / 4, photo.height * 7 / 30, photo.width / 2, photo.height * 8 / 15)
    try ctx.figure("clock_motion_half", width: 1600, height: 620,
                   title: "The clock at half size, enlarged: a 20 px smear, inside the training range") { fig in
        let grid = fig.imageGrid(rows: 1, cols: columns.count)
        grid.colLabels = columns.map(\.0)
        for (k, c) in columns.enumerated() { grid.set(raster(c.1.cropped(x: x, y: y, width: w, height: h)), row: 0, col: k) }
    }
}

lesson.markdown("""
    At half size the face gets an outline: where the blurred face fades into the wall over several
    pixels on its left and right, the shipped model draws an edge, and the horizontal streaks
    inside thin out. The numerals do not come back — the smear has averaged each of them into a
    streak, and a network can only restore what its training pairs taught it to infer — and the
    faint colour in the restorations is the networks' own: the photo is grey. Sharper, then, but
    not sharp: real blur at the edge of the training range is harder than the synthetic blur the
    held-out crops were made with.
    """)

// MARK: - 8. Content losses compared

lesson.markdown("""
    ## Which content loss?

    The content term decides what "close to the sharp image" means. L2 on pixels punishes large
    errors most and is known to give blurry averages (any blur that is uncertain gets averaged);
    L1 is the median's loss and blurs less (EDSR found it converged better); the perceptual loss
    compares VGG19 feature maps, so it cares about edges and texture rather than exact pixel
    values. Here a smaller network with the lesson's recipe (ngf 8, 2 blocks, 48² crops, content
    loss only) is trained with each available content loss from the same seed, on the same
    batches, for the same number of steps, and evaluated on the same held-out crops. With one seed
    and a short budget, differences of a few tenths of a dB are within noise.
    """)

lesson.cell("Content-loss variants on one budget", uses: [contentLoss], data: trainingData) { ctx in
    var variants: [ContentLoss] = [.l2, .l1]
    let standard = try ctx.use(contentLoss).loss
    if standard.isPerceptual { variants.append(standard) } else {
        ctx.say("The perceptual variant is left out: the VGG19 weights are not available (see the first cell).")
    }
    var config = DeblurGANConfig(name: "variants", ngf: 8, blocks: 2, ndf: 8, cropSize: 48, batchSize: 4, steps: ctx.pick(quick: 8, full: 1500))
    config.applyCourseRecipe()
    config.contentOnlySteps = config.steps
    let batches = DeblurRecipe.batches(try loadPhotos(ctx, trainingPhotos), config: config, seed: ctx.seed &+ 17)
    let crops = try heldOutCrops(ctx, count: ctx.pick(quick: 4, full: 16), size: ctx.pick(quick: 64, full: 128), seed: ctx.seed &+ 2000)
    let base = RestorationScore(crops: crops) { $0 }
    var rows: [[Any]] = []
    var table = "| content loss | PSNR (dB) | gain (dB) | SSIM | s per step |\n|---|---|---|---|---|\n"
    table += "| (blurred input) | \(f2(base.blurredPSNR)) | | \(f3(base.blurredSSIM)) | |\n"
    var results: [(name: String, psnr: Double, ssim: Double)] = []
    for (v, content) in variants.enumerated() {
        let trainer = DeblurGANTrainer(config: config, content: content, seed: ctx.seed, batches: batches)
        let start = Date()
        do {
            try trainer.train { r in try ctx.progress(v * config.steps + r.step, of: variants.count * config.steps, label: content.name) }
        } catch let diverged as TrainingDiverged {
            throw CellError("content loss \(content.name): \(diverged)")
        }
        let perStep = Date().timeIntervalSince(start) / Double(config.steps)
        let deblurrer = Deblurrer(generator: trainer.generator)
        let s = RestorationScore(crops: crops) { deblurrer.deblur(image: $0) }
        table += "| \(content.name) | \(f2(s.restoredPSNR)) | \(signed(s.meanGain)) | \(f3(s.restoredSSIM)) | \(f3(perStep)) |\n"
        rows.append([content.name, s.restoredPSNR, s.meanGain, s.restoredSSIM, perStep])
        results.append((content.name, s.restoredPSNR, s.restoredSSIM))
        ctx.metric("variant_\(content.name.hasPrefix("perceptual") ? "perceptual" : content.name)_psnr", s.restoredPSNR)
    }
    ctx.say("\(config.steps) steps each (ngf \(config.ngf), \(config.blocks) blocks, \(config.cropSize)² crops, batch \(config.batchSize)), same seed and batches; \(crops.count) held-out crops:")
    ctx.say(table)
    try ctx.csv("content_loss_variants", header: ["content_loss", "psnr", "gain_db", "ssim", "seconds_per_step"], rows: rows)
    try ctx.text("content_loss_variants", table)
    try ctx.figure("content_loss_variants", height: 800, title: "Content losses, \(config.steps) steps each from one seed: held-out gains over the blurred input") { fig in
        let ax = fig.subplots(rows: 1, cols: 2)
        let names = results.map(\.name)
        ax[0][0].bars(categories: names, values: [results.map { $0.psnr - base.blurredPSNR }], labels: ["PSNR gain"], showValues: true)
        ax[0][0].ylabel = "PSNR gain (dB)"
        ax[0][0].title = "PSNR gain (mean over crops)"
        ax[0][1].bars(categories: names, values: [results.map { $0.ssim - base.blurredSSIM }], labels: ["SSIM gain"], showValues: true)
        ax[0][1].ylabel = "SSIM gain"
        ax[0][1].title = "SSIM gain (mean over crops)"
        for a in [ax[0][0], ax[0][1]] {
            a.hline(0, label: "blurred input", color: .ink, style: .solid)
            a.legend = .hidden
        }
    }
}

// MARK: - 9. The paper's configuration

lesson.markdown("""
    ## The paper's configuration

    The paper trains ngf 64 with 9 ResBlocks on 256² crops, batch 1, for 300 epochs of GoPro's
    2,103 training pairs — 630,900 generator steps, each with 5 critic updates. The course runs it
    (`DeblurGANConfig.paper`; `PairedImageFolder` reads the GoPro layout), but on a CPU it is not a
    lecture-time job: the cell below times one training step and extrapolates. The paper trained on
    a GPU; its reported result is 28.7 dB PSNR on the GoPro test set.
    """)

lesson.cell("One training step of the paper's network", uses: [contentLoss], data: trainingData) { ctx in
    let config = DeblurGANConfig.paper
    if ctx.quick {
        ctx.say("Quick mode skips this step (it takes 15–60 s on 2 cores); the full run times it.")
        return
    }
    let content = try ctx.use(contentLoss).loss
    let trainer = DeblurGANTrainer(config: config, content: content, seed: ctx.seed,
                                   batches: DeblurRecipe.batches(try loadPhotos(ctx, trainingPhotos), config: config, seed: ctx.seed &+ 17))
    let start = Date()
    let r = try trainer.trainStep()
    let seconds = Date().timeIntervalSince(start)
    try ctx.requireFinite(Double(r.contentLoss), "content loss of the paper's first step")
    let days = seconds * Double(config.steps) / 86_400
    ctx.say(String(format: "one step (batch 1, 256² crop, 5 critic updates, %@): %.1f s with %d thread(s)", content.name, seconds, ctx.threads))
    ctx.say(String(format: "× %d steps ≈ %.0f days (%.1f years) on this machine — hence the recipe search above", config.steps, days, days / 365))
    ctx.metric("paper_seconds_per_step", seconds)
    ctx.metric("paper_training_days", days)
}

lesson.markdown("""
    ## Using a trained model

    `course deblur IN.png OUT.png` deblurs a PNG of any size: with `--checkpoint FILE` if given,
    else with this lesson's model (out/deblurgan/deblurgan.safetensors) if a full run trained one,
    else with the shipped model in Data/models/ — its output line names which. It pads the image
    to the network's stride of 4 and processes big images in overlapping tiles, so memory stays
    bounded; `--downscale 2` deblurs at half size, for smears longer than 30 px like the clock's.
    `course train --preset \(shippedPreset)` is how the shipped model was made: it resumes from its
    checkpoint for as many sittings as it takes, and Ctrl-C keeps the checkpoint.

    What to take away: a blind network is trained, not told the kernel — and what it learns
    depends on the budget and the recipe. The paper's recipe, shrunk to a CPU, barely moves a
    photo; measured one change at a time, a content loss alone at a higher learning rate without
    InstanceNorm buys far more per CPU-minute, the critic is left for a short last phase, and
    varied training photos buy more than a wider network. Past that, no knob of the same network
    moved it: a block built for restoration (NAFNet's: LayerNorm and a gate instead of ReLU) did,
    with half the parameters. The non-blind methods do better still when handed the true kernel
    and lose that advantage as soon as the kernel is wrong. DeblurGAN's published results come from days of GPU training on a
    network about 40× the lesson's; `DeblurGANConfig.paper` builds and trains it too.
    """)

lesson.main()
