import Autograd
import Foundation
import Testing
@testable import Imaging

func isValidKernel(_ k: Kernel) -> Bool {
    k.height % 2 == 1 && k.width % 2 == 1 && k.weights.allSatisfy { $0 >= 0 } && abs(k.sum - 1) < 1e-5
}

/// Spread of a kernel: sqrt of the trace of its weight covariance, in pixels.
func spread(_ k: Kernel) -> Double {
    var s = 0.0, my = 0.0, mx = 0.0
    for i in 0..<k.height { for j in 0..<k.width { let w = Double(k[i, j]); s += w; my += w * Double(i); mx += w * Double(j) } }
    my /= s; mx /= s
    var v = 0.0
    for i in 0..<k.height { for j in 0..<k.width {
        let w = Double(k[i, j]); v += w * ((Double(i) - my) * (Double(i) - my) + (Double(j) - mx) * (Double(j) - mx))
    } }
    return (v / s).squareRoot()
}

@Suite struct KernelTests {
    @Test func trajectoryKernelsAreValidAndCentred() {
        var rng = RandomGenerator(seed: 1)
        for expl in [0.0, 0.001, 0.005, 0.01, 0.1] {
            let t = CameraShake(expl: expl).trajectory(using: &rng)
            #expect(t.steps == 2000)
            #expect(abs(t.totalLength - 60) < 1e-6)    // the speed is renormalised at every step
            // the path stays on the canvas
            #expect(t.x.allSatisfy { $0 >= 0 && $0 < 64 } && t.y.allSatisfy { $0 >= 0 && $0 < 64 })
            for k in t.kernels() {
                #expect(isValidKernel(k))
                #expect(k.height <= 67 && k.width <= 67)
                let com = k.centreOfMass
                #expect(abs(com.dy) <= 0.5 + 1e-6 && abs(com.dx) <= 0.5 + 1e-6)
            }
        }
    }

    @Test func trajectoryIsDeterministicForASeed() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let ka = CameraShake().trajectory(using: &a).kernel()
        #expect(ka == CameraShake().trajectory(using: &b).kernel())
        #expect(ka != CameraShake().trajectory(using: &c).kernel())
    }

    @Test func kernelExtentGrowsWithExposureFraction() {
        // Over 60 trajectories, the mean spread must increase strictly with the exposure fraction.
        var rng = RandomGenerator(seed: 7)
        let fractions = CameraShake.defaultFractions
        var mean = [Double](repeating: 0, count: fractions.count)
        var bigShakes = 0
        let n = 60
        for _ in 0..<n {
            let t = CameraShake(expl: 0.005).trajectory(using: &rng)
            bigShakes += t.bigShakeCount
            for (i, k) in t.kernels(fractions: fractions).enumerated() { mean[i] += spread(k) / Double(n) }
        }
        // strictly increasing; the full path often curls back (centripetal pull), so the last step is smaller
        #expect(mean[1] > 3 * mean[0] && mean[2] > 1.5 * mean[1] && mean[3] > 1.1 * mean[2], "\(mean)")
        // 1/100 of a 60-pixel path is 0.6 px: nearly a point; a full exposure spreads several pixels.
        print("mean spread by fraction", mean)
        #expect(mean[0] < 0.8 && mean[3] > 4, "\(mean)")
        // expected big shakes ≈ 2000 · E[0.2 U] · 0.005 = 1 per trajectory
        #expect(bigShakes > 20 && bigShakes < 150, "\(bigShakes)")
    }

    @Test func straightTrajectoryWithZeroExpl() {
        var rng = RandomGenerator(seed: 5)
        let t = CameraShake(expl: 0).trajectory(using: &rng)
        // expl = 0: constant velocity, a straight 60-pixel segment
        let ex = t.x.last! - t.x.first!, ey = t.y.last! - t.y.first!
        #expect(abs((ex * ex + ey * ey).squareRoot() - 60) < 1e-6)
        #expect(t.bigShakeCount == 0)
    }

    @Test func linearMotionShape() {
        let h = Kernel.linearMotion(length: 9, angle: 0)
        #expect(isValidKernel(h))
        // horizontal: all weight in the centre row, spread over 9–11 columns symmetrically
        let mid = h.height / 2
        let rowSum = (0..<h.width).reduce(Float(0)) { $0 + h[mid, $1] }
        #expect(rowSum > 0.999)
        #expect(h.width >= 9 && h.width <= 11)
        #expect(abs(h.centreOfMass.dx) < 1e-4)
        // vertical kernel is the transposed horizontal one
        let v = Kernel.linearMotion(length: 9, angle: 90)
        #expect(v.height == h.width && abs(v[v.height / 2 - 2, v.width / 2] - h[mid, h.width / 2 + 2]) < 1e-4)
        // diagonal at 45°: weight on the anti-diagonal (up-right in image coordinates)
        let d = Kernel.linearMotion(length: 11, angle: 45)
        #expect(isValidKernel(d))
        let c = d.height / 2
        #expect(d[c - 3, c + 3] > 0.05 && d[c - 3, c - 3] == 0)
        #expect(abs(spread(d) - 11 / 12.0.squareRoot()) < 0.35)   // uniform segment: σ = L/√12
        #expect(Kernel.linearMotion(length: 0, angle: 30) == Kernel.identity)
    }

    @Test func discAndGaussianShapes() {
        let d = Kernel.disc(radius: 4)
        #expect(isValidKernel(d) && d.height == 9)
        let c = 4
        #expect(d[c, c] == d[c, c + 3])                     // flat inside
        #expect(d[0, 0] == 0 && d[c, 0] > 0 && d[c, 0] < d[c, c])  // corners outside, edge partial
        // area ≈ π r²: the centre weight is 1/(π r²)
        #expect(abs(d[c, c] - 1 / Float(Double.pi * 16)) < 2e-4)
        let g = Kernel.gaussian(sigma: 1.5)
        #expect(isValidKernel(g) && g.height == 11)
        #expect(abs(g[5, 6] / g[5, 5] - Float(exp(-1 / 4.5))) < 1e-5)
        #expect(abs(spread(g) - 1.5 * 2.0.squareRoot()) < 0.05)
        // symmetric
        #expect(g.flipped() == g)
    }
}
