import Autograd
import Foundation
import NN

/// A DeblurGAN training that lives in one checkpoint file, shared by the deblurgan lesson and
/// `course train`: it starts when the file is absent, resumes when the file holds the same run
/// (configuration, seed, content loss) and starts over, saying why, when it holds another run or
/// `restart` is set. The history of every step (with the validation PSNR where measured) is kept
/// beside the checkpoint, and the CPU time of all sittings in the checkpoint, so a run trained
/// over several sessions still draws its whole curve and knows what it cost.
public final class TrainingRun {
    public let path: String
    public let trainer: DeblurGANTrainer
    /// What happened to the file at start, in one sentence for the user.
    public let startMessage: String
    public private(set) var history: [Record]
    /// CPU seconds of this process and of earlier sittings, training only.
    public private(set) var cpuSeconds: Double

    /// One generator step, as `DeblurGANStep`, with the validation PSNR where it was measured.
    public struct Record: Sendable {
        public let step: DeblurGANStep
        public var validationPSNR: Double?
        public var cpuSeconds: Double

        static let header = "step,critic_estimate,gradient_penalty,content_loss,generator_adversarial,learning_rate,validation_psnr,cpu_seconds"

        var csvLine: String {
            let s = step
            return "\(s.step),\(s.criticEstimate),\(s.gradientPenalty),\(s.contentLoss),\(s.generatorAdversarialLoss),\(s.learningRate),"
                + (validationPSNR.map { "\($0)" } ?? "") + ",\(cpuSeconds)"
        }

        init(step: DeblurGANStep, validationPSNR: Double?, cpuSeconds: Double) {
            (self.step, self.validationPSNR, self.cpuSeconds) = (step, validationPSNR, cpuSeconds)
        }

        init?(csvLine: Substring) {
            let f = csvLine.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 8, let n = Int(f[0]), let cpu = Double(f[7]) else { return nil }
            let v = f[1...5].compactMap(Float.init)
            guard v.count == 5 else { return nil }
            step = DeblurGANStep(step: n, criticEstimate: v[0], gradientPenalty: v[1], contentLoss: v[2],
                                 generatorAdversarialLoss: v[3], learningRate: v[4])
            validationPSNR = Double(f[6])
            cpuSeconds = cpu
        }
    }

    public var historyPath: String { Self.sibling(of: path, suffix: "-history.csv") }

    /// A file beside a safetensors file, named after it: `x.safetensors` → `x<suffix>`.
    public static func sibling(of file: String, suffix: String) -> String {
        (file.hasSuffix(".safetensors") ? String(file.dropLast(".safetensors".count)) : file) + suffix
    }

    /// `data` names what `batches` draws from (the training photos, say): a checkpoint trained on
    /// other data is another run, so changing the photos retrains instead of resuming a model
    /// that never saw them.
    public init(path: String, config: DeblurGANConfig, content: ContentLoss, seed: UInt64, data: String,
                batches: @escaping BatchProvider, restart: Bool = false) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        var resumed: DeblurGANTrainer?
        var message = "training \(config.name) from scratch → \(path)"
        if FileManager.default.fileExists(atPath: path) {
            let found = try? SafeTensors.read(path, including: { _ in false }).metadata
            if restart {
                message = "training \(config.name) from scratch; \(path) will be replaced"
            } else if let found, DeblurGANConfig(metadata: found) == config, found["seed"] == String(seed),
                      found["content_loss"] == content.name, found["note.training_data"] == data {
                resumed = try DeblurGANTrainer(resumingFrom: path, content: content, batches: batches)
                message = "resuming \(path) at step \(resumed!.step) of \(config.steps)"
                    + (resumed!.step >= config.steps ? " (finished: nothing to train)" : "")
            } else {
                message = "\(path) holds another run (configuration, seed, content loss or training data differ): training from scratch replaces it"
            }
        }
        let trainer = resumed ?? DeblurGANTrainer(config: config, content: content, seed: seed, batches: batches)
        trainer.notes["training_data"] = data
        self.trainer = trainer
        cpuSeconds = trainer.notes["cpu_seconds"].flatMap(Double.init) ?? 0
        let text = resumed == nil ? nil : try? String(contentsOfFile: Self.sibling(of: path, suffix: "-history.csv"), encoding: .utf8)
        let history = (text ?? "").split(separator: "\n").dropFirst().compactMap(Record.init(csvLine:)).filter { $0.step.step <= trainer.step }
        self.history = history
        if resumed != nil && history.count < trainer.step {
            message += "; its history has \(history.count) of \(trainer.step) steps"
        }
        startMessage = message
    }

    /// Trains to the end of the configuration (or to step `until`), checkpointing every `every`
    /// steps and at the end. At each checkpoint `validate` (if given) scores the generator;
    /// `onStep` sees every record and may throw to stop (e.g. on Ctrl-C) — the last checkpoint is
    /// then intact.
    public func train(every: Int, until: Int? = nil, validate: ((ResnetGenerator) -> Double)? = nil,
                      onStep: (Record) throws -> Void = { _ in }) throws {
        let end = min(until ?? trainer.config.steps, trainer.config.steps)
        while trainer.step < end {
            let start = processCPUSeconds()
            let step = try trainer.trainStep()
            cpuSeconds += processCPUSeconds() - start
            let checkpoint = step.step == end || step.step % every == 0
            let record = Record(step: step, validationPSNR: checkpoint ? validate?(trainer.generator) : nil, cpuSeconds: cpuSeconds)
            history.append(record)
            if checkpoint { try save() }
            try onStep(record)
        }
    }

    /// Writes the checkpoint (atomically) and the history beside it.
    public func save() throws {
        trainer.notes["cpu_seconds"] = String(cpuSeconds)
        try trainer.saveCheckpoint(to: path)
        let text = ([Record.header] + history.map(\.csvLine)).joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: historyPath), options: .atomic)
    }

    /// Writes the generator alone under the official names (`model.…`), with its configuration and
    /// `provenance` in the metadata: the file `course deblur` and `ResnetGenerator(contentsOf:)` read.
    public func exportGenerator(to file: String, provenance: [String: String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var metadata = provenance
        metadata["format"] = "deblurgan-generator-1"
        metadata["config"] = String(decoding: try encoder.encode(trainer.config), as: UTF8.self)
        metadata["seed"] = String(trainer.seed)
        metadata["step"] = String(trainer.step)
        metadata["cpu_hours"] = String(format: "%.3f", cpuSeconds / 3600)
        metadata["content_loss"] = trainer.content.name
        try SafeTensors.write(Dictionary(uniqueKeysWithValues: trainer.generator.namedParameters().map { ($0.name, $0.tensor) }),
                              metadata: metadata, to: file)
    }
}
