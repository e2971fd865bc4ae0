// The measurements behind lesson 05's choice of task (Data/cgan-task-trials.csv): one pix2pix
// training of one objective on one candidate task, scored on the held-out photos, printed as one
// CSV row. Run from the package root, e.g.
//     swift run -c release cgan-trials --task inpaint --objective l1-cgan --steps 600
import ArgumentParser
import Autograd
import DeblurGAN
import Foundation
import Imaging
import NN
import Pix2Pix

struct CGANTrials: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cgan-trials",
        abstract: "Train one objective on one candidate task for lesson 05 and print its held-out scores as a CSV row.")

    enum Task: String, ExpressibleByArgument, CaseIterable {
        case superResolution = "sr4", inpaint, deblur
    }
    enum Objective: String, ExpressibleByArgument, CaseIterable {
        case l1, cgan, l1CGAN = "l1-cgan"
    }

    @Option(help: "sr4 (×4 super-resolution), inpaint (grey centre half) or deblur (camera shake).")
    var task: Task = .superResolution
    @Option(help: "l1, cgan or l1-cgan.")
    var objective: Objective = .l1CGAN
    @Option(help: "Steps with the objective.") var steps = 600
    @Option(help: "L1-only steps before them (Adam --pretrain-lr), 0 for none.") var pretrain = 0
    @Option(help: "Learning rate of the L1 pre-training.") var pretrainLR: Float = 1e-3
    @Option(help: "λ, the L1 weight.") var lambda: Float = 100
    @Option(help: "PatchGAN width.") var ndf = 16
    @Option(help: "Photo shrink factor before cropping (2: a 64 px crop covers 128 px).") var shrink = 2
    @Option(help: "Seed of data, weights and batches.") var seed: UInt64 = 0
    @Option(help: "Engine threads.") var threads = 1

    static let side = 64, batch = 8, trainCount = 2048, testCount = 96

    func validate() throws {
        guard steps > 0, pretrain >= 0, shrink >= 1, ndf > 0, threads > 0 else {
            throw ValidationError("steps, ndf and threads must be positive, pretrain ≥ 0, shrink ≥ 1")
        }
    }

    func run() throws {
        Engine.setThreads(threads)
        func load(_ names: [String]) throws -> [Image] {
            try names.map {
                let im = try Image(contentsOfPNG: "Data/\($0).png").rgb()
                return im.resized(width: im.width / shrink, height: im.height / shrink, method: .area)
            }
        }
        let train = try pairs(load(DeblurRecipe.trainingPhotos), count: Self.trainCount, seed: seed &+ 1, flip: true)
        let test = try pairs(load(DeblurRecipe.heldOutPhotos), count: Self.testCount, seed: seed &+ 2, flip: false)
        var rng = RandomGenerator(seed: seed &+ 11)
        let g = UNetGenerator(channels: 3, ngf: 16, depth: 5, using: &rng)
        let batches: BatchProvider = { rng in
            let idx = (0..<Self.batch).map { _ in Int(rng.next() % UInt64(Self.trainCount)) }
            return (Image.batch(idx.map { train.x[$0] }), Image.batch(idx.map { train.y[$0] }))
        }
        if pretrain > 0 {
            var c = Pix2PixConfig(name: "pre-training", l1Weight: lambda, adversarial: nil)
            c.learningRate = pretrainLR
            try Pix2PixTrainer(config: c, generator: g, channels: 3, seed: seed &+ 13, batches: batches).train(steps: pretrain)
        }
        var config: Pix2PixConfig
        switch objective {
        case .l1: config = Pix2PixConfig(name: "L1", l1Weight: lambda, adversarial: nil)
        case .cgan: config = Pix2PixConfig(name: "cGAN", l1Weight: 0)
        case .l1CGAN: config = Pix2PixConfig(name: "L1 + cGAN", l1Weight: lambda)
        }
        (config.ndf, config.discriminatorLayers) = (ndf, 3)
        let trainer = Pix2PixTrainer(config: config, generator: g, channels: 3, seed: seed &+ 12, batches: batches)
        try trainer.train(steps: steps) { r in
            if r.step % 100 == 0 { FileHandle.standardError.write("step \(r.step): L1 \(r.l1)\n".data(using: .utf8)!) }
        }
        let input = scores(test.x, test.y), output = scores(Image.unbatch(trainer.translate(Image.batch(test.x), noiseSeed: 7)), test.y)
        print([task.rawValue, pretrain > 0 ? "L1 \(pretrain) then \(steps)" : "from scratch", config.name, "\(pretrain + steps)",
               f(input.psnr), f(output.psnr), String(format: "%.3f", output.ssim), f(output.energy),
               String(format: "%.4f", output.patchDistance)].joined(separator: ","))
    }

    func f(_ v: Double) -> String { String(format: "%.2f", v) }

    /// x for one sharp crop y.
    func degrade(_ y: Image) -> Image {
        switch task {
        case .superResolution:
            return y.resized(width: Self.side / 4, height: Self.side / 4, method: .area).resized(width: Self.side, height: Self.side, method: .bilinear)
        case .inpaint:
            var x = y
            let q = Self.side / 4
            for c in 0..<3 { for r in q..<(Self.side - q) { for s in q..<(Self.side - q) { x.pixels[(c * Self.side + r) * Self.side + s] = 0.5 } } }
            return x
        case .deblur:
            fatalError("deblur pairs come from BlurPatchDataset")
        }
    }

    func pairs(_ photos: [Image], count: Int, seed: UInt64, flip: Bool) -> (x: [Image], y: [Image]) {
        var xs: [Image] = [], ys: [Image] = []
        if task == .deblur {
            let dataset = BlurPatchDataset(photos: photos, patchSize: Self.side, seed: seed, randomFlip: flip)
            var i = 0
            while ys.count < count {
                let s = dataset.sample(i)
                i += 1
                if Metrics.gradientEnergy(s.sharp) >= 1e-3 { xs.append(s.blurred); ys.append(s.sharp) }
            }
        } else {
            var rng = RandomGenerator(seed: seed)
            while ys.count < count {
                var y = photos[Int(rng.next() % UInt64(photos.count))].randomCrop(width: Self.side, height: Self.side, using: &rng)
                if flip && rng.next() % 2 == 0 { y = y.flippedHorizontally() }
                if Metrics.gradientEnergy(y) >= 1e-3 { xs.append(degrade(y)); ys.append(y) }
            }
        }
        return (xs, ys)
    }

    /// Mean PSNR and SSIM, gradient-energy ratio and patch distance against the targets — on the
    /// masked centre only for inpainting (the rest of the image is given).
    func scores(_ outputs: [Image], _ targets: [Image]) -> (psnr: Double, ssim: Double, energy: Double, patchDistance: Double) {
        let q = Self.side / 4
        func region(_ im: Image) -> Image { task == .inpaint ? im.cropped(x: q, y: q, width: 2 * q, height: 2 * q) : im }
        let o = outputs.map(region), t = targets.map(region)
        let n = Double(o.count)
        return (zip(o, t).map { Metrics.psnr($0, $1) }.reduce(0, +) / n, zip(o, t).map { Metrics.ssim($0, $1) }.reduce(0, +) / n,
                o.map(Metrics.gradientEnergy).reduce(0, +) / t.map(Metrics.gradientEnergy).reduce(0, +), Metrics.patchDistance(o, t))
    }
}

CGANTrials.main()
