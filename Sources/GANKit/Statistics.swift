import Foundation

/// Mean and sample standard deviation of the finite values among `values` (NaN when there are none).
public struct MeanSD: Sendable, Equatable {
    public let mean: Double
    public let sd: Double
    public let count: Int

    public init(_ values: [Double]) {
        let v = values.filter(\.isFinite)
        count = v.count
        let m = v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
        mean = m
        sd = v.count < 2 ? (v.isEmpty ? .nan : 0) : (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
    }

    /// "m ± s" with `digits` decimals, "–" when nothing was measured.
    public func formatted(_ digits: Int) -> String {
        guard mean.isFinite else { return "–" }
        return String(format: "%.\(digits)f ± %.\(digits)f", mean, sd)
    }
}
