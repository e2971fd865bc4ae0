import Autograd
import GANKit

/// How WGAN-GP's gradient penalty is computed. The paper and DeblurGAN's code differ; both are here.
///
/// - `deblurGANCode` (the default, because the course reproduces DeblurGAN and its released
///   weights were trained this way): one ε ~ U[0, 1] for the whole batch, the gradient norm taken
///   per pixel over the channels, (‖∇‖ − 1)² averaged over batch and pixels.
/// - `paper` (Gulrajani et al. 2017, Algorithm 1): one ε per sample, the norm over the whole
///   sample — GANKit's `gradientPenalty`.
///
/// In both the gradient is that of the *sum* of the critic's patch scores (PyTorch's
/// `grad_outputs=ones`), and it stays in the graph so the penalty can be differentiated with
/// respect to the critic's weights. The returned value is not multiplied by λ.
public enum PenaltyVariant: String, Sendable, Codable {
    case deblurGANCode
    case paper

    public func penalty(_ critic: (Tensor) -> Tensor, real: Tensor, fake: Tensor,
                        using rng: inout RandomGenerator) -> Tensor {
        switch self {
        case .paper:
            return gradientPenalty(critic, real: real, fake: fake, using: &rng)
        case .deblurGANCode:
            let epsilon = Tensor.uniform([1, 1, 1, 1], using: &rng)
            return perPixelPenalty(critic, real: real, fake: fake, epsilon: epsilon)
        }
    }
}

/// The official code's penalty for a given ε (shape [1, 1, 1, 1] for one per batch, or [N, 1, 1, 1]).
public func perPixelPenalty(_ critic: (Tensor) -> Tensor, real: Tensor, fake: Tensor, epsilon: Tensor) -> Tensor {
    precondition(real.shape == fake.shape && real.rank == 4, "real \(real.shape) and fake \(fake.shape) must be one NCHW shape")
    let xHat = (epsilon * real.detach() + (1 - epsilon) * fake.detach()).detach()
    xHat.requiresGrad = true
    let g = grad(of: critic(xHat).sum(), wrt: [xHat], createGraph: true)[0]
    let norms = (g.square().sum(axis: 1) + 1e-12).sqrt()  // [N, H, W]
    return (norms - 1).square().mean()
}
