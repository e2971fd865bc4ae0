import Autograd
import Foundation
import Imaging
import NN

/// One row of the recipe search: a configuration that differs from its `parent` in one `factor`,
/// trained for a fixed CPU budget and scored on held-out crops. `course recipe` runs them; the
/// deblurgan lesson plots the table they produce.
public struct RecipeTrial: Sendable {
    public let name: String
    /// The trial this one changes one thing of ("" for the baseline).
    public let parent: String
    /// What changed, in words.
    public let factor: String
    public let config: DeblurGANConfig
    /// The share of the CPU budget spent on content-only steps before the adversarial phase
    /// (1: no critic at all; 0: WGAN-GP from the first step, as the paper).
    public let contentOnlyShare: Double
    public let realism: BlurPatchDataset.Realism
    /// The photos (in Data/) its training crops come from.
    public let photos: [String]
    /// The content loss on pixels: L1 (pix2pix's) or L2 (DeblurGAN-v2's, and what PSNR measures).
    public let pixelLoss: PixelLoss

    public enum PixelLoss: String, Sendable {
        case l1, l2
        var content: ContentLoss { self == .l1 ? .l1 : .l2 }
    }

    public init(_ name: String, parent: String, factor: String, config: DeblurGANConfig, contentOnlyShare: Double,
                realism: BlurPatchDataset.Realism = DeblurRecipe.realism, photos: [String] = DeblurRecipe.firstPhotos,
                pixelLoss: PixelLoss = .l1) {
        self.name = name
        self.parent = parent
        self.factor = factor
        self.config = config
        self.contentOnlyShare = contentOnlyShare
        self.realism = realism
        self.photos = photos
        self.pixelLoss = pixelLoss
    }

    /// One evaluation during the trial.
    public struct Point: Sendable {
        public let step: Int
        public let contentOnlySteps: Int
        public let cpuMinutes: Double
        public let score: RestorationScore
        /// Channels of the ReLU before the last convolution that fire on the test crops, and how
        /// many there are (`ResnetGenerator.liveChannels`): 0 live means the run is stuck.
        public let liveLast: (live: Int, channels: Int)
        /// Why the trial stops here before its budget is spent, if it does.
        public let stopReason: String?
        public var isStalled: Bool { stopReason != nil }
    }

    /// Trains for `cpuMinutes` of this process's CPU time (one thread) and scores the generator on
    /// `crops` `evaluations` times, evenly spaced in CPU time. The step counts come from timing a
    /// few steps of each phase first, so every trial gets the same budget whatever its speed; the
    /// learning-rate schedule runs over those steps. Evaluation time is not counted.
    ///
    /// A trial stops early when it can no longer learn (`Point.stopReason`): at an evaluation
    /// where no channel of the last ReLU fires on the probe crops (nothing before that layer gets
    /// a gradient any more, so the generator is stuck at a constant correction for good), or where
    /// every crop's score is the one of the evaluation before (no gradient reaches the output: a
    /// saturated Tanh). The rest of the budget would measure nothing.
    public func run(photos: [Image], crops: [BlurPatchDataset.Sample], cpuMinutes: Double, evaluations: Int, seed: UInt64,
                    progress: (Point) throws -> Void = { _ in }) throws -> [Point] {
        let batches = DeblurRecipe.batches(photos, config: config, seed: seed &+ 17, realism: realism)
        let budget = cpuMinutes * 60
        func secondsPerStep(contentOnly: Bool) throws -> Double {
            var probe = config
            probe.steps = 1_000_000
            probe.contentOnlySteps = contentOnly ? probe.steps : 0
            let t = DeblurGANTrainer(config: probe, content: pixelLoss.content, seed: seed, batches: batches)
            _ = try t.trainStep()  // warm-up: first allocations
            let start = processCPUSeconds()
            for _ in 0..<3 { _ = try t.trainStep() }
            return (processCPUSeconds() - start) / 3
        }
        let contentSteps = contentOnlyShare > 0 ? Int(budget * contentOnlyShare / (try secondsPerStep(contentOnly: true))) : 0
        let adversarialSteps = contentOnlyShare < 1 ? Int(budget * (1 - contentOnlyShare) / (try secondsPerStep(contentOnly: false))) : 0
        var c = config
        c.steps = max(1, contentSteps + adversarialSteps)
        c.contentOnlySteps = contentSteps
        if c.schedule == .constantThenLinear { c.constantSteps = c.steps / 2 }
        let trainer = DeblurGANTrainer(config: c, content: pixelLoss.content, seed: seed, batches: batches)

        var points: [Point] = [], used = 0.0, next = 1
        let probe = Image.batch(crops.prefix(8).map(\.blurred))
        func evaluate() throws {
            let deblurrer = Deblurrer(generator: trainer.generator)
            let last = trainer.generator.liveChannels(on: probe).last.map { ($0.live, $0.channels) } ?? (0, 0)
            let score = RestorationScore(crops: crops) { deblurrer.deblur(image: $0) }
            let stop = last.0 == 0 && last.1 > 0 ? "every channel of the last ReLU is dead"
                : trainer.step < c.steps && score.gains == points.last?.score.gains ? "every crop scores as at the evaluation before: the output no longer learns"
                : nil
            let p = Point(step: trainer.step, contentOnlySteps: contentSteps, cpuMinutes: used / 60,
                          score: score, liveLast: last, stopReason: stop)
            points.append(p)
            try progress(p)
        }
        while trainer.step < c.steps {
            let start = processCPUSeconds()
            _ = try trainer.trainStep()
            used += processCPUSeconds() - start
            if trainer.step == c.steps || used >= budget * Double(next) / Double(evaluations) {
                try evaluate()
                next += 1
                if points.last!.isStalled { break }
            }
        }
        return points
    }
}
