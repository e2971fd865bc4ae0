/// The course's lessons, in teaching order. `course` and the tests share this list; each lesson is
/// an executable target named after its id, built from `Lessons/<folder>/main.swift`.
/// Times are rough guides for a 2-core machine (quick and full mode, measured in release).
public struct CatalogEntry: Sendable, Equatable {
    public let id: String
    public let folder: String
    public let title: String
    public let teaches: String
    public let quickTime: String
    public let fullTime: String
}

public enum Catalog {
    public static let lessons: [CatalogEntry] = [
        CatalogEntry(
            id: "blur-model", folder: "01-blur-model", title: "The blur model",
            teaches: "I_B = k(M) * I_S + N: camera-shake kernels, uniform and spatially varying blur, noise; Wiener and Richardson–Lucy with the true vs a wrong kernel; PSNR/SSIM against noise; why blind deblurring is ill-posed",
            quickTime: "~1 s", fullTime: "~15 s"),
        CatalogEntry(
            id: "gan-minimax", folder: "02-gan-minimax", title: "GAN minimax and its failure modes",
            teaches: "the value function, D* = p_r/(p_r + p_g), C(G) = 2·JS − 2 log 2; JS stuck at log 2 on disjoint supports (parallel lines); vanishing generator gradients; the −log D objective KL(P_g‖P_r) − 2·JS; KL asymmetry; mode collapse on 8 Gaussians",
            quickTime: "~30 s", fullTime: "~7 min"),
        CatalogEntry(
            id: "wgan-critic", folder: "03-wgan-critic", title: "Wasserstein distance and the WGAN critic",
            teaches: "earth mover's distance, the Kantorovich–Rubinstein dual, a clipped critic with RMSProp and n_critic; weights piling at ±c; exploding and vanishing gradients",
            quickTime: "~30 s", fullTime: "~4 min"),
        CatalogEntry(
            id: "gradient-penalty", folder: "04-gradient-penalty", title: "WGAN-GP: the gradient penalty",
            teaches: "interpolates x̂ = εx_r + (1−ε)x_g, the penalty λ(‖∇D(x̂)‖ − 1)², critic surfaces and gradient-norm maps, clipping vs GP, a λ sweep, every loss variant side by side",
            quickTime: "~30 s", fullTime: "~8 min"),
        CatalogEntry(
            id: "conditional-gan", folder: "05-conditional-gan", title: "Conditional GANs: image to image",
            teaches: "z, x ↦ y: pix2pix's U-Net and PatchGAN on ×4 super-resolution of 64 px patches; L1 pre-training, then L1, cGAN, L1 + cGAN; unconditional, conditional and matching-aware D; the perception–distortion trade-off (PSNR/SSIM vs patch distance and power spectra); the same recipe on deblurring",
            quickTime: "~45 s", fullTime: "~5 min"),
        CatalogEntry(
            id: "deblurgan", folder: "06-deblurgan", title: "DeblurGAN",
            teaches: "ResNet generator and PatchGAN critic layer by layer, WGAN-GP + content loss (perceptual with VGG19 weights, else L1); the CPU recipe found by measurement, NAFNet's blocks included; training on synthetic camera shake with checkpoints (resumed unless --force); PSNR/SSIM on held-out photos vs the blurred input and Wiener/Richardson–Lucy with the true and a wrong kernel; a real blurred photo, full and half size; content losses compared; the model `course deblur` uses",
            quickTime: "~3 s", fullTime: "~30 min"),
    ]

    public static var ids: [String] { lessons.map(\.id) }

    public static func entry(_ id: String) -> CatalogEntry? { lessons.first { $0.id == id } }
}
