import Foundation
import Testing
@testable import Plot

/// Renders the example figures a lecturer would put on slides into `$TMPDIR/plot-examples`
/// (look at them after changing the layout code) and checks they decode at full size.
@Suite struct GalleryTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plot-examples").path

    func save(_ fig: Figure, _ name: String) throws {
        let path = folder + "/" + name + ".png"
        try fig.write(png: path)
        let bitmap = try Bitmap(png: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(bitmap.width == fig.width && bitmap.height == fig.height)
    }

    /// A small deterministic generator (SplitMix64) with Gaussian samples, so the gallery is reproducible.
    struct Random {
        var state: UInt64
        mutating func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        mutating func normal() -> Double {
            (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform())
        }
    }

    @Test func lineChartWithLogAxisAndLegend() throws {
        var rng = Random(state: 1)
        let steps = (0 ..< 400).map { Double($0 * 5 + 1) }
        let fig = Figure(title: "Critic loss during training")
        let ax = fig.axes()
        for (name, rate, floor) in [("minimax", 0.002, 0.3), ("non-saturating", 0.004, 0.05),
                                    ("WGAN (clipping)", 0.006, 0.01), ("WGAN-GP", 0.01, 0.002)] {
            let y = steps.map { s in (floor + 2 * exp(-rate * s)) * exp(0.15 * rng.normal()) }
            ax.line(x: steps, y: y, label: name)
        }
        ax.hline(0.6931, label: "log 2")
        ax.yscale = .log
        ax.xlabel = "generator iteration"
        ax.ylabel = "loss"
        try save(fig, "lines-log")
    }

    @Test func jsDivergenceSaturates() throws {
        let shifts = stride(from: 0.0, through: 6, by: 0.05).map { $0 }
        let js = shifts.map { 0.6931 * (1 - exp(-$0 * $0 * 2)) }
        let fig = Figure(title: "JS divergence saturates, W₁ keeps growing")
        let ax = fig.axes()
        ax.line(x: shifts, y: js, label: "JS(p_r ‖ p_g)")
        ax.line(x: shifts, y: shifts.map { $0 / 4 }, label: "W₁ / 4", style: .dashed)
        ax.hline(0.6931, label: "log 2")
        ax.xlabel = "shift θ"; ax.ylabel = "divergence"
        try save(fig, "lines-js")
    }

    @Test func smallMultiplesOfPointClouds() throws {
        var rng = Random(state: 2)
        let modes: [(x: Double, y: Double)] = (0 ..< 8).map { k in
            let angle = Double(k) * Double.pi / 4
            return (2 * cos(angle), 2 * sin(angle))
        }
        let fig = Figure(title: "Mode collapse on a mixture of 8 Gaussians")
        let axes = fig.subplots(rows: 2, cols: 3, shareX: true, shareY: true)
        for (k, step) in [0, 500, 1000, 2000, 5000, 10000].enumerated() {
            let ax = axes[k / 3][k % 3]
            let spread = Double(k + 1) / 6   // the generator spreads out and finds more modes over time
            var real: (x: [Double], y: [Double]) = ([], []), fake: (x: [Double], y: [Double]) = ([], [])
            for i in 0 ..< 400 {
                let m = modes[i % 8], g = modes[i % (k + 1)]
                real.x.append(m.x + 0.08 * rng.normal()); real.y.append(m.y + 0.08 * rng.normal())
                fake.x.append(g.x * spread + 0.15 * rng.normal()); fake.y.append(g.y * spread + 0.15 * rng.normal())
            }
            ax.scatter(x: real.x, y: real.y, label: k == 0 ? "real" : nil, size: 6, alpha: 0.35)
            ax.scatter(x: fake.x, y: fake.y, label: k == 0 ? "generated" : nil, size: 6, alpha: 0.35)
            ax.aspectEqual = true
            ax.title = "step \(step)"
            if k / 3 == 1 { ax.xlabel = "x₁" }
            if k % 3 == 0 { ax.ylabel = "x₂" }
        }
        try save(fig, "scatter-grid")
    }

    @Test func filledContourWithQuiver() throws {
        let f = { (x: Double, y: Double) in sin(x) * cos(y) + 0.1 * x * x }
        let grid = Grid(x: -3 ... 3, y: -2 ... 2, cols: 120, rows: 80, f)
        let fig = Figure(title: "Critic value D(x) and its gradient ∇D")
        let ax = fig.axes()
        ax.contour(grid, count: 9, filled: true, colormap: .diverging, colorbarLabel: "D(x)")
        var x: [Double] = [], y: [Double] = [], u: [Double] = [], v: [Double] = []
        for i in 0 ..< 15 { for j in 0 ..< 10 {
            let px = -3 + (Double(i) + 0.5) * 6 / 15, py = -2 + (Double(j) + 0.5) * 4 / 10
            x.append(px); y.append(py)
            u.append(cos(px) * cos(py) + 0.2 * px); v.append(-sin(px) * sin(py))
        } }
        ax.quiver(x: x, y: y, u: u, v: v)
        ax.aspectEqual = true
        ax.xlabel = "x₁"; ax.ylabel = "x₂"
        try save(fig, "contour-quiver")
        try fig.write(svg: folder + "/contour-quiver.svg")

        let heat = Figure(width: 1200, height: 900, title: "‖∇D(x̂)‖ on a grid")
        let hax = heat.axes()
        hax.heatmap(Grid(x: -3 ... 3, y: -2 ... 2, cols: 30, rows: 20) { x, y in hypot(cos(x) * cos(y), sin(x) * sin(y)) },
                    colorbarLabel: "‖∇D‖")
        hax.contour(Grid(x: -3 ... 3, y: -2 ... 2, cols: 120, rows: 80) { x, y in hypot(cos(x) * cos(y), sin(x) * sin(y)) },
                    levels: [0.5], colormap: .gray)
        hax.aspectEqual = true
        try save(heat, "heatmap")
    }

    @Test func overlaidHistograms() throws {
        var rng = Random(state: 3)
        let c = 0.01
        let clipped = (0 ..< 5000).map { _ in min(max(0.012 * rng.normal(), -c), c) }
        let gp = (0 ..< 5000).map { _ in 0.006 * rng.normal() }
        let fig = Figure(title: "Critic weights: clipping piles them at ±c")
        let ax = fig.axes()
        ax.histogram(clipped, bins: 40, range: -0.025 ... 0.025, label: "weight clipping")
        ax.histogram(gp, bins: 40, range: -0.025 ... 0.025, label: "gradient penalty")
        ax.vline(-c, label: "−c"); ax.vline(c, label: "+c")
        ax.xlabel = "weight value"; ax.ylabel = "count"
        try save(fig, "histogram")
    }

    @Test func groupedBars() throws {
        let fig = Figure(title: "Restoration quality on the course photos")
        let ax = fig.axes()
        ax.bars(categories: ["blurred", "Wiener", "Richardson–Lucy", "DeblurGAN"],
                values: [[22.1, 24.3, 25.0, 27.8], [19.5, 21.0, 22.2, 26.1]],
                labels: ["PSNR, kernel known (dB)", "PSNR, kernel estimated (dB)"], showValues: true)
        ax.ylabel = "PSNR (dB)"
        try save(fig, "bars")
    }

    @Test func imageGridWithCaptionsAndInset() throws {
        let size = 48
        func photo(_ phase: Double, blur: Double) -> RasterImage {
            var pixels = [Float](repeating: 0, count: 3 * size * size)
            for y in 0 ..< size { for x in 0 ..< size {
                let edge = 1 / (1 + exp(-(Double(x) - 24 - 6 * sin(Double(y) / 6 + phase)) / max(blur, 0.05)))
                let ring = 0.5 + 0.5 * cos(hypot(Double(x) - 16, Double(y) - 30) / (1.5 + blur))
                pixels[y * size + x] = Float(0.2 + 0.7 * edge)
                pixels[size * size + y * size + x] = Float(0.3 + 0.5 * ring * (1 - edge))
                pixels[2 * size * size + y * size + x] = Float(0.8 - 0.5 * edge)
            } }
            return RasterImage(pixels: pixels, channels: 3, height: size, width: size)
        }
        let fig = Figure(title: "Deblurring, two test images")
        let grid = fig.imageGrid(rows: 2, cols: 3)
        grid.colLabels = ["blurred", "restored", "sharp"]
        grid.rowLabels = ["image 1", "image 2"]
        grid.inset = .init(x: 18, y: 8, width: 12, height: 12)
        for r in 0 ..< 2 {
            for (c, blur) in [3.0, 0.8, 0.05].enumerated() {
                grid.set(photo(Double(r), blur: blur), row: r, col: c, caption: ["PSNR 21.4 dB", "PSNR 27.9 dB", "ground truth"][c])
            }
        }
        try save(fig, "image-grid")

        let samples = Figure(width: 1200, height: 600, title: "Generator samples (grayscale)")
        let sgrid = samples.imageGrid(rows: 2, cols: 6)
        for i in 0 ..< 12 {
            let gray = (0 ..< 28 * 28).map { p in Float(0.5 + 0.5 * sin(Double(p % 28 + i) / 3) * cos(Double(p / 28) / 4)) }
            sgrid.set(RasterImage(gray: gray, height: 28, width: 28), row: i / 6, col: i % 6, caption: "z\(i + 1)")
        }
        try save(samples, "image-samples")
    }
}
