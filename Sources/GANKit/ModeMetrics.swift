import Autograd

/// How well generated points cover a mixture's modes (the measure of the unrolled-GAN and VEEGAN
/// papers): a sample is *high quality* when it lies within `kSigma` standard deviations of its
/// nearest mode; a mode is *covered* when it receives at least `minShare` of the high-quality
/// samples it would get if they were spread evenly over the modes.
public struct ModeCoverage: Equatable, Sendable {
    public let modesCovered: Int
    public let modeCount: Int
    public let highQualityShare: Double
    /// High-quality samples per mode, in the order of `ToyData.modes`.
    public let perMode: [Int]

    public init(samples: Tensor, modes: [(Double, Double)], std: Double, kSigma: Double = 3, minShare: Double = 0.2) {
        precondition(samples.rank == 2 && samples.shape[1] == 2, "mode coverage needs [n, 2] samples, got \(samples.shape)")
        precondition(!modes.isEmpty, "mode coverage needs modes")
        let n = samples.shape[0]
        let radius2 = (kSigma * std) * (kSigma * std)
        var counts = [Int](repeating: 0, count: modes.count)
        var good = 0
        for i in 0..<n {
            let x = Double(samples.data[2 * i]), y = Double(samples.data[2 * i + 1])
            var best = 0, bestD = Double.infinity
            for (k, m) in modes.enumerated() {
                let d = (x - m.0) * (x - m.0) + (y - m.1) * (y - m.1)
                if d < bestD { bestD = d; best = k }
            }
            if bestD <= radius2 { counts[best] += 1; good += 1 }
        }
        let threshold = max(1, minShare * Double(good) / Double(modes.count))
        modesCovered = counts.filter { Double($0) >= threshold }.count
        modeCount = modes.count
        highQualityShare = n == 0 ? 0 : Double(good) / Double(n)
        perMode = counts
    }
}
