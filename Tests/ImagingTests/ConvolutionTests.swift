import Autograd
import Foundation
import Testing
@testable import Imaging

/// The textbook definition, in Double: out(y, x) = Σ k(i, j) · in(y + cy − i, x + cx − j) with the
/// boundary rule applied index by index.
func naiveConvolve(_ im: Image, _ k: Kernel, _ b: Boundary) -> Image {
    Image(channels: im.channels, height: im.height, width: im.width) { c, y, x in
        var s = 0.0
        for i in 0..<k.height { for j in 0..<k.width {
            var yy = y + k.height / 2 - i, xx = x + k.width / 2 - j
            func map(_ v: Int, _ n: Int) -> Int? {
                if v >= 0 && v < n { return v }
                switch b {
                case .zero: return nil
                case .replicate: return min(max(v, 0), n - 1)
                case .circular: return ((v % n) + n) % n
                case .symmetric:
                    var m = ((v % (2 * n)) + 2 * n) % (2 * n)
                    if m >= n { m = 2 * n - 1 - m }
                    return m
                }
            }
            guard let my = map(yy, im.height), let mx = map(xx, im.width) else { continue }
            yy = my; xx = mx
            s += Double(k[i, j]) * Double(im[c, yy, xx])
        } }
        return Float(s)
    }
}

func randomImage(channels: Int, height: Int, width: Int, seed: UInt64) -> Image {
    var rng = RandomGenerator(seed: seed)
    return Image(channels: channels, height: height, width: width) { _, _, _ in rng.nextFloat() }
}

func randomKernel(height: Int, width: Int, seed: UInt64) -> Kernel {
    var rng = RandomGenerator(seed: seed)
    return Kernel(height: height, width: width, weights: (0..<(height * width)).map { _ in rng.nextFloat() }).normalized()
}

@Suite struct ConvolutionTests {
    @Test(arguments: [Boundary.symmetric, .replicate, .zero, .circular])
    func directAndFFTMatchTheNaiveDefinition(boundary: Boundary) {
        let im = randomImage(channels: 2, height: 9, width: 11, seed: 1)
        // asymmetric kernels expose flipped-vs-correlated mistakes; 7 × 5 larger than some pads
        for k in [randomKernel(height: 3, width: 5, seed: 2), randomKernel(height: 7, width: 5, seed: 3),
                  randomKernel(height: 13, width: 15, seed: 4)] {
            let ref = naiveConvolve(im, k, boundary)
            let direct = im.convolved(with: k, boundary: boundary, method: .direct)
            let fft = im.convolved(with: k, boundary: boundary, method: .fft)
            #expect(maxAbsDiff(direct.pixels, ref.pixels) < 1e-5, "direct \(k.height)×\(k.width)")
            #expect(maxAbsDiff(fft.pixels, ref.pixels) < 1e-5, "fft \(k.height)×\(k.width)")
        }
    }

    @Test func shiftKernelMovesTheImage() {
        // A single 1 one pixel right of the centre: a true convolution moves the image right.
        var k = Kernel(height: 3, width: 3, weights: [Float](repeating: 0, count: 9))
        k[1, 2] = 1
        let im = randomImage(channels: 1, height: 5, width: 6, seed: 9)
        let out = im.convolved(with: k, boundary: .circular)
        for y in 0..<5 { for x in 0..<6 { #expect(out[0, y, x] == im[0, y, (x + 5) % 6]) } }
    }

    @Test func validConvolution() {
        let im = randomImage(channels: 1, height: 12, width: 10, seed: 5)
        let k = randomKernel(height: 5, width: 3, seed: 6)
        let full = naiveConvolve(im, k, .zero)
        for method in [ConvolutionMethod.direct, .fft] {
            let v = im.convolvedValid(with: k, method: method)
            #expect(v.height == 8 && v.width == 8)
            #expect(maxAbsDiff(v.pixels, full.cropped(x: 1, y: 2, width: 8, height: 8).pixels) < 1e-5)
        }
    }

    @Test func fftAgreesWithDirectOnAPhotoSizedImageAndTrajectoryKernel() {
        var rng = RandomGenerator(seed: 11)
        let k = CameraShake(expl: 0.005).trajectory(using: &rng).kernel()
        let im = testPicture(channels: 3, height: 70, width: 90)
        let a = im.convolved(with: k, method: .direct), b = im.convolved(with: k, method: .fft)
        #expect(maxAbsDiff(a.pixels, b.pixels) < 2e-5)
    }

    @Test func constantImageStaysConstant() {
        var rng = RandomGenerator(seed: 3)
        let kernels = [CameraShake().trajectory(using: &rng).kernel(), .linearMotion(length: 15, angle: 30),
                       .disc(radius: 5), .gaussian(sigma: 2)]
        let im = Image(channels: 3, height: 20, width: 23, value: 0.37)
        for k in kernels {
            for b in [Boundary.symmetric, .replicate, .circular] {
                #expect(im.convolved(with: k, boundary: b).pixels.allSatisfy { abs($0 - 0.37) < 1e-5 })
            }
        }
        let field = SpatiallyVaryingBlur(kernels: [[kernels[0], kernels[1]], [kernels[2], kernels[3]]])
        #expect(im.blurred(by: field).pixels.allSatisfy { abs($0 - 0.37) < 1e-5 })
    }

    @Test func spatiallyVaryingBlurBlendsKernels() {
        let im = testPicture(height: 33, width: 41)
        let k = Kernel.gaussian(sigma: 1.2)
        // a grid of one kernel is uniform blur
        let uniform = SpatiallyVaryingBlur(kernels: [[k, k, k], [k, k, k]])
        #expect(maxAbsDiff(im.blurred(by: uniform).pixels, im.convolved(with: k).pixels) < 1e-5)
        // at a node only that node's kernel acts; halfway between two nodes the average
        let field = SpatiallyVaryingBlur(kernels: [[.identity, k]])
        let out = im.blurred(by: field)
        let blurred = im.convolved(with: k)
        for y in 0..<33 {
            #expect(abs(out[0, y, 0] - im[0, y, 0]) < 1e-6)
            #expect(abs(out[0, y, 40] - blurred[0, y, 40]) < 1e-6)
            #expect(abs(out[0, y, 20] - 0.5 * (im[0, y, 20] + blurred[0, y, 20])) < 1e-6)
        }
        // camera roll: no blur at the centre, long kernels at the corners
        let roll = SpatiallyVaryingBlur.cameraRoll(imageHeight: 100, imageWidth: 100, rows: 3, cols: 3, angle: 0.1)
        #expect(roll.kernels[1][1] == .identity)
        // corner: 0.1 rad × 70 px ≈ 7 px of motion along the diagonal
        #expect(roll.kernels[0][0].width >= 7 && roll.kernels[0][0].width <= 11 && isValidKernel(roll.kernels[0][0]))
    }

    @Test func noiseIsSeededClippedAndHasTheRightSpread() {
        let im = Image(channels: 1, height: 64, width: 64, value: 0.5)
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 1)
        let g1 = im.addingGaussianNoise(sigma: 0.05, using: &a)
        #expect(g1 == im.addingGaussianNoise(sigma: 0.05, using: &b))
        let d = g1.pixels.map { Double($0) - 0.5 }
        let sd = (d.map { $0 * $0 }.reduce(0, +) / Double(d.count)).squareRoot()
        #expect(abs(sd - 0.05) < 0.003)
        let clipped = Image(channels: 1, height: 32, width: 32, value: 0.98).addingGaussianNoise(sigma: 0.2, using: &a)
        #expect(clipped.pixels.allSatisfy { $0 >= 0 && $0 <= 1 } && clipped.pixels.contains(1))
        // Poisson: mean v, variance v / photons, both for small (Knuth) and large (PTRS) counts
        for (v, photons) in [(Float(0.5), Float(10)), (0.5, 1000), (0.2, 200)] {
            let p = Image(channels: 1, height: 100, width: 100, value: v).addingPoissonNoise(photons: photons, using: &a)
            let m = p.pixels.reduce(0, +) / Float(p.pixels.count)
            let varr = p.pixels.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(p.pixels.count)
            #expect(abs(m - v) < 0.01, "mean \(m) for v \(v) photons \(photons)")
            #expect(abs(varr / (v / photons) - 1) < 0.08, "variance ratio \(varr / (v / photons))")
        }
    }
}
