import Autograd
import Foundation
import NN

/// Supplies one training batch: blurred and sharp images [N, 3, H, W] in [−1, 1]. The generator
/// passed in is the step's own random stream, so a provider that draws only from it (random
/// crops, flips, blur kernels) makes every run — and every resumed run — reproducible.
/// Imaging's `BlurPatchDataset` and `PairedImageFolder.randomCrops` fit.
public typealias BatchProvider = (inout RandomGenerator) throws -> (blurred: Tensor, sharp: Tensor)

/// One generator step's record.
public struct DeblurGANStep: Sendable, Equatable {
    /// 1-based: the number of generator steps done after this one.
    public let step: Int
    /// mean D(sharp) − mean D(restored) at the last critic update: the critic's Wasserstein estimate.
    public let criticEstimate: Float
    /// The gradient penalty at the last critic update, before the weight λ.
    public let gradientPenalty: Float
    /// The content loss of the generator update, before its weight.
    public let contentLoss: Float
    /// −mean D(G(blurred)) of the generator update.
    public let generatorAdversarialLoss: Float
    public let learningRate: Float
}

/// DeblurGAN's training: WGAN-GP critic updates and generator updates with
/// loss_G = −mean D(G(I_B)) + λ·content(G(I_B), I_S), as the official `ConditionalGAN` model:
/// each step draws one batch, runs the generator once, updates the critic `criticSteps` times on
/// that same restored batch (a fresh ε each time), then updates the generator.
///
/// Determinism: every random draw of step s (batch, dropout masks, ε) comes from a generator
/// derived from (seed, s), and a checkpoint holds both networks, both optimisers' state and the
/// step, so `resume` continues bit-identically to an uninterrupted run.
public final class DeblurGANTrainer {
    public let config: DeblurGANConfig
    public let seed: UInt64
    public let generator: ResnetGenerator
    public let critic: PatchCritic
    public let content: ContentLoss
    /// Generator steps done so far.
    public private(set) var step = 0
    /// This session's records (a resumed trainer starts with an empty history).
    public private(set) var history: [DeblurGANStep] = []
    public private(set) var lastCheckpointStep: Int?
    /// Extra metadata written into every checkpoint (and read back on resume), e.g. the CPU time
    /// a run has used over all its sittings.
    public var notes: [String: String] = [:]

    private let generatorOptimiser: Adam
    private let criticOptimiser: Adam
    private let batches: BatchProvider

    public init(config: DeblurGANConfig, content: ContentLoss, seed: UInt64, batches: @escaping BatchProvider) {
        self.config = config
        self.seed = seed
        self.content = content
        self.batches = batches
        var rng = RandomGenerator(seed: seed)
        generator = ResnetGenerator(config, using: &rng)
        critic = PatchCritic(ndf: config.ndf, layers: config.criticLayers, using: &rng)
        let betas = (config.beta1, config.beta2)
        generatorOptimiser = Adam(parameters: generator.parameters(), learningRate: config.learningRate, betas: betas)
        criticOptimiser = Adam(parameters: critic.parameters(), learningRate: config.learningRate, betas: betas)
    }

    /// Continues a run from a checkpoint written by `saveCheckpoint`: the configuration and seed
    /// come from the file; the content loss and the batches must be the ones the run used.
    /// `adjusting` may change the budget or rates of the continued run (e.g. more `steps`);
    /// changing a network size makes the load fail with a clear error.
    public convenience init(resumingFrom path: String, content: ContentLoss, batches: @escaping BatchProvider,
                            adjusting adjust: (inout DeblurGANConfig) -> Void = { _ in }) throws {
        let file: SafeTensors
        do { file = try SafeTensors.read(path) } catch {
            throw DeblurGANError(.checkpoint, source: path, "\(error)")
        }
        let m = file.metadata
        guard m["format"] == Self.checkpointFormat, let json = m["config"]?.data(using: .utf8),
              var config = try? JSONDecoder().decode(DeblurGANConfig.self, from: json),
              let seed = m["seed"].flatMap(UInt64.init), let step = m["step"].flatMap(Int.init) else {
            throw DeblurGANError(.checkpoint, source: path, "not a DeblurGAN training checkpoint (format, config, seed or step missing)")
        }
        adjust(&config)
        self.init(config: config, content: content, seed: seed, batches: batches)
        try Self.assign(file.tensors, prefix: "generator.", to: generator, source: path)
        try Self.assign(file.tensors, prefix: "critic.", to: critic, source: path)
        do {
            try generatorOptimiser.load(state: Self.strip(file.tensors, prefix: "generator_optimiser."))
            try criticOptimiser.load(state: Self.strip(file.tensors, prefix: "critic_optimiser."))
        } catch {
            throw DeblurGANError(.checkpoint, source: path, "optimiser state: \(error)")
        }
        self.step = step
        lastCheckpointStep = step
        notes = m.filter { $0.key.hasPrefix("note.") }.reduce(into: [:]) { $0[String($1.key.dropFirst(5))] = $1.value }
    }

    /// Trains until `config.steps` generator steps are done (or `until`), writing a checkpoint to
    /// `checkpoint` every `checkpointEvery` steps and at the end. `onStep` sees every record and
    /// may throw to stop. A non-finite loss throws `TrainingDiverged` without writing.
    public func train(until end: Int? = nil, checkpoint: String? = nil, checkpointEvery: Int = 0,
                      onStep: (DeblurGANStep) throws -> Void = { _ in }) throws {
        let end = end ?? config.steps
        while step < end {
            let record = try trainStep()
            history.append(record)
            if let checkpoint, step == end || (checkpointEvery > 0 && step % checkpointEvery == 0) {
                try saveCheckpoint(to: checkpoint)
            }
            try onStep(record)
        }
    }

    /// One generator step and its `criticSteps` critic updates.
    public func trainStep() throws -> DeblurGANStep {
        let s = step + 1
        var streams = stepStreams(seed: seed, step: s)
        var batchRNG = streams.split(), penaltyRNG = streams.split()
        let lr = config.learningRate(at: step)
        generatorOptimiser.learningRate = lr
        criticOptimiser.learningRate = lr

        let (blurred, sharp) = try batches(&batchRNG)
        precondition(blurred.shape == sharp.shape && blurred.rank == 4, "batches must be two [N, C, H, W] tensors of one shape")
        generator.train()
        generator.reseedDropout(streams.next())
        let scaleOutputs = generator.coarseToFine(blurred)
        let restored = scaleOutputs[scaleOutputs.count - 1]
        let restoredData = restored.detach()

        // Content-only steps (pixel-loss pretraining) skip the critic and the adversarial term.
        let adversarialPhase = step >= config.contentOnlySteps
        var estimate: Float = 0, penalty: Float = 0
        for _ in 0..<(adversarialPhase ? config.criticSteps : 0) {
            let e = critic(sharp).mean() - critic(restoredData).mean()
            let gp = config.penalty.penalty({ self.critic($0) }, real: sharp, fake: restoredData, using: &penaltyRNG)
            let loss = -e + config.penaltyWeight * gp
            try check(loss.item, "critic loss", s)
            criticOptimiser.zeroGrad()
            loss.backward()
            criticOptimiser.step()
            (estimate, penalty) = (e.item, gp.item)
        }

        let adversarial = adversarialPhase ? -critic(restored).mean() : Tensor(0)
        let contentValue = content(restored, sharp)
        let loss = config.adversarialWeight * adversarial + config.contentWeight * allScales(contentValue, scaleOutputs, sharp)
        try check(loss.item, "generator loss", s)
        generatorOptimiser.minimise(loss)
        step = s
        return DeblurGANStep(step: s, criticEstimate: estimate, gradientPenalty: penalty, contentLoss: contentValue.item,
                             generatorAdversarialLoss: adversarial.item, learningRate: lr)
    }

    /// `final` (the output's content loss) plus that of every coarser scale's restoration against
    /// the sharp batch averaged down to its size, weight 1 each as SRN-DeblurNet's multi-scale loss.
    private func allScales(_ final: Tensor, _ outputs: [Tensor], _ sharp: Tensor) -> Tensor {
        var total = final, target = sharp
        for output in outputs.dropLast().reversed() {
            target = downsampled2x(target)
            total = total + content(output, target)
        }
        return total
    }

    /// A loss or weight that is not a number stops the run; the last checkpoint, if any, is intact.
    private func check(_ value: Float, _ what: String, _ step: Int) throws {
        try TrainingDiverged.check(value, what, step: step, checkpoint: lastCheckpointStep.map { .kept(step: $0) } ?? .noneWritten)
    }

    // MARK: - Checkpoints

    static let checkpointFormat = "deblurgan-trainer-2"

    /// Writes generator, critic, both optimisers' state and the step to one safetensors file,
    /// atomically (a crash mid-write leaves the previous file). Names: `generator.model.…` and
    /// `critic.model.…` (the official names under a prefix), `generator_optimiser.…`,
    /// `critic_optimiser.…`; metadata: format, config (JSON), seed, step, content loss.
    /// Refuses (throwing `TrainingDiverged`) to write weights that are not finite.
    public func saveCheckpoint(to path: String) throws {
        for (prefix, module) in [("generator", generator as Module), ("critic", critic)] {
            for (name, t) in module.namedParameters() {
                if let bad = t.data.first(where: { !$0.isFinite }) { try check(bad, "\(prefix) weight \(name)", step) }
            }
        }
        var tensors: [String: Tensor] = [:]
        for (name, t) in generator.namedParameters() { tensors["generator." + name] = t }
        for (name, t) in critic.namedParameters() { tensors["critic." + name] = t }
        for (name, t) in generatorOptimiser.state() { tensors["generator_optimiser." + name] = t }
        for (name, t) in criticOptimiser.state() { tensors["critic_optimiser." + name] = t }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // identical runs write identical files
        let json = String(decoding: try encoder.encode(config), as: UTF8.self)
        var metadata = ["format": Self.checkpointFormat, "config": json, "seed": String(seed), "step": String(step),
                        "content_loss": content.name]
        for (k, v) in notes { metadata["note." + k] = v }
        try SafeTensors.write(tensors, metadata: metadata, to: path)
        lastCheckpointStep = step
    }

    static func strip(_ tensors: [String: Tensor], prefix: String) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: tensors.compactMap { name, t in
            name.hasPrefix(prefix) ? (String(name.dropFirst(prefix.count)), t) : nil
        })
    }

    /// Copies the `prefix`ed tensors into `module` after checking every name and shape.
    static func assign(_ tensors: [String: Tensor], prefix: String, to module: Module, source: String) throws {
        do {
            try Checkpoint.assign(strip(tensors, prefix: prefix), to: module, source: source)
        } catch let error as CheckpointError {
            throw DeblurGANError(.checkpoint, source: source, "\(prefix.isEmpty ? "" : "under \"\(prefix)\": ")\(error.problem)")
        }
    }
}
