import Autograd
import Foundation

/// Random camera-shake trajectories and their blur kernels, after Boracchi & Foi, "Modeling the
/// performance of image restoration from motion blur" (IEEE TIP 2012), as DeblurGAN used them to
/// synthesise its training data (`motion_blur/generate_trajectory.py`, `generate_PSF.py`, a Python
/// port of the authors' MATLAB `createTrajectory.m` / `createPSFs.m`).
///
/// The model: a particle moves for `steps` samples on a `canvas`. Per trajectory it draws a
/// centripetal strength 0.7·U, a big-shake probability 0.2·U, a Gaussian-shake strength 10·U and a
/// random initial direction. At each step, with probability (big-shake · expl) an impulsive turn
/// adds 2v·e^{i(π + U − 0.5)} (the velocity reversed, with a small random angle, doubled); the
/// velocity changes by expl·(shake·(N + iN) − centripetal·x)·maxLength/(steps − 1); then the speed
/// is renormalised to maxLength/(steps − 1), so every full trajectory has length `maxLength`.
/// Finally the path is shifted into the canvas and centred.
///
/// The kernel for an exposure fraction f accumulates the samples in [0, f·steps] on the canvas
/// with bilinear (triangle) splatting, each sample weighted by how much of its unit time interval
/// lies in the exposure (so fractional exposures are exact).
///
/// Where this follows the reference code and where the paper or the brief:
/// - Follows the code: the constants (0.7, 0.2, 10, the doubled reversal with a ±0.5 rad jitter),
///   the velocity renormalisation at every step, the initial velocity v0·expl (immediately
///   renormalised anyway), the centring (shift to 0, align x[0] to the pixel grid, +1, then
///   ⌈(canvas − max)/2⌉), and the bilinear splatting with per-sample exposure weights.
/// - Differs from the code: kernels are normalised to sum 1 (the code divides by the step count,
///   so shorter exposures give kernels that sum to less than 1, and its blur script then min-max
///   rescales them); the default exposure fractions are 1/100, 1/10, 1/2, 1 as in the MATLAB
///   `createPSFs.m` (the Python port uses 1/1000 for the first); each kernel is cropped to its
///   support with the centre of mass at the centre pixel (the code keeps the 64 × 64 canvas, which
///   shifts the blurred image by wherever the path happens to lie); the splatting canvas has a
///   2-pixel margin instead of clamping indices to [1, canvas − 1] (a MATLAB 1-based remnant).
/// - `expl`: the authors recommend 0.005; DeblurGAN's blur script draws it from
///   {0.01, 0.009, 0.008, 0.007, 0.005, 0.003, 0.002, 0.001} (`CameraShake.deblurGANExpl`).
public struct CameraShake: Sendable {
    public var canvas: Int
    public var steps: Int
    public var maxLength: Double
    /// Exposure irregularity ("anxiety" in the MATLAB code): 0 gives straight linear motion.
    public var expl: Double

    public init(canvas: Int = 64, steps: Int = 2000, maxLength: Double = 60, expl: Double = 0.005) {
        precondition(canvas >= 3 && steps >= 2 && maxLength > 0 && expl >= 0, "invalid trajectory parameters")
        self.canvas = canvas
        self.steps = steps
        self.maxLength = maxLength
        self.expl = expl
    }

    /// The exposure fractions of Boracchi & Foi's `createPSFs.m`.
    public static let defaultFractions: [Double] = [1.0 / 100, 1.0 / 10, 1.0 / 2, 1]
    /// The `expl` values DeblurGAN's `blur_image.py` chooses from.
    public static let deblurGANExpl: [Double] = [0.01, 0.009, 0.008, 0.007, 0.005, 0.003, 0.002, 0.001]

    /// One sampled trajectory.
    public struct Trajectory: Sendable {
        /// Positions on the canvas (x right, y down), `steps` of them.
        public var x: [Double]
        public var y: [Double]
        public let canvas: Int
        /// Path length (sum of step lengths) — `maxLength` up to rounding.
        public let totalLength: Double
        /// How many impulsive turns happened.
        public let bigShakeCount: Int
        /// The per-trajectory random parameters that were drawn.
        public let centripetal: Double, bigShakeProbability: Double, gaussianShake: Double, initialAngle: Double

        public var steps: Int { x.count }

        /// The blur kernel of the first `fraction` of the exposure: normalised to sum 1 and cropped
        /// to its support, odd-sized, centred on its centre of mass.
        public func kernel(fraction: Double = 1) -> Kernel {
            precondition(fraction > 0 && fraction <= 1, "exposure fraction must be in (0, 1]")
            let side = canvas + 4, off = 2.0
            var a = [Float](repeating: 0, count: side * side)
            let end = fraction * Double(steps)
            // Sample t covers the time interval [t − 1, t]; its weight is the overlap with [0, end].
            for t in 1..<steps {
                let w = min(max(end - Double(t - 1), 0), 1)
                if w <= 0 { break }
                Kernel.splat(&a, cols: side, y: y[t] + off, x: x[t] + off, weight: w)
            }
            return Kernel.cropToSupport(a, rows: side, cols: side)
        }

        /// Kernels for several exposure fractions (default 1/100, 1/10, 1/2, 1).
        public func kernels(fractions: [Double] = CameraShake.defaultFractions) -> [Kernel] {
            fractions.map { kernel(fraction: $0) }
        }
    }

    /// Samples a trajectory.
    public func trajectory(using rng: inout RandomGenerator) -> Trajectory {
        let n = steps
        let centripetal = 0.7 * rng.nextDouble()
        let probBigShake = 0.2 * rng.nextDouble()
        let gaussianShake = 10 * rng.nextDouble()
        let initAngle = 360 * rng.nextDouble()
        let a0 = initAngle * .pi / 180
        let speed = maxLength / Double(n - 1)
        var (vx, vy) = (cos(a0), sin(a0))
        if expl > 0 { vx *= expl; vy *= expl } else { vx *= speed; vy *= speed }
        var xs = [Double](repeating: 0, count: n), ys = [Double](repeating: 0, count: n)
        var total = 0.0
        var bigShakes = 0
        for t in 0..<(n - 1) {
            var nx = 0.0, ny = 0.0
            if rng.nextDouble() < probBigShake * expl {
                // 2 v e^{i(π + U − 0.5)}
                let phi = Double.pi + (rng.nextDouble() - 0.5)
                nx = 2 * (vx * cos(phi) - vy * sin(phi))
                ny = 2 * (vx * sin(phi) + vy * cos(phi))
                bigShakes += 1
            }
            let gx = Double(rng.nextNormal()), gy = Double(rng.nextNormal())
            vx += nx + expl * (gaussianShake * gx - centripetal * xs[t]) * speed
            vy += ny + expl * (gaussianShake * gy - centripetal * ys[t]) * speed
            let norm = (vx * vx + vy * vy).squareRoot()
            if norm > 0 { vx = vx / norm * speed; vy = vy / norm * speed }
            xs[t + 1] = xs[t] + vx
            ys[t + 1] = ys[t] + vy
            total += (vx * vx + vy * vy).squareRoot()
        }
        // Centre the motion as the reference does.
        let minX = xs.min()!, minY = ys.min()!
        for i in 0..<n { xs[i] -= minX; ys[i] -= minY }
        let fx = xs[0].truncatingRemainder(dividingBy: 1), fy = ys[0].truncatingRemainder(dividingBy: 1)
        for i in 0..<n { xs[i] += 1 - fx; ys[i] += 1 - fy }
        let sx = ((Double(canvas) - xs.max()!) / 2).rounded(.up), sy = ((Double(canvas) - ys.max()!) / 2).rounded(.up)
        for i in 0..<n { xs[i] += sx; ys[i] += sy }
        return Trajectory(x: xs, y: ys, canvas: canvas, totalLength: total, bigShakeCount: bigShakes,
                          centripetal: centripetal, bigShakeProbability: probBigShake,
                          gaussianShake: gaussianShake, initialAngle: initAngle)
    }

    /// A random camera-shake kernel the way DeblurGAN's data were made: `expl` drawn from
    /// `deblurGANExpl`, one trajectory, one exposure fraction drawn from `fractions`.
    public static func randomKernel(fractions: [Double] = [1.0 / 10, 1.0 / 2, 1],
                                    canvas: Int = 64, maxLength: Double = 60,
                                    using rng: inout RandomGenerator) -> Kernel {
        randomKernelAndFraction(fractions: fractions, canvas: canvas, maxLength: maxLength, using: &rng).kernel
    }

    /// `randomKernel` and the exposure fraction it drew.
    public static func randomKernelAndFraction(fractions: [Double] = [1.0 / 10, 1.0 / 2, 1], canvas: Int = 64, maxLength: Double = 60,
                                               using rng: inout RandomGenerator) -> (kernel: Kernel, fraction: Double) {
        let expl = deblurGANExpl[Int(rng.next() % UInt64(deblurGANExpl.count))]
        let f = fractions[Int(rng.next() % UInt64(fractions.count))]
        let shake = CameraShake(canvas: canvas, maxLength: maxLength, expl: expl)
        return (shake.trajectory(using: &rng).kernel(fraction: f), f)
    }
}
