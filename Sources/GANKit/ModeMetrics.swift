import Autograd

/// How well generated points cover a mixture's modes (the measure of the unrolled-GAN and VEEGAN
/// papers): a sample is *high quality* when it lies within `kSigma` standard deviations of its
/// nearest mode; a mode is *covered* when at least `minShare` of its even share of *all* samples
/// lies there. Counting against all samples, not the high-quality ones, keeps low precision apart
/// from collapse: a cloud smeared around the ring covers no mode and has a low high-quality share;
/// a collapsed generator has a high share on few modes. `modesReached` drops the radius: a mode
/// is reached when at least that many samples have it as their nearest mode, so a tight clump
/// hovering between two modes still counts as collapse (one or two modes reached).
public struct ModeCoverage: Equatable, Sendable {
    public let modesCovered: Int
    public let modeCount: Int
    public let highQualityShare: Double
    /// High-quality samples per mode, in the order of `ToyData.modes`.
    public let perMode: [Int]
    /// Samples whose nearest mode each mode is, however far away.
    public let nearest: [Int]
    /// Modes that are the nearest mode of at least a fifth of their even share of the samples.
    public let modesReached: Int
    /// The mode most samples are nearest to (its index in `ToyData.modes`), nil without samples:
    /// followed over training, it shows mode hopping.
    public var dominantMode: Int? {
        guard let top = nearest.max(), top > 0 else { return nil }
        return nearest.firstIndex(of: top)
    }

    public init(samples: Tensor, modes: [(Double, Double)], std: Double, kSigma: Double = 3, minShare: Double = 0.2) {
        precondition(samples.rank == 2 && samples.shape[1] == 2, "mode coverage needs [n, 2] samples, got \(samples.shape)")
        precondition(!modes.isEmpty, "mode coverage needs modes")
        let n = samples.shape[0]
        let radius2 = (kSigma * std) * (kSigma * std)
        var counts = [Int](repeating: 0, count: modes.count), nearest = counts
        var good = 0
        for i in 0..<n {
            let x = Double(samples.data[2 * i]), y = Double(samples.data[2 * i + 1])
            var best = 0, bestD = Double.infinity
            for (k, m) in modes.enumerated() {
                let d = (x - m.0) * (x - m.0) + (y - m.1) * (y - m.1)
                if d < bestD { bestD = d; best = k }
            }
            nearest[best] += 1
            if bestD <= radius2 { counts[best] += 1; good += 1 }
        }
        let threshold = max(1, minShare * Double(n) / Double(modes.count))
        modesCovered = counts.filter { Double($0) >= threshold }.count
        modesReached = nearest.filter { Double($0) >= threshold }.count
        self.nearest = nearest
        modeCount = modes.count
        highQualityShare = n == 0 ? 0 : Double(good) / Double(n)
        perMode = counts
    }
}
