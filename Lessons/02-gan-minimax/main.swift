import Autograd
import Foundation
import GANKit
import NN
import Notebook
import Plot

let lesson = Lesson("gan-minimax", title: "GAN minimax and its failure modes")
let log2 = Foundation.log(2.0)

lesson.markdown("""
    # Why the original GAN is hard to train

    Goodfellow et al. (2014) set a generator G against a discriminator D in one value function,

    ```math
    V(G, D) = E_{x~p_r}[log D(x)] + E_{z~p_z}[log(1 − D(G(z)))],     min_G max_D V(G, D).
    ```

    D is a probability (here σ of a network's score); p_g is the law of G(z). Every claim of the
    lecture below becomes a number computed twice — exactly on a grid, and by training a network —
    and a figure:

    1. the optimal discriminator D* = p_r / (p_r + p_g), and V(G, D*) = 2·JS(p_r‖p_g) − 2 log 2;
    2. JS saturates at log 2 once the supports separate, while the Wasserstein distance keeps growing;
    3. the saturating generator loss has vanishing gradients as D gets better;
    4. the −log D trick changes what G minimises: KL(P_g‖P_r) − 2·JS;
    5. KL(P_g‖P_r) barely punishes missing modes and hugely punishes unrealistic samples;
    6. and why GANs on a ring of 8 Gaussians can collapse onto a few of them.

    Logarithms are natural, so log 2 ≈ 0.693 is the largest value JS can take.
    """)

// MARK: - Helpers shared by the cells

/// D's scores (logits) on a 1-D grid; σ of them are its probabilities, to compare with D*.
func scores(_ d: Module, on grid: [Double]) -> [Double] {
    withNoGrad { d(Tensor(shape: [grid.count, 1], data: grid.map(Float.init))).data.map(Double.init) }
}

func sigmoid(_ s: Double) -> Double { 1 / (1 + exp(-s)) }

/// V(G, D) estimated on two batches: mean log σ(s_r) + mean log(1 − σ(s_f)).
func sampleValue(_ d: Module, real: Tensor, fake: Tensor) -> Double {
    withNoGrad { Double(d(real).logSigmoid().mean().item + (-d(fake)).logSigmoid().mean().item) }
}

/// The first and last index where a condition holds, as a closed range of grid values.
func span(_ grid: [Double], where keep: [Bool]) -> ClosedRange<Double> {
    let first = keep.firstIndex(of: true)!, last = keep.lastIndex(of: true)!
    return grid[first] ... grid[last]
}

/// A 1-D grid from `lo` to `hi` with `count` points.
func grid(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
    (0..<count).map { lo + (hi - lo) * Double($0) / Double(count - 1) }
}

// MARK: - 1. The optimal discriminator

lesson.markdown("""
    ## 1. The optimal discriminator

    For a fixed G, V is an integral over x of p_r(x)·log D(x) + p_g(x)·log(1 − D(x)). Maximising
    a·log y + b·log(1 − y) over y ∈ (0, 1) gives y = a/(a + b), so pointwise

    ```math
    D*(x) = p_r(x) / (p_r(x) + p_g(x)).
    ```

    Substituting D* and writing m = (p_r + p_g)/2:

    ```math
    V(G, D*) = E_r[log(p_r / 2m)] + E_g[log(p_g / 2m)] = KL(p_r‖m) + KL(p_g‖m) − 2 log 2
             = 2·JS(p_r‖p_g) − 2 log 2.
    ```

    So a generator that faces a perfect discriminator minimises the Jensen–Shannon divergence.
    Below, p_r = N(0, 1) and p_g = N(1.5, 0.5²). A small MLP D (1 → 64 → 64 → 1, ReLU) is trained
    with the discriminator loss on fresh samples every step (Adam, learning rate 10⁻³, batches of
    512 from each). Because p_g is narrower than p_r, D* is not a simple threshold: it returns to 1
    in p_r's far right tail. Look at how closely σ(D) follows D* where there is data, and how V(G, D)
    climbs towards 2·JS − 2 log 2 from below as D trains (any D scores at most V(G, D*)).
    """)

lesson.cell("The optimal discriminator, exact and learned") { ctx in
    let pr = Gaussian1D(mean: 0, std: 1), pg = Gaussian1D(mean: 1.5, std: 0.5)
    let xs = grid(-6, 6, count: 2401)
    let exact = TabulatedDensities(grid: xs, real: pr.density, generated: pg.density)
    let dStar = exact.optimalDiscriminator
    let vStar = exact.value(logits: exact.optimalLogits), twoJS = 2 * exact.js - 2 * log2
    ctx.say(String(format: "exact: V(G, D*) = %.8f,  2·JS − 2 log 2 = %.8f  (JS = %.5f)", vStar, twoJS, exact.js))
    try claim(abs(vStar - twoJS) < 1e-6, "V(G, D*) = 2·JS − 2 log 2 to 1e-6")

    let steps = ctx.pick(quick: 1500, full: 6000), every = ctx.pick(quick: 50, full: 100)
    let d = mlp([1, 64, 64, 1], using: &ctx.rng)
    var curve: [(step: Int, value: Double)] = [(0, exact.value(logits: scores(d, on: xs)))]
    try trainCritic(d, loss: .nonSaturating, optimiser: .adam(learningRate: 1e-3, beta1: 0.9, beta2: 0.999), steps: steps,
                    real: { pr.sample(512, using: &$0) }, fake: { pg.sample(512, using: &$0) }, using: &ctx.rng) { step, _ in
        if step % every == 0 { curve.append((step, exact.value(logits: scores(d, on: xs)))) }
        try ctx.progress(step, of: steps, label: "training D")
    }
    let learnedScores = scores(d, on: xs)
    let learned = learnedScores.map(sigmoid)
    let vLearned = exact.value(logits: learnedScores)

    // Where is there data? Report the error where the mixture density (p_r + p_g)/2 is at least 0.01.
    let mixture = xs.map { (pr.density($0) + pg.density($0)) / 2 }
    let inside = mixture.map { $0 >= 0.01 }
    let region = span(xs, where: inside)
    let maxError = zip(zip(learned, dStar), inside).filter(\.1).map { abs($0.0.0 - $0.0.1) }.max()!
    let meanError = zip(zip(learned, dStar), mixture).reduce(0.0) { $0 + abs($1.0.0 - $1.0.1) * $1.1 } / mixture.reduce(0, +)
    ctx.say(String(format: "learned D after %d steps: max |σ(D) − D*| = %.3f on x ∈ [%.2f, %.2f] (where (p_r + p_g)/2 ≥ 0.01), "
                   + "mean %.4f weighted by (p_r + p_g)/2", steps, maxError, region.lowerBound, region.upperBound, meanError))
    ctx.say(String(format: "V(G, D_learned) = %.5f vs V(G, D*) = %.5f: a gap of %.1e", vLearned, vStar, vStar - vLearned))
    ctx.metric("js_exact", exact.js)
    ctx.metric("value_at_d_star", vStar)
    ctx.metric("two_js_minus_two_log2", twoJS)
    ctx.metric("value_identity_error", abs(vStar - twoJS))
    ctx.metric("value_learned", vLearned)
    ctx.metric("d_star_max_error", maxError)
    ctx.metric("d_star_mean_error", meanError)
    try claim(vLearned <= vStar + 1e-9, "no discriminator beats D*")
    try claim(vStar - vLearned < 0.02, "the trained D's value is within 0.02 of V(G, D*)")
    try claim(maxError < 0.1, "σ(D) is within 0.1 of D* where there is data")

    try ctx.csv("optimal_discriminator", header: ["x", "p_r", "p_g", "d_star", "d_learned"],
                rows: xs.indices.map { [xs[$0], pr.density(xs[$0]), pg.density(xs[$0]), dStar[$0], learned[$0]] })
    try ctx.csv("value_during_training", header: ["d_step", "value", "value_at_d_star"], rows: curve.map { [$0.step, $0.value, vStar] })
    try ctx.figure("optimal_discriminator", title: "The optimal discriminator D* = p_r / (p_r + p_g), learned by a small MLP") { fig in
        let axes = fig.subplots(rows: 1, cols: 2)
        let (left, right) = (axes[0][0], axes[0][1])
        left.line(x: xs, y: xs.map(pr.density), label: "p_r = N(0, 1)", color: Palette.color(2), style: .dashed, width: 2.5)
        left.line(x: xs, y: xs.map(pg.density), label: "p_g = N(1.5, 0.5²)", color: Palette.color(1), style: .dashed, width: 2.5)
        left.line(x: xs, y: dStar, label: "D*(x)", color: .ink, width: 5)
        left.line(x: xs, y: learned, label: "σ(D(x)), trained", color: Palette.color(0), width: 3)
        left.vline(region.lowerBound, color: Color(hex: 0x9A9A9A), style: .dotted)
        left.vline(region.upperBound, color: Color(hex: 0x9A9A9A), style: .dotted)
        left.xlim = -5 ... 5
        left.ylim = 0 ... 1.05
        left.title = String(format: "max |σ(D) − D*| = %.3f between the dotted lines", maxError)
        left.xlabel = "x"
        left.ylabel = "probability / density"
        left.legend = .bottomLeft
        right.line(x: curve.map { Double($0.step) }, y: curve.map(\.value), label: "V(G, D) of the trained D", color: Palette.color(0))
        right.hline(vStar, label: "2·JS − 2 log 2", color: .ink)
        right.hline(-2 * log2, label: "−2 log 2 (D ≡ ½)", color: Color(hex: 0x9A9A9A), style: .dotted)
        right.title = "V(G, D) rises to V(G, D*) as D trains"
        right.xlabel = "discriminator step"
        right.ylabel = "V(G, D) (exact, on the grid)"
        right.legend = .bottomRight
    }
}

// MARK: - 2. JS against separation

lesson.markdown("""
    ## 2. JS saturates, the Wasserstein distance does not

    Slide p_g away from p_r. While the distributions overlap, JS grows with the shift; once they
    barely overlap it is stuck near log 2 — and exactly at log 2 once the supports are disjoint,
    however far apart they are. Its gradient with respect to the shift is then zero: a generator
    driven by JS gets no signal about *which way* the data lies. The earth mover's (Wasserstein-1)
    distance W = ∫|F_r − F_g| dx keeps growing like the shift itself. Left: p_r = N(0, 1) against
    p_g = N(s, 1). Right: U[0, 1] against U[s, s + 1], where JS = s·log 2 up to s = 1 and log 2
    after; both computed on a grid.
    """)

lesson.cell("JS and W as two distributions slide apart") { ctx in
    let xs = grid(-8, 20, count: 14001)
    let gaussShifts = grid(0, 8, count: 81)
    let gauss = gaussShifts.map { s in
        TabulatedDensities(grid: xs, real: Gaussian1D(mean: 0, std: 1).density, generated: Gaussian1D(mean: s, std: 1).density)
    }
    let us = grid(-0.5, 4.5, count: 10001).map { $0 + 0.00025 }   // midpoints away from the uniforms' edges
    let uniShifts = grid(0, 3, count: 61)
    let uni = uniShifts.map { s in
        TabulatedDensities(grid: us, real: { (0..<1).contains($0) ? 1 : 0 }, generated: { (s..<(s + 1)).contains($0) ? 1 : 0 })
    }
    let uniJSError = zip(uniShifts, uni).map { abs($1.js - min($0, 1) * log2) }.max()!
    let wError = zip(gaussShifts, gauss).map { abs($1.wasserstein - $0) }.max()!
    ctx.say(String(format: "Gaussians: JS = %.4f at s = 4, %.6f at s = 8 (log 2 = %.6f); W = s to %.1e", gauss[40].js, gauss[80].js, log2, wError))
    ctx.say(String(format: "uniforms: JS = min(s, 1)·log 2 to %.1e; JS − log 2 = %.1e at s = 2 (disjoint)", uniJSError, uni[40].js - log2))
    ctx.metric("gaussians_js_at_shift_8", gauss[80].js)
    ctx.metric("uniform_js_at_shift_2", uni[40].js)
    ctx.metric("uniform_js_closed_form_error", uniJSError)
    ctx.metric("wasserstein_minus_shift_max", wError)
    try claim(uniJSError < 2e-3, "JS of sliding uniforms = min(s, 1)·log 2")
    try claim(abs(uni[40].js - log2) < 1e-12, "JS = log 2 for disjoint supports")
    try claim(wError < 1e-4, "W = |shift| for a shifted Gaussian")

    try ctx.csv("js_vs_shift", header: ["pair", "shift", "js", "wasserstein"],
                rows: zip(gaussShifts, gauss).map { ["gaussians", $0, $1.js, $1.wasserstein] }
                    + zip(uniShifts, uni).map { ["uniforms", $0, $1.js, $1.wasserstein] })
    try ctx.figure("js_vs_shift", title: "Sliding p_g away from p_r: JS saturates at log 2, W keeps growing") { fig in
        let axes = fig.subplots(rows: 1, cols: 2)
        for (ax, shifts, tables, name) in [(axes[0][0], gaussShifts, gauss, "N(0, 1) vs N(s, 1)"), (axes[0][1], uniShifts, uni, "U[0, 1] vs U[s, s + 1]")] {
            ax.line(x: shifts, y: tables.map(\.js), label: "JS(p_r‖p_g)", color: Palette.color(0), width: 4)
            ax.line(x: shifts, y: tables.map(\.wasserstein), label: "W(p_r, p_g)", color: Palette.color(1), width: 4)
            ax.hline(log2, label: "log 2", color: .ink)
            ax.title = name
            ax.xlabel = "shift s"
            ax.ylabel = "divergence / distance"
            ax.ylim = 0 ... shifts.last! * 1.02
            ax.legend = .topLeft
        }
        axes[0][1].vline(1, label: "supports disjoint →", color: Color(hex: 0x9A9A9A), style: .dotted)
    }
}

lesson.markdown("""
    ### The parallel lines (Arjovsky, Chintala & Bottou 2017, Example 1)

    Z ~ U[0, 1]; P₀ is the law of (0, Z), P_θ the law of (θ, Z): two vertical segments. For every
    θ ≠ 0 the supports are disjoint, so

    ```math
    JS(P₀‖P_θ) = log 2,   KL(P_θ‖P₀) = KL(P₀‖P_θ) = +∞,   TV(P₀, P_θ) = 1,   W(P₀, P_θ) = |θ|,
    ```

    and all of them are 0 at θ = 0. Only W tends to 0 as θ → 0: a sequence P_θ that visibly
    converges to P₀ does not converge in JS, KL or TV. W = |θ| because moving each (0, z) to (θ, z)
    costs |θ| and no plan can cost less than the x-coordinates alone need: W of the x-marginals,
    which the cell computes from samples (it is |θ|).

    The closed forms are not the whole story: a GAN never sees JS, only a trained D. So for a few θ
    a discriminator (2 → 64 → 64 → 1) is trained on samples of P₀ and P_θ, and JS is read back from
    its value, JS ≈ (V(G, D) + 2 log 2)/2 on fresh samples. For every θ ≠ 0 — even θ = 0.05 — D
    separates the lines and the estimate sits at log 2: the discriminator's view carries no
    information about how far apart the lines are.
    """)

lesson.cell("Parallel lines: JS, KL, TV and W against θ") { ctx in
    let thetas = ctx.pick(quick: [-0.5, 0, 0.05, 0.5], full: [-1, -0.5, -0.2, -0.05, 0, 0.05, 0.2, 0.5, 1])
    let steps = ctx.pick(quick: 400, full: 1500), evaluation = 4096
    var estimates: [Double] = [], marginalW: [Double] = []
    for (k, theta) in thetas.enumerated() {
        let d = mlp([2, 64, 64, 1], using: &ctx.rng)
        try trainCritic(d, loss: .nonSaturating, optimiser: .adam(learningRate: 1e-3, beta1: 0.9, beta2: 0.999), steps: steps,
                        real: { ParallelLines.sample(256, theta: 0, using: &$0) },
                        fake: { ParallelLines.sample(256, theta: theta, using: &$0) }, using: &ctx.rng) { step, _ in
            try ctx.progress(k * steps + step, of: thetas.count * steps, label: "D per θ")
        }
        let p0 = ParallelLines.sample(evaluation, theta: 0, using: &ctx.rng)
        let pTheta = ParallelLines.sample(evaluation, theta: theta, using: &ctx.rng)
        estimates.append((sampleValue(d, real: p0, fake: pTheta) + 2 * log2) / 2)
        // The lower bound on W: the exact W₁ of the x-coordinates (column 0 of the [n, 2] samples).
        let x0: [Double] = stride(from: 0, to: 2 * evaluation, by: 2).map { Double(p0.data[$0]) }
        let xTheta: [Double] = stride(from: 0, to: 2 * evaluation, by: 2).map { Double(pTheta.data[$0]) }
        marginalW.append(Wasserstein.exact1D(x0, xTheta))
    }
    for (i, theta) in thetas.enumerated() {
        ctx.say(String(format: "θ = %5.2f: JS from the trained D = %.4f (closed form %.4f); W of the x-coordinates = %.4f (W = |θ| = %.4f)",
                       theta, estimates[i], ParallelLines.js(theta), marginalW[i], ParallelLines.wasserstein(theta)))
    }
    let disjoint = thetas.indices.filter { thetas[$0] != 0 }.map { estimates[$0] }
    let atZero = estimates[thetas.firstIndex(of: 0)!]
    ctx.metric("learned_js_disjoint_min", disjoint.min()!)
    ctx.metric("learned_js_at_theta_0", atZero)
    try claim(disjoint.allSatisfy { $0 > 0.95 * log2 && $0 <= log2 + 0.01 }, "the learned JS sits at log 2 for θ ≠ 0 (within 5%)")
    try claim(abs(atZero) < 0.03, "the learned JS is about 0 at θ = 0")
    try claim(zip(thetas, marginalW).allSatisfy { abs($1 - abs($0)) < 1e-6 }, "the lower bound on W (x-marginals) equals |θ|")

    let curve = grid(-1, 1, count: 201).filter { $0 != 0 }
    try ctx.csv("parallel_lines", header: ["theta", "js", "kl", "total_variation", "wasserstein", "js_from_trained_d"],
                rows: thetas.indices.map { i in
                    let t = thetas[i]
                    return [t, ParallelLines.js(t), ParallelLines.kl(t), ParallelLines.totalVariation(t), ParallelLines.wasserstein(t), estimates[i]]
                })
    try ctx.figure("parallel_lines", title: "Parallel lines: only the Wasserstein distance sees θ → 0") { fig in
        let axes = fig.subplots(rows: 1, cols: 2)
        let (left, right) = (axes[0][0], axes[0][1])
        var rng = RandomGenerator(seed: ctx.seed)
        let show = 0.5
        let a = ParallelLines.sample(60, theta: 0, using: &rng), b = ParallelLines.sample(60, theta: show, using: &rng)
        left.scatter(x: stride(from: 0, to: 120, by: 2).map { Double(a.data[$0]) }, y: stride(from: 1, to: 120, by: 2).map { Double(a.data[$0]) },
                     label: "P₀ = (0, Z)", color: SampleFigures.realColor, size: 12)
        left.scatter(x: stride(from: 0, to: 120, by: 2).map { Double(b.data[$0]) }, y: stride(from: 1, to: 120, by: 2).map { Double(b.data[$0]) },
                     label: "P_θ = (θ, Z), θ = 0.5", color: Palette.color(0), size: 12)
        left.xlim = -0.3 ... 2.1
        left.ylim = -0.1 ... 1.1
        left.title = "Two segments, Z ~ U[0, 1]"
        left.xlabel = "x"
        left.ylabel = "y"
        left.legend = .bottomRight

        // Each closed form is drawn on θ < 0 and θ > 0 separately, with its value at θ = 0 as a dot.
        for (name, f, color, style) in [("JS = log 2", ParallelLines.js, Palette.color(0), LineStyle.solid),
                                        ("TV = 1", ParallelLines.totalVariation, Palette.color(2), .dashed),
                                        ("W = |θ|", ParallelLines.wasserstein, Palette.color(1), .solid)] {
            let neg = curve.filter { $0 < 0 }, pos = curve.filter { $0 > 0 }
            right.line(x: neg, y: neg.map(f), label: name, color: color, style: style, width: 4)
            right.line(x: pos, y: pos.map(f), color: color, style: style, width: 4)
            right.scatter(x: [0], y: [f(0)], color: color, size: 16, alpha: 1)
        }
        right.scatter(x: thetas, y: estimates, label: "JS from a trained D", color: Palette.color(4), size: 18, alpha: 1, marker: .diamond)
        right.text("KL = +∞ for every θ ≠ 0 ↑", x: 0, y: 1.12, align: .center, color: .ink)
        right.text("all four are 0 at θ = 0", x: 0.06, y: 0.06, color: .ink)
        right.ylim = -0.05 ... 1.2
        right.title = "Divergences between P₀ and P_θ"
        right.xlabel = "θ"
        right.ylabel = "value"
        right.legend = .outside
    }
}

// MARK: - 3. Vanishing gradients

lesson.markdown("""
    ## 3. Vanishing gradients of the saturating loss

    With the minimax loss, G minimises E_z[log(1 − D(G(z)))]. Writing D = σ(s) for D's score s, its
    derivative with respect to s is −σ(s) = −D: once D confidently rejects the fakes (D(G(z)) → 0)
    the gradient reaching G vanishes, *because* D is good. The "−log D" loss −E_z[log D(G(z))] has
    derivative −(1 − D) there, which stays near −1.

    Arjovsky & Bottou (2017, Fig. 2) froze a DCGAN generator after 1, 10 and 25 epochs, trained a
    discriminator from scratch against it, and plotted ‖∇_θ G's loss‖ against discriminator
    iterations. Their explanation: real images and generated ones lie on low-dimensional manifolds
    that (almost surely) do not meet, so a perfect discriminator exists and training D approaches it.

    The toy version keeps that geometry: the generator gets one-dimensional noise z ~ N(0, 1), so
    its samples lie on a curve in the plane, while the data are the 8 Gaussians of section 6. A GAN
    (MLPs with 3 hidden layers of 128, −log D loss, Adam 10⁻³, β = (0.5, 0.999)) is trained briefly
    and its generator frozen after 1, 10 and 25 steps (Arjovsky & Bottou: 1, 10 and 25 epochs), before its curve has reached the data.
    For each, a fresh discriminator of the same shape is trained against it while both gradient
    norms are measured on a fixed batch of 1024 noise values — for 4 seeds, shown as the geometric
    mean with dotted lines one geometric standard deviation either side (the norms spread over
    orders of magnitude, so the spread is a factor). Both start small — a random D has small
    slopes — and grow while D learns what the fakes look like. Then the saturating gradient dies
    (left): its geometric mean falls by orders of magnitude for every frozen generator (the cell
    prints each seed's drop; the spread between seeds is wide), while the −log D gradient grows and
    stays large (right) as D improves — the cell prints how far each ends below its peak — which
    Arjovsky & Bottou (Fig. 3) found makes the updates unstable in practice.
    """)

lesson.cell("Generator gradient norm as D trains") { ctx in
    let checkpoints = [1, 10, 25]
    let seeds = ctx.pick(quick: 2, full: 4)
    let dSteps = ctx.pick(quick: 800, full: 4000), every = ctx.pick(quick: 20, full: 50)
    let optimiser = OptimiserChoice.adam(learningRate: 1e-3, beta1: 0.5, beta2: 0.999)
    var config = GANConfig(loss: .nonSaturating, steps: checkpoints.last!)
    config.width = 128; config.criticSteps = 1; config.noiseDim = 1
    config.dOptimiser = optimiser; config.gOptimiser = optimiser

    /// One seed: a GAN trained to each checkpoint, frozen there, and a fresh D trained against it
    /// while both losses' gradient norms are measured on a fixed noise batch.
    typealias Curve = (saturating: [Double], nonSaturating: [Double])
    let progress = ctx.sharedProgress(of: seeds * checkpoints.count * dSteps, label: "training D against frozen generators, \(seeds) seeds")
    func run(_ s: Int) throws -> [Curve] {
        var rng = RandomGenerator(seed: ctx.seed &+ UInt64(100 * s))
        let trainer = GANTrainer(config, data: .eightGaussians, seed: ctx.seed &+ UInt64(s))
        var frozen: [Int: [[Float]]] = [:]
        try trainer.train { step in
            if checkpoints.contains(step.step) { frozen[step.step] = trainer.generator.parameters().map(\.data) }
        }
        let noise = Tensor.normal([1024, config.noiseDim], using: &rng)
        func gradientNorm(_ g: Sequential, _ d: Module, _ loss: GANLoss) -> Double {
            let l = loss.generatorLoss(fakeScores: d(g(noise)))
            return grad(of: l, wrt: g.parameters()).reduce(0.0) { $0 + $1.data.reduce(0.0) { $0 + Double($1) * Double($1) } }.squareRoot()
        }
        return try checkpoints.map { checkpoint in
            let g = mlp([config.noiseDim, 128, 128, 128, 2], using: &rng)
            for (p, saved) in zip(g.parameters(), frozen[checkpoint]!) { p.data = saved }
            let d = mlp([2, 128, 128, 128, 1], using: &rng)
            var curve: Curve = ([gradientNorm(g, d, .minimax)], [gradientNorm(g, d, .nonSaturating)])
            try trainCritic(d, loss: .nonSaturating, optimiser: optimiser, steps: dSteps,
                            real: { ToyData.eightGaussians.sample(256, using: &$0) },
                            fake: { rng in withNoGrad { g(Tensor.normal([256, config.noiseDim], using: &rng)) } },
                            using: &rng) { step, _ in
                if step % every == 0 {
                    curve.saturating.append(gradientNorm(g, d, .minimax))
                    curve.nonSaturating.append(gradientNorm(g, d, .nonSaturating))
                }
                try progress(1)
            }
            return curve
        }
    }
    // Seeds are independent: two at a time, one engine thread each.
    let perSeed = try Engine.sideBySide((0..<seeds).map { s in { try run(s) } })
    let dAxis = stride(from: 0, through: dSteps, by: every).map(Double.init)

    /// Geometric mean and the factor of one geometric standard deviation over seeds, per D step:
    /// norms spread over orders of magnitude, so the spread is a factor, not a difference.
    func geometric(_ curves: [[Double]]) -> (mean: [Double], factor: [Double]) {
        let logs = curves.map { $0.map(log10) }
        let stats = logs[0].indices.map { i in MeanSD(logs.map { $0[i] }) }
        return (stats.map { pow(10, $0.mean) }, stats.map { pow(10, $0.sd) })
    }
    var rows: [[Any]] = []
    for (s, curves) in perSeed.enumerated() {
        for (k, c) in curves.enumerated() {
            for (i, step) in dAxis.enumerated() { rows.append([s, checkpoints[k], Int(step), c.saturating[i], c.nonSaturating[i]]) }
        }
    }
    try ctx.csv("generator_gradient_norms", header: ["seed", "generator_step", "d_step", "saturating_norm", "nonsaturating_norm"], rows: rows)
    var summaries: [(checkpoint: Int, saturating: (mean: [Double], factor: [Double]), nonSaturating: (mean: [Double], factor: [Double]))] = []
    for (k, checkpoint) in checkpoints.enumerated() {
        let sat = geometric(perSeed.map { $0[k].saturating }), ns = geometric(perSeed.map { $0[k].nonSaturating })
        summaries.append((checkpoint, sat, ns))
        let drop = log10(sat.mean.max()! / sat.mean.last!)
        let nsChange = log10(ns.mean.last! / ns.mean.max()!)
        let perSeedDrops = perSeed.map { c in String(format: "%.1f", log10(c[k].saturating.max()! / c[k].saturating.last!)) }
        ctx.say(String(format: "G after %3d steps (%d seeds): saturating ‖∇‖ peaks at %.2e, ends at %.2e ×/÷ %.1f (%.1f orders of magnitude lower; per seed: %@); "
                       + "−log D ‖∇‖ ends at %.2e ×/÷ %.1f (%.2f orders from its peak)",
                       checkpoint, seeds, sat.mean.max()!, sat.mean.last!, sat.factor.last!, drop, perSeedDrops.joined(separator: ", "),
                       ns.mean.last!, ns.factor.last!, nsChange))
        ctx.metric("saturating_orders_dropped_g\(checkpoint)", drop)
        ctx.metric("nonsaturating_final_norm_g\(checkpoint)", ns.mean.last!)
        try claim(drop > 1 && drop > -nsChange + 1, "the saturating gradient falls by over an order of magnitude more than the −log D one, for G after \(checkpoint) steps")
    }
    let minDrop = summaries.map { log10($0.saturating.mean.max()! / $0.saturating.mean.last!) }.min()!
    let maxFall = summaries.map { log10($0.nonSaturating.mean.max()! / $0.nonSaturating.mean.last!) }.max()!
    ctx.say("For every frozen generator the saturating gradient falls by at least \(f1(minDrop)) orders of magnitude, while the −log D one "
            + (maxFall < 0.3 ? "ends within a factor 2 of its peak." : "ends at most \(f1(maxFall)) orders below its peak."))
    try ctx.figure("generator_gradient_norms", height: 800, title: "D trained against a frozen G: ‖∇_θ‖ of G's loss (geometric mean of \(seeds) seeds; dotted: ×/÷ 1 sd)") { fig in
        let axes = fig.subplots(rows: 1, cols: 2, shareY: true)[0]
        for (i, c) in summaries.enumerated() {
            for (ax, curve) in [(axes[0], c.saturating), (axes[1], c.nonSaturating)] {
                ax.line(x: dAxis, y: curve.mean, label: "G after \(c.checkpoint) steps", color: Palette.color(i), width: 3.5)
                ax.line(x: dAxis, y: zip(curve.mean, curve.factor).map { $0 * $1 }, color: Palette.color(i), style: .dotted, width: 1.5)
                ax.line(x: dAxis, y: zip(curve.mean, curve.factor).map { $0 / $1 }, color: Palette.color(i), style: .dotted, width: 1.5)
            }
        }
        axes[0].title = "saturating loss: vanishes (cf. Arjovsky & Bottou Fig. 2)"
        axes[1].title = "−log D loss: grows, stays large (cf. their Fig. 3)"
        for ax in axes {
            ax.yscale = .log
            ax.xlabel = "discriminator iterations (G frozen)"
            ax.legend = .bottomLeft
        }
        axes[0].ylabel = "‖∇_θ generator loss‖"
    }
}

// MARK: - 4. The −log D trick

lesson.markdown("""
    ## 4. What the −log D generator minimises

    Goodfellow et al. proposed the −log D loss to escape the saturation above. What does G then
    minimise at D*? Two facts about D* = p_r/(p_r + p_g):

    ```math
    log(p_g/p_r) = log(1 − D*) − log D*,   so   KL(P_g‖P_r) = E_g[log(1 − D*)] − E_g[log D*],
    E_r[log D*] + E_g[log(1 − D*)] = 2·JS(P_r‖P_g) − 2 log 2        (section 1).
    ```

    Eliminating E_g[log(1 − D*)]:

    ```math
    E_g[−log D*] = KL(P_g‖P_r) − 2·JS(P_r‖P_g) + 2 log 2 + E_r[log D*].
    ```

    In training D* is held fixed while G takes a step, and then E_r[log D*] does not depend on G at
    all. Arjovsky & Bottou (2017, Theorem 2.5) show the gradients agree: with D* fixed at θ₀,

    ```math
    ∇_θ E_{P_θ}[−log D*] = ∇_θ [KL(P_θ‖P_r) − 2·JS(P_r‖P_θ)]   at θ₀
    ```

    (the derivative of the E_r[log D*_θ] term cancels against that of D* inside E_g). The cell
    checks both identities on a grid for P_r = N(0, 1), P_θ = N(θ, 1.3²), the gradient by central
    differences.

    What does that objective do? The −2·JS term has the wrong sign — it rewards pushing the
    distributions *apart* — and the reverse KL(P_g‖P_r) is mode-seeking (section 5). Fit a single
    Gaussian N(μ, σ²) to a two-mode p_r = ½N(−2, 0.5²) + ½N(2, 0.5²), at the optimal discriminator,
    by each generator objective (a grid search over μ, σ): the saturating loss minimises JS, the
    −log D loss KL(P_g‖P_r) − 2·JS; maximum likelihood (KL(P_r‖P_g)) is shown for contrast. Left,
    each objective against μ with the best σ for that μ; right, the best fits. Read the left panel
    for where gradient descent could end: the −log D objective has its minima on the modes and a
    plateau between them.
    """)

lesson.cell("The −log D objective: KL(P_g‖P_r) − 2·JS") { ctx in
    let xs = grid(-10, 10, count: 4001)
    let real = Gaussian1D(mean: 0, std: 1)
    func at(_ theta: Double) -> TabulatedDensities {
        TabulatedDensities(grid: xs, real: real.density, generated: Gaussian1D(mean: theta, std: 1.3).density)
    }
    var identityError = 0.0, gradientError = 0.0, rows: [[Any]] = []
    for theta0 in [-1.5, -0.5, 0.25, 1.0, 2.0] {
        let t = at(theta0), sStar = t.optimalLogits
        let lhs = t.nonSaturatingLoss(logits: sStar)
        let rhs = t.klGeneratedFromReal - 2 * t.js + 2 * log2 + t.realLogLikelihood(logits: sStar)
        identityError = max(identityError, abs(lhs - rhs))
        let h = 1e-3
        // D* stays the one for θ₀ while θ moves: the generator's step at a fixed discriminator.
        let gradNS = (at(theta0 + h).nonSaturatingLoss(logits: sStar) - at(theta0 - h).nonSaturatingLoss(logits: sStar)) / (2 * h)
        let objective = { (u: TabulatedDensities) in u.klGeneratedFromReal - 2 * u.js }
        let gradObjective = (objective(at(theta0 + h)) - objective(at(theta0 - h))) / (2 * h)
        gradientError = max(gradientError, abs(gradNS - gradObjective) / max(1, abs(gradObjective)))
        rows.append([theta0, lhs, rhs, gradNS, gradObjective])
        ctx.say(String(format: "θ₀ = %5.2f: E_g[−log D*] = %.6f = %.6f;  ∂/∂θ E_θ[−log D*_θ₀] = %+.6f,  ∂/∂θ (KL − 2·JS) = %+.6f",
                       theta0, lhs, rhs, gradNS, gradObjective))
    }
    ctx.metric("neglogd_identity_error", identityError)
    ctx.metric("neglogd_gradient_relative_error", gradientError)
    try claim(identityError < 1e-9, "E_g[−log D*] = KL(P_g‖P_r) − 2·JS + 2 log 2 + E_r[log D*]")
    try claim(gradientError < 1e-4, "the −log D gradient at D* is the gradient of KL(P_g‖P_r) − 2·JS")
    try ctx.csv("neglogd_identity", header: ["theta0", "e_g_neg_log_d_star", "kl_minus_2js_plus_terms", "d_dtheta_neglogd", "d_dtheta_kl_minus_2js"], rows: rows)

    // The fits: a grid search over (μ, σ) for each objective.
    let ys = grid(-8, 8, count: 1601)
    let modes = (Gaussian1D(mean: -2, std: 0.5), Gaussian1D(mean: 2, std: 0.5))
    let pr = { (x: Double) in 0.5 * modes.0.density(x) + 0.5 * modes.1.density(x) }
    let mus = grid(-3, 3, count: 121), sigmas = grid(0.3, 3, count: 55)
    typealias Objective = (name: String, f: (TabulatedDensities) -> Double)
    let objectives: [Objective] = [("saturating: JS", { $0.js }),
                                   ("−log D: KL(P_g‖P_r) − 2·JS", { $0.klGeneratedFromReal - 2 * $0.js }),
                                   ("max. likelihood: KL(P_r‖P_g)", { $0.klRealFromGenerated })]
    var best = objectives.map { _ in (value: Double.infinity, mu: 0.0, sigma: 0.0) }
    var profiles = objectives.map { _ in [Double](repeating: .infinity, count: mus.count) }
    for (i, mu) in mus.enumerated() {
        for sigma in sigmas {
            let t = TabulatedDensities(grid: ys, real: pr, generated: Gaussian1D(mean: mu, std: sigma).density)
            for (k, o) in objectives.enumerated() {
                let v = o.f(t)
                profiles[k][i] = min(profiles[k][i], v)
                if v < best[k].value { best[k] = (v, mu, sigma) }
            }
        }
        try ctx.progress(i + 1, of: mus.count, label: "grid search over (μ, σ)")
    }
    for (k, o) in objectives.enumerated() {
        ctx.say(String(format: "%@ is minimised by N(%.2f, %.2f²)", o.name, best[k].mu, best[k].sigma))
    }
    let keys = ["js", "neglogd", "mle"]
    for k in objectives.indices {
        ctx.metric("fit_\(keys[k])_mu", best[k].mu)
        ctx.metric("fit_\(keys[k])_sigma", best[k].sigma)
    }
    try ctx.csv("neglogd_fits", header: ["objective", "mu", "sigma", "objective_value"],
                rows: objectives.indices.map { [objectives[$0].name, best[$0].mu, best[$0].sigma, best[$0].value] })
    try ctx.figure("neglogd_fits", title: "Fitting one Gaussian to two modes: what each generator loss prefers at D*") { fig in
        let axes = fig.subplots(rows: 1, cols: 2)
        let (left, right) = (axes[0][0], axes[0][1])
        for (k, o) in objectives.enumerated() {
            let lo = profiles[k].min()!, hi = profiles[k].max()!
            left.line(x: mus, y: profiles[k].map { ($0 - lo) / (hi - lo) }, label: o.name, color: Palette.color(k), width: 3.5)
        }
        left.title = "Objective against μ (σ optimised), rescaled"
        left.xlabel = "μ of p_g = N(μ, σ²)"
        left.ylabel = "objective (min–max rescaled)"
        left.legend = .hidden
        let plotX = grid(-5, 5, count: 801)
        right.line(x: plotX, y: plotX.map(pr), label: "p_r", color: SampleFigures.realColor, width: 6)
        for (k, o) in objectives.enumerated() {
            right.line(x: plotX, y: plotX.map(Gaussian1D(mean: best[k].mu, std: best[k].sigma).density),
                       label: "\(o.name)", color: Palette.color(k), style: k == 2 ? .dashed : .solid, width: k == 0 ? 7 : 3.5)
        }
        right.title = "Best N(μ, σ²) under each objective"
        right.xlabel = "x"
        right.ylabel = "density"
        right.legend = .outside
    }
}

// MARK: - 5. KL asymmetry

lesson.markdown("""
    ## 5. KL(P_g‖P_r): cheap to miss a mode, ruinous to invent samples

    KL(P_g‖P_r) = ∫ p_g(x) log(p_g(x)/p_r(x)) dx. Look at the integrand pointwise:
    where p_g → 0 (a mode of the data the generator does not produce) it goes to 0 — missing a
    mode costs almost nothing; where p_r → 0 but p_g > 0 (samples that look like no data) it goes
    to +∞. So the −log D generator, whose objective contains KL(P_g‖P_r), would rather drop modes
    than risk implausible samples — the mechanism behind mode collapse. Maximum likelihood
    (KL(P_r‖P_g)) has the opposite preference. Two generators for the two-mode p_r of section 4:
    one that produces only the right mode, one that spreads over both modes and the gap between them.
    The curves are the pointwise terms of each KL (per unit x); the legends give the integrals.
    Here p_r is a mixture of Gaussians, positive everywhere, so both KLs stay finite: the
    spread-out generator pays more than the one missing a mode (log 2), but not +∞.
    """)

lesson.cell("KL asymmetry, pointwise") { ctx in
    let xs = grid(-7, 7, count: 2801)
    let pr = { (x: Double) in 0.5 * Gaussian1D(mean: -2, std: 0.5).density(x) + 0.5 * Gaussian1D(mean: 2, std: 0.5).density(x) }
    let cases = [("Misses a mode", "missing_mode", Gaussian1D(mean: 2, std: 0.5)),
                 ("Unrealistic samples", "unrealistic", Gaussian1D(mean: 0, std: 2))]
    var rows: [[Any]] = [], results: [(kGR: Double, kRG: Double)] = []
    for (name, key, pg) in cases {
        let t = TabulatedDensities(grid: xs, real: pr, generated: pg.density)
        let swapped = TabulatedDensities(grid: xs, real: pg.density, generated: pr)   // its KL(g‖r) is KL(P_r‖P_g)
        results.append((t.klGeneratedFromReal, t.klRealFromGenerated))
        ctx.say(String(format: "%@ (p_g = N(%.0f, %.1f²)): KL(P_g‖P_r) = %.3f, KL(P_r‖P_g) = %.3f",
                       name, pg.mean, pg.std, t.klGeneratedFromReal, t.klRealFromGenerated))
        ctx.metric("kl_g_r_\(key)", t.klGeneratedFromReal)
        ctx.metric("kl_r_g_\(key)", t.klRealFromGenerated)
        for (i, x) in xs.enumerated() where i % 4 == 0 {
            rows.append([key, x, pr(x), pg.density(x), t.klGeneratedFromRealTerms[i], swapped.klGeneratedFromRealTerms[i]])
        }
    }
    try claim(abs(results[0].kGR - log2) < 0.01, "missing one of two equal modes costs KL(P_g‖P_r) ≈ log 2")
    try claim(results[0].kGR < results[1].kGR && results[0].kRG > results[1].kRG, "the two KLs rank the two generators oppositely")
    try ctx.csv("kl_asymmetry", header: ["case", "x", "p_r", "p_g", "kl_g_r_term", "kl_r_g_term"], rows: rows)
    try ctx.figure("kl_asymmetry", title: "The pointwise terms of KL(P_g‖P_r) and KL(P_r‖P_g)") { fig in
        let axes = fig.subplots(rows: 1, cols: 2, shareY: true)
        for (c, (name, key, pg)) in cases.enumerated() {
            let ax = axes[0][c]
            let sub = rows.filter { ($0[0] as! String) == key }
            let x = sub.map { $0[1] as! Double }
            ax.line(x: x, y: sub.map { $0[2] as! Double }, label: "p_r", color: SampleFigures.realColor, width: 6)
            ax.line(x: x, y: sub.map { $0[3] as! Double }, label: String(format: "p_g = N(%.0f, %.1f²)", pg.mean, pg.std),
                    color: .ink, style: .dashed, width: 3)
            ax.line(x: x, y: sub.map { $0[4] as! Double }, label: String(format: "p_g log(p_g/p_r): KL(P_g‖P_r) = %.2f", results[c].kGR),
                    color: Palette.color(1), width: 4)
            ax.line(x: x, y: sub.map { $0[5] as! Double }, label: String(format: "p_r log(p_r/p_g): KL(P_r‖P_g) = %.2f", results[c].kRG),
                    color: Palette.color(0), width: 4)
            ax.title = name
            ax.xlabel = "x"
            ax.ylim = -0.6 ... 2.5
            ax.legend = .topLeft
        }
        axes[0][0].ylabel = "density / pointwise KL term"
    }
}

// MARK: - 6. Mode collapse

lesson.markdown("""
    ## 6. Mode collapse on the 8-Gaussian ring

    The experiment of Metz et al. (2017, Unrolled GANs, Fig. 1), with the networks and optimiser of
    its PyTorch re-implementation: generator and discriminator with two hidden layers of 128 ReLUs,
    one D step per G step, Adam β = (0.5, 0.999) with learning rate 10⁻³ for G and 10⁻⁴ for D — a
    generator faster than its discriminator. Two deviations, for a CPU: z ~ N(0, I₂) as in the
    WGAN-GP toy code instead of the paper's 256 noise dimensions, and batches of 256 instead of 512
    (2.5 ms per step instead of 14 here; 10,000 steps instead of 25,000). The ring is the WGAN-GP
    toy code's (radius √2, σ ≈ 0.014: the paper's ratio σ/radius = 0.01). Watch where the mass
    goes: D learns to say "fake" wherever the generator is now, the generator runs to a place D
    has not yet learned about, and nothing in its objective asks it to spread out — the −log D
    loss minimises KL(P_g‖P_r) − 2·JS, and KL(P_g‖P_r) barely charges for a missing mode (section 5).

    Three measures on 512 samples from a fixed batch of noise, so that low precision is not taken
    for collapse. A sample is *high quality* if it lies within 3σ of a mode, and a mode is *covered*
    when at least a fifth of its even share of all samples lies within 3σ of it (VEEGAN, Srivastava
    et al. 2017); a mode is *reached* when at least that many samples have it as their nearest
    mode, however far away. A cloud smeared around the ring reaches all 8 modes and covers none;
    a collapsed generator reaches one or two. A run counts as collapsed when its mass reaches at
    most 2 modes in at least ¾ of the snapshots of its second half. Four seeds per loss (s … s + 3
    for the lesson's --seed s); quick mode trains the −log D loss only, for 1,500 steps.
    """)

/// The generator losses of section 6 with the names the figures use.
func lossName(_ loss: GANLoss) -> String { loss == .minimax ? "minimax (saturating)" : "−log D (non-saturating)" }

lesson.cell("Mode collapse on 8 Gaussians") { ctx in
    let losses: [GANLoss] = ctx.pick(quick: [.nonSaturating], full: [.nonSaturating, .minimax])
    let seeds = (0..<UInt64(4)).map { ctx.seed &+ $0 }
    let steps = ctx.pick(quick: 1500, full: 10_000)
    let every = ctx.pick(quick: 50, full: 250)
    let shownSteps = (0...5).map { $0 * steps / 5 }  // multiples of `every`
    var runs: [(loss: GANLoss, seed: UInt64, trainer: GANTrainer, seconds: Double)] = []
    let total = losses.count * seeds.count * steps
    for loss in losses {
        for seed in seeds {
            var config = GANConfig(loss: loss, steps: steps)
            config.noiseDim = 2; config.width = 128; config.depth = 2; config.batchSize = 256; config.criticSteps = 1
            // The generator ten times faster than its discriminator, as in the paper's toy.
            config.gOptimiser = .adam(learningRate: 1e-3, beta1: 0.5, beta2: 0.999)
            config.dOptimiser = .adam(learningRate: 1e-4, beta1: 0.5, beta2: 0.999)
            config.snapshotSteps = Array(stride(from: 0, through: steps, by: every))
            let trainer = GANTrainer(config, data: .eightGaussians, seed: seed)
            let done = runs.count * steps, start = Date()
            try trainer.train { try ctx.progress(done + $0.step, of: total, label: "\(loss.name), seed \(seed)") }
            runs.append((loss, seed, trainer, Date().timeIntervalSince(start)))
        }
    }
    let msPerStep = 1000 * runs.map(\.seconds).reduce(0, +) / Double(total)
    ctx.say(String(format: "%.1f ms per generator step (one D step + one G step, batch %d) on %d thread(s)", msPerStep,
                   runs[0].trainer.config.batchSize, ctx.threads))

    let coverage = runs.map { CoverageRun(label: "\(lossName($0.loss)), seed \($0.seed)", snapshots: $0.trainer.snapshots, data: .eightGaussians) }
    try ctx.csv("mode_coverage", header: CoverageRun.csvHeader + ["dominant_mode"], rows: coverage.flatMap { run in
        zip(run.csvRows, run.coverage).map { $0 + [$1.dominantMode.map { $0 + 1 } ?? 0] }
    })
    var real = RandomGenerator(seed: ctx.seed)
    let realSamples = ToyData.eightGaussians.sample(512, using: &real)
    for loss in losses {
        let rows = runs.filter { $0.loss == loss }.map { run in
            SnapshotRow(label: "seed \(run.seed)", snapshots: run.trainer.snapshots.filter { shownSteps.contains($0.step) },
                        color: Palette.color(Int(run.seed - ctx.seed)))
        }
        try ctx.figure("snapshots_\(loss.name)", title: "Samples during training, \(lossName(loss)) loss (grey: data)") { fig in
            SampleFigures.snapshotGrid(fig, rows: rows, real: realSamples, limits: -1.8 ... 1.8)
        }
    }

    // Which mode holds the most samples, snapshot by snapshot: hopping is a staircase.
    try ctx.figure("mode_hopping", height: 230 * seeds.count + 170,
                   title: "The mode most samples are nearest to, at each snapshot (marker area: their share)") { fig in
        let axes = fig.subplots(rows: seeds.count, cols: losses.count, shareX: true, shareY: true)
        for (col, loss) in losses.enumerated() {
            for (row, (run, c)) in zip(runs, coverage).filter({ $0.0.loss == loss }).enumerated() {
                let a = axes[row][col]
                let points = zip(c.steps, c.coverage).compactMap { step, cov in
                    cov.dominantMode.map { (Double(step), Double($0 + 1), Double(cov.nearest[$0]) / Double(cov.nearest.reduce(0, +))) }
                }
                a.line(x: points.map(\.0), y: points.map(\.1), color: Palette.color(row).withAlpha(0.4), width: 1.5)
                for p in points { a.scatter(x: [p.0], y: [p.1], color: Palette.color(row), size: 2 + 9 * p.2, alpha: 0.9) }
                a.ylim = 0.5 ... 8.5
                a.yticks([1, 2, 3, 4, 5, 6, 7, 8])
                a.legend = .hidden
                if row == 0 { a.title = "\(lossName(loss)) loss" }
                if col == 0 { a.ylabel = "seed \(run.seed): mode" }
                if row == seeds.count - 1 { a.xlabel = "generator step" }
            }
        }
    }

    // Modes reached and covered and the high-quality share, mean ± sd over the seeds.
    let steps0 = coverage[0].steps.map(Double.init)
    try ctx.figure("mode_coverage", title: "Mode coverage during training: mean ± sd over \(seeds.count) seeds") { fig in
        let ax = fig.subplots(rows: 1, cols: 3, shareX: true)
        let panels: [(Axes, (ModeCoverage) -> Double)] = [(ax[0][0], { Double($0.modesReached) }), (ax[0][1], { Double($0.modesCovered) }),
                                                          (ax[0][2], { $0.highQualityShare })]
        for (k, loss) in losses.enumerated() {
            let mine = zip(runs, coverage).filter { $0.0.loss == loss }.map(\.1)
            for (a, value) in panels {
                let stats = steps0.indices.map { i in MeanSD(mine.map { value($0.coverage[i]) }) }
                a.band(x: steps0, lower: stats.map { $0.mean - $0.sd }, upper: stats.map { $0.mean + $0.sd }, color: Palette.color(k))
                a.line(x: steps0, y: stats.map(\.mean), label: lossName(loss), color: Palette.color(k))
            }
        }
        for (a, title) in [(ax[0][0], "Modes reached"), (ax[0][1], "Modes covered (within 3σ)")] {
            a.title = title
            a.ylabel = "modes (of 8)"
            a.ylim = -0.5 ... 8.5
            a.yticks((0...8).map(Double.init))
            a.legend = .hidden
        }
        ax[0][2].title = "High-quality share (within 3σ)"
        ax[0][2].ylabel = "share of samples"
        ax[0][2].ylim = 0 ... 1.02
        ax[0][2].legend = .topRight
        for a in [ax[0][0], ax[0][1], ax[0][2]] { a.xlabel = "generator step" }
    }

    var collapsedRuns = 0, hops = 0
    for (run, c) in zip(runs, coverage) {
        let key = "\(run.loss.name)_seed\(run.seed)"
        let half = c.coverage.suffix(c.coverage.count / 2)
        func mean(_ f: (ModeCoverage) -> Double) -> Double { half.map(f).reduce(0, +) / Double(half.count) }
        let reached = mean { Double($0.modesReached) }, covered = mean { Double($0.modesCovered) }, quality = mean(\.highQualityShare)
        // Collapsed: its mass on at most two modes in at least three quarters of the second half's snapshots.
        let collapsedShare = Double(half.filter { $0.modesReached <= 2 }.count) / Double(half.count)
        let dominant = half.compactMap(\.dominantMode)
        let changes = zip(dominant, dominant.dropFirst()).filter { $0 != $1 }.count
        ctx.metric("modes_reached_second_half_\(key)", reached)
        ctx.metric("modes_covered_second_half_\(key)", covered)
        ctx.metric("high_quality_second_half_\(key)", quality)
        ctx.metric("hops_second_half_\(key)", Double(changes))
        if collapsedShare >= 0.75 { collapsedRuns += 1 }
        hops += changes
        ctx.say(String(format: "%@, second half of training: %.1f of 8 modes reached, %.1f covered, %.0f %% high-quality samples; "
                       + "the mode holding most samples changed %d times in %d snapshots", c.label, reached, covered, 100 * quality,
                       changes, half.count))
    }
    ctx.metric("runs_collapsed", Double(collapsedRuns))
    ctx.say(collapsedRuns == 0
        ? "No run collapsed (mass on ≤ 2 modes in ¾ of the second half's snapshots) at this budget and these seeds."
        : "\(collapsedRuns) of \(runs.count) runs collapsed — their mass on at most 2 of the 8 modes in at least ¾ of the second "
          + "half's snapshots — and the mode holding most samples changed \(hops) times in all: mode collapse and mode hopping.")
}

lesson.markdown("""
    ## What to take away

    - At the optimal discriminator the minimax game is JS minimisation: V(G, D*) = 2·JS − 2 log 2.
    - JS cannot tell "far" from "very far": for disjoint supports it is log 2 and a perfect D gives
      no direction; W keeps measuring distance. (Lesson 3 builds a critic that estimates W.)
    - The saturating loss's gradient dies as D approaches D*; the −log D loss keeps a gradient but
      minimises KL(P_g‖P_r) − 2·JS, which prefers dropping modes to producing implausible samples.
    - On the 8-Gaussian ring, with a generator faster than its discriminator, this shows up as mode
      collapse and mode hopping (the counts above say how many runs of this seed collapsed).
    """)

lesson.main()
