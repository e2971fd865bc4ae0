import ArgumentParser
import Autograd
import DeblurGAN
import Foundation
import Imaging

extension Course {
    /// `course score`: a generator's gain on the deblurgan lesson's held-out test crops, split by
    /// blur strength: the numbers the README quotes for the shipped model, without running the lesson.
    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a DeblurGAN generator on the lesson's held-out crops: PSNR and SSIM gain, by blur strength.",
            discussion: """
                The crops are the deblurgan lesson's test set: --count crops of --size² pixels, alternating over \
                \(DeblurRecipe.heldOutPhotos.joined(separator: " and ")) (never trained on), with photo-like blur (camera-shake \
                paths of 2–30 px, noise σ up to 0.01, 8-bit), drawn from --seed + 2000 (the lesson's seed is 1). Without \
                --checkpoint the model is chosen as `course deblur` chooses it.
                Exit codes: 0 done; 64 bad option; 65 the checkpoint holds no usable generator; 66 the checkpoint or a \
                photo is missing; 69 no --checkpoint given and no trained or shipped model there.
                """)

        @Option(help: ArgumentHelp("A DeblurGAN trainer checkpoint or generator weights. Default: the lesson's model, else the shipped one.",
                                   valueName: "file"))
        var checkpoint: String?
        @Option(help: "Seed of the crops (the deblurgan lesson's is 1).") var seed: UInt64 = 1
        @Option(help: "Number of crops.") var count = 32
        @Option(help: "Crop side in pixels (a multiple of 16, at least 32).") var size = 128
        @Flag(help: "Average the restorations of each crop's 8 flips and quarter turns (EDSR's self-ensemble).")
        var selfEnsemble = false
        @Option(help: "Threads for the engine (the result does not depend on it).") var threads = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count).") }
            guard size % 16 == 0 && size >= 32 else { throw ValidationError("--size must be a multiple of 16, at least 32, got \(size).") }
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
        }

        func run() throws {
            do {
                try score()
            } catch let failure as Deblur.Failure {
                FileHandle.standardError.write(Data("course score: \(failure.message)\n".utf8))
                throw ExitCode(failure.code)
            }
        }

        private func score() throws {
            let (weights, which) = try Deblur.model(checkpoint: checkpoint)
            Engine.setThreads(threads)
            let generator = try Deblur.generator(weights)
            let photos = try recipePhotos(DeblurRecipe.heldOutPhotos) { Deblur.Failure(code: 66, message: $0) }
            let crops = DeblurRecipe.testCrops(photos, count: count, size: size, seed: seed &+ 2000)
            let deblurrer = Deblurrer(generator: generator, selfEnsemble: selfEnsemble)
            let start = Date()
            let s = RestorationScore(crops: crops) { deblurrer.deblur(image: $0) }
            print("\(which): \(weights)\(selfEnsemble ? ", self-ensemble of 8" : "")")
            print(String(format: "%d held-out %d² crops (seed %llu): PSNR %.2f → %.2f dB, gain %+.2f ± %.2f dB, %d of %d improved; SSIM %.3f → %.3f (%.1f s)",
                         count, size, seed, s.blurredPSNR, s.restoredPSNR, s.meanGain, s.sdGain, s.gains.filter { $0 > 0 }.count, count,
                         s.blurredSSIM, s.restoredSSIM, Date().timeIntervalSince(start)))
            let bins = DeblurRecipe.strengthBins.map { bin -> String in
                let g = crops.indices.filter { bin.range.contains(crops[$0].pathLength) }.map { s.gains[$0] }
                return g.isEmpty ? "\(bin.name): no crops" : String(format: "%@: %+.2f dB (%d)", bin.name, g.reduce(0, +) / Double(g.count), g.count)
            }
            print("by camera-shake path length: " + bins.joined(separator: ", "))
        }
    }
}
