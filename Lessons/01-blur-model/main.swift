import Autograd
import Foundation
import Imaging
import Notebook
import Plot

let lesson = Lesson("blur-model", title: "The blur model: I_B = k(M) ∗ I_S + N")

lesson.markdown("""
    # The blur model

    Every deblurring method starts from a model of how a blurred photo came about:

    ```math
    I_B = k(M) ∗ I_S + N
    ```

    - **I_S** is the latent sharp image — what the scene looked like; we never observe it.
    - **k(M)** is the blur kernel (point-spread function): where the light meant for one pixel
      landed during the exposure. It comes from a motion field M — the camera shaking, objects
      moving. If the whole camera translates, one kernel k acts everywhere (uniform blur); if it
      rotates, or objects move, the kernel changes across the image (k depends on the position).
    - **∗** is convolution: each blurred pixel is a weighted average of its neighbours in I_S,
      with the weights of k (they are ≥ 0 and sum to 1, so blur keeps the brightness).
    - **N** is sensor noise, here white Gaussian noise of standard deviation σ (in units of the
      [0, 1] pixel range; σ = 0.01 is about 2.5 grey levels out of 255).
    - **I_B** is the blurred photo we actually have.

    **Non-blind** deblurring knows k and recovers I_S; **blind** deblurring must find both k and
    I_S from I_B alone. This lesson makes each term visible and then shows how far the classical
    non-blind methods get — with the true kernel and with a slightly wrong one — which is the
    reason the course ends with a network (DeblurGAN) that never estimates k at all.

    All numbers below come from the computation in each cell; quick mode (`--quick`) works on
    128-pixel images so it runs in seconds, full mode on the 512-pixel photos for slides.
    """)

// MARK: - Helpers

/// An Imaging image as a figure raster.
func raster(_ image: Image) -> RasterImage {
    RasterImage(pixels: image.pixels, channels: image.channels, height: image.height, width: image.width)
}

/// A kernel as a picture on a `side × side` canvas (all kernels of one figure at one scale), white on
/// black, with √ of the weights so the faint, fast parts of a path stay visible.
func kernelRaster(_ k: Kernel, side: Int) -> RasterImage {
    let big = k.padded(height: side, width: side)
    let peak = big.weights.max() ?? 1
    return RasterImage(gray: big.weights.map { ($0 / peak).squareRoot() }, height: side, width: side)
}

/// The smallest odd side that holds every kernel.
func commonSide(_ kernels: [Kernel]) -> Int {
    let m = kernels.map { max($0.height, $0.width) }.max() ?? 1
    return m % 2 == 1 ? m : m + 1
}

/// "PSNR / SSIM" of `image` against `reference`, for captions.
func quality(_ image: Image, _ reference: Image) -> (psnr: Double, ssim: Double, caption: String) {
    let p = Metrics.psnr(image, reference), s = Metrics.ssim(image, reference)
    return (p, s, "\(f1(p)) dB / SSIM \(f3(s))")
}

/// The photo a cell works on: full size, or area-downscaled by `factor` in quick mode.
func photo(_ ctx: CellContext, _ path: String, quickFactor: Int = 4) throws -> Image {
    let full = try Image(contentsOfPNG: ctx.data(path).path)
    return ctx.quick ? full.resized(width: full.width / quickFactor, height: full.height / quickFactor) : full
}

// MARK: - Shared setup

/// The camera photo for the quantitative experiments, its true camera-shake kernel, and two wrong
/// guesses of that kernel.
struct Scene {
    let sharp: Image
    let trajectory: CameraShake.Trajectory
    let trueKernel: Kernel
    let tooLong: Kernel
    let turned: Kernel
    /// Crop shown enlarged in the comparisons (the face and the camera), in image pixels.
    let detail: ImageGrid.Inset
}

/// Length scale of the wrong kernel, and its rotation in degrees.
let wrongScale = 1.5, wrongTurn = 30.0

let scene = lesson.shared("camera photo and its blur kernel") { ctx -> Scene in
    let sharp = try photo(ctx, "Data/camera.png")
    let size = sharp.width
    // Path length 7 % of the image width (36 px at 512², 9 px at 128²), exposure irregularity
    // 0.005 as Boracchi & Foi recommend; a fixed stream so the kernel is the same in every cell.
    var rng = RandomGenerator(seed: ctx.seed &+ 101)
    let trajectory = CameraShake(maxLength: 0.07 * Double(size), expl: 0.005).trajectory(using: &rng)
    let s = Double(size) / 512
    return Scene(sharp: sharp, trajectory: trajectory, trueKernel: trajectory.kernel(),
                 tooLong: trajectory.transformed(scale: wrongScale).kernel(),
                 turned: trajectory.transformed(degrees: wrongTurn).kernel(),
                 detail: .init(x: Int(175 * s), y: Int(105 * s), width: Int(160 * s), height: Int(120 * s), size: 0.5))
}

/// Noise levels of the sweep; the deconvolution comparison uses `demoSigma`.
let demoSigma = 0.005

/// One noise level of the sweep: the input's quality and each method's quality over its knob.
struct SweepPoint {
    let sigma: Double
    let input: (psnr: Double, ssim: Double)
    /// PSNR of Wiener at each `nsrGrid` value, and the best of them.
    let wienerPSNR: [Double]
    let bestNSR: Double
    let wiener: (psnr: Double, ssim: Double)
    /// Wiener with the textbook constant NSR = σ² / var(I_B).
    let textbookNSR: Double
    let wienerTextbook: (psnr: Double, ssim: Double)
    /// PSNR of Richardson–Lucy after each iteration 1…n, and the best of them.
    let rlPSNR: [Double]
    let bestIterations: Int
    let rl: (psnr: Double, ssim: Double)
}

struct Sweep {
    let nsrGrid: [Double]
    let points: [SweepPoint]
    func at(_ sigma: Double) -> SweepPoint? { points.first { abs($0.sigma - sigma) < 1e-12 } }
}

let sweep = lesson.shared("noise sweep", uses: [scene]) { ctx -> Sweep in
    let s = try ctx.use(scene)
    let sigmas = ctx.pick(quick: [0.001, 0.005, 0.05], full: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1])
    let nsrGrid = ctx.pick(quick: stride(from: -5.0, through: 0, by: 0.5).map { pow(10, $0) },
                           full: stride(from: -6.0, through: 0, by: 0.25).map { pow(10, $0) })
    let maxIterations = ctx.pick(quick: 60, full: 200)
    let clean = s.sharp.convolved(with: s.trueKernel)
    var rng = ctx.rng
    var points: [SweepPoint] = []
    let work = sigmas.count * (nsrGrid.count + maxIterations)
    var done = 0
    for sigma in sigmas {
        let noisy = clean.addingGaussianNoise(sigma: Float(sigma), using: &rng)
        var wienerPSNR: [Double] = []
        var bestWiener: (nsr: Double, psnr: Double, image: Image?) = (0, -.infinity, nil)
        for nsr in nsrGrid {
            let x = Deconvolution.wiener(noisy, kernel: s.trueKernel, nsr: nsr)
            let p = Metrics.psnr(x, s.sharp)
            wienerPSNR.append(p)
            if p > bestWiener.psnr { bestWiener = (nsr, p, x) }
            done += 1
            try ctx.progress(done, of: work, label: "σ = \(sigma)")
        }
        let pixels = noisy.pixels.map(Double.init)
        let mean = pixels.reduce(0, +) / Double(pixels.count)
        let variance = pixels.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(pixels.count)
        let textbookNSR = sigma * sigma / variance
        let textbook = Deconvolution.wiener(noisy, kernel: s.trueKernel, nsr: textbookNSR)
        var rlPSNR: [Double] = []
        var bestRL: (iterations: Int, psnr: Double, image: Image?) = (0, -.infinity, nil)
        _ = try Deconvolution.richardsonLucy(noisy, kernel: s.trueKernel, iterations: maxIterations) { n, x in
            let p = Metrics.psnr(x, s.sharp)
            rlPSNR.append(p)
            if p > bestRL.psnr { bestRL = (n, p, x) }
            done += 1
            try ctx.progress(done, of: work, label: "σ = \(sigma)")
        }
        points.append(SweepPoint(
            sigma: sigma, input: (Metrics.psnr(noisy, s.sharp), Metrics.ssim(noisy, s.sharp)),
            wienerPSNR: wienerPSNR, bestNSR: bestWiener.nsr,
            wiener: (bestWiener.psnr, Metrics.ssim(bestWiener.image!, s.sharp)),
            textbookNSR: textbookNSR, wienerTextbook: (Metrics.psnr(textbook, s.sharp), Metrics.ssim(textbook, s.sharp)),
            rlPSNR: rlPSNR, bestIterations: bestRL.iterations, rl: (bestRL.psnr, Metrics.ssim(bestRL.image!, s.sharp))))
    }
    return Sweep(nsrGrid: nsrGrid, points: points)
}

// MARK: - 2. Camera shake

lesson.markdown("""
    ## Where kernels come from: camera shake

    A hand-held camera wanders during the exposure. Boracchi & Foi (2012) model the wander as a
    particle with inertia: each of 2000 time steps nudges its velocity by Gaussian shake, pulls it
    back towards the start (centripetal term), and with a small probability jerks it round
    (an impulsive turn); the speed is renormalised so the whole path is 60 px long on a 64-px
    canvas. One parameter, the exposure irregularity `expl`, sets how erratic the path is
    (0 is a straight line; DeblurGAN draws it from 0.001 … 0.01 to synthesise its training data).

    The kernel is the time the particle spends at each pixel. A short exposure sees only the
    start of the path, so the same shake gives the four kernels below for exposures of
    1/100, 1/10, 1/2 and all of the time: the shorter the exposure, the smaller the kernel (the
    cell prints how small).

    Look for: the colour segments of each path (the first 1 %, 10 %, 50 % and 100 % of the time)
    and the matching kernels; bright kernel pixels are where the camera lingered (slow turns),
    faint ones where it moved fast.
    """)

lesson.cell("Camera-shake trajectories and their kernels") { ctx in
    let expls = [0.001, 0.003, 0.005, 0.01]
    let fractions = CameraShake.defaultFractions
    let fractionNames = ["1/100", "1/10", "1/2", "1"]
    var rng = ctx.rng
    let paths = expls.map { CameraShake(expl: $0).trajectory(using: &rng) }
    let kernels = paths.map { $0.kernels(fractions: fractions) }

    // One axes, the four 64-px canvases side by side (so the legend can sit outside).
    let gap = 76.0
    try ctx.figure("trajectories", height: 520, title: "Random camera-shake trajectories (Boracchi & Foi): 60 px on a 64-px canvas") { fig in
        let ax = fig.axes()
        for (p, path) in paths.enumerated() {
            let x0 = gap * Double(p), top = Double(path.canvas)
            ax.line(x: [x0, x0 + top, x0 + top, x0, x0], y: [0, 0, top, top, 0], color: .gridLine.mixed(with: .ink, 0.3), width: 1.5)
            ax.text("expl = \(expls[p])", x: x0 + top / 2, y: top + 4, align: .center)
            var start = 0, previous = "0"
            for (f, fraction) in fractions.enumerated() {
                let end = min(Int(fraction * Double(path.steps)), path.steps - 1)
                let xs = path.x[start...end].map { x0 + $0 }, ys = path.y[start...end].map { top - $0 }
                ax.line(x: xs, y: ys, label: p == 0 ? "time \(previous) – \(fractionNames[f]) of the exposure" : nil,
                        color: Palette.color(f), width: 3.5)
                start = end
                previous = fractionNames[f]
            }
            ax.scatter(x: [x0 + path.x[0]], y: [top - path.y[0]], label: p == 0 ? "start" : nil, color: .ink, size: 12, alpha: 1)
        }
        let ticks = expls.indices.flatMap { p in [0.0, 32, 64].map { gap * Double(p) + $0 } }
        ax.xticks(ticks, labels: expls.indices.flatMap { _ in ["0", "32", "64"] })
        ax.yticks([0, 32, 64])
        ax.xlim = -2 ... gap * Double(expls.count - 1) + 66
        ax.ylim = -2 ... 74
        ax.aspectEqual = true
        ax.grid = false
        ax.xlabel = "x (px) on each canvas"
        ax.ylabel = "y (px)"
        ax.legend = .outside
    }

    var rows: [[Any]] = []
    for (p, path) in paths.enumerated() {
        for (f, k) in kernels[p].enumerated() {
            let e = k.supportExtent
            rows.append([expls[p], fractionNames[f], f2(path.pathLength(fraction: fractions[f])),
                         e.width, e.height, f2(k.rmsRadius), k.nonZeroCount, path.bigShakeCount])
        }
    }
    try ctx.csv("kernel_statistics", header: ["expl", "exposure", "path_length_px", "extent_w_px", "extent_h_px",
                                             "rms_radius_px", "nonzero_weights", "big_shakes"], rows: rows)

    let side = commonSide(kernels.flatMap { $0 })
    try ctx.figure("kernels", title: "Their blur kernels for four exposure times (√ weight shown; all at one scale)") { fig in
        let grid = fig.imageGrid(rows: paths.count, cols: fractions.count)
        grid.colLabels = fractionNames.map { "exposure \($0)" }
        grid.rowLabels = expls.map { "expl = \($0)" }
        for p in paths.indices {
            for f in fractions.indices {
                let k = kernels[p][f]
                grid.set(kernelRaster(k, side: side), row: p, col: f,
                         caption: "path \(f1(paths[p].pathLength(fraction: fractions[f]))) px, rms \(f1(k.rmsRadius)) px")
            }
        }
    }

    let full = kernels.map { $0.last!.rmsRadius }, tiny = kernels.map { $0.first!.rmsRadius }
    ctx.metric("kernel_rms_radius_full_exposure_mean", full.reduce(0, +) / Double(full.count))
    ctx.metric("kernel_rms_radius_1_100_exposure_mean", tiny.reduce(0, +) / Double(tiny.count))
    // Every full path has length 60; the kernel's spread depends on how much the path turns back.
    try claim(paths.allSatisfy { abs($0.pathLength() - 60) < 1e-6 }, "every full trajectory is 60 px long")
    try claim(kernels.allSatisfy { ks in zip(ks, ks.dropFirst()).allSatisfy {
        $0.supportExtent.width <= $1.supportExtent.width && $0.supportExtent.height <= $1.supportExtent.height } },
              "a longer exposure's kernel covers the shorter one's")
    ctx.say("Every path is 60 px long, yet the kernels' rms radius ranges from \(f1(full.min()!)) to \(f1(full.max()!)) px:")
    ctx.say("a path that turns back on itself blurs less than one that runs straight.")
    ctx.say("At 1/100 of the exposure the mean rms radius is \(f1(mean(tiny))) px, against \(f1(mean(full))) px for the whole exposure\(mean(tiny) < 1 ? ": a short exposure hardly blurs." : ".")")
}

// MARK: - 3. One photo, term by term

lesson.markdown("""
    ## One photo, term by term

    Now the formula on a photo. The kernel is one camera-shake path (its length 7 % of the image
    width); convolving with it gives k ∗ I_S, and adding noise of σ = 0.02 gives the photo a
    camera would deliver. Captions give PSNR (peak signal-to-noise ratio, 10·log₁₀(1/MSE) in dB;
    higher is better) and SSIM (structural similarity, 1 for identical images) against I_S.

    Look for: the doubled, smeared edges that follow the shape of k (the rim of the cup, the
    spoon's highlight), and that the noise costs PSNR on top of the blur even though σ = 0.02 is
    barely visible.
    """)

lesson.cell("One photo, term by term", uses: [scene], data: ["Data/camera.png", "Data/coffee.png"]) { ctx in
    let k = try ctx.use(scene).trueKernel
    let sharp = try photo(ctx, "Data/coffee.png")
    let sigma: Float = 0.02
    var rng = ctx.rng
    let blurred = sharp.convolved(with: k)
    let noisy = blurred.addingGaussianNoise(sigma: sigma, using: &rng)
    let noiseOnly = sharp.addingGaussianNoise(sigma: sigma, using: &rng)
    let b = quality(blurred, sharp), n = quality(noisy, sharp), o = quality(noiseOnly, sharp)
    let kernelSide = commonSide([k]) + 4   // a 2-px black margin round the kernel
    try ctx.figure("photo_terms", height: 620, title: "I_B = k ∗ I_S + N on a photo (PSNR / SSIM against I_S)") { fig in
        let grid = fig.imageGrid(rows: 1, cols: 4)
        grid.colLabels = ["I_S  (sharp)", "k  (camera shake)", "k ∗ I_S  (blurred)", "I_B = k ∗ I_S + N"]
        grid.set(raster(sharp), row: 0, col: 0, caption: "\(sharp.width) × \(sharp.height) px")
        grid.set(kernelRaster(k, side: kernelSide), row: 0, col: 1,
                 caption: "\(k.width) × \(k.height) px, enlarged: one square = one pixel")
        grid.set(raster(blurred), row: 0, col: 2, caption: b.caption)
        grid.set(raster(noisy), row: 0, col: 3, caption: "σ = \(sigma): " + n.caption)
    }
    ctx.metric("psnr_blurred", b.psnr)
    ctx.metric("ssim_blurred", b.ssim)
    ctx.metric("psnr_blurred_noisy", n.psnr)
    ctx.metric("ssim_blurred_noisy", n.ssim)
    ctx.metric("psnr_noise_only", o.psnr)
    try claim(n.psnr < b.psnr && n.ssim < b.ssim, "noise lowers PSNR and SSIM on top of the blur")
    ctx.say("Noise of σ = \(sigma) alone (no blur) would give \(f1(o.psnr)) dB; blur alone \(f1(b.psnr)) dB; both \(f1(n.psnr)) dB.")
}

// MARK: - 4. Spatially varying blur

lesson.markdown("""
    ## When k depends on the position: k(M)

    A single kernel assumes the camera only translated. A camera that also rolls about its
    optical axis moves each point along a circle around the image centre: no blur at the centre,
    long tangential streaks in the corners. The motion field M gives a different kernel at every
    pixel. A practical model (Hirsch et al. 2010, "efficient filter flow") stores kernels k_g at a
    coarse grid of nodes and blends the blurred images with bilinear weights w_g(p) that sum to 1:

    ```math
    I_B(p) = Σ_g w_g(p) · (k_g ∗ I_S)(p) + N(p)
    ```

    Because the weights depend only on the output pixel p, the kernel acting at p is exactly
    Σ_g w_g(p)·k_g — the left picture draws these local kernels (enlarged) over the photo.
    A 0.05-radian roll is shown; the enlarged corner (orange box) is sharp in I_S and
    streaked in I_B, while the centre is blurred much less (the cell compares their kernels).
    """)

lesson.cell("Spatially varying blur", data: ["Data/coffee.png"]) { ctx in
    let sharp = try photo(ctx, "Data/coffee.png")
    let (h, w) = (sharp.height, sharp.width)
    let angle = 0.05
    let field = SpatiallyVaryingBlur.cameraRoll(imageHeight: h, imageWidth: w, rows: 5, cols: 5, angle: angle)
    let blurred = sharp.blurred(by: field)
    let zoom = ctx.pick(quick: 2, full: 3)
    let picture = field.picture(over: sharp, cells: 5, zoom: zoom)
    let centreKernel = field.localKernel(y: h / 2, x: w / 2, imageHeight: h, imageWidth: w)
    let cornerKernel = field.localKernel(y: h / 10, x: w - 1 - w / 10, imageHeight: h, imageWidth: w)

    /// PSNR of the blurred image inside a region (fractions of the image).
    func regionPSNR(_ x: Double, _ y: Double, _ fw: Double, _ fh: Double) -> Double {
        let (cx, cy, cw, ch) = (Int(x * Double(w)), Int(y * Double(h)), Int(fw * Double(w)), Int(fh * Double(h)))
        return Metrics.psnr(blurred.cropped(x: cx, y: cy, width: cw, height: ch), sharp.cropped(x: cx, y: cy, width: cw, height: ch))
    }
    let centre = regionPSNR(0.375, 0.375, 0.25, 0.25)
    let corners = [(0.0, 0.0), (0.75, 0.0), (0.0, 0.75), (0.75, 0.75)].map { regionPSNR($0.0, $0.1, 0.25, 0.25) }
    let whole = quality(blurred, sharp)

    try ctx.figure("spatially_varying", height: 580, title: "Camera roll of \(angle) rad: the kernel field k(M) and the blurred photo") { fig in
        let grid = fig.imageGrid(rows: 1, cols: 3)
        grid.colLabels = ["local kernels k(p), \(zoom)× enlarged", "I_S  (sharp)", "I_B = k(M) ∗ I_S"]
        grid.set(raster(picture), row: 0, col: 0,
                 caption: "rms radius: centre \(f1(centreKernel.rmsRadius)) px, corner \(f1(cornerKernel.rmsRadius)) px")
        grid.set(raster(sharp), row: 0, col: 1, caption: "\(w) × \(h) px")
        grid.set(raster(blurred), row: 0, col: 2, caption: "whole image " + whole.caption)
        grid.inset = .init(x: Int(0.78 * Double(w)), y: Int(0.04 * Double(h)), width: Int(0.19 * Double(w)),
                           height: Int(0.2 * Double(h)), size: 0.45)
    }
    ctx.metric("roll_psnr_centre_quarter", centre)
    ctx.metric("roll_psnr_corner_quarters_mean", corners.reduce(0, +) / 4)
    ctx.metric("roll_kernel_rms_centre", centreKernel.rmsRadius)
    ctx.metric("roll_kernel_rms_corner", cornerKernel.rmsRadius)
    try claim(corners.allSatisfy { $0 < centre }, "every corner is blurred more than the centre")
    ctx.say("PSNR of the blurred photo: centre quarter \(f1(centre)) dB, corner quarters \(corners.map(f1).joined(separator: ", ")) dB; "
            + "kernel rms radius \(f1(centreKernel.rmsRadius)) px at the centre, \(f1(cornerKernel.rmsRadius)) px in the corner.")
    ctx.say("One kernel for the whole image cannot describe this: a uniform-blur deconvolution would")
    ctx.say("over-sharpen the centre or under-sharpen the corners.")
}

// MARK: - 5. Non-blind deconvolution

lesson.markdown("""
    ## Non-blind deconvolution, with the true kernel and a wrong one

    Suppose we know k. Two classical ways to undo the blur:

    - **Wiener filter.** Convolution is multiplication in the Fourier domain, I_B(ω) = K(ω)·I_S(ω) + N(ω),
      so divide — but carefully: X̂(ω) = conj(K(ω))·I_B(ω) / (|K(ω)|² + NSR). The noise-to-signal
      ratio NSR keeps the division from exploding where |K(ω)| is tiny (NSR = 0 is the plain inverse
      filter). One pass in the Fourier domain.
    - **Richardson–Lucy.** The EM iteration for Poisson noise, x ← x · (k̃ ∗ (I_B / (k ∗ x))), with
      k̃ the flipped kernel: re-blur the estimate, compare with I_B, push the estimate to explain the
      ratio. It keeps x ≥ 0 and preserves brightness; the number of iterations is its regulariser.

    Each method has one knob — NSR, or the iteration count. Here both are set to the value that
    maximises PSNR with the *true* kernel at this noise level (σ = 0.005, about 1.3 grey levels of
    255 — a good camera in daylight), found in the sweep below: an oracle choice no real deblurrer
    has, which flatters both methods. The same knob is then used with two wrong kernels: the true
    path 1.5× too long (a misjudged exposure) and the true path turned by 30°.

    Look for: with the true kernel, edges come back (the camera and the face in the enlarged box);
    with a wrong kernel, both methods add ghost edges and ringing instead, and can end worse than
    no deblurring at all (the cell counts how often).
    """)

lesson.cell("Wiener and Richardson–Lucy with true and wrong kernels", uses: [scene, sweep], data: ["Data/camera.png"]) { ctx in
    let s = try ctx.use(scene)
    guard let tuned = try ctx.use(sweep).at(demoSigma) else { throw CellError("the sweep has no σ = \(demoSigma)") }
    var rng = ctx.rng
    let noisy = s.sharp.convolved(with: s.trueKernel).addingGaussianNoise(sigma: Float(demoSigma), using: &rng)
    let input = quality(noisy, s.sharp)
    let cases: [(label: String, key: String, kernel: Kernel)] = [
        ("true kernel", "true", s.trueKernel),
        ("\(f1(wrongScale))× too long", "wrong_length", s.tooLong),
        ("turned \(Int(wrongTurn))°", "wrong_angle", s.turned),
    ]
    var results: [(wiener: (image: Image, q: (psnr: Double, ssim: Double, caption: String)),
                   rl: (image: Image, q: (psnr: Double, ssim: Double, caption: String)))] = []
    for (i, c) in cases.enumerated() {
        let w = Deconvolution.wiener(noisy, kernel: c.kernel, nsr: tuned.bestNSR)
        let r = try Deconvolution.richardsonLucy(noisy, kernel: c.kernel, iterations: tuned.bestIterations) { _, _ in
            try ctx.checkInterrupted()
        }
        results.append(((w, quality(w, s.sharp)), (r, quality(r, s.sharp))))
        try ctx.progress(i + 1, of: cases.count)
    }

    try ctx.figure("deconvolution_true_vs_wrong", width: 1600, height: 1000,
                   title: "Deconvolution at σ = \(demoSigma): true vs wrong kernel (PSNR / SSIM)") { fig in
        let grid = fig.imageGrid(rows: 2, cols: 4)
        grid.colLabels = ["reference"] + cases.map(\.label)
        grid.rowLabels = ["Wiener", "Richardson–Lucy"]
        grid.inset = s.detail
        grid.set(raster(noisy), row: 0, col: 0, caption: "blurred input: " + input.caption)
        grid.set(raster(s.sharp), row: 1, col: 0, caption: "sharp I_S")
        for (i, r) in results.enumerated() {
            grid.set(raster(r.wiener.image), row: 0, col: i + 1, caption: r.wiener.q.caption)
            grid.set(raster(r.rl.image), row: 1, col: i + 1, caption: r.rl.q.caption)
        }
    }
    let side = commonSide(cases.map(\.kernel))
    try ctx.figure("deconvolution_kernels", width: 1600, height: 600, title: "The kernels used: true, too long, turned") { fig in
        let grid = fig.imageGrid(rows: 1, cols: 3)
        for (i, c) in cases.enumerated() {
            grid.set(kernelRaster(c.kernel, side: side), row: 0, col: i,
                     caption: "\(c.label): rms radius \(f1(c.kernel.rmsRadius)) px")
        }
    }

    var rows: [[Any]] = [["blurred input", "-", f2(input.psnr), f3(input.ssim)]]
    ctx.metric("psnr_input", input.psnr)
    ctx.metric("ssim_input", input.ssim)
    for (c, r) in zip(cases, results) {
        rows.append(["Wiener (NSR \(String(format: "%.1e", tuned.bestNSR)))", c.label, f2(r.wiener.q.psnr), f3(r.wiener.q.ssim)])
        rows.append(["Richardson–Lucy (\(tuned.bestIterations) it.)", c.label, f2(r.rl.q.psnr), f3(r.rl.q.ssim)])
        ctx.metric("psnr_wiener_\(c.key)", r.wiener.q.psnr)
        ctx.metric("ssim_wiener_\(c.key)", r.wiener.q.ssim)
        ctx.metric("psnr_rl_\(c.key)", r.rl.q.psnr)
        ctx.metric("ssim_rl_\(c.key)", r.rl.q.ssim)
    }
    try ctx.csv("deconvolution_true_vs_wrong", header: ["method", "kernel", "psnr_db", "ssim"], rows: rows)

    let t = results[0]
    try claim(t.wiener.q.psnr > input.psnr && t.rl.q.psnr > input.psnr,
              "with the true kernel both methods beat the blurred input at σ = \(demoSigma)")
    for r in results.dropFirst() {
        try claim(r.wiener.q.psnr < t.wiener.q.psnr && r.rl.q.psnr < t.rl.q.psnr,
                  "the true kernel beats each wrong kernel for both methods")
    }
    let worstWrong = results.dropFirst().flatMap { [$0.wiener.q.psnr, $0.rl.q.psnr] }.min()!
    ctx.say("True kernel: Wiener +\(f1(t.wiener.q.psnr - input.psnr)) dB, RL +\(f1(t.rl.q.psnr - input.psnr)) dB over the input.")
    ctx.say("Worst wrong-kernel result: \(f1(worstWrong)) dB, \(worstWrong < input.psnr ? "below" : "above") the blurred input's \(f1(input.psnr)) dB.")
    let below = results.dropFirst().flatMap { [$0.wiener.q.psnr, $0.rl.q.psnr] }.filter { $0 < input.psnr }.count
    ctx.metric("wrong_kernel_results_below_input", Double(below))
    ctx.say("\(below) of the 4 wrong-kernel results are below the blurred input\(below >= 2 ? ": a wrong kernel is often worse than no deblurring" : below == 1 ? "" : ": here a wrong kernel still helps a little").")
}

// MARK: - 6. The regularisation trade-off

lesson.markdown("""
    ## The knob: too little regularisation amplifies noise, too much leaves blur

    Where did those knob values come from? The sweep deconvolves the camera photo at each noise
    level with every NSR on a grid, and runs Richardson–Lucy recording PSNR after every iteration.

    Look for: each Wiener curve rises and falls — small NSR lets noise through (it is divided by
    a tiny |K|), large NSR stops deblurring — and its peak moves right as σ grows. Richardson–Lucy
    shows *semi-convergence*: PSNR climbs, peaks, and then falls as the iteration starts fitting
    the noise; the noisier the input, the earlier the peak (the cell says whether the lowest noise
    level has peaked before the sweep stops). Without the sharp image (which a real user does not have)
    the peak cannot be seen, so the stopping point is a guess.
    """)

lesson.cell("Regularisation trade-off", uses: [sweep], data: ["Data/camera.png"]) { ctx in
    let sw = try ctx.use(sweep)
    try ctx.figure("regularisation_tradeoff", title: "PSNR against the regularisation knob, one curve per noise level σ (true kernel)") { fig in
        let axes = fig.subplots(rows: 1, cols: 2)
        let (wiener, rl) = (axes[0][0], axes[0][1])
        for (i, p) in sw.points.enumerated() {
            let color = Palette.color(i)
            wiener.line(x: sw.nsrGrid, y: p.wienerPSNR, label: "σ = \(p.sigma)", color: color)
            wiener.scatter(x: [p.bestNSR], y: [p.wiener.psnr], color: color, size: 14, alpha: 1)
            rl.line(x: (1...p.rlPSNR.count).map(Double.init), y: p.rlPSNR, label: "σ = \(p.sigma)", color: color)
            rl.scatter(x: [Double(p.bestIterations)], y: [p.rl.psnr], color: color, size: 14, alpha: 1)
        }
        wiener.xscale = .log
        wiener.title = "Wiener: PSNR vs NSR (dot: best)"
        wiener.xlabel = "noise-to-signal ratio NSR"
        wiener.ylabel = "PSNR (dB)"
        rl.title = "Richardson–Lucy: PSNR vs iterations (dot: best)"
        rl.xlabel = "iterations (log scale)"
        rl.xscale = .log
        rl.ylabel = "PSNR (dB)"
        rl.legend = .outside
        wiener.legend = .hidden
        let floor = sw.points.map { min($0.wienerPSNR.min()!, $0.rlPSNR.min()!) }.min()!
        let top = sw.points.map { max($0.wiener.psnr, $0.rl.psnr) }.max()!
        wiener.ylim = max(floor, top - 20) - 0.5 ... top + 1
        rl.ylim = wiener.ylim
    }
    var rows: [[Any]] = []
    for p in sw.points {
        rows.append([p.sigma, String(format: "%.2e", p.bestNSR), f2(p.wiener.psnr), String(format: "%.2e", p.textbookNSR),
                     f2(p.wienerTextbook.psnr), p.bestIterations, f2(p.rl.psnr), f2(p.rlPSNR.last!)])
    }
    try ctx.csv("best_knobs", header: ["sigma", "wiener_best_nsr", "wiener_best_psnr", "wiener_textbook_nsr", "wiener_textbook_psnr",
                                      "rl_best_iterations", "rl_best_psnr", "rl_psnr_last_iteration"], rows: rows)
    let low = sw.points.first!, high = sw.points.last!
    ctx.metric("wiener_best_nsr_lowest_sigma", low.bestNSR)
    ctx.metric("wiener_best_nsr_highest_sigma", high.bestNSR)
    ctx.metric("rl_best_iterations_lowest_sigma", Double(low.bestIterations))
    ctx.metric("rl_best_iterations_highest_sigma", Double(high.bestIterations))
    ctx.metric("rl_semiconvergence_loss_highest_sigma_db", high.rl.psnr - high.rlPSNR.last!)
    try claim(high.bestNSR > low.bestNSR, "noisier input needs a larger NSR")
    try claim(high.bestIterations < low.bestIterations, "noisier input needs fewer Richardson–Lucy iterations")
    try claim(high.bestIterations < high.rlPSNR.count && high.rlPSNR.last! < high.rl.psnr - 0.5,
              "Richardson–Lucy semi-converges at the highest noise level (PSNR falls after its peak)")
    ctx.say("At σ = \(high.sigma), RL peaks after \(high.bestIterations) iteration\(high.bestIterations == 1 ? "" : "s") and loses \(f1(high.rl.psnr - high.rlPSNR.last!)) dB by iteration \(high.rlPSNR.count).")
    ctx.say(low.bestIterations == low.rlPSNR.count
        ? "At σ = \(low.sigma) it is still rising at iteration \(low.rlPSNR.count), where the sweep stops."
        : "At σ = \(low.sigma) it peaks after \(low.bestIterations) iterations.")
    let inside = sw.points.filter { p in p.bestNSR > sw.nsrGrid.first! && p.bestNSR < sw.nsrGrid.last! }.count
    let rising = zip(sw.points, sw.points.dropFirst()).allSatisfy { $1.bestNSR >= $0.bestNSR }
    ctx.say("Wiener's best NSR lies inside the grid for \(inside) of \(sw.points.count) noise levels and \(rising ? "rises with σ at every step" : "does not rise at every step of σ").")
}

// MARK: - 7. PSNR against noise

lesson.markdown("""
    ## How much does deconvolution help, as the noise grows?

    The same sweep, summarised: for each σ, the blurred input and each method at its best knob,
    plus Wiener with the textbook rule NSR = σ² / var(I_B) (no oracle; it needs only σ).

    Look for: at low noise both methods gain many dB over the input; the gain shrinks as σ grows,
    because every method must trade noise amplification against remaining blur. SSIM is harsher
    (amplified noise destroys local structure), so it can cross below the input at lower noise
    than PSNR does; the cell says where each crosses. The textbook Wiener rule σ²/var(I_B)
    compares the noise with the *average* signal power, but natural images have most of their
    power at low frequencies (roughly 1/|ω|²), so at the high frequencies deblurring must restore
    the true signal-to-noise ratio is much lower: expect the rule to under-regularise (an NSR
    below the tuned one) and lose to it.
    """)

lesson.cell("PSNR against noise level", uses: [sweep], data: ["Data/camera.png"]) { ctx in
    let sw = try ctx.use(sweep)
    let sigmas = sw.points.map(\.sigma)
    let series: [(label: String, key: String, psnr: [Double], ssim: [Double], style: LineStyle)] = [
        ("blurred input", "input", sw.points.map(\.input.psnr), sw.points.map(\.input.ssim), .solid),
        ("Wiener, best NSR", "wiener", sw.points.map(\.wiener.psnr), sw.points.map(\.wiener.ssim), .solid),
        ("Wiener, NSR = σ²/var(I_B)", "wiener_textbook", sw.points.map(\.wienerTextbook.psnr), sw.points.map(\.wienerTextbook.ssim), .dashed),
        ("Richardson–Lucy, best iterations", "rl", sw.points.map(\.rl.psnr), sw.points.map(\.rl.ssim), .solid),
    ]
    try ctx.figure("psnr_vs_noise", title: "Deblurring quality against noise level σ (camera photo, true kernel)") { fig in
        let axes = fig.subplots(rows: 1, cols: 2, shareX: true)
        for (i, s) in series.enumerated() {
            axes[0][0].line(x: sigmas, y: s.psnr, label: s.label, color: Palette.color(i), style: s.style, marker: .circle)
            axes[0][1].line(x: sigmas, y: s.ssim, label: s.label, color: Palette.color(i), style: s.style, marker: .circle)
        }
        for ax in axes[0] { ax.xscale = .log; ax.xlabel = "noise σ (pixel range 0…1)" }
        axes[0][0].ylabel = "PSNR (dB)"
        axes[0][1].ylabel = "SSIM"
        axes[0][0].title = "PSNR"
        axes[0][1].title = "SSIM"
        axes[0][0].legend = .hidden
        axes[0][1].legend = .outside
    }
    var rows: [[Any]] = []
    for (i, p) in sw.points.enumerated() {
        rows.append([p.sigma] + series.flatMap { [f2($0.psnr[i]), f3($0.ssim[i])] as [Any] })
    }
    try ctx.csv("psnr_vs_noise", header: ["sigma"] + series.flatMap { ["\($0.key)_psnr", "\($0.key)_ssim"] }, rows: rows)
    let low = sw.points.first!, high = sw.points.last!
    for s in series {
        ctx.metric("psnr_\(s.key)_sigma_\(low.sigma)", s.psnr.first!)
        ctx.metric("psnr_\(s.key)_sigma_\(high.sigma)", s.psnr.last!)
    }
    try claim(low.wiener.psnr > low.input.psnr + 1 && low.rl.psnr > low.input.psnr + 1,
              "at the lowest noise both methods gain over a dB on the blurred input")
    let gainLow = max(low.wiener.psnr, low.rl.psnr) - low.input.psnr
    let gainHigh = max(high.wiener.psnr, high.rl.psnr) - high.input.psnr
    try claim(gainHigh < gainLow, "the gain from deconvolution shrinks as the noise grows")
    ctx.say("Best gain over the input: \(f1(gainLow)) dB at σ = \(low.sigma), \(f1(gainHigh)) dB at σ = \(high.sigma)"
            + (gainHigh > 1 ? "." : gainHigh > 0 ? ": at the highest noise deblurring hardly helps." : ": at the highest noise it hurts."))
    // Where the best method first falls below the input, in SSIM and in PSNR.
    func crossing(_ best: (SweepPoint) -> Double, _ input: (SweepPoint) -> Double) -> Double? {
        sw.points.first { best($0) < input($0) }?.sigma
    }
    let ssimCross = crossing({ max($0.wiener.ssim, $0.rl.ssim) }, { $0.input.ssim })
    let psnrCross = crossing({ max($0.wiener.psnr, $0.rl.psnr) }, { $0.input.psnr })
    func at(_ sigma: Double?) -> String { sigma.map { "σ = \($0)" } ?? "no σ up to \(high.sigma)" }
    ctx.say("The best method falls below the input in SSIM at \(at(ssimCross)), in PSNR at \(at(psnrCross)).")
    let under = sw.points.filter { $0.textbookNSR < $0.bestNSR }.count
    let loss = mean(sw.points.map { $0.wiener.psnr - $0.wienerTextbook.psnr })
    ctx.say("The textbook rule's NSR is below the tuned one at \(under) of \(sw.points.count) noise levels and loses \(f1(loss)) dB to it on average.")
}

// MARK: - 8. Why blind deblurring is hard

lesson.markdown("""
    ## Why blind deblurring is hard

    Everything so far assumed k was known. Blind deblurring must find k and I_S from I_B alone,
    and the problem is ill-posed in three ways.

    1. **Many pairs explain the same photo.** Shift k one way and I_S the other: same I_B. Scale k
       by a and I_S by 1/a: same I_B (fixed by requiring Σk = 1). Worst of all, k = δ (no blur) with
       I_S = I_B explains the photo *perfectly* — the data alone can never rule it out.
    2. **Information is lost, not just hidden.** Where the kernel's transfer function |K(ω)| is zero
       or tiny, those frequencies of I_S are gone; dividing by |K(ω)| multiplies the noise there by
       1/|K(ω)|. Wiener's gain |K| / (|K|² + NSR) never exceeds 1/(2√NSR): it gives up on exactly
       those frequencies, which is why even the true kernel cannot restore every detail.
    3. **Priors can prefer the blur.** To choose among the pairs, one adds a prior p(I_S) — e.g.
       natural images have sparse gradients, −log p(I) = Σ |∇I|^α with α < 1. Levin, Weiss, Durand
       & Freeman (CVPR 2009) showed that maximising p over (k, I_S) jointly tends to return the
       no-blur solution, because blur removes the many small gradients of texture and noise. The
       second figure measures this on the course photo, for straight blurs of growing length and
       for the true kernel. (For α = 1, the total variation, this is a theorem: averaging with
       non-negative weights that sum to 1 can never increase Σ|∇I|.)
    """)

lesson.cell("The kernel's spectrum and noise amplification", uses: [scene, sweep], data: ["Data/camera.png"]) { ctx in
    let s = try ctx.use(scene)
    guard let tuned = try ctx.use(sweep).at(demoSigma) else { throw CellError("the sweep has no σ = \(demoSigma)") }
    let n = 128
    let magnitude = s.trueKernel.transferMagnitude(rows: n, cols: n)
    // Grid rows run bottom-up; flip so the picture has the image's orientation.
    var logRows: [[Double]] = []
    for r in (0..<n).reversed() { logRows.append((0..<n).map { log10(max(Double(magnitude[r * n + $0]), 1e-4)) }) }
    let small = Double(magnitude.filter { $0 < 0.01 }.count) / Double(n * n)

    // One line through the spectrum of a straight motion of the same path length: the Dirichlet
    // kernel |sin(πLu)/(L sin(πu))|, zero at u = m/L.
    let length = s.trajectory.pathLength().rounded()
    let line = Kernel.linearMotion(length: length, angle: 0)
    let cols = 512
    let profile = Array(line.transferMagnitude(rows: line.height, cols: cols)[(line.height / 2 * cols)..<((line.height / 2 + 1) * cols)])
    let u = (0..<cols).map { Double($0 - cols / 2) / Double(cols) }
    let half = (cols / 2)..<cols
    let k = half.map { Double(profile[$0]) }
    let inverse = k.map { 1 / max($0, 1e-12) }
    let nsr = tuned.bestNSR
    let wienerGain = k.map { $0 / ($0 * $0 + nsr) }
    let bound = 1 / (2 * nsr.squareRoot())

    try ctx.figure("kernel_spectrum", title: "Where |K(ω)| is small, deblurring divides noise by a small number") { fig in
        let axes = fig.subplots(rows: 1, cols: 2)
        let heat = axes[0][0]
        heat.heatmap(Grid(logRows, x: -0.5 ... 0.5, y: -0.5 ... 0.5), colormap: .viridis, range: -3 ... 0,
                     colorbarLabel: "log₁₀ |K(ω)|")
        heat.title = "|K(ω)| of the true camera-shake kernel"
        heat.xlabel = "horizontal frequency (cycles/px)"
        heat.ylabel = "vertical frequency (cycles/px)"
        heat.aspectEqual = true
        let gains = axes[0][1]
        let x = half.map { u[$0] }
        gains.line(x: x, y: k, label: "|K(u)|  (zeros at u = m/\(Int(length)))")
        gains.line(x: x, y: inverse, label: "inverse filter gain 1/|K|")
        gains.line(x: x, y: wienerGain, label: "Wiener gain, NSR = \(String(format: "%.0e", nsr))")
        gains.hline(bound, label: "1/(2√NSR)")
        gains.yscale = .log
        gains.ylim = 1e-3 ... 1e6
        gains.xlim = 0 ... 0.5
        gains.title = "Straight \(Int(length))-px motion: gain per frequency"
        gains.xlabel = "frequency u along the motion (cycles/px)"
        gains.ylabel = "gain"
        gains.legend = .topLeft
    }
    ctx.metric("spectrum_fraction_below_0_01", small)
    ctx.metric("inverse_filter_max_gain", inverse.max()!)
    ctx.metric("wiener_max_gain", wienerGain.max()!)
    try claim(wienerGain.max()! <= bound * (1 + 1e-6), "Wiener's gain never exceeds 1/(2√NSR)")
    try claim(inverse.max()! > 100 * wienerGain.max()!, "the inverse filter amplifies some frequency far more than Wiener")
    ctx.say("\(f1(100 * small)) % of the frequencies pass the true kernel with |K| < 0.01, i.e. are damped over 100×.")
    ctx.say("Undoing them exactly would amplify the noise there by up to \(String(format: "%.0f", inverse.max()!))×; Wiener stops at \(f1(wienerGain.max()!))×.")
}

lesson.cell("The no-blur solution and a sparse prior", uses: [scene], data: ["Data/camera.png"]) { ctx in
    let s = try ctx.use(scene)
    let alphas = [0.5, 0.8, 1.0]
    let maxLength = 0.07 * Double(s.sharp.width)
    let lengths = (0...8).map { maxLength * Double($0) / 8 }
    let base = alphas.map { s.sharp.sparseGradientPenalty(alpha: $0) }
    var ratios = alphas.map { _ in [Double]() }
    for (i, l) in lengths.enumerated() {
        let blurred = l < 1 ? s.sharp : s.sharp.convolved(with: .linearMotion(length: l, angle: 30))
        for (a, alpha) in alphas.enumerated() { ratios[a].append(blurred.sparseGradientPenalty(alpha: alpha) / base[a]) }
        try ctx.progress(i + 1, of: lengths.count)
    }
    let trueBlur = s.sharp.convolved(with: s.trueKernel)
    let trueRatios = alphas.indices.map { trueBlur.sparseGradientPenalty(alpha: alphas[$0]) / base[$0] }
    var rng = ctx.rng
    let noisy = trueBlur.addingGaussianNoise(sigma: Float(demoSigma), using: &rng)
    let noisyRatio = noisy.sparseGradientPenalty(alpha: 0.8) / base[1]

    try ctx.figure("sparse_prior_prefers_blur", title: "A sparse-gradient prior prefers the blurred photo to the sharp one") { fig in
        let ax = fig.axes()
        for (a, alpha) in alphas.enumerated() {
            ax.line(x: lengths, y: ratios[a], label: "α = \(alpha), straight blur", color: Palette.color(a), marker: .circle)
            ax.scatter(x: [s.trajectory.pathLength()], y: [trueRatios[a]], label: "α = \(alpha), the true camera-shake kernel",
                       color: Palette.color(a), size: 20, alpha: 1, marker: .diamond)
        }
        ax.hline(1, label: "sharp I_S")
        ax.xlabel = "blur length (px; straight motion at 30°)"
        ax.ylabel = "Σ|∇I|^α relative to the sharp image (lower = more probable)"
        ax.ylim = 0 ... 1.1
        ax.legend = .outside
    }
    try ctx.csv("sparse_prior_vs_blur", header: ["blur_length_px"] + alphas.map { "ratio_alpha_\($0)" },
                rows: lengths.indices.map { i in [f2(lengths[i])] + alphas.indices.map { f3(ratios[$0][i]) } })
    ctx.metric("prior_ratio_true_blur_alpha_0.8", trueRatios[1])
    ctx.metric("prior_ratio_true_blur_noisy_alpha_0.8", noisyRatio)
    try claim(trueRatios.allSatisfy { $0 < 1 }, "the blurred photo has a lower sparse-gradient penalty than the sharp one")
    ctx.say("Σ|∇I|^0.8 of the blurred photo is \(f1(100 * trueRatios[1])) % of the sharp photo's: the prior prefers (k = δ, I_S = I_B).")
    ctx.say("Noise of σ = \(demoSigma) raises it to \(f1(100 * noisyRatio)) % — real blind methods must handle both effects.")
}

lesson.markdown("""
    ### How classical and CNN methods get around it

    Classical blind methods avoid the trap by estimating k first — marginalising over I_S
    (Levin et al.), or alternating with heuristics that favour strong edges (shock filters,
    edge selection) — and then running a non-blind deconvolution like the ones above. They
    inherit both weaknesses shown here: a slightly wrong k produces ghosts and ringing, and
    the non-blind step must trade noise against blur through a knob.

    Learned methods come in two families.

    - **Two stages: CNN kernel estimation, then deconvolution.** A network looks at the blurred
      image and predicts the kernel (e.g. Sun et al., CVPR 2015, classify the local motion of each
      patch and assemble a motion field for non-uniform blur); a non-blind step such as the ones
      above then restores the image. It keeps the physics explicit, and also its fragility: any
      error in k is amplified by the deconvolution, and the model must be right (uniform vs
      spatially varying, linear vs curved motion).
    - **End to end, kernel-free.** A network maps I_B straight to I_S, never writing k down
      (Nah et al., CVPR 2017, multi-scale CNN; DeblurGAN, Kupyn et al., CVPR 2018, a conditional
      GAN). The training data still come from the blur model — DeblurGAN synthesises pairs with
      exactly the camera-shake trajectories of this lesson, and also uses real pairs (GoPro) —
      but the network learns the inverse directly, including the prior that tells sharp images
      from blurred ones, which the hand-made prior above got wrong. The price: it needs training
      data and cannot be told the kernel even when it is known.

    The next lessons build the pieces of that second approach: GANs, their failure modes, the
    Wasserstein critic and its gradient penalty, conditional GANs — and finally DeblurGAN, which
    will be compared with the Wiener and Richardson–Lucy results of this lesson.
    """)

lesson.main()
