import Foundation
import Testing
import Autograd
@testable import Imaging

@Suite struct PerceptualMetricsTests {
    @Test func slicedWassersteinInOneDimensionIsTheSortedDistance() {
        // In 1-D every direction is ±1, and W₁ of equal-size sets is the mean gap of the sorted values.
        let a: [[Float]] = [[0], [2], [1]], b: [[Float]] = [[3], [1], [2]]
        #expect(abs(Metrics.slicedWasserstein(a, b, directions: 8) - 1) < 1e-6)
        #expect(Metrics.slicedWasserstein(a, a.reversed(), directions: 8) == 0)
    }

    @Test func slicedWassersteinOfAShiftIsTheMeanProjectedShift() {
        // Shifting every point by v moves each projection by θ·v, so SW₁ = E|θ·v| = (2/π)·‖v‖ for θ
        // uniform on the circle.
        var rng = RandomGenerator(seed: 3)
        let a = (0..<200).map { _ in [rng.nextNormal(), rng.nextNormal()] }
        let b = a.map { [$0[0] + 3, $0[1] - 4] }
        let sw = Metrics.slicedWasserstein(a, b, directions: 4000, seed: 1)
        #expect(abs(sw - 2 / Double.pi * 5) < 0.05)
        #expect(abs(Metrics.slicedWasserstein(b, a, directions: 4000, seed: 1) - sw) < 1e-4)
    }

    @Test func patchDistanceIgnoresBrightnessAndSeesBlur() {
        let sharp = [testPicture(channels: 3, height: 32, width: 32)]
        let brighter = sharp.map { Image(channels: 3, height: 32, width: 32, pixels: $0.pixels.map { $0 + 0.1 }) }
        let blurred = sharp.map { $0.convolved(with: .gaussian(sigma: 1.5)) }
        #expect(Metrics.patchDistance(sharp, brighter) < 1e-6)
        #expect(Metrics.patchDistance(sharp, blurred) > 0.01)
        #expect(Metrics.patchVectors(sharp, size: 7, stride: 4).count == 7 * 7)
    }

    @Test func radialSpectrumOfACosineSitsInOneBinAndKeepsParseval() {
        let n = 32, k0 = 5
        let image = Image(channels: 1, height: n, width: n) { _, _, x in Float(cos(2 * Double.pi * Double(k0 * x) / Double(n))) }
        let spectrum = Metrics.radialPowerSpectrum(image)
        #expect(spectrum.count == n / 2 + 1)
        for (k, p) in spectrum.enumerated() where k != k0 { #expect(p < 1e-6) }
        // Parseval: Σ over the bin's frequencies of |F|²/(H·W) = Σ pixels² = n²/2.
        let inBin = (0..<n).flatMap { u in (0..<n).map { v in (u, v) } }.filter { u, v in
            let fu = Double(u <= n / 2 ? u : u - n), fv = Double(v <= n / 2 ? v : v - n)
            return Int((fu * fu + fv * fv).squareRoot().rounded()) == k0
        }.count
        #expect(abs(spectrum[k0] * Double(inBin) - Double(n * n) / 2) < 1e-2)
        let flat = Image(channels: 1, height: n, width: n, value: 0.5)
        #expect(abs(Metrics.radialPowerSpectrum(flat)[0] - 0.25 * Double(n * n)) < 1e-3)
    }
}
