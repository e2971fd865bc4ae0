import Foundation
import Testing
@testable import GANKit

@Suite struct Divergences {
    let log2 = Foundation.log(2.0)

    @Test func jsAndKLOfKnownPairs() {
        #expect(Divergence.js([1, 2, 3], [1, 2, 3]) == 0)
        #expect(abs(Divergence.js([1, 0], [0, 1]) - log2) < 1e-12)
        #expect(Divergence.kl([1, 0], [0, 1]) == .infinity)
        #expect(abs(Divergence.totalVariation([1, 0], [0, 1]) - 1) < 1e-12)
        // KL([½, ½] ‖ [¼, ¾]) = ½ log 2 + ½ log(2/3)
        #expect(abs(Divergence.kl([0.5, 0.5], [0.25, 0.75]) - (0.5 * log2 + 0.5 * Foundation.log(2.0 / 3))) < 1e-12)
        let p = [0.1, 0.4, 0.5], q = [0.3, 0.3, 0.4]
        #expect(abs(Divergence.js(p, q) - Divergence.js(q, p)) < 1e-15)
    }

    /// V(G, D*) = E_r[log D*] + E_g[log(1 − D*)] equals 2·JS(p_r‖p_g) − 2 log 2, for Gaussians at many separations.
    @Test(arguments: [0.0, 0.5, 1.0, 2.0, 4.0])
    func valueAtOptimalDiscriminatorIsShiftedJS(_ shift: Double) {
        let pr = Gaussian1D(mean: 0, std: 1), pg = Gaussian1D(mean: shift, std: 1.5)
        let grid = stride(from: -12.0, through: 16.0, by: 0.001).map { $0 }
        let r = Divergence.discretise(pr.density, over: grid), g = Divergence.discretise(pg.density, over: grid)
        var v = 0.0
        for (a, b) in zip(r, g) where a + b > 0 {
            let dStar = a / (a + b)
            if a > 0 { v += a * Foundation.log(dStar) }
            if b > 0 { v += b * Foundation.log(1 - dStar) }
        }
        #expect(abs(v - (2 * Divergence.js(r, g) - 2 * log2)) < 1e-6)
    }

    @Test func exactWassersteinIn1D() {
        #expect(Wasserstein.exact1D([0, 1, 2], [0, 1, 2]) == 0)
        #expect(abs(Wasserstein.exact1D([0, 1, 2], [3, 4, 5]) - 3) < 1e-12)
        #expect(abs(Wasserstein.exact1D([0], [0, 1]) - 0.5) < 1e-12)
        // Equal sizes: the mean distance between sorted samples (brute-force reference).
        var rng = RandomGenerator(seed: 1)
        let a = (0..<50).map { _ in rng.nextDouble() }, b = (0..<50).map { _ in 2 * rng.nextDouble() }
        let reference = zip(a.sorted(), b.sorted()).map { abs($0 - $1) }.reduce(0, +) / 50
        #expect(abs(Wasserstein.exact1D(a, b) - reference) < 1e-12)
    }

    /// Shifting a point cloud by θ along x: each projection moves by |θ cos φ|, whose mean over
    /// φ ∈ [0, π) is 2θ/π.
    @Test func slicedWassersteinOfAShift() {
        var rng = RandomGenerator(seed: 2)
        let a = (0..<200).map { _ in (rng.nextDouble(), rng.nextDouble()) }
        let b = a.map { ($0.0 + 0.7, $0.1) }
        #expect(Wasserstein.sliced(a, a) == 0)
        #expect(abs(Wasserstein.sliced(a, b, directions: 256) - 0.7 * 2 / .pi) < 2e-3)
    }
}

import Autograd

@Suite struct ToyDistributions {
    @Test func eightGaussiansSitOnTheRing() {
        var rng = RandomGenerator(seed: 3)
        let x = ToyData.eightGaussians.sample(4000, using: &rng)
        var meanRadius = 0.0
        for i in 0..<4000 {
            let (a, b) = (Double(x.data[2 * i]), Double(x.data[2 * i + 1]))
            meanRadius += (a * a + b * b).squareRoot() / 4000
        }
        #expect(abs(meanRadius - 2 / 1.414) < 0.01)
        let coverage = ModeCoverage(samples: x, modes: ToyData.eightGaussians.modes, std: ToyData.eightGaussians.modeStd!)
        #expect(coverage.modesCovered == 8)
        #expect(coverage.highQualityShare > 0.98)   // within 3σ: 98.9% for a 2-D Gaussian
    }

    @Test func twentyFiveGaussiansAndSwissRoll() {
        var rng = RandomGenerator(seed: 4)
        let x = ToyData.twentyFiveGaussians.sample(5000, using: &rng)
        let c = ModeCoverage(samples: x, modes: ToyData.twentyFiveGaussians.modes, std: ToyData.twentyFiveGaussians.modeStd!)
        #expect(c.modeCount == 25 && c.modesCovered == 25)
        let roll = ToyData.swissRoll.sample(1000, using: &rng)
        #expect(roll.data.allSatisfy { abs($0) < 2.2 })
    }

    @Test func collapsedSamplesCoverFewModes() {
        let modes = ToyData.eightGaussians.modes
        // Every sample on one of two modes, plus junk far away.
        var values: [Float] = []
        for i in 0..<100 { let m = modes[i % 2]; values += [Float(m.0), Float(m.1)] }
        for _ in 0..<100 { values += [5, 5] }
        let c = ModeCoverage(samples: Tensor(shape: [200, 2], data: values), modes: modes, std: ToyData.eightGaussians.modeStd!)
        #expect(c.modesCovered == 2)
        #expect(c.highQualityShare == 0.5)
        #expect(c.perMode[0] == 50 && c.perMode[1] == 50)
        // The junk's nearest mode is the one towards (5, 5): reached, not covered — and, with all
        // 100 junk samples nearest to it, the dominant one (it counts every sample, near or far).
        #expect(c.modesReached == 3)
        #expect(c.dominantMode == 4)
    }

    /// Low precision is not collapse: a ring of samples smeared between the modes covers none of
    /// them (each gets a sliver below a fifth of its even share) and has a low high-quality share.
    @Test func aSmearedRingCoversNoMode() {
        let modes = ToyData.eightGaussians.modes, std = ToyData.eightGaussians.modeStd!
        let r = (modes[0].0 * modes[0].0 + modes[0].1 * modes[0].1).squareRoot()
        let n = 800
        let values = (0..<n).flatMap { i -> [Float] in
            let angle = 2 * Double.pi * Double(i) / Double(n)
            return [Float(r * cos(angle)), Float(r * sin(angle))]
        }
        let c = ModeCoverage(samples: Tensor(shape: [n, 2], data: values), modes: modes, std: std)
        #expect(c.highQualityShare < 0.1)
        #expect(c.modesCovered == 0)
        #expect(c.modesReached == 8, "every mode is the nearest of its stretch of the ring")
        // One sample far from every mode: nothing covered, its nearest mode reached; no samples, no dominant mode.
        let one = ModeCoverage(samples: Tensor(shape: [1, 2], data: [5, 5]), modes: modes, std: std)
        #expect(one.modesCovered == 0 && one.modesReached == 1)
        #expect(ModeCoverage(samples: Tensor(shape: [0, 2], data: []), modes: modes, std: std).dominantMode == nil)
    }
}
