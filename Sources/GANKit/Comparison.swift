import Autograd
import Foundation
import NN
import Plot

/// Several loss variants trained under one budget: the same data, seeds, architecture, batch size,
/// n_critic and number of generator steps, so that the only difference between two rows of the
/// table is the loss (and the optimiser that loss is normally trained with, `OptimiserChoice.reference`).
/// The gradient-penalty lesson and `course compare` both run this, so their numbers agree.
public struct GANComparison: Sendable {
    public var variants: [GANLoss]
    public var data: ToyData
    /// Generator steps per run.
    public var steps: Int
    public var seeds: [UInt64]
    /// Generator steps at which samples are kept for the figure grid (0 and `steps` included).
    public var snapshotSteps: [Int]
    /// Generator steps at which the metrics are measured for the summary's curves (a superset of
    /// `snapshotSteps`).
    public var curveSteps: [Int]
    public var width = 128
    public var depth = 3
    public var batchSize = 256
    public var criticSteps = 5
    /// Generated and fresh real samples used for the metrics.
    public var evaluationSize = 2048
    /// Multipliers of every variant's reference learning rates (Adam 1e-4; WGAN's RMSProp 5e-5) for
    /// the discriminator/critic and for the generator. The reference rates are tuned for
    /// 100,000-step runs; in a CPU budget of hundreds of steps a critic at 1e-4 lags behind its
    /// generator and WGAN-GP wanders instead of converging. A faster critic (two time-scale
    /// updates, Heusel et al. 2017) fixes that, so the default is a critic 10× faster than its
    /// reference and a generator at its reference rate; the same factors apply to every variant.
    public var discriminatorLearningRateScale: Float = 10
    public var generatorLearningRateScale: Float = 1

    /// `snapshots` columns evenly spaced from step 0 to `steps`, and curves measured at
    /// 4·(snapshots − 1) + 1 evenly spaced steps.
    public init(variants: [GANLoss], data: ToyData, steps: Int, seeds: [UInt64], snapshots: Int = 5) {
        precondition(!variants.isEmpty && !seeds.isEmpty && steps > 0 && snapshots >= 2,
                     "a comparison needs variants, seeds, steps > 0 and at least two snapshots")
        self.variants = variants
        self.data = data
        self.steps = steps
        self.seeds = seeds
        func evenlySpaced(_ count: Int) -> [Int] { (0..<count).map { Int((Double(steps) * Double($0) / Double(count - 1)).rounded()) } }
        snapshotSteps = evenlySpaced(snapshots)
        curveSteps = Array(Set(evenlySpaced(4 * (snapshots - 1) + 1) + snapshotSteps)).sorted()
    }

    /// The training configuration of one variant: everything but the loss and its optimiser is shared.
    public func config(for variant: GANLoss) -> GANConfig {
        var c = GANConfig(loss: variant, steps: steps)
        c.width = width; c.depth = depth; c.batchSize = batchSize; c.criticSteps = criticSteps
        c.snapshotSteps = curveSteps
        c.snapshotSize = evaluationSize
        c.dOptimiser = c.dOptimiser.scaled(by: discriminatorLearningRateScale)
        c.gOptimiser = c.gOptimiser.scaled(by: generatorLearningRateScale)
        return c
    }

    /// Trains one variant from one seed and measures it. A run whose loss stops being a number is
    /// kept, marked as diverged at that step, with NaN metrics. `onStep` sees each generator step
    /// and may throw to stop (an interrupt), which ends the whole comparison.
    public func run(_ variant: GANLoss, seed: UInt64, onStep: (Int) throws -> Void = { _ in }) throws -> ComparisonRun {
        let trainer = GANTrainer(config(for: variant), data: data, seed: seed)
        let start = Date()
        var divergedAt: Int?
        do {
            try trainer.train { try onStep($0.step) }
        } catch let error as TrainingDiverged {
            divergedAt = error.step
        }
        let seconds = Date().timeIntervalSince(start)
        // A fresh real sample, from its own stream so that it is the same for every variant.
        var evalRNG = RandomGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        let real = points(data.sample(evaluationSize, using: &evalRNG))
        let curve = trainer.snapshots.map { measure($0.samples, step: $0.step, against: real) }
        // The last snapshot is the trained generator on the fixed noise `samples()` uses, so the
        // final metrics are the curve's last point — unless training diverged.
        let final = divergedAt == nil ? curve.last! : measure(nil, step: divergedAt!, against: real)
        let tail = trainer.history.suffix(max(1, trainer.history.count / 10))
        func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
        return ComparisonRun(
            variant: variant.name, seed: seed, divergedAt: divergedAt,
            modesCovered: final.modesCovered,
            modeCount: data.modes.count,
            highQualityShare: final.highQualityShare,
            slicedWasserstein: final.slicedWasserstein,
            generatorLoss: mean(tail.map { Double($0.generatorLoss) }),
            discriminatorLoss: mean(tail.map { Double(variant.totalDiscriminatorLoss($0.discriminator)) }),
            seconds: seconds,
            snapshots: trainer.snapshots.filter { snapshotSteps.contains($0.step) }.map { ($0.step, points($0.samples)) },
            curve: curve)
    }

    /// Modes covered, high-quality share (NaN without modes) and sliced W₁ of `fake` against the
    /// `real` points; all NaN when there are no samples or they are not finite.
    func measure(_ fake: Tensor?, step: Int, against real: [(Double, Double)]) -> CurvePoint {
        guard let fake, fake.data.allSatisfy(\.isFinite) else {
            return CurvePoint(step: step, modesCovered: .nan, highQualityShare: .nan, slicedWasserstein: .nan)
        }
        let coverage = data.modeStd.map { ModeCoverage(samples: fake, modes: data.modes, std: $0) }
        return CurvePoint(step: step, modesCovered: coverage.map { Double($0.modesCovered) } ?? .nan,
                          highQualityShare: coverage?.highQualityShare ?? .nan, slicedWasserstein: Wasserstein.sliced(real, points(fake)))
    }

    /// Every variant from every seed, variant by variant. `progress(done, total)` counts generator steps.
    public func runAll(progress: (Int, Int) throws -> Void = { _, _ in }) throws -> ComparisonResult {
        let total = variants.count * seeds.count * steps
        var runs: [ComparisonRun] = []
        for variant in variants {
            for seed in seeds {
                let before = runs.count * steps
                runs.append(try run(variant, seed: seed) { try progress(before + $0, total) })
                try progress((runs.count) * steps, total)
            }
        }
        return ComparisonResult(comparison: self, runs: runs)
    }
}

extension OptimiserChoice {
    /// The same optimiser with its learning rate multiplied by `factor`.
    func scaled(by factor: Float) -> OptimiserChoice {
        switch self {
        case let .adam(lr, b1, b2): return .adam(learningRate: lr * factor, beta1: b1, beta2: b2)
        case let .rmsprop(lr): return .rmsprop(learningRate: lr * factor)
        case let .sgd(lr, m): return .sgd(learningRate: lr * factor, momentum: m)
        }
    }
}

extension GANLoss {
    /// The discriminator loss (the quantity minimised) from a step's logged parts: the loss itself
    /// for the classifier losses, −(E_r f − E_g f) (+ λ·penalty) for the critics.
    func totalDiscriminatorLoss(_ parts: [String: Float]) -> Float {
        if let d = parts["d_loss"] { return d }
        let estimate = parts["critic_estimate"] ?? .nan
        if case .wganGP(let lambda) = self { return -estimate + lambda * (parts["gradient_penalty"] ?? .nan) }
        return -estimate
    }
}

/// One variant trained from one seed, measured on its final samples.
public struct ComparisonRun: Sendable {
    public let variant: String
    public let seed: UInt64
    /// The generator step at which a loss became NaN or infinite; nil if training finished.
    public let divergedAt: Int?
    /// Modes covered and the share of high-quality samples (`ModeCoverage`); NaN for the swiss roll
    /// (no modes) and for diverged runs.
    public let modesCovered: Double
    public let modeCount: Int
    public let highQualityShare: Double
    /// Sliced W₁ between the final samples and a fresh real sample of the same size.
    public let slicedWasserstein: Double
    /// Means over the last 10% of generator steps (single steps are noisy).
    public let generatorLoss: Double
    public let discriminatorLoss: Double
    public let seconds: Double
    /// (generator step, samples) at the comparison's snapshot steps.
    public let snapshots: [(step: Int, points: [(Double, Double)])]
    /// The metrics at the comparison's curve steps (until the run diverged).
    public let curve: [CurvePoint]
}

/// A run's metrics at one generator step.
public struct CurvePoint: Sendable {
    public let step: Int
    public let modesCovered: Double
    public let highQualityShare: Double
    public let slicedWasserstein: Double
}

/// The runs of a comparison, summarised per variant as a table and drawn as a snapshot grid.
public struct ComparisonResult: Sendable {
    public let comparison: GANComparison
    /// Variant by variant, seed by seed, in the comparison's order.
    public let runs: [ComparisonRun]

    public struct Row: Sendable {
        public let variant: String
        public let runs: Int
        public let diverged: Int
        public let modesCovered: MeanSD
        public let highQualityShare: MeanSD
        public let slicedWasserstein: MeanSD
        public let generatorLoss: MeanSD
        public let discriminatorLoss: MeanSD
        public let seconds: MeanSD
    }

    /// One row per variant: mean ± sd over seeds (diverged runs count in `diverged` only).
    public var rows: [Row] {
        comparison.variants.map { v in
            let r = runs.filter { $0.variant == v.name }
            return Row(variant: v.name, runs: r.count, diverged: r.filter { $0.divergedAt != nil }.count,
                       modesCovered: MeanSD(r.map(\.modesCovered)), highQualityShare: MeanSD(r.map(\.highQualityShare)),
                       slicedWasserstein: MeanSD(r.map(\.slicedWasserstein)), generatorLoss: MeanSD(r.map(\.generatorLoss)),
                       discriminatorLoss: MeanSD(r.map(\.discriminatorLoss)), seconds: MeanSD(r.map(\.seconds)))
        }
    }

    /// The summary of one variant, by its command-line name.
    public func row(_ variant: String) -> Row? { rows.first { $0.variant == variant } }

    public static let tableHeader = [
        "variant", "runs", "diverged",
        "modes_covered_mean", "modes_covered_sd", "high_quality_mean", "high_quality_sd",
        "sliced_w1_mean", "sliced_w1_sd", "g_loss_mean", "g_loss_sd", "d_loss_mean", "d_loss_sd",
        "seconds_mean", "seconds_sd",
    ]

    /// The table as CSV rows under `tableHeader` (full-precision numbers, NaN where not measured).
    public var tableRows: [[Any]] {
        rows.map { r in
            [r.variant, r.runs, r.diverged] + [r.modesCovered, r.highQualityShare, r.slicedWasserstein,
                                                r.generatorLoss, r.discriminatorLoss, r.seconds].flatMap { [$0.mean, $0.sd] as [Any] }
        }
    }

    public static let runsHeader = ["variant", "seed", "diverged_at", "modes_covered", "mode_count", "high_quality",
                                    "sliced_w1", "g_loss", "d_loss", "seconds"]

    /// One CSV row per run, for anyone who wants more than mean ± sd.
    public var runRows: [[Any]] {
        runs.map { [$0.variant, $0.seed, $0.divergedAt.map(String.init) ?? "", $0.modesCovered, $0.modeCount,
                    $0.highQualityShare, $0.slicedWasserstein, $0.generatorLoss, $0.discriminatorLoss, $0.seconds] }
    }

    /// The table in Markdown (a pipe table), mean ± sd over seeds.
    public var markdown: String {
        let c = comparison
        let modes = c.data.modes.isEmpty ? "modes covered" : "modes covered (of \(c.data.modes.count))"
        var lines = [
            "| variant | \(modes) | high-quality share | sliced W₁ | G loss | D loss | wall time (s) | diverged |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in rows {
            lines.append("| \(r.variant) | \(r.modesCovered.formatted(1)) | \(r.highQualityShare.formatted(2)) | "
                         + "\(r.slicedWasserstein.formatted(3)) | \(r.generatorLoss.formatted(3)) | \(r.discriminatorLoss.formatted(3)) | "
                         + "\(r.seconds.formatted(1)) | \(r.diverged)/\(r.runs) |")
        }
        lines.append("")
        lines.append("\(c.data.rawValue), \(c.steps) generator steps, n_critic \(c.criticSteps), batch \(c.batchSize), "
                     + "learning rates \(formatScale(c.discriminatorLearningRateScale))× (D) and \(formatScale(c.generatorLearningRateScale))× (G) the reference ones, "
                     + "MLPs with \(c.depth) hidden layers of \(c.width); mean ± sd over \(c.seeds.count) seed\(c.seeds.count == 1 ? "" : "s") "
                     + "(\(c.seeds.map(String.init).joined(separator: ", "))); losses averaged over the last 10% of steps; "
                     + "metrics on \(c.evaluationSize) samples.")
        return lines.joined(separator: "\n")
    }

    public static let curvesHeader = ["variant", "step", "runs", "modes_covered_mean", "modes_covered_sd",
                                      "high_quality_mean", "high_quality_sd", "sliced_w1_mean", "sliced_w1_sd"]

    /// Mean ± sd over seeds of the metrics at every curve step, per variant (runs that diverged
    /// before a step do not count at it).
    public var curveRows: [[Any]] {
        comparison.variants.flatMap { v in
            comparison.curveSteps.map { step -> [Any] in
                let points = runs.filter { $0.variant == v.name }.compactMap { $0.curve.first { $0.step == step } }
                return [v.name, step, points.count] + [\CurvePoint.modesCovered, \.highQualityShare, \.slicedWasserstein]
                    .flatMap { key -> [Any] in let m = MeanSD(points.map { $0[keyPath: key] }); return [m.mean, m.sd] }
            }
        }
    }

    /// Mean ± sd over seeds of one metric of `variant` at the curve steps.
    public func curve(_ variant: String, _ metric: KeyPath<CurvePoint, Double>) -> (steps: [Double], values: [MeanSD]) {
        let r = runs.filter { $0.variant == variant }
        let steps = comparison.curveSteps
        return (steps.map(Double.init), steps.map { step in MeanSD(r.compactMap { $0.curve.first { $0.step == step }?[keyPath: metric] }) })
    }

    /// A figure height that gives each variant's row of panels room at a 1600-pixel width.
    public static func gridHeight(rows: Int) -> Int { max(900, 110 + 250 * rows) }

    /// A column per variant: the final samples of the run from `seeds[seedIndex]` on top, then
    /// modes covered and sliced W₁ against generator step, mean (line) ± one sd (band) over the
    /// seeds. Each row has one scale, so variants compare at a glance. Without modes (the swiss
    /// roll) the modes row is left out.
    public func drawSummary(_ figure: Figure, seedIndex: Int = 0, points: Int = 600) {
        let c = comparison
        let seed = c.seeds[seedIndex]
        var metrics: [(label: String, key: KeyPath<CurvePoint, Double>)] = [("sliced W₁", \.slicedWasserstein)]
        if !c.data.modes.isEmpty { metrics.insert(("modes (of \(c.data.modes.count))", \.modesCovered), at: 0) }
        let axes = figure.subplots(rows: 1 + metrics.count, cols: c.variants.count, shareY: .rows)
        let curves = c.variants.map { v in metrics.map { curve(v.name, $0.key) } }
        let tops = metrics.indices.map { m in
            curves.flatMap { $0[m].values.map { $0.mean + ($0.sd.isFinite ? $0.sd : 0) } }.filter(\.isFinite).max() ?? 1
        }
        let real = evaluationReal(seed: seed, count: 120)
        for (col, variant) in c.variants.enumerated() {
            let color = Palette.color(col)
            let run = runs.first { $0.variant == variant.name && $0.seed == seed }
            let top = axes[0][col]
            drawSamples(top, run?.snapshots.last?.points ?? [], real: real, color: color, points: points)
            top.title = variant.name
            if let run, let at = run.divergedAt { top.text("diverged at step \(at)", x: 0, y: 0, align: .center) }
            for (m, metric) in metrics.enumerated() {
                let ax = axes[m + 1][col]
                let (steps, values) = curves[col][m]
                ax.band(x: steps, lower: values.map { $0.mean - $0.sd }, upper: values.map { $0.mean + $0.sd }, color: color)
                ax.line(x: steps, y: values.map(\.mean), color: color, width: 2.5)
                ax.xlim = 0 ... Double(c.steps)
                ax.xticks([0, Double(c.steps)], labels: ["0", "\(c.steps)"])
                if metric.key == \CurvePoint.modesCovered {
                    ax.ylim = 0 ... Double(c.data.modes.count)
                    ax.yticks(stride(from: 0, through: c.data.modes.count, by: max(1, c.data.modes.count / 4)).map(Double.init))
                } else {
                    ax.ylim = 0 ... tops[m] * 1.05
                }
                ax.legend = .hidden
                if col == 0 { ax.ylabel = metric.label }
                if m == metrics.count - 1 { ax.xlabel = "step" }
            }
        }
        axes[0][0].ylabel = "final, seed \(seed)"
    }

    /// The figures' caption: these settings are not those of the mode-collapse lesson, so the two
    /// need not agree on which variant collapses.
    public var caption: String {
        let c = comparison
        return "Same budget for every variant: \(c.steps) generator steps, n_critic \(c.criticSteps), batch \(c.batchSize), "
            + "the critic's learning rate \(formatScale(c.discriminatorLearningRateScale))× its reference. Modes covered: within 3σ; "
            + "sliced W₁ to a fresh real sample (lower is better); shaded: ± 1 sd over seeds. "
            + "Lesson 2's mode-collapse figures use Metz et al.'s settings instead (10,000 steps, one D step per G step, "
            + "a generator 10× faster than D), so the two need not agree on which loss collapses."
    }

    /// The summary's height at the 1600-pixel width: three rows of panels.
    public static let summaryHeight = 1000

    /// The fresh real sample the metrics of the run from `seed` compare against (its first `count` points).
    func evaluationReal(seed: UInt64, count: Int) -> [(Double, Double)] {
        var rng = RandomGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        return points(comparison.data.sample(count, using: &rng))
    }

    /// Real samples in grey under the first `points` generated ones, on the data's square extent.
    func drawSamples(_ ax: Axes, _ fake: [(Double, Double)], real: [(Double, Double)], color: Color, points: Int) {
        let extent = comparison.data.plotExtent
        ax.xlim = extent; ax.ylim = extent
        ax.aspectEqual = true
        ax.legend = .hidden
        ax.scatter(x: real.map(\.0), y: real.map(\.1), color: Color(hex: 0xAAAAAA), size: 4, alpha: 0.5)
        let p = fake.prefix(points).filter { extent.contains($0.0) && extent.contains($0.1) }
        ax.scatter(x: p.map(\.0), y: p.map(\.1), color: color, size: 5, alpha: 0.7)
    }

    /// Rows: variants; columns: snapshots over training, for the run from `seeds[seedIndex]`.
    /// Real samples in grey under the generated ones (the first `points` of each snapshot).
    public func drawSnapshotGrid(_ figure: Figure, seedIndex: Int = 0, points: Int = 300) {
        let seed = comparison.seeds[seedIndex]
        let steps = comparison.snapshotSteps
        let axes = figure.subplots(rows: comparison.variants.count, cols: steps.count, shareX: true, shareY: true)
        let real = evaluationReal(seed: seed, count: 120)
        for (row, variant) in comparison.variants.enumerated() {
            let run = runs.first { $0.variant == variant.name && $0.seed == seed }
            for (col, step) in steps.enumerated() {
                let ax = axes[row][col]
                if row == 0 { ax.title = "step \(step)" }
                if col == 0 { ax.ylabel = variant.name }
                let snap = run?.snapshots.first { $0.step == step }
                drawSamples(ax, snap?.points ?? [], real: real, color: Palette.color(row), points: points)
                if snap == nil, let run, let at = run.divergedAt, step >= at {
                    ax.text("diverged at step \(at)", x: 0, y: 0, align: .center)
                }
            }
        }
    }
}

private func formatScale(_ x: Float) -> String { x == x.rounded() && abs(x) < 1e6 ? String(Int(x)) : String(x) }

extension ToyData {
    /// Square plot limits that hold the whole distribution with a margin.
    public var plotExtent: ClosedRange<Double> { self == .swissRoll ? -2.25 ... 2.25 : -2.0 ... 2.0 }
}
