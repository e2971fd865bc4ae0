import Autograd
import Foundation
import NN
import Testing
@testable import DeblurGAN

/// A temporary folder, removed when the test ends.
final class TemporaryFolder {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "deblurgan-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Tiny synthetic pairs: a random smooth pattern (sharp) and its horizontal 3-tap box blur.
func syntheticBatches(size: Int = 16, batch: Int = 2) -> BatchProvider {
    { rng in
        var sharp = [Float](), blurred = [Float]()
        for _ in 0..<(batch * 3) {
            let (fx, fy, phase) = (rng.nextFloat() * 0.8, rng.nextFloat() * 0.8, rng.nextFloat() * 6)
            let plane = (0..<(size * size)).map { i -> Float in
                sin(Float(i % size) * fx + Float(i / size) * fy + phase) * 0.8
            }
            sharp += plane
            blurred += (0..<(size * size)).map { i in
                let x = i % size, row = i - x
                return (plane[row + max(x - 1, 0)] + plane[i] + plane[row + min(x + 1, size - 1)]) / 3
            }
        }
        let shape = [batch, 3, size, size]
        return (Tensor(shape: shape, data: blurred), Tensor(shape: shape, data: sharp))
    }
}

func tinyConfig(steps: Int) -> DeblurGANConfig {
    var c = DeblurGANConfig(name: "test", ngf: 4, blocks: 1, ndf: 4, cropSize: 16, batchSize: 2, steps: steps)
    c.criticSteps = 2
    return c
}

@Suite struct Training {
    /// d(penalty)/d(critic weights), through the gradient of the critic w.r.t. its input: second
    /// order, against central differences, for both penalty variants. The penalty of a LeakyReLU
    /// critic jumps where a unit changes sign, so the step is small (1e-4) to stay between kinks.
    @Test(arguments: [PenaltyVariant.deblurGANCode, .paper])
    func penaltyGradientMatchesFiniteDifferences(_ variant: PenaltyVariant) {
        var rng = RandomGenerator(seed: 11)
        let critic = PatchCritic(ndf: 2, using: &rng)
        let real = Tensor.uniform([2, 3, 16, 16], low: -1, high: 1, using: &rng)
        let fake = Tensor.uniform([2, 3, 16, 16], low: -1, high: 1, using: &rng)
        func penalty() -> Tensor {  // recorded (no withNoGrad): the penalty needs the critic's graph
            var epsRNG = RandomGenerator(seed: 5)  // the same ε at every evaluation
            return variant.penalty({ critic($0) }, real: real, fake: fake, using: &epsRNG)
        }
        for layer in [2, 5] {  // model.2.weight (before any InstanceNorm) and model.5.weight (between two)
            let w = critic.model[layer].ownParameters[0].tensor
            let analytic = grad(of: penalty(), wrt: [w])[0]
            #expect(analytic.data.contains { abs($0) > 1e-2 })
            for i in [0, 1, 5] {
                let h: Float = 1e-4, original = w.data[i]
                w.data[i] = original + h; let plus = penalty().item
                w.data[i] = original - h; let minus = penalty().item
                w.data[i] = original
                let numeric = (plus - minus) / (2 * h)
                #expect(abs(numeric - analytic.data[i]) <= 1e-3 + 0.02 * abs(analytic.data[i]),
                        "model.\(layer).weight[\(i)]: numeric \(numeric), analytic \(analytic.data[i])")
            }
        }
    }

    /// The official variant uses one ε per batch: both samples of a batch get the same interpolate weight.
    @Test func officialPenaltyIsZeroForAUnitPerPixelGradient() {
        // D(x) = sum over channels and pixels of x·(1/√3): per-pixel gradient norm exactly 1.
        let critic: (Tensor) -> Tensor = { $0 * Float(1 / 3.0.squareRoot()) }
        var rng = RandomGenerator(seed: 0)
        let real = Tensor.uniform([2, 3, 4, 4], using: &rng), fake = Tensor.zeros([2, 3, 4, 4])
        #expect(abs(PenaltyVariant.deblurGANCode.penalty(critic, real: real, fake: fake, using: &rng).item) < 1e-6)
        // The paper's whole-sample norm is √(16) = 4 here: penalty (4 − 1)² = 9.
        #expect(abs(PenaltyVariant.paper.penalty(critic, real: real, fake: fake, using: &rng).item - 9) < 1e-4)
    }

    @Test func learningRateIsConstantThenLinear() {
        let c = DeblurGANConfig(name: "t", ngf: 4, blocks: 1, ndf: 4, cropSize: 16, batchSize: 1, steps: 10)
        #expect(c.learningRate(at: 0) == 1e-4 && c.learningRate(at: 4) == 1e-4)
        #expect(abs(c.learningRate(at: 5) - 1e-4) < 1e-12)
        #expect(abs(c.learningRate(at: 9) - 0.2e-4) < 1e-10)
    }

    @Test func shortTrainingLowersTheContentLoss() throws {
        var config = tinyConfig(steps: 30)
        config.learningRate = 1e-3
        let trainer = DeblurGANTrainer(config: config, content: .l1, seed: 1, batches: syntheticBatches())
        try trainer.train()
        let losses = trainer.history.map(\.contentLoss)
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        #expect(last < 0.7 * first, "content loss \(first) → \(last)")
        #expect(trainer.history.allSatisfy { $0.gradientPenalty.isFinite && $0.criticEstimate.isFinite })
    }

    /// With two scales the generator's loss adds the half-size restoration's content loss against
    /// the sharp batch averaged down (SRN's multi-scale loss); the recorded content loss is the
    /// output's alone. Adam's first step moves every weight against the sign of its gradient, so
    /// where the output's loss alone and the sum disagree in sign, the step shows which one ran
    /// (gradients under 10⁻⁵ left out: the trainer's 100 × (a + b) can round those to either sign).
    @Test func coarseToFineTrainsOnTheLossAtEveryScale() throws {
        var config = tinyConfig(steps: 1)
        (config.scales, config.contentOnlySteps, config.dropout) = (2, 1, 0)
        let trainer = DeblurGANTrainer(config: config, content: .l1, seed: 4, batches: syntheticBatches())
        var streams = stepStreams(seed: 4, step: 1)
        var batchRNG = streams.split()  // the step's batch, replayed from its own stream
        let (blurred, sharp) = try syntheticBatches()(&batchRNG)
        let params = trainer.generator.parameters(), before = params.map(\.data)
        let outputs = trainer.generator.coarseToFine(blurred), l1 = ContentLoss.l1
        let final = l1(outputs[1], sharp), coarse = l1(outputs[0], downsampled2x(sharp))
        let alone = grad(of: final, wrt: params), sum = grad(of: final + coarse, wrt: params)
        let record = try trainer.trainStep()
        #expect(record.contentLoss == final.item)
        var disagreements = 0
        for k in params.indices {
            for i in params[k].data.indices where alone[k].data[i] * sum[k].data[i] < 0
                && min(abs(alone[k].data[i]), abs(sum[k].data[i])) > 1e-5 {
                disagreements += 1
                #expect((params[k].data[i] - before[k][i]) * sum[k].data[i] < 0, "parameter \(k) element \(i)")
            }
        }
        #expect(disagreements > 10)
    }

    @Test func resumingIsBitIdenticalToTrainingStraight() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/run.safetensors"
        let config = tinyConfig(steps: 4)
        let first = DeblurGANTrainer(config: config, content: .l2, seed: 7, batches: syntheticBatches())
        try first.train(until: 2, checkpoint: path)
        let resumed = try DeblurGANTrainer(resumingFrom: path, content: .l2, batches: syntheticBatches())
        #expect(resumed.step == 2)
        try resumed.train()

        let straight = DeblurGANTrainer(config: config, content: .l2, seed: 7, batches: syntheticBatches())
        try straight.train()
        #expect(Array(straight.history.suffix(2)) == resumed.history)
        let same = zip(straight.generator.parameters() + straight.critic.parameters(),
                       resumed.generator.parameters() + resumed.critic.parameters()).allSatisfy { $0.data == $1.data }
        #expect(same, "weights after resuming differ from an uninterrupted run")
    }

    /// Two sane steps write a checkpoint; continuing with an absurd learning rate turns the losses
    /// into NaN: the error names the step and value, and the step-2 file is left untouched.
    @Test func divergenceThrowsAndKeepsTheLastGoodCheckpoint() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/run.safetensors"
        let sane = DeblurGANTrainer(config: tinyConfig(steps: 20), content: .l1, seed: 3, batches: syntheticBatches())
        try sane.train(until: 2, checkpoint: path, checkpointEvery: 1)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        let trainer = try DeblurGANTrainer(resumingFrom: path, content: .l1, batches: syntheticBatches()) { $0.learningRate = 1e30 }
        let error = #expect(throws: TrainingDiverged.self) {
            try trainer.train(checkpoint: path, checkpointEvery: 1)
        }
        let diverged = try #require(error)
        #expect(diverged.step == 3 && !diverged.value.isFinite)
        #expect(diverged.lastCheckpointStep == 2)
        #expect(diverged.description.contains("step 3"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == good)
        let resumed = try DeblurGANTrainer(resumingFrom: path, content: .l1, batches: syntheticBatches())
        #expect(resumed.step == 2)
        #expect(resumed.generator.parameters().allSatisfy { $0.data.allSatisfy(\.isFinite) })
    }

    @Test func checkpointErrorsAreClear() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/generator-only.safetensors"
        var rng = RandomGenerator(seed: 0)
        try Checkpoint.save(ResnetGenerator(ngf: 4, blocks: 1, using: &rng), to: path)
        #expect(throws: DeblurGANError.self) {
            try DeblurGANTrainer(resumingFrom: path, content: .l1, batches: syntheticBatches())
        }
    }
}
