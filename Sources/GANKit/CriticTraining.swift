import Autograd
import NN

/// Trains a critic (or discriminator) alone against two fixed distributions: WGAN's inner loop
/// (Arjovsky et al., Algorithm 1, lines 2–8) with the generator frozen. This is how the lessons
/// measure what a critic *estimates* — a distance between p_r and p_g — separately from what a
/// generator does with it.
///
/// With `.wgan(clip: c)` every parameter, biases included, is clipped to [−c, c] before the first
/// step and after every step (the reference code clips after each update; clipping the
/// initial weights too means no step ever sees an unclipped critic). `onStep` sees the step
/// number (1-based) and the loss parts (`critic_estimate` = E_r f − E_g f for the critic losses)
/// and may throw to stop. A non-finite loss throws `TrainingDiverged`.
public func trainCritic(_ critic: Module, loss: GANLoss, optimiser: OptimiserChoice, steps: Int,
                        real: (inout RandomGenerator) -> Tensor, fake: (inout RandomGenerator) -> Tensor,
                        using rng: inout RandomGenerator,
                        onStep: (_ step: Int, _ parts: [String: Float]) throws -> Void = { _, _ in }) throws {
    let parameters = critic.parameters()
    let opt = optimiser.make(parameters)
    var clip: Float? = nil
    if case .wgan(let c) = loss { clip = c; opt.clipParameters(to: c) }
    for step in stride(from: 1, through: steps, by: 1) {
        let (r, f) = (real(&rng), fake(&rng))
        let (value, parts) = loss.discriminatorLoss({ critic($0) }, real: r, fake: f, using: &rng)
        try TrainingDiverged.check(value.item, "critic loss", step: step)
        opt.zeroGrad()
        value.backward()
        opt.step()
        if let clip { opt.clipParameters(to: clip) }
        try onStep(step, parts)
    }
}

/// E_r f − E_g f on the two batches: the critic's estimate of the distance (for a 1-Lipschitz f,
/// a lower bound on W₁ by the Kantorovich–Rubinstein duality; for a K-Lipschitz f, on K·W₁).
public func criticEstimate(_ critic: (Tensor) -> Tensor, real: Tensor, fake: Tensor) -> Double {
    withNoGrad { Double(critic(real).mean().item - critic(fake).mean().item) }
}
