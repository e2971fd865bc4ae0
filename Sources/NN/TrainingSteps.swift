import Autograd

// What every trainer of the course shares — GANKit's toy GANs, DeblurGAN and pix2pix — so that
// each keeps only what differs (its losses and its order of updates):
//   - the random streams of step s, a pure function of (seed, s): a run resumed at step s draws
//     exactly the batches, noise and masks an uninterrupted one would;
//   - "apply the gradients of this loss to these parameters", for the generator's update, whose
//     loss runs through the critic without the critic's weights needing gradients;
//   - one error for a loss (or a weight) that stopped being a number.

/// The random generator of training step `step` (1, 2, …) of a run seeded `seed`; split it for
/// the step's independent streams (batch, penalty, dropout).
public func stepStreams(seed: UInt64, step: Int) -> RandomGenerator {
    RandomGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(step))
}

extension Optimiser {
    /// One update of this optimiser's parameters down the gradient of `loss`. Only their
    /// gradients are computed (a generator loss through the critic leaves the critic's alone).
    public func minimise(_ loss: Tensor) {
        for (p, g) in zip(parameters, grad(of: loss, wrt: parameters)) { p.grad = g }
        step()
        zeroGrad()
    }
}

/// A training stopped because a loss (or, before a checkpoint, a weight) stopped being a number.
public struct TrainingDiverged: Error, CustomStringConvertible {
    public let step: Int
    public let what: String
    public let value: Float
    /// For trainers that write checkpoints: whether one was written before, and which.
    public let checkpoint: Checkpoint

    public enum Checkpoint: Sendable, Equatable {
        /// The trainer writes none.
        case notKept
        /// None written yet.
        case noneWritten
        /// The last good one, intact.
        case kept(step: Int)
    }

    public init(step: Int, what: String, value: Float, checkpoint: Checkpoint = .notKept) {
        (self.step, self.what, self.value, self.checkpoint) = (step, what, value, checkpoint)
    }

    /// Throws unless `value` is finite.
    public static func check(_ value: Float, _ what: String, step: Int, checkpoint: Checkpoint = .notKept) throws {
        if !value.isFinite { throw TrainingDiverged(step: step, what: what, value: value, checkpoint: checkpoint) }
    }

    /// The step of the last good checkpoint, if one was written.
    public var lastCheckpointStep: Int? { if case .kept(let s) = checkpoint { s } else { nil } }

    public var description: String {
        let kept: String
        switch checkpoint {
        case .notKept: kept = ""
        case .noneWritten: kept = "; no checkpoint was written"
        case .kept(let s): kept = "; the last good checkpoint (step \(s)) is kept"
        }
        return "training diverged at step \(step): \(what) = \(value)" + kept
    }
}
