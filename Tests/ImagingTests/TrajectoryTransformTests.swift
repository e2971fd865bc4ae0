import Autograd
import Foundation
import Testing
@testable import Imaging

@Suite struct TrajectoryTransformTests {
    static func path(seed: UInt64, expl: Double = 0.005, maxLength: Double = 30) -> CameraShake.Trajectory {
        var rng = RandomGenerator(seed: seed)
        return CameraShake(maxLength: maxLength, expl: expl).trajectory(using: &rng)
    }

    /// Weighted second moments (var y, var x, cov) of a kernel about its centre of mass.
    static func moments(_ k: Kernel) -> (yy: Double, xx: Double, xy: Double) {
        let s = Double(k.sum)
        let (cy, cx) = k.centreOfMass
        let oy = Double(k.height / 2) + cy, ox = Double(k.width / 2) + cx
        var m = (yy: 0.0, xx: 0.0, xy: 0.0)
        for i in 0..<k.height { for j in 0..<k.width {
            let w = Double(k[i, j]) / s, dy = Double(i) - oy, dx = Double(j) - ox
            m.yy += w * dy * dy; m.xx += w * dx * dx; m.xy += w * dx * dy
        } }
        return m
    }

    @Test func pathLengthOfAStraightPath() {
        // expl = 0: straight motion at speed maxLength/(steps − 1) per step.
        let t = Self.path(seed: 1, expl: 0)
        #expect(abs(t.pathLength() - t.totalLength) < 1e-9)
        #expect(abs(t.totalLength - 30) < 1e-6)
        let speed = 30.0 / Double(t.steps - 1)
        for f in [0.01, 0.1, 0.5, 0.73] {
            // steps 1…f·steps (the last one in part)
            let expected = min(f * Double(t.steps), Double(t.steps - 1)) * speed
            #expect(abs(t.pathLength(fraction: f) - expected) < 1e-9, "fraction \(f)")
        }
        #expect(t.pathLength(fraction: 0) == 0)
    }

    @Test func pathLengthGrowsWithTheExposure() {
        let t = Self.path(seed: 2)
        let lengths = [0.01, 0.1, 0.5, 1].map { t.pathLength(fraction: $0) }
        #expect(zip(lengths, lengths.dropFirst()).allSatisfy { $0 < $1 })
        #expect(abs(lengths[3] - t.totalLength) < 1e-9)
    }

    @Test func identityTransformKeepsTheKernel() {
        let t = Self.path(seed: 3)
        let a = t.kernel(), b = t.transformed().kernel()
        #expect(a.height == b.height && a.width == b.width)
        #expect(zip(a.weights, b.weights).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func rotationTurnsTheKernelsSecondMoments() {
        for seed: UInt64 in [4, 5, 6] {
            let t = Self.path(seed: seed, expl: 0.008)
            let m = Self.moments(t.kernel())
            // 90° swaps the axes and flips the sign of the covariance
            let q = Self.moments(t.transformed(degrees: 90).kernel())
            let tol = 0.05 * (m.xx + m.yy) + 0.2
            #expect(abs(q.xx - m.yy) < tol && abs(q.yy - m.xx) < tol && abs(q.xy + m.xy) < tol, "seed \(seed)")
            // any angle keeps the trace (total spread)
            let r = Self.moments(t.transformed(degrees: 37).kernel())
            #expect(abs((r.xx + r.yy) - (m.xx + m.yy)) < tol)
        }
    }

    @Test func scalingScalesLengthAndSpread() {
        let t = Self.path(seed: 7)
        let big = t.transformed(scale: 2)
        #expect(abs(big.pathLength() - 2 * t.pathLength()) < 1e-9)
        #expect(abs(big.totalLength - 2 * t.totalLength) < 1e-9)
        let ratio = big.kernel().rmsRadius / t.kernel().rmsRadius
        #expect(abs(ratio - 2) < 0.1)
        // the canvas grows to hold a path longer than the original canvas
        let huge = t.transformed(scale: 12)
        let extent = max(huge.x.max()! - huge.x.min()!, huge.y.max()! - huge.y.min()!)
        #expect(extent > Double(t.canvas))
        #expect(Double(huge.canvas) >= extent + 4)
        #expect(huge.x.allSatisfy { $0 >= 0 && $0 < Double(huge.canvas) })
        #expect(huge.y.allSatisfy { $0 >= 0 && $0 < Double(huge.canvas) })
    }
}
