import Autograd
import Foundation
import GANKit
import NN
import Testing
@testable import DeblurGAN
@testable import Pix2Pix

@Suite struct Pix2Pix {
    @Test func unetShapesCountAndIdentityStart() {
        var rng = RandomGenerator(seed: 2)
        let g = UNetGenerator(channels: 3, ngf: 8, depth: 3, using: &rng)
        // widths 8, 16, 32; conv weights k4 (16 taps) + biases:
        // down 3→8, 8→16, 16→32; up 32→16, 32→8, 16→3 (concatenated skips double the inputs)
        let expected = [(3, 8), (8, 16), (16, 32), (32, 16), (32, 8), (16, 3)].reduce(0) { $0 + $1.0 * $1.1 * 16 + $1.1 }
        #expect(g.parameterCount == expected)
        let x = Tensor.uniform([2, 3, 16, 16], low: -1, high: 1, using: &rng)
        let y = g(x)
        #expect(y.shape == [2, 3, 16, 16])
        // residual output with a zero last layer: G starts as the identity
        #expect(maxAbsDifference(y, x) == 0)
        let plain = UNetGenerator(channels: 1, ngf: 4, depth: 2, learnResidual: false, using: &rng)
        let z = plain(Tensor.uniform([1, 1, 8, 8], using: &rng))
        #expect(z.shape == [1, 1, 8, 8] && z.data.allSatisfy { abs($0) < 1 })
    }

    /// The skips carry the input's detail: with the residual off, G's output still depends on
    /// every input pixel, and dropout (z) only changes the output in training mode.
    @Test func dropoutIsTheNoise() {
        var rng = RandomGenerator(seed: 4)
        let g = UNetGenerator(channels: 1, ngf: 4, depth: 3, dropoutLayers: 2, learnResidual: false, using: &rng)
        let x = Tensor.uniform([1, 1, 16, 16], low: -1, high: 1, using: &rng)
        let a = g(x), b = g(x)
        #expect(maxAbsDifference(a, b) > 0)   // fresh masks
        g.eval()
        #expect(maxAbsDifference(g(x), g(x)) == 0)
    }

    func batches(channels: Int = 1, size: Int = 16, batch: Int = 4) -> BatchProvider {
        { rng in
            let sharp = Tensor.uniform([batch, channels, size, size], low: -1, high: 1, using: &rng)
            return (0.5 * sharp, sharp)   // x = y / 2: the generator must double its input
        }
    }

    @Test func l1OnlyLearnsAndHasNoDiscriminator() throws {
        var rng = RandomGenerator(seed: 6)
        let g = UNetGenerator(channels: 1, ngf: 8, depth: 2, dropoutLayers: 0, using: &rng)
        var config = Pix2PixConfig(name: "l1", adversarial: nil)
        config.learningRate = 2e-3
        let trainer = Pix2PixTrainer(config: config, generator: g, channels: 1, seed: 1, batches: batches())
        #expect(trainer.discriminator == nil)
        try trainer.train(steps: 150)
        let first = trainer.history.prefix(5).map(\.l1).reduce(0, +) / 5
        let last = trainer.history.suffix(5).map(\.l1).reduce(0, +) / 5
        #expect(last < 0.5 * first, "L1 fell from \(first) to \(last)")
        #expect(trainer.history.allSatisfy { $0.discriminator == nil && $0.generatorAdversarial == nil })
    }

    @Test func conditionalDiscriminatorSeesTheInput() throws {
        var rng = RandomGenerator(seed: 8)
        for conditional in [true, false] {
            let g = UNetGenerator(channels: 3, ngf: 4, depth: 2, using: &rng)
            var config = Pix2PixConfig(name: "gan", conditionalDiscriminator: conditional)
            (config.ndf, config.discriminatorLayers) = (4, 2)
            let trainer = Pix2PixTrainer(config: config, generator: g, channels: 3, seed: 3, batches: batches(channels: 3))
            let first = try #require(trainer.discriminator).model[0] as? Conv2d
            #expect(first?.weight.shape[1] == (conditional ? 6 : 3))
            let x1 = Tensor.uniform([1, 3, 16, 16], using: &rng), x2 = Tensor.uniform([1, 3, 16, 16], using: &rng)
            let y = Tensor.uniform([1, 3, 16, 16], using: &rng)
            let d = try #require(trainer.discriminator)
            let s1 = d(trainer.discriminatorInput(x1, y)), s2 = d(trainer.discriminatorInput(x2, y))
            #expect((maxAbsDifference(s1, s2) > 0) == conditional)
            let step = try trainer.trainStep()
            #expect(step.discriminator != nil && step.generatorAdversarial != nil)
        }
    }

    /// At D's and G's first step the BCE losses have closed forms in D's scores: check the
    /// recorded D loss against softplus(−s_real) + softplus(s_fake) computed by hand.
    @Test func recordedLossesAreTheBCE() throws {
        var rng = RandomGenerator(seed: 10)
        let g = UNetGenerator(channels: 1, ngf: 4, depth: 2, dropoutLayers: 0, using: &rng)
        var config = Pix2PixConfig(name: "gan", l1Weight: 0)
        (config.ndf, config.discriminatorLayers) = (4, 1)
        let provider = batches()
        let trainer = Pix2PixTrainer(config: config, generator: g, channels: 1, seed: 5, batches: provider)
        // Reproduce step 1's batch: the trainer derives it from (seed, step) the same way.
        var streams = RandomGenerator(seed: 5 &+ 0x9E37_79B9_7F4A_7C15 &* 1)
        var batchRNG = streams.split()
        let (x, y) = try provider(&batchRNG)
        let d = try #require(trainer.discriminator)
        func softplus(_ v: Float) -> Double { Double(log1p(exp(-abs(v))) + max(v, 0)) }
        let real = d(trainer.discriminatorInput(x, y)).data, fake = d(trainer.discriminatorInput(x, x)).data  // G(x) = x at start
        let expected = real.map { softplus(-$0) }.reduce(0, +) / Double(real.count) + fake.map { softplus($0) }.reduce(0, +) / Double(fake.count)
        let step = try trainer.trainStep()
        #expect(abs(Double(try #require(step.discriminator)) - expected) < 1e-4)
        #expect(abs(Double(step.l1) - Double(y.data.map { abs($0) * 0.5 }.reduce(0, +)) / Double(y.count)) < 1e-5)
    }

    /// A matching-aware D (Reed et al. 2016) counts (x, y′), y′ the next sample's target, as fake
    /// too: its recorded loss at the first step is softplus(−s_real) + ½·softplus(s_fake) + ½·softplus(s_mismatched).
    @Test func matchingAwareLossCountsMismatchedPairsAsFake() throws {
        var rng = RandomGenerator(seed: 14)
        let g = UNetGenerator(channels: 1, ngf: 4, depth: 2, dropoutLayers: 0, using: &rng)
        var config = Pix2PixConfig(name: "matching", l1Weight: 0)
        (config.ndf, config.discriminatorLayers, config.mismatchedNegatives) = (4, 1, true)
        let provider = batches()
        let trainer = Pix2PixTrainer(config: config, generator: g, channels: 1, seed: 7, batches: provider)
        var streams = RandomGenerator(seed: 7 &+ 0x9E37_79B9_7F4A_7C15 &* 1)
        var batchRNG = streams.split()
        let (x, y) = try provider(&batchRNG)
        let shifted = Pix2PixTrainer.shiftedBatch(y)
        let m = y.count / 4
        #expect(Array(shifted.data[0..<m]) == Array(y.data[m..<(2 * m)]) && Array(shifted.data[(3 * m)...]) == Array(y.data[0..<m]))
        let d = try #require(trainer.discriminator)
        func meanSoftplus(_ v: [Float], sign: Float) -> Double {
            v.map { Double(log1p(exp(-abs(sign * $0))) + max(sign * $0, 0)) }.reduce(0, +) / Double(v.count)
        }
        let real = d(trainer.discriminatorInput(x, y)).data, fake = d(trainer.discriminatorInput(x, x)).data
        let wrong = d(trainer.discriminatorInput(x, shifted)).data
        let expected = meanSoftplus(real, sign: -1) + 0.5 * meanSoftplus(fake, sign: 1) + 0.5 * meanSoftplus(wrong, sign: 1)
        let step = try trainer.trainStep()
        #expect(abs(Double(try #require(step.discriminator)) - expected) < 1e-4)
    }

    @Test func sameSeedSameWeights() throws {
        func run() throws -> [Float] {
            var rng = RandomGenerator(seed: 12)
            let g = UNetGenerator(channels: 1, ngf: 4, depth: 2, using: &rng)
            var config = Pix2PixConfig(name: "l1 + cgan")
            (config.ndf, config.discriminatorLayers) = (4, 1)
            let trainer = Pix2PixTrainer(config: config, generator: g, channels: 1, seed: 9, batches: batches())
            try trainer.train(steps: 3)
            return g.parameters().flatMap(\.data) + trainer.discriminator!.parameters().flatMap(\.data)
        }
        #expect(try run() == run())
    }
}
