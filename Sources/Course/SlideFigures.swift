import Foundation
import Notebook

/// A figure of the lecture (Slides/lecture.md): which lesson cell draws it. `course figures`
/// copies it from the lesson's output to `Slides/figures/<name>.png`; the tests check every entry
/// against the lesson's source and against the lecture.
public struct SlideFigure: Sendable, Equatable {
    /// The stable name on the slides: `figures/<name>.png`.
    public let name: String
    /// The lesson id (see `Catalog`).
    public let lesson: String
    /// The figure's name in the lesson: its output holds `<artifact>.png`.
    public let artifact: String
    /// The title of the cell that draws it, as written in `lesson.cell("…")`.
    public let cell: String
    /// How the lesson's source names the figure when it is not the literal `ctx.figure("<artifact>"`
    /// (a name built by interpolation, or passed to a helper that draws it).
    public let sourceCall: String?

    init(_ name: String, _ lesson: String, _ artifact: String, cell: String, sourceCall: String? = nil) {
        self.name = name; self.lesson = lesson; self.artifact = artifact; self.cell = cell; self.sourceCall = sourceCall
    }

    /// The cell's id, as the lesson's manifest records it.
    public var cellID: String { cellSlug(cell) }

    /// The source text that draws the figure.
    public var call: String { sourceCall ?? "ctx.figure(\"\(artifact)\"" }
}

public enum SlideFigures {
    /// Every slide figure, in lecture order.
    public static let all: [SlideFigure] = [
        // The blur model and deconvolution.
        SlideFigure("blur-trajectories", "blur-model", "trajectories", cell: "Camera-shake trajectories and their kernels"),
        SlideFigure("blur-kernels", "blur-model", "kernels", cell: "Camera-shake trajectories and their kernels"),
        SlideFigure("blur-photo-terms", "blur-model", "photo_terms", cell: "One photo, term by term"),
        SlideFigure("blur-spatially-varying", "blur-model", "spatially_varying", cell: "Spatially varying blur"),
        SlideFigure("deconv-true-vs-wrong", "blur-model", "deconvolution_true_vs_wrong",
                    cell: "Wiener and Richardson–Lucy with true and wrong kernels"),
        SlideFigure("deconv-regularisation", "blur-model", "regularisation_tradeoff", cell: "Regularisation trade-off"),
        SlideFigure("deconv-psnr-vs-noise", "blur-model", "psnr_vs_noise", cell: "PSNR against noise level"),
        SlideFigure("deconv-kernel-spectrum", "blur-model", "kernel_spectrum", cell: "The kernel's spectrum and noise amplification"),
        SlideFigure("blind-sparse-prior", "blur-model", "sparse_prior_prefers_blur", cell: "The no-blur solution and a sparse prior"),
        // GANs and their failure modes.
        SlideFigure("gan-optimal-discriminator", "gan-minimax", "optimal_discriminator", cell: "The optimal discriminator, exact and learned"),
        SlideFigure("gan-js-vs-shift", "gan-minimax", "js_vs_shift", cell: "JS and W as two distributions slide apart"),
        SlideFigure("gan-parallel-lines", "gan-minimax", "parallel_lines", cell: "Parallel lines: JS, KL, TV and W against θ"),
        SlideFigure("gan-vanishing-gradients", "gan-minimax", "generator_gradient_norms", cell: "Generator gradient norm as D trains"),
        SlideFigure("gan-neglogd-fits", "gan-minimax", "neglogd_fits", cell: "The −log D objective: KL(P_g‖P_r) − 2·JS"),
        SlideFigure("gan-kl-asymmetry", "gan-minimax", "kl_asymmetry", cell: "KL asymmetry, pointwise"),
        SlideFigure("gan-mode-coverage", "gan-minimax", "mode_coverage", cell: "Mode collapse on 8 Gaussians"),
        SlideFigure("gan-mode-hopping", "gan-minimax", "mode_hopping", cell: "Mode collapse on 8 Gaussians"),
        // One figure per loss; quick mode trains only the non-saturating one.
        SlideFigure("gan-mode-collapse", "gan-minimax", "snapshots_nonsaturating", cell: "Mode collapse on 8 Gaussians",
                    sourceCall: "ctx.figure(\"snapshots_\\(loss.name)\""),
        // The Wasserstein distance and WGAN.
        SlideFigure("wgan-w1-1d", "wgan-critic", "w1_1d", cell: "Earth mover's distance in 1-D"),
        SlideFigure("wgan-w1-2d-plan", "wgan-critic", "w1_2d_plan", cell: "Earth mover's distance between 2-D point sets"),
        SlideFigure("wgan-kr-dual", "wgan-critic", "kr_dual_1d", cell: "A clipped critic learns the dual potential"),
        SlideFigure("wgan-critic-vs-shift", "wgan-critic", "critic_vs_shift", cell: "Critic estimate vs shift"),
        SlideFigure("wgan-ring", "wgan-critic", "ring_snapshots", cell: "WGAN vs GAN on the 8-Gaussian ring"),
        SlideFigure("wgan-training-curve", "wgan-critic", "critic_training_curve", cell: "The critic estimate as a training curve"),
        SlideFigure("wgan-clipped-weights", "wgan-critic", "clipped_weights_histogram", cell: "Weights pile up at ±c"),
        SlideFigure("wgan-clipped-gradients", "wgan-critic", "gradient_norms_by_layer", cell: "Gradient norms through a deep clipped critic"),
        SlideFigure("wgan-optimisers", "wgan-critic", "optimisers", cell: "RMSProp vs Adam vs SGD with momentum"),
        // The gradient penalty.
        SlideFigure("gp-interpolates", "gradient-penalty", "interpolates", cell: "Interpolates and the penalty's gradient"),
        SlideFigure("gp-critic-surfaces", "gradient-penalty", "critic_surfaces", cell: "Critic value surfaces: clipping vs gradient penalty"),
        SlideFigure("gp-gradient-norms", "gradient-penalty", "gradient_norms", cell: "Gradient norms at the interpolates"),
        SlideFigure("gp-lambda-sweep", "gradient-penalty", "lambda_sweep", cell: "λ sweep: gradient norms and the critic's estimate"),
        SlideFigure("gp-samples", "gradient-penalty", "wgan_gp_snapshots", cell: "WGAN-GP samples over training"),
        // Drawn by GANKit's comparison writer, which `course compare` shares.
        SlideFigure("gp-loss-variants", "gradient-penalty", "comparison_summary", cell: "Every loss variant side by side",
                    sourceCall: "summary: \"comparison_summary\""),
        // Conditional GANs.
        SlideFigure("cgan-training-pairs", "conditional-gan", "training_pairs", cell: "The training pairs"),
        SlideFigure("cgan-results", "conditional-gan", "results_grid", cell: "Results and metrics"),
        SlideFigure("cgan-perception-distortion", "conditional-gan", "perception_distortion", cell: "Perception against distortion"),
        SlideFigure("cgan-spectra", "conditional-gan", "power_spectra", cell: "Power spectra"),
        SlideFigure("cgan-discriminators", "conditional-gan", "discriminator_scores", cell: "What each discriminator scores as real"),
        SlideFigure("cgan-training-curves", "conditional-gan", "training_curves", cell: "Training curves"),
        SlideFigure("cgan-deblurring", "conditional-gan", "deblurring", cell: "Deblurring with the same recipe"),
        // DeblurGAN.
        SlideFigure("deblurgan-recipe", "deblurgan", "recipe_trials", cell: "What buys dB per CPU-minute"),
        SlideFigure("deblurgan-training", "deblurgan", "training_curves", cell: "Train (or resume) and plot the training curves"),
        SlideFigure("deblurgan-scores", "deblurgan", "heldout_gain_per_crop", cell: "PSNR, SSIM and sharpness on held-out photos"),
        SlideFigure("deblurgan-cpu-time", "deblurgan", "gain_against_cpu_time", cell: "Gain against CPU time: this run and the shipped model"),
        SlideFigure("deblurgan-gain-by-strength", "deblurgan", "gain_by_strength", cell: "Gain by blur strength"),
        SlideFigure("deblurgan-results", "deblurgan", "heldout_grid", cell: "Blurred, restored, sharp — and where the errors are"),
        SlideFigure("deblurgan-errors", "deblurgan", "heldout_errors", cell: "Blurred, restored, sharp — and where the errors are"),
        SlideFigure("deblurgan-adversarial", "deblurgan", "adversarial_ablation", cell: "Content only vs + WGAN-GP"),
        SlideFigure("deblurgan-real-photo", "deblurgan", "clock_motion", cell: "Deblurring the real motion-blurred clock"),
        SlideFigure("deblurgan-real-photo-half", "deblurgan", "clock_motion_half", cell: "The clock at half size"),
        SlideFigure("deblurgan-content-losses", "deblurgan", "content_loss_variants", cell: "Content-loss variants on one budget"),
    ]

    /// The lessons that draw slide figures, in course order.
    public static var lessons: [CatalogEntry] { Catalog.lessons.filter { entry in all.contains { $0.lesson == entry.id } } }

    /// The image paths of `![caption](path)` in pandoc Markdown, in order: what a deck shows.
    public static func images(in markdown: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"!\[[^\]]*\]\(\s*<?([^)\s>]+)"#)
        let range = NSRange(markdown.startIndex..., in: markdown)
        return pattern.matches(in: markdown, range: range).map { String(markdown[Range($0.range(at: 1), in: markdown)!]) }
    }
}

extension SlideFigure {
    /// Where a finished lesson run put this figure, with the time its cell took.
    /// This figure in a lesson's output folder, checked against the folder's manifest (see
    /// `DrawnFigure.find`): the lesson run must list it as drawn by the registered cell.
    public func output(in folder: URL) throws -> DrawnFigure {
        do { return try DrawnFigure.find("\(artifact).png", drawnBy: cell, of: lesson, in: folder) } catch {
            throw NotebookError("figure \(name): \(error)")
        }
    }
}
