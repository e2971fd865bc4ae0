import Foundation
import Testing
@testable import Imaging

@Suite struct GradientPriorTests {
    @Test func rampAndStepMatchTheClosedForm() {
        let h = 10, w = 12, s: Float = 0.05
        let ramp = Image(channels: 1, height: h, width: w) { _, _, x in s * Float(x) }
        // (w − 1)·h horizontal differences of s, no vertical ones
        let expected = Double(w - 1) * Double(h) * pow(Double(s), 0.8) / Double(h * w)
        #expect(abs(ramp.sparseGradientPenalty(alpha: 0.8) - expected) < 1e-6)
        #expect(Image(channels: 3, height: 5, width: 5, value: 0.3).sparseGradientPenalty() == 0)
        // one unit step per row
        let step = Image(channels: 1, height: h, width: w) { _, _, x in x < 6 ? 0 : 1 }
        #expect(abs(step.sparseGradientPenalty(alpha: 0.5) - Double(h) / Double(h * w)) < 1e-12)
    }

    @Test func spreadingAnEdgeCostsLessWithAlphaBelowOne() {
        // A unit step spread over n pixels: n gradients of 1/n cost n·(1/n)^α = n^(1−α) > 1 for α < 1…
        // …so blur makes an isolated edge *more* expensive; what blur saves is the cost of texture.
        let sharp = Image(channels: 1, height: 1, width: 20) { _, _, x in x < 10 ? 0 : 1 }
        let soft = Image(channels: 1, height: 1, width: 20) { _, _, x in min(max(Float(x - 8) / 4, 0), 1) }
        #expect(abs(sharp.sparseGradientPenalty(alpha: 0.5) * 20 - 1) < 1e-9)
        #expect(abs(soft.sparseGradientPenalty(alpha: 0.5) * 20 - 4 * pow(0.25, 0.5)) < 1e-6)
    }
}
