import Autograd
import Testing
@testable import Imaging

@Suite struct GradientEnergy {
    @Test func rampHasSlopeSquared() {
        let a: Float = 0.03
        let ramp = Image(channels: 1, height: 9, width: 12) { _, _, x in a * Float(x) }
        #expect(abs(Metrics.gradientEnergy(ramp) - Double(a * a)) < 1e-9)
        let diagonal = Image(channels: 3, height: 10, width: 10) { _, y, x in 0.02 * Float(x) + 0.05 * Float(y) }
        #expect(abs(Metrics.gradientEnergy(diagonal) - (0.02 * 0.02 + 0.05 * 0.05)) < 1e-8)
    }

    @Test func checkerboardIsTwoAndConstantIsZero() {
        let board = Image(channels: 1, height: 8, width: 8) { _, y, x in Float((x + y) % 2) }
        #expect(Metrics.gradientEnergy(board) == 2)
        #expect(Metrics.gradientEnergy(Image(channels: 3, height: 5, width: 7, value: 0.4)) == 0)
    }

    @Test func blurLowersIt() {
        var rng = RandomGenerator(seed: 3)
        let noise = Image(channels: 1, height: 32, width: 32) { _, _, _ in rng.nextFloat() }
        let blurred = noise.convolved(with: .gaussian(sigma: 1.5))
        #expect(Metrics.gradientEnergy(blurred) < 0.2 * Metrics.gradientEnergy(noise))
    }
}
