import Autograd
import Testing
@testable import Imaging

@Suite struct ImageTests {
    @Test func tensorConversionMapsToMinusOneOne() {
        let im = Image(channels: 3, height: 2, width: 3) { c, y, x in Float(c * 6 + y * 3 + x) / 17 }
        let t = im.tensor()
        #expect(t.shape == [3, 2, 3])
        #expect(t.data.first == -1 && t.data.last == 1)
        #expect(maxAbsDiff(Image(tensor: t).pixels, im.pixels) < 1e-6)
        let b = Image.batch([im, im.flippedHorizontally()])
        #expect(b.shape == [2, 3, 2, 3])
        let back = Image.unbatch(b)
        #expect(back.count == 2 && maxAbsDiff(back[1].pixels, im.flippedHorizontally().pixels) < 1e-6)
        // out-of-range network outputs are clamped
        #expect(Image(tensor: Tensor(shape: [1, 1, 2], data: [-3, 3])).pixels == [0, 1])
    }

    @Test func cropFlipGray() {
        let im = Image(channels: 3, height: 4, width: 5) { c, y, x in Float(c * 100 + y * 10 + x) }
        let c = im.cropped(x: 1, y: 2, width: 3, height: 2)
        #expect(c.width == 3 && c.height == 2 && c[0, 0, 0] == 21 && c[2, 1, 2] == 233)
        let f = im.flippedHorizontally()
        #expect(f[1, 3, 0] == 134 && f[1, 3, 4] == 130)
        #expect(f.flippedHorizontally() == im)
        let rgb = Image(channels: 3, height: 1, width: 3) { c, _, x in c == x ? 1 : 0 }
        let g = rgb.grayscale()
        #expect(g.channels == 1 && abs(g.pixels[0] - 0.299) < 1e-6 && abs(g.pixels[1] - 0.587) < 1e-6 && abs(g.pixels[2] - 0.114) < 1e-6)
        #expect(Image(channels: 3, height: 2, width: 2, value: 0.4).grayscale().pixels.allSatisfy { abs($0 - 0.4) < 1e-6 })
    }

    @Test func randomCropIsSeededAndCoversPositions() {
        let im = Image(channels: 1, height: 6, width: 6) { _, y, x in Float(y * 6 + x) }
        var r1 = RandomGenerator(seed: 3), r2 = RandomGenerator(seed: 3)
        var corners = Set<Float>()
        for _ in 0..<200 {
            let a = im.randomCrop(width: 4, height: 4, using: &r1)
            let b = im.randomCrop(width: 4, height: 4, using: &r2)
            #expect(a == b)
            corners.insert(a.pixels[0])
        }
        #expect(corners.count == 9)  // all 3 × 3 top-left positions seen
    }

    @Test func resizeAreaAndBilinear() {
        // Area halving averages 2 × 2 blocks exactly.
        let im = Image(channels: 1, height: 4, width: 4) { _, y, x in Float(y * 4 + x) }
        let half = im.resized(width: 2, height: 2, method: .area)
        #expect(half.pixels == [2.5, 4.5, 10.5, 12.5])
        // Area by a non-integer factor preserves the mean.
        let big = testPicture(height: 30, width: 45)
        let small = big.resized(width: 17, height: 11, method: .area)
        let m1 = big.pixels.reduce(0, +) / Float(big.pixels.count)
        let m2 = small.pixels.reduce(0, +) / Float(small.pixels.count)
        #expect(abs(m1 - m2) < 2e-3)
        // Bilinear reproduces a linear ramp in the interior.
        let ramp = Image(channels: 1, height: 1, width: 8) { _, _, x in Float(x) }
        let up = ramp.resized(width: 16, height: 1, method: .bilinear)
        #expect(abs(up.pixels[5] - 2.25) < 1e-5 && abs(up.pixels[10] - 4.75) < 1e-5)
        #expect(Image(channels: 2, height: 5, width: 7, value: 0.3).resized(width: 3, height: 9, method: .bilinear)
            .pixels.allSatisfy { abs($0 - 0.3) < 1e-6 })
    }
}
