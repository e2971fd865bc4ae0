import Foundation

/// How data values map onto an axis.
public enum Scale: Sendable {
    case linear
    /// Base-10 logarithmic; non-positive values are not drawn.
    case log
}

/// A tick mark position and the text printed under (or beside) it.
public struct Tick: Equatable, Sendable {
    public let value: Double
    public let label: String
}

/// "Nice" tick selection: steps of 1, 2 or 5 × 10ᵏ on linear axes, decades on log axes —
/// the numbers a reader can interpolate between at a glance.
public enum Ticks {
    /// At most `maxCount` ticks inside `lo...hi`, on the smallest 1-2-5 step that fits.
    public static func linear(_ lo: Double, _ hi: Double, maxCount: Int) -> [Tick] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return lo.isFinite ? [Tick(value: lo, label: format(lo, step: 1))] : [] }
        let maxCount = max(maxCount, 2)
        var step = pow(10, floor(log10((hi - lo) / Double(maxCount))))
        var k = 0
        while multiples(of: step, in: lo, hi).count > maxCount {
            step *= [2, 2.5, 2][k % 3]   // 1 → 2 → 5 → 10 → 20 …
            k += 1
        }
        return multiples(of: step, in: lo, hi).map { Tick(value: $0, label: format($0, step: step)) }
    }

    /// Decades (10ᵏ) inside `lo...hi`, thinned to at most `maxCount`; within less than two decades
    /// it falls back to 1-2-5 × 10ᵏ, and then to linear ticks.
    public static func log(_ lo: Double, _ hi: Double, maxCount: Int) -> [Tick] {
        guard lo > 0, hi > lo, lo.isFinite, hi.isFinite else { return [] }
        let first = Int(ceil(log10(lo) - 1e-9)), last = Int(floor(log10(hi) + 1e-9))
        if last - first + 1 >= 2 {
            let stride = max(1, Int(ceil(Double(last - first + 1) / Double(max(maxCount, 2)))))
            return Swift.stride(from: first, through: last, by: stride).map {
                Tick(value: pow(10, Double($0)), label: "10" + superscript($0))
            }
        }
        let candidates: [Double] = (first - 1 ... last + 1).flatMap { (e: Int) -> [Double] in
            let decade = pow(10, Double(e))
            return [1 * decade, 2 * decade, 5 * decade]
        }
        let mantissaTicks = candidates.filter { $0 >= lo * (1 - 1e-9) && $0 <= hi * (1 + 1e-9) }
        if (2 ... max(maxCount, 2)).contains(mantissaTicks.count) {
            return mantissaTicks.map { Tick(value: $0, label: format($0, step: $0)) }
        }
        return linear(lo, hi, maxCount: maxCount)
    }

    /// Unlabelled 2…9 × 10ᵏ marks between decades, drawn short on log axes.
    static func logMinor(_ lo: Double, _ hi: Double) -> [Double] {
        guard lo > 0, hi > lo, log10(hi / lo) <= 8 else { return [] }
        return (Int(floor(log10(lo))) ... Int(ceil(log10(hi)))).flatMap { e in
            (2 ... 9).map { Double($0) * pow(10, Double(e)) }
        }.filter { $0 > lo && $0 < hi }
    }

    private static func multiples(of step: Double, in lo: Double, _ hi: Double) -> [Double] {
        let first = ceil(lo / step - 1e-9), last = floor(hi / step + 1e-9)
        guard last >= first else { return [] }
        return (0 ... Int(last - first)).map { (first + Double($0)) * step + 0 }   // + 0 turns −0 into 0
    }

    /// Formats `value` with as many decimals as `step` needs; very large or small magnitudes
    /// as m×10ᵏ. Uses a true minus sign (−), as typeset mathematics does.
    static func format(_ value: Double, step: Double) -> String {
        let magnitude = Swift.max(abs(value), abs(step))
        // A step below 10⁻³ needs it too, or 0.0010, 0.0015, … would all round to "0".
        if value != 0 && (magnitude >= 1e5 || magnitude < 1e-3 || (step > 0 && step < 1e-3)) {
            let e = Int(floor(log10(abs(value))))
            let mantissa = value / pow(10, Double(e))
            let digits = Swift.max(0, e - Int(floor(log10(abs(step)) + 1e-9)))
            let m = fixed(mantissa, decimals: Swift.min(digits, 3))
            return (m == "1" ? "" : m == "−1" ? "−" : m + "×") + "10" + superscript(e)
        }
        guard step > 0, step < 1e5, step >= 1e-3 else { return fixed(value, decimals: 0) }
        return fixed(value, decimals: Swift.max(0, -Int(floor(log10(step) + 1e-9))))
    }

    /// `value` rounded to `decimals` places, without Foundation's locale-dependent formatting.
    static func fixed(_ value: Double, decimals: Int) -> String {
        let scaled = (abs(value) * pow(10, Double(decimals))).rounded()
        var digits = String(Int64(scaled))
        if decimals > 0 {
            digits = String(repeating: "0", count: Swift.max(0, decimals + 1 - digits.count)) + digits
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (value < 0 && scaled != 0 ? "−" : "") + digits
    }

    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (n < 0 ? "⁻" : "") + String(abs(n)).map { digits[Int(String($0))!] }
    }
}
