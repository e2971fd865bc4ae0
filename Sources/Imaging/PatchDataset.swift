import Autograd
import Foundation

/// Synthetic (blurred, sharp) training pairs, the way DeblurGAN made its synthetic data: random
/// crops of the course photos, each blurred with a fresh random camera-shake kernel
/// (`CameraShake.randomKernel`: expl from DeblurGAN's list, one trajectory, one exposure fraction),
/// optionally with Gaussian noise, and randomly flipped left–right.
///
/// Sample `i` is a pure function of (seed, i): every sample and batch can be regenerated in any
/// order, on any thread, and is the same on every run. The blur is computed on a crop enlarged by
/// the kernel radius and only the valid part kept, so patches have no boundary artefacts (for
/// photos too small for that, the crop is blurred with symmetric boundaries instead).
public struct BlurPatchDataset: Sendable {
    public let photos: [Image]
    public var patchSize: Int
    public var seed: UInt64
    /// Exposure fractions to draw from (DeblurGAN's blur script: 1/10, 1/2, 1).
    public var fractions: [Double]
    /// Standard deviation of the added Gaussian noise (0: none); the noisy image is clipped to [0, 1].
    public var noiseSigma: Float
    public var randomFlip: Bool
    /// 3: gray photos are repeated into RGB; 1: colour photos are converted to luma (BT.601).
    public var channels: Int
    /// Moves every kernel by its sub-pixel centroid offset (`Kernel.subpixelCentred`), so the blur
    /// translates nothing: otherwise up to half a pixel of shift, which no blind method can undo,
    /// is part of every pair (DeblurGAN's own script leaves far larger shifts in).
    public var subpixelCentred: Bool
    /// When set, the pair looks like a real photo rather than DeblurGAN's script (`photoLike`):
    /// see `Realism`. Off by default, so the DeblurGAN-script pairs stay as they were.
    public var realism: Realism?

    /// What makes a synthetic pair look like a real blurred photo: camera-shake paths of a length
    /// drawn log-uniformly in `pathLength` pixels (the 60-px trajectory cut at length/60 of the
    /// exposure, so every length is equally represented per octave), Gaussian noise of σ drawn
    /// uniformly in [0, `maxNoise`], the blurred input rounded to 8 bits as a PNG would store it,
    /// and a random 90° rotation on top of the flip (camera shake has no preferred direction).
    public struct Realism: Sendable, Equatable, Codable {
        public var pathLength: ClosedRange<Double>
        public var maxNoise: Float
        public var quantise: Bool
        public var rotate: Bool

        public init(pathLength: ClosedRange<Double> = 2...30, maxNoise: Float = 0.01, quantise: Bool = true, rotate: Bool = true) {
            precondition(pathLength.lowerBound > 0 && pathLength.upperBound <= 60, "path lengths must lie in (0, 60] px")
            self.pathLength = pathLength
            self.maxNoise = maxNoise
            self.quantise = quantise
            self.rotate = rotate
        }

        /// The exposure fraction of the 60-px trajectory that gives a path of `u`'s quantile length.
        func fraction(_ u: Double) -> Double {
            let (a, b) = (log(pathLength.lowerBound), log(pathLength.upperBound))
            return exp(a + (b - a) * u) / 60
        }
    }

    public init(photos: [Image], patchSize: Int = 64, seed: UInt64 = 0, fractions: [Double] = [1.0 / 10, 1.0 / 2, 1],
                noiseSigma: Float = 0, randomFlip: Bool = true, channels: Int = 3, subpixelCentred: Bool = false,
                realism: Realism? = nil) {
        precondition(!photos.isEmpty, "the dataset needs at least one photo")
        precondition(channels == 1 || channels == 3, "channels must be 1 or 3")
        precondition(photos.allSatisfy { $0.height >= patchSize && $0.width >= patchSize },
                     "every photo must be at least \(patchSize) × \(patchSize)")
        self.photos = photos.map { channels == 3 ? $0.rgb() : $0.grayscale() }
        self.patchSize = patchSize
        self.seed = seed
        self.fractions = fractions
        self.noiseSigma = noiseSigma
        self.randomFlip = randomFlip
        self.channels = channels
        self.subpixelCentred = subpixelCentred
        self.realism = realism
    }

    /// Reads the named PNG files of a folder (default: every `.png` in it, sorted by name).
    public static func loadPhotos(folder: String, names: [String]? = nil) throws -> [Image] {
        let files: [String]
        if let names { files = names } else {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
                throw ImagingError(.fileNotFound, path: folder, "no such folder")
            }
            files = try FileManager.default.contentsOfDirectory(atPath: folder)
                .filter { $0.lowercased().hasSuffix(".png") }.sorted()
        }
        return try files.map { try PNG.read(folder + "/" + $0) }
    }

    /// One pair with the kernel that made it.
    public struct Sample: Sendable {
        public let blurred: Image
        public let sharp: Image
        /// The kernel that blurred this pair, in the pair's own orientation (it turns and flips with it).
        public let kernel: Kernel
        public let photoIndex: Int
        /// The camera-shake path's length in pixels (the 60-px trajectory × its exposure fraction).
        public let pathLength: Double
        /// σ of the Gaussian noise added to `blurred` (0 if none), before any 8-bit rounding.
        public let noiseSigma: Double
    }

    /// Sample number `index` (deterministic for the dataset's seed).
    public func sample(_ index: Int) -> Sample {
        var rng = RandomGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: index + 1))
        let p = Int(rng.next() % UInt64(photos.count))
        let photo = photos[p]
        var kr = rng.split()
        var kernel: Kernel, fraction: Double
        if let realism {
            fraction = realism.fraction(kr.nextDouble())
            kernel = CameraShake.randomKernel(fractions: [fraction], using: &kr)
        } else {
            (kernel, fraction) = CameraShake.randomKernelAndFraction(fractions: fractions, using: &kr)
        }
        if subpixelCentred { kernel = kernel.subpixelCentred() }
        let ry = kernel.height / 2, rx = kernel.width / 2
        let s = patchSize
        var blurred: Image, sharp: Image
        if photo.height >= s + 2 * ry && photo.width >= s + 2 * rx {
            let region = photo.randomCrop(width: s + 2 * rx, height: s + 2 * ry, using: &rng)
            blurred = region.convolvedValid(with: kernel)
            sharp = region.cropped(x: rx, y: ry, width: s, height: s)
        } else {
            sharp = photo.randomCrop(width: s, height: s, using: &rng)
            blurred = sharp.convolved(with: kernel, boundary: .symmetric)
        }
        // The sample's kernel turns and flips with its pair, so it stays the blur of `blurred`.
        if randomFlip && rng.next() & 1 == 1 {
            blurred = blurred.flippedHorizontally()
            sharp = sharp.flippedHorizontally()
            kernel = kernel.flippedHorizontally()
        }
        var sigma = noiseSigma
        if let realism {
            var rr = rng.split()
            if realism.rotate, rr.next() & 1 == 1 {
                blurred = blurred.rotated90()
                sharp = sharp.rotated90()
                kernel = kernel.rotated90()
            }
            sigma = realism.maxNoise * rr.nextFloat()
            blurred = blurred.addingGaussianNoise(sigma: sigma, using: &rr)
            if realism.quantise { blurred = blurred.clamped().quantised8Bit() }
        } else if noiseSigma > 0 {
            var nr = rng.split()
            blurred = blurred.addingGaussianNoise(sigma: noiseSigma, using: &nr)
        }
        return Sample(blurred: blurred.clamped(), sharp: sharp, kernel: kernel, photoIndex: p, pathLength: 60 * fraction,
                      noiseSigma: Double(sigma))
    }

    /// Batch number `index` of `size` pairs (samples index·size ..< (index+1)·size) as
    /// `[size, C, patch, patch]` tensors in [−1, 1].
    public func batch(_ index: Int, size: Int) -> (blurred: Tensor, sharp: Tensor) {
        precondition(size > 0, "batch size must be positive")
        let samples = (0..<size).map { sample(index * size + $0) }
        return (Image.batch(samples.map(\.blurred)), Image.batch(samples.map(\.sharp)))
    }
}
