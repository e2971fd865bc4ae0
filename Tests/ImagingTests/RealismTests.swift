import Autograd
import Testing
@testable import Imaging

@Suite struct PhotoLikePairs {
    func photo() -> Image {
        var rng = RandomGenerator(seed: 3)
        return Image(channels: 3, height: 96, width: 80, pixels: (0..<(3 * 96 * 80)).map { _ in rng.nextFloat() })
    }

    @Test func rotatingFourTimesIsTheIdentityAndOnceMovesTheCorners() {
        let p = Image(channels: 1, height: 2, width: 3, pixels: [1, 2, 3, 4, 5, 6])
        let r = p.rotated90()
        #expect(r.height == 3 && r.width == 2)
        #expect(r.pixels == [3, 6, 2, 5, 1, 4])  // counter-clockwise: the right column becomes the top row
        let big = photo()
        #expect(big.rotated90().rotated90().rotated90().rotated90().pixels == big.pixels)
    }

    @Test func quantisingGivesEightBitLevels() {
        let q = Image(channels: 1, height: 1, width: 4, pixels: [0, 0.5, 0.1234, 1]).quantised8Bit()
        #expect(q.pixels.allSatisfy { v in abs(v * 255 - (v * 255).rounded()) < 1e-4 })
        #expect(q.pixels[1] == 128 / 255 && q.pixels[2] == 31 / 255)
    }

    /// Path lengths cover the range evenly per octave, the blurred input is 8-bit, and a sample is
    /// a pure function of (seed, index).
    @Test func realismDrawsLengthsNoiseAndQuantisation() {
        let realism = BlurPatchDataset.Realism(pathLength: 2...30, maxNoise: 0.01)
        let data = BlurPatchDataset(photos: [photo()], patchSize: 16, seed: 7, subpixelCentred: true, realism: realism)
        let samples = (0..<200).map { data.sample($0) }
        let lengths = samples.map(\.pathLength)
        #expect(lengths.allSatisfy { (2...30).contains($0) })
        let belowGeometricMean = lengths.filter { $0 < (2.0 * 30).squareRoot() }.count
        #expect((70...130).contains(belowGeometricMean), "\(belowGeometricMean) of 200 below √(2·30)")
        #expect(samples.allSatisfy { s in s.blurred.pixels.allSatisfy { abs($0 * 255 - ($0 * 255).rounded()) < 1e-3 } })
        #expect(data.sample(17).blurred.pixels == samples[17].blurred.pixels)
        // The DeblurGAN-script pairs (no realism) record their path too: 60 px × the fraction.
        let script = BlurPatchDataset(photos: [photo()], patchSize: 16, seed: 7, fractions: [0.5])
        #expect(script.sample(0).pathLength == 30)
    }

    /// A sample's kernel is the blur of its own pair after the flips and turns: inside the crop
    /// (away from its border), sharp ⊛ kernel reproduces the noiseless blurred input, and a quarter-
    /// turned kernel would not — so a kernel left unturned with its pair fails.
    @Test func theKernelTurnsAndFlipsWithItsPair() {
        let realism = BlurPatchDataset.Realism(pathLength: 8...16, maxNoise: 0, quantise: false)
        let data = BlurPatchDataset(photos: [photo()], patchSize: 48, seed: 5, subpixelCentred: true, realism: realism)
        var orientationMatters = 0
        for i in 0..<12 {
            let s = data.sample(i)
            let ry = s.kernel.height / 2, rx = s.kernel.width / 2
            let inner = s.blurred.cropped(x: rx, y: ry, width: 48 - 2 * rx, height: 48 - 2 * ry)
            let reblurred = s.sharp.convolvedValid(with: s.kernel)
            #expect(zip(inner.pixels, reblurred.pixels).allSatisfy { abs($0 - $1) < 1e-4 }, "sample \(i)")
            let quarter = s.kernel.rotated90()
            let wrong = s.sharp.convolvedValid(with: quarter)
            if wrong.width != reblurred.width || zip(inner.pixels, wrong.pixels).contains(where: { abs($0 - $1) > 1e-3 }) {
                orientationMatters += 1
            }
        }
        #expect(orientationMatters >= 8, "the check needs kernels whose quarter turn blurs differently")
        let k = Kernel([[1, 2, 0], [0, 3, 0], [0, 0, 4]])
        #expect(k.rotated90().rotated90().rotated90().rotated90() == k && k.flippedHorizontally().flippedHorizontally() == k)
        #expect(k.rotated90()[0, 0] == k[0, 2] && k.flippedHorizontally()[0, 0] == k[0, 2])
    }
}
