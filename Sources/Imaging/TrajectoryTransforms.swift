import Foundation

/// Measuring and deforming a camera-shake path. A deformed copy of the true path is a realistic
/// *wrong* kernel for non-blind deconvolution: the right shape at the wrong size (as when the
/// exposure time or focal length is misjudged) or at the wrong orientation.
extension CameraShake.Trajectory {
    /// Length of the path travelled during the first `fraction` of the exposure, in pixels; 1 gives
    /// `totalLength`. The step from sample t − 1 to t covers the time [t − 1, t] and counts with
    /// its overlap with [0, fraction · steps] — the weight `kernel(fraction:)` gives sample t.
    public func pathLength(fraction: Double = 1) -> Double {
        precondition(fraction >= 0 && fraction <= 1, "exposure fraction must be in [0, 1]")
        let end = fraction * Double(steps)
        var length = 0.0
        for t in 1..<steps {
            let w = min(max(end - Double(t - 1), 0), 1)
            if w <= 0 { break }
            let dx = x[t] - x[t - 1], dy = y[t] - y[t - 1]
            length += w * (dx * dx + dy * dy).squareRoot()
        }
        return length
    }

    /// The path scaled by `scale` and rotated by `degrees` (counter-clockwise as seen in the image)
    /// about its centroid, then moved by a whole number of pixels so it is centred on a canvas
    /// large enough to hold it. Whole-pixel moves keep the bilinear splatting exact, so
    /// `transformed(scale: 1, degrees: 0).kernel()` equals `kernel()`.
    public func transformed(scale: Double = 1, degrees: Double = 0) -> CameraShake.Trajectory {
        precondition(scale > 0, "scale must be positive")
        let n = Double(steps)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        let a = degrees * .pi / 180, (c, s) = (cos(a), sin(a))
        // y points down, so a counter-clockwise turn on screen is (x, y) ↦ (c·x + s·y, −s·x + c·y).
        var xs = x.indices.map { i in scale * (c * (x[i] - mx) + s * (y[i] - my)) }
        var ys = x.indices.map { i in scale * (-s * (x[i] - mx) + c * (y[i] - my)) }
        let (x0, x1, y0, y1) = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
        let side = max(canvas, Int((max(x1 - x0, y1 - y0) + 4).rounded(.up)))
        let sx = (Double(side) / 2 - (x0 + x1) / 2).rounded(), sy = (Double(side) / 2 - (y0 + y1) / 2).rounded()
        let shiftX = mx + (sx - mx).rounded(), shiftY = my + (sy - my).rounded()
        for i in xs.indices { xs[i] += shiftX; ys[i] += shiftY }
        return CameraShake.Trajectory(x: xs, y: ys, canvas: side, totalLength: totalLength * scale,
                                      bigShakeCount: bigShakeCount, centripetal: centripetal,
                                      bigShakeProbability: bigShakeProbability, gaussianShake: gaussianShake,
                                      initialAngle: initialAngle + degrees)
    }
}
