import Autograd

/// The GAN objectives the course compares, as one switchable type. The discriminator always
/// returns raw scores (logits); where a loss needs probabilities it goes through the stable
/// log-sigmoid, and critics (WGAN family) use the scores as they are — no sigmoid anywhere.
public enum GANLoss: Equatable, Sendable {
    /// Goodfellow et al.'s minimax game: G minimises log(1 − D(G(z))), which saturates once D wins.
    case minimax
    /// The same D, but G maximises log D(G(z)) (the "−log D trick").
    case nonSaturating
    /// WGAN: critic maximises E[f(x)] − E[f(G(z))]; every critic weight is clipped to ±clip after each step.
    case wgan(clip: Float)
    /// WGAN-GP: WGAN without clipping, plus λ·E[(‖∇f(x̂)‖ − 1)²] on random interpolates x̂.
    case wganGP(lambda: Float)
    /// Least-squares GAN (Mao et al.): targets 1 for real, 0 for fake.
    case leastSquares
    /// Hinge loss (Miyato et al., SAGAN).
    case hinge
    /// Non-saturating loss plus the R1 penalty (γ/2)·E[‖∇D(x)‖²] on real data (Mescheder et al.).
    case r1(gamma: Float)

    /// Names used on the command line and in tables.
    public var name: String {
        switch self {
        case .minimax: return "minimax"
        case .nonSaturating: return "nonsaturating"
        case .wgan: return "wgan"
        case .wganGP: return "wgan-gp"
        case .leastSquares: return "lsgan"
        case .hinge: return "hinge"
        case .r1: return "r1"
        }
    }

    /// The variant for a command-line name, with the reference hyper-parameters (WGAN c = 0.01,
    /// WGAN-GP λ = 10 as in the paper, R1 γ = 10).
    public init?(name: String) {
        switch name {
        case "minimax": self = .minimax
        case "nonsaturating": self = .nonSaturating
        case "wgan": self = .wgan(clip: 0.01)
        case "wgan-gp": self = .wganGP(lambda: 10)
        case "lsgan": self = .leastSquares
        case "hinge": self = .hinge
        case "r1": self = .r1(gamma: 10)
        default: return nil
        }
    }

    public static let allNames = ["minimax", "nonsaturating", "wgan", "wgan-gp", "lsgan", "hinge", "r1"]

    /// Whether the discriminator is a critic (unbounded score, no probability reading).
    public var isCritic: Bool {
        switch self {
        case .wgan, .wganGP, .hinge: return true
        default: return false
        }
    }

    /// The discriminator's loss (to minimise) and its parts for logging.
    /// `D` maps a batch to scores [n, 1]; `rng` draws the interpolation weights of WGAN-GP.
    public func discriminatorLoss(_ D: (Tensor) -> Tensor, real: Tensor, fake: Tensor,
                                  using rng: inout RandomGenerator) -> (loss: Tensor, parts: [String: Float]) {
        switch self {
        case .minimax, .nonSaturating:
            let (sr, sf) = (D(real), D(fake))
            // −log D(x) − log(1 − D(G(z))) with D = σ(score): softplus(−s_r) + softplus(s_f).
            let loss = (-sr).softplus().mean() + sf.softplus().mean()
            return (loss, ["d_loss": loss.item])
        case .wgan:
            let estimate = D(real).mean() - D(fake).mean()
            return (-estimate, ["critic_estimate": estimate.item])
        case .wganGP(let lambda):
            let estimate = D(real).mean() - D(fake).mean()
            let gp = gradientPenalty(D, real: real, fake: fake, using: &rng)
            return (-estimate + lambda * gp, ["critic_estimate": estimate.item, "gradient_penalty": gp.item])
        case .leastSquares:
            let loss = 0.5 * ((D(real) - 1).square().mean() + D(fake).square().mean())
            return (loss, ["d_loss": loss.item])
        case .hinge:
            let loss = (1 - D(real)).relu().mean() + (1 + D(fake)).relu().mean()
            return (loss, ["d_loss": loss.item])
        case .r1(let gamma):
            let x = real.detach()
            x.requiresGrad = true
            let sr = D(x), sf = D(fake)
            let g = grad(of: sr.sum(), wrt: [x], createGraph: true)[0]
            let penalty = g.square().flatten().sum(axis: 1).mean()
            let loss = (-sr).softplus().mean() + sf.softplus().mean() + (gamma / 2) * penalty
            return (loss, ["d_loss": loss.item, "r1_penalty": penalty.item])
        }
    }

    /// The generator's loss (to minimise) given the discriminator's scores of generated samples.
    public func generatorLoss(fakeScores s: Tensor) -> Tensor {
        switch self {
        case .minimax: return -s.softplus().mean()            // log(1 − σ(s)) = −softplus(s)
        case .nonSaturating, .r1: return (-s).softplus().mean() // −log σ(s) = softplus(−s)
        case .wgan, .wganGP, .hinge: return -s.mean()
        case .leastSquares: return 0.5 * (s - 1).square().mean()
        }
    }
}

/// E[(‖∇ₓD(x̂)‖₂ − 1)²] over x̂ = εx_r + (1 − ε)x_g, one ε ~ U[0, 1] per sample (Gulrajani et al. 2017).
/// The gradient is kept in the graph, so the penalty can be differentiated with respect to D's weights.
public func gradientPenalty(_ D: (Tensor) -> Tensor, real: Tensor, fake: Tensor,
                            using rng: inout RandomGenerator) -> Tensor {
    precondition(real.shape == fake.shape, "real \(real.shape) and fake \(fake.shape) batches differ")
    var epsShape = [Int](repeating: 1, count: real.rank)
    epsShape[0] = real.shape[0]
    let eps = Tensor.uniform(epsShape, using: &rng)
    let xHat = (eps * real.detach() + (1 - eps) * fake.detach()).detach()
    xHat.requiresGrad = true
    let g = grad(of: D(xHat).sum(), wrt: [xHat], createGraph: true)[0]
    let norms = (g.square().flatten().sum(axis: 1) + 1e-12).sqrt()
    return (norms - 1).square().mean()
}
