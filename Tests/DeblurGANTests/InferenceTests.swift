import Autograd
import Foundation
import Imaging
import NN
import Testing
@testable import DeblurGAN

/// A smooth colour test pattern with some texture, values in [0, 1].
func testPattern(height: Int, width: Int) -> Image {
    Image(channels: 3, height: height, width: width) { c, y, x in
        0.5 + 0.3 * sin(Float(x) * 0.31 + Float(c)) * cos(Float(y) * 0.23) + 0.1 * sin(Float(x * y) * 0.05)
    }
}

@Suite struct Inference {
    func tinyGenerator() -> ResnetGenerator {
        var rng = RandomGenerator(seed: 21)
        return ResnetGenerator(ngf: 4, blocks: 1, using: &rng)
    }

    @Test(arguments: [(13, 7), (5, 5), (33, 30), (16, 16)])
    func anySizeComesBackAtItsSize(_ size: (Int, Int)) {
        let out = Deblurrer(generator: tinyGenerator()).deblur(image: testPattern(height: size.0, width: size.1))
        #expect(out.height == size.0 && out.width == size.1 && out.channels == 3)
        #expect(out.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func untiledEqualsOneForwardPass() {
        let g = tinyGenerator(), image = testPattern(height: 24, width: 20)
        let out = Deblurrer(generator: g).deblur(image: image)
        g.eval()
        let direct = Image(tensor: withNoGrad { g(image.tensor().reshape([1, 3, 24, 20])) })
        #expect(zip(out.pixels, direct.pixels).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    /// Tiles see their own InstanceNorm statistics, so the match is close, not exact: measured
    /// against the size of the network's correction (output − input), and closer with larger tiles.
    @Test func tiledIsCloseToUntiled() {
        let g = tinyGenerator(), image = testPattern(height: 70, width: 58)
        let whole = Deblurrer(generator: g).deblur(image: image)
        func meanDifference(_ a: Image, _ b: Image) -> Float {
            zip(a.pixels, b.pixels).map { abs($0 - $1) }.reduce(0, +) / Float(a.pixels.count)
        }
        let correction = meanDifference(whole, image)
        let small = Deblurrer(generator: g, tileSize: 32, overlap: 12).deblur(image: image)
        let large = Deblurrer(generator: g, tileSize: 48, overlap: 16).deblur(image: image)
        #expect(small.height == 70 && small.width == 58)
        #expect(Deblurrer(generator: g, tileSize: 32, overlap: 12).origins(72) == [0, 20, 40])
        // Measured: correction 0.064, differences 0.028 (32² tiles) and 0.015 (48² tiles).
        #expect(meanDifference(small, whole) < 0.5 * correction)
        #expect(meanDifference(large, whole) < meanDifference(small, whole))
        #expect(meanDifference(large, whole) > 0)  // tiling does change something: the comparison is not vacuous
    }

    /// A two-scale generator needs sides that are multiples of 8, at least 16: the deblurrer pads
    /// to them, and puts tiles on that grid (a 36² tile with overlap 12 becomes 32² with overlap 8).
    @Test func coarseToFineGeneratorsGetTheirCoarserGrid() {
        var rng = RandomGenerator(seed: 22)
        let g = ResnetGenerator(ngf: 4, blocks: 1, scales: 2, using: &rng)
        for (h, w) in [(13, 7), (5, 5), (33, 30)] {
            let out = Deblurrer(generator: g).deblur(image: testPattern(height: h, width: w))
            #expect(out.height == h && out.width == w)
        }
        let tiled = Deblurrer(generator: g, tileSize: 36, overlap: 12)
        #expect(tiled.tileSize == 32 && tiled.overlap == 8)
        #expect(tiled.paddedSide(33) == 40 && tiled.paddedSide(5) == 16)
        #expect(tiled.origins(72).allSatisfy { $0 % 8 == 0 })
        let image = testPattern(height: 70, width: 58)
        #expect(tiled.deblur(image: image).width == 58)
    }

    /// The self-ensemble averages over all 8 flips and quarter turns, so it commutes with each of
    /// them (a result turned back the wrong way would break that); it changes the plain output; and
    /// a generator at the identity still returns its input.
    @Test func selfEnsembleCommutesWithFlipsAndTurns() {
        let g = tinyGenerator(), image = testPattern(height: 20, width: 12)
        let ensemble = Deblurrer(generator: g, selfEnsemble: true)
        let out = ensemble.deblur(image: image)
        #expect(out.height == 20 && out.width == 12)
        func close(_ a: Image, _ b: Image) -> Bool { a.height == b.height && zip(a.pixels, b.pixels).allSatisfy { abs($0 - $1) < 1e-5 } }
        #expect(close(ensemble.deblur(image: image.rotated90()), out.rotated90()))
        #expect(close(ensemble.deblur(image: image.flippedHorizontally()), out.flippedHorizontally()))
        let plain = Deblurrer(generator: g).deblur(image: image)
        #expect(!close(plain, out))
        var rng = RandomGenerator(seed: 2)
        let identity = Deblurrer(generator: ResnetGenerator(ngf: 4, blocks: 1, zeroLastLayer: true, using: &rng), selfEnsemble: true)
        #expect(close(identity.deblur(image: image), image))
    }

    /// Downscaling is area averaging, then the plain restoration of the smaller image; sides round
    /// down, and a 5×3 image shrunk 4× still gives one pixel.
    @Test func downscaleRestoresTheAreaAveragedImage() {
        let g = tinyGenerator(), image = testPattern(height: 21, width: 34)
        let out = Deblurrer(generator: g, downscale: 2).deblur(image: image)
        #expect(out.height == 10 && out.width == 17)
        #expect(out == Deblurrer(generator: g).deblur(image: image.resized(width: 17, height: 10, method: .area)))
        #expect(out != Deblurrer(generator: g).deblur(image: image.resized(width: 17, height: 10, method: .bilinear)))
        let tiny = Deblurrer(generator: g, downscale: 4).deblur(image: testPattern(height: 3, width: 5))
        #expect(tiny.height == 1 && tiny.width == 1)
    }

    @Test func dropoutAtInferenceIsReproducibleAndDifferent() {
        let g = tinyGenerator(), image = testPattern(height: 16, width: 16)
        let a = Deblurrer(generator: g, dropoutAtInference: true, dropoutSeed: 1).deblur(image: image)
        let b = Deblurrer(generator: g, dropoutAtInference: true, dropoutSeed: 1).deblur(image: image)
        let off = Deblurrer(generator: g).deblur(image: image)
        #expect(a == b)
        #expect(a != off)
        #expect(g.isTraining)  // the generator's mode is restored
    }

    @Test func generatorLoadsFromOfficialNamesAndTrainerCheckpoints() throws {
        let official = try ResnetGenerator(contentsOf: try fixture("generator_ngf4_b1"))
        #expect(official.parameterCount == tinyGenerator().parameterCount)

        let folder = try TemporaryFolder()
        let path = folder.path + "/run.safetensors"
        let trainer = DeblurGANTrainer(config: tinyConfig(steps: 1), content: .l1, seed: 2, batches: syntheticBatches())
        try trainer.train(checkpoint: path)
        let loaded = try ResnetGenerator(contentsOf: path)
        #expect(loaded.parameters().map(\.data) == trainer.generator.parameters().map(\.data))
        #expect(loaded.scales == 1)

        // A coarse-to-fine run's file gives back a coarse-to-fine generator.
        var config = tinyConfig(steps: 1)
        config.scales = 2
        let twoScales = DeblurGANTrainer(config: config, content: .l1, seed: 2, batches: syntheticBatches())
        try twoScales.train(checkpoint: path)
        #expect(try ResnetGenerator(contentsOf: path).scales == 2)

        // So does a deeper one with skips and leaky ReLUs.
        config = tinyConfig(steps: 1)
        (config.downsamplings, config.skips, config.leakySlope) = (3, true, 0.2)
        let deeper = DeblurGANTrainer(config: config, content: .l1, seed: 2, batches: syntheticBatches())
        try deeper.train(checkpoint: path)
        let deeperLoaded = try ResnetGenerator(contentsOf: path)
        #expect(deeperLoaded.downsamplings == 3 && deeperLoaded.skips && deeperLoaded.sizeMultiple == 8)
        #expect(deeperLoaded.parameters().map(\.data) == deeper.generator.parameters().map(\.data))
        var rng = RandomGenerator(seed: 8)
        let x = Tensor.uniform([1, 3, 16, 16], low: -1, high: 1, using: &rng)
        deeper.generator.eval()
        deeperLoaded.eval()
        #expect(withNoGrad { deeperLoaded(x) }.data == withNoGrad { deeper.generator(x) }.data)
        #expect(!deeperLoaded.namedModules().contains { $0.module is ReLU })

        // And one with NAFNet blocks, whose block count is read from their own names.
        config = tinyConfig(steps: 1)
        (config.blocks, config.block) = (2, .naf)
        let naf = DeblurGANTrainer(config: config, content: .l1, seed: 2, batches: syntheticBatches())
        try naf.train(checkpoint: path)
        let nafLoaded = try ResnetGenerator(contentsOf: path)
        #expect(nafLoaded.model.layers.filter { $0 is NAFBlock }.count == 2)
        #expect(nafLoaded.parameters().map(\.data) == naf.generator.parameters().map(\.data))
        naf.generator.eval()
        nafLoaded.eval()
        #expect(withNoGrad { nafLoaded(x) }.data == withNoGrad { naf.generator(x) }.data)
    }
}
