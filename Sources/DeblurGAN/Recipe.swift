import Autograd
import Foundation
import Imaging
import NN

/// The pieces of a DeblurGAN training run that the lesson, `course train` and `course recipe`
/// share, so all three follow one rule: which photos train and which are held out, how training
/// pairs are made, and how a model is scored.
public enum DeblurRecipe {
    /// The six photos the recipe search started with (three of them textures).
    public static let firstPhotos = ["astronaut", "chelsea", "rocket", "brick", "gravel", "grass"]
    /// The first six and three more scenes (architecture and landscape, fur and leaves, stairs and
    /// people): the `more-photos` trial and the trials built on it.
    public static let ninePhotos = firstPhotos + ["china", "face", "ascent"]
    /// Photos (in Data/) that training crops are cut from: the nine, the 24 wider ones (the
    /// `wide-photos` trial: +0.81 dB against more-photos' +0.61 at 5 CPU-minutes) and 15 more (a
    /// long run on all 48 ended +0.04 dB above the 33-photo one at the same step: within the
    /// validation noise, kept for the variety).
    public static let trainingPhotos = ninePhotos + widerPhotos + furtherPhotos
    /// `trainingPhotos` as one string: what a checkpoint records as its training data.
    public static var trainingPhotoList: String { trainingPhotos.joined(separator: " ") }
    /// 24 more photos, public domain or CC0, from two Debian packages (Data/LICENSES.md): people,
    /// animals, buildings, landscapes, water, a night scene, signs — the `wide-photos` trial.
    public static let widerPhotos = ["colosseum", "carcassonne", "berlin_cathedral", "hawa_mahal", "konark_temple", "mysore_palace",
                                     "petra", "aula_palatina", "great_wall", "machu_picchu", "canyon_de_chelly", "rocamadour",
                                     "ajanta_caves", "jaguars", "lemurs", "bison", "dog", "mariachi", "orchestra", "taiko",
                                     "coral_reef", "cincinnati_bridge", "citrus", "honey_bee"]
    /// 15 more, public domain or CC0, from the same Debian package (Data/LICENSES.md): crowds and a
    /// stage, night and dusk scenes, water, horses, forests, carved faces, stone — measured by a
    /// long run against the 33 (the deblurgan lesson's "Longer runs").
    public static let furtherPhotos = ["opera_stage", "gateway_of_india", "brandenburg_gate", "palais_des_papes", "lincoln_memorial",
                                       "narwhals", "golden_temple", "schwerin_palace", "horses", "neuschwanstein", "reims_cathedral",
                                       "charminar", "arles_amphitheatre", "mount_rushmore", "great_pyramid"]
    /// Photos never cropped for training: every score of a model is measured on them.
    public static let heldOutPhotos = ["coffee", "camera"]
    /// A genuinely motion-blurred photo with no sharp original: shown, never scored or trained on.
    public static let realBlurPhoto = "clock_motion"

    /// Path-length bins (px) that scores are split by: mild, medium and strong blur.
    public static let strengthBins: [(name: String, range: Range<Double>)] = [("2–5 px", 0..<5), ("5–12 px", 5..<12), ("12–30 px", 12..<100)]

    /// Data/<name>.png for each name.
    public static func paths(_ names: [String], data: String = "Data") -> [String] { names.map { "\(data)/\($0).png" } }

    /// Training and test pairs that look like real blurred photos (`BlurPatchDataset.Realism`:
    /// 2–30 px camera-shake paths, noise σ ∈ [0, 0.01], 8-bit input, flips and 90° turns).
    public static let realism = BlurPatchDataset.Realism()

    /// `config.batchSize` fresh pairs per step, drawn only from the step's own random stream, so a
    /// resumed run sees the very batches an uninterrupted one would.
    public static func batches(_ photos: [Image], config: DeblurGANConfig, seed: UInt64,
                               realism: BlurPatchDataset.Realism = realism) -> BatchProvider {
        let data = BlurPatchDataset(photos: photos, patchSize: config.cropSize, seed: seed, subpixelCentred: true, realism: realism)
        return { rng in
            let samples = (0..<config.batchSize).map { _ in data.sample(Int(truncatingIfNeeded: rng.next() >> 24)) }
            return (Image.batch(samples.map(\.blurred)), Image.batch(samples.map(\.sharp)))
        }
    }

    /// `count` held-out crops, alternating over `photos`, a pure function of its arguments.
    public static func testCrops(_ photos: [Image], count: Int, size: Int, seed: UInt64,
                                 realism: BlurPatchDataset.Realism = realism) -> [BlurPatchDataset.Sample] {
        let sets = photos.map { BlurPatchDataset(photos: [$0], patchSize: size, seed: seed, randomFlip: false,
                                                 subpixelCentred: true, realism: realism) }
        return (0..<count).map { sets[$0 % sets.count].sample($0) }
    }
}

/// How much a restoration improves on its blurred inputs, over a set of crops.
public struct RestorationScore: Sendable {
    /// PSNR(restored) − PSNR(blurred) per crop, dB.
    public let gains: [Double]
    public let blurredPSNR: Double, restoredPSNR: Double
    public let blurredSSIM: Double, restoredSSIM: Double

    public var meanGain: Double { gains.reduce(0, +) / Double(max(gains.count, 1)) }
    public var sdGain: Double {
        guard gains.count > 1 else { return 0 }
        let m = meanGain
        return (gains.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(gains.count - 1)).squareRoot()
    }
    /// Share of crops whose PSNR went up.
    public var improvedShare: Double { Double(gains.filter { $0 > 0 }.count) / Double(max(gains.count, 1)) }

    public init(crops: [BlurPatchDataset.Sample], restore: (Image) -> Image) {
        var gains: [Double] = [], pb = 0.0, pr = 0.0, sb = 0.0, sr = 0.0
        for c in crops {
            let x = restore(c.blurred)
            let b = Metrics.psnr(c.blurred, c.sharp), r = Metrics.psnr(x, c.sharp)
            gains.append(r - b)
            pb += b; pr += r
            sb += Metrics.ssim(c.blurred, c.sharp); sr += Metrics.ssim(x, c.sharp)
        }
        let n = Double(max(crops.count, 1))
        self.gains = gains
        (blurredPSNR, restoredPSNR, blurredSSIM, restoredSSIM) = (pb / n, pr / n, sb / n, sr / n)
    }
}

/// CPU seconds this process has used on all its threads: a budget measure that a busy shared
/// machine does not stretch the way it stretches wall-clock time.
public func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
