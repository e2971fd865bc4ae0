import Autograd
import Foundation
import Testing
@testable import Imaging

@Suite struct DeconvolutionTests {
    static let sharp = testPicture(channels: 1, height: 64, width: 64)
    static let trueKernel = Kernel.linearMotion(length: 9, angle: 30)
    static let wrongLength = Kernel.linearMotion(length: 15, angle: 30)
    static let wrongAngle = Kernel.linearMotion(length: 9, angle: 120)

    static func blurred(boundary: Boundary, noise: Float) -> Image {
        var rng = RandomGenerator(seed: 17)
        return sharp.convolved(with: trueKernel, boundary: boundary).addingGaussianNoise(sigma: noise, using: &rng)
    }

    @Test func wienerWithCircularBlurIsNearlyExact() {
        // Noise-free circular blur, circular Wiener with a tiny nsr: almost perfect recovery.
        let y = Self.blurred(boundary: .circular, noise: 0)
        let x = Deconvolution.wiener(y, kernel: Self.trueKernel, nsr: 1e-6, edges: .circular)
        #expect(Metrics.psnr(x, Self.sharp) > 38)    // measured 40.8 dB (blurred: 18.6 dB)
        // the taper is worse here (its model is not periodic) but still far better than the input
        let t = Deconvolution.wiener(Self.blurred(boundary: .symmetric, noise: 0), kernel: Self.trueKernel, nsr: 1e-3)
        #expect(Metrics.psnr(t, Self.sharp) > 24)    // measured 26.5 dB; circular edges give 13.2 dB
    }

    @Test func wienerRecoversAndWrongKernelsDoWorse() {
        let y = Self.blurred(boundary: .symmetric, noise: 0.005)
        let base = Metrics.psnr(y, Self.sharp)
        let good = Metrics.psnr(Deconvolution.wiener(y, kernel: Self.trueKernel, nsr: 1e-2), Self.sharp)
        let badLength = Metrics.psnr(Deconvolution.wiener(y, kernel: Self.wrongLength, nsr: 1e-2), Self.sharp)
        let badAngle = Metrics.psnr(Deconvolution.wiener(y, kernel: Self.wrongAngle, nsr: 1e-2), Self.sharp)
        print("Wiener PSNR: blurred \(base), true \(good), wrong length \(badLength), wrong angle \(badAngle)")
        #expect(good > base + 5)
        #expect(good > 23)
        #expect(badLength < good - 4 && badAngle < good - 4)
        // SSIM agrees
        let sGood = Metrics.ssim(Deconvolution.wiener(y, kernel: Self.trueKernel, nsr: 1e-2), Self.sharp)
        #expect(sGood > Metrics.ssim(y, Self.sharp))
    }

    @Test func richardsonLucyRecoversAndWrongKernelsDoWorse() {
        let y = Self.blurred(boundary: .symmetric, noise: 0.005)
        let base = Metrics.psnr(y, Self.sharp)
        let good = Metrics.psnr(Deconvolution.richardsonLucy(y, kernel: Self.trueKernel, iterations: 30), Self.sharp)
        let badLength = Metrics.psnr(Deconvolution.richardsonLucy(y, kernel: Self.wrongLength, iterations: 30), Self.sharp)
        let badAngle = Metrics.psnr(Deconvolution.richardsonLucy(y, kernel: Self.wrongAngle, iterations: 30), Self.sharp)
        print("RL PSNR: blurred \(base), true \(good), wrong length \(badLength), wrong angle \(badAngle)")
        #expect(good > base + 4)
        #expect(badLength < good - 3 && badAngle < good - 3)
        // RL keeps values non-negative and, with kernels summing to 1, roughly preserves the mean
        let x = Deconvolution.richardsonLucy(y, kernel: Self.trueKernel, iterations: 10)
        let m0 = y.pixels.reduce(0, +) / Float(y.pixels.count), m1 = x.pixels.reduce(0, +) / Float(x.pixels.count)
        #expect(abs(m0 - m1) < 0.01)
        // zero iterations return the input
        #expect(Deconvolution.richardsonLucy(y, kernel: Self.trueKernel, iterations: 0) == y.clamped())
    }

    @Test func deconvolutionWorksPerChannel() {
        let rgb = testPicture(channels: 3, height: 40, width: 40)
        let k = Kernel.gaussian(sigma: 1.2)
        let y = rgb.convolved(with: k, boundary: .circular)
        let x = Deconvolution.wiener(y, kernel: k, nsr: 1e-5, edges: .circular)
        #expect(x.channels == 3)
        #expect(Metrics.psnr(x, rgb) > Metrics.psnr(y, rgb) + 5)
    }
}
