import Autograd
import Plot

/// Figure recipes for GANs on 2-D toy data, shared by the GAN lessons so their figures look alike:
/// sample clouds over the real data, snapshot grids across training, and mode-coverage curves.
///
/// ```swift
/// let rows = [SnapshotRow(label: "seed 1", snapshots: trainer.snapshots)]
/// try ctx.figure("snapshots", title: "Samples during training") { fig in
///     SampleFigures.snapshotGrid(fig, rows: rows, real: ToyData.eightGaussians.sample(512, using: &rng))
/// }
/// let runs = [CoverageRun(label: "seed 1", snapshots: trainer.snapshots, data: .eightGaussians)]
/// try ctx.figure("coverage", title: "Modes covered") { fig in SampleFigures.coverageCurves(fig, runs: runs) }
/// try ctx.csv("coverage", header: CoverageRun.csvHeader, rows: runs.flatMap(\.csvRows))
/// ```
public enum SampleFigures {
    /// Grey for the real data under the generated samples.
    public static let realColor = Color(hex: 0x9A9A9A)

    /// One panel: real samples (grey) under generated samples (`color`), equal aspect, fixed limits.
    public static func drawSamples(_ ax: Axes, generated: Tensor, real: Tensor?, limits: ClosedRange<Double> = -2 ... 2,
                                   color: Color = Palette.color(0), markerSize: Double = 5,
                                   realLabel: String? = nil, generatedLabel: String? = nil) {
        if let real {
            let (x, y) = coordinates(real)
            ax.scatter(x: x, y: y, label: realLabel, color: realColor, size: markerSize, alpha: 0.35)
        }
        let (x, y) = coordinates(generated)
        // Points far outside the limits are pinned to the border, so a diverged generator is still visible.
        let pin = { (v: Double) in min(max(v, limits.lowerBound), limits.upperBound) }
        ax.scatter(x: x.map(pin), y: y.map(pin), label: generatedLabel, color: color, size: markerSize, alpha: 0.6)
        ax.xlim = limits
        ax.ylim = limits
        ax.aspectEqual = true
        if realLabel == nil && generatedLabel == nil { ax.legend = .hidden }
    }

    /// Rows of snapshot panels (one row per run, one column per recorded step), real data in grey
    /// behind each. Rows should have the same number of snapshots; a row with fewer leaves blanks.
    /// Steps label the top row when all rows share them, every panel otherwise; row labels go on the left.
    public static func snapshotGrid(_ fig: Figure, rows: [SnapshotRow], real: Tensor?,
                                    limits: ClosedRange<Double> = -2 ... 2) {
        let cols = rows.map(\.snapshots.count).max() ?? 1
        let axes = fig.subplots(rows: rows.count, cols: cols, shareX: true, shareY: true)
        let sameSteps = Set(rows.map { $0.snapshots.map(\.step) }).count == 1
        for (r, row) in rows.enumerated() {
            for (c, snapshot) in row.snapshots.enumerated() {
                let ax = axes[r][c]
                drawSamples(ax, generated: snapshot.samples, real: real, limits: limits, color: row.color ?? Palette.color(r))
                if r == 0 || !sameSteps { ax.title = "step \(snapshot.step)" }
                if c == 0 { ax.ylabel = row.label }
                if r == rows.count - 1 { ax.xlabel = "x₁" }
            }
        }
    }

    /// Two panels against generator step: modes covered (of `modeCount`) and the share of
    /// high-quality samples, one line per run (see `ModeCoverage`).
    public static func coverageCurves(_ fig: Figure, runs: [CoverageRun]) {
        let axes = fig.subplots(rows: 1, cols: 2, shareX: true)
        let (modes, quality) = (axes[0][0], axes[0][1])
        let modeCount = runs.first?.coverage.first?.modeCount ?? 8
        for (i, run) in runs.enumerated() {
            let steps = run.steps.map(Double.init), color = run.color ?? Palette.color(i)
            modes.line(x: steps, y: run.coverage.map { Double($0.modesCovered) }, label: run.label,
                       color: color, style: run.style, marker: .circle)
            quality.line(x: steps, y: run.coverage.map(\.highQualityShare), label: run.label,
                         color: color, style: run.style, marker: .circle)
        }
        modes.title = "Modes covered"
        modes.xlabel = "generator step"
        modes.ylabel = "modes covered (of \(modeCount))"
        modes.ylim = -0.3 ... Double(modeCount) + 0.3
        modes.yticks(Array(stride(from: 0.0, through: Double(modeCount), by: modeCount > 10 ? 5 : 1)))
        modes.legend = .hidden
        quality.title = "High-quality samples (within 3σ of a mode)"
        quality.xlabel = "generator step"
        quality.ylabel = "share of samples"
        quality.ylim = 0 ... 1.02
        quality.legend = .outside
    }

    static func coordinates(_ samples: Tensor) -> (x: [Double], y: [Double]) {
        precondition(samples.rank == 2 && samples.shape[1] == 2, "expected [n, 2] samples, got \(samples.shape)")
        let n = samples.shape[0]
        return ((0..<n).map { Double(samples.data[2 * $0]) }, (0..<n).map { Double(samples.data[2 * $0 + 1]) })
    }
}

/// One row of `SampleFigures.snapshotGrid`: a run's label and its (step, samples) snapshots,
/// e.g. `GANTrainer.snapshots`.
public struct SnapshotRow {
    public var label: String
    public var snapshots: [(step: Int, samples: Tensor)]
    public var color: Color?

    public init(label: String, snapshots: [(step: Int, samples: Tensor)], color: Color? = nil) {
        self.label = label
        self.snapshots = snapshots
        self.color = color
    }

    /// From snapshots stored as point lists (e.g. `ComparisonRun.snapshots`).
    public init(label: String, points: [(step: Int, points: [(Double, Double)])], color: Color? = nil) {
        self.init(label: label, snapshots: points.map { snapshot in
            (snapshot.step, Tensor(shape: [snapshot.points.count, 2], data: snapshot.points.flatMap { [Float($0.0), Float($0.1)] }))
        }, color: color)
    }
}

/// Mode coverage of a run at each snapshot, for `SampleFigures.coverageCurves` and CSV tables.
public struct CoverageRun {
    public var label: String
    public var steps: [Int]
    public var coverage: [ModeCoverage]
    public var color: Color?
    public var style: LineStyle

    /// Measures every snapshot against the modes of `data` (a mixture: 8 or 25 Gaussians).
    public init(label: String, snapshots: [(step: Int, samples: Tensor)], data: ToyData,
                color: Color? = nil, style: LineStyle = .solid) {
        precondition(data.modeStd != nil, "\(data.rawValue) has no modes to cover")
        self.label = label
        steps = snapshots.map(\.step)
        coverage = snapshots.map { ModeCoverage(samples: $0.samples, modes: data.modes, std: data.modeStd!) }
        self.color = color
        self.style = style
    }

    public static let csvHeader = ["run", "step", "modes_covered", "mode_count", "high_quality_share"]

    /// One row per snapshot, in the order of `csvHeader`.
    public var csvRows: [[Any]] {
        zip(steps, coverage).map { [label, $0, $1.modesCovered, $1.modeCount, $1.highQualityShare] }
    }
}
