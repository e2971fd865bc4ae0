import Foundation

// Small helpers every lesson uses: a claim the prose makes, checked against the numbers, the
// mean, and numbers formatted for sentences.

/// Throws if a claim the lesson makes in its prose does not hold for the numbers just computed,
/// so a lesson whose prose and output disagree fails loudly instead of printing both.
public func claim(_ holds: Bool, _ what: String) throws {
    if !holds { throw CellError("the lesson claims \(what), but the computation disagrees") }
}

/// A number with 1, 2 or 3 decimals, for sentences: f2(0.256) == "0.26".
public func f1(_ v: Double) -> String { String(format: "%.1f", v) }
public func f2(_ v: Double) -> String { String(format: "%.2f", v) }
public func f3(_ v: Double) -> String { String(format: "%.3f", v) }

/// A change with its sign, 2 decimals: signed(0.5) == "+0.50", signed(-0.25) == "-0.25"; a small
/// loss (or −0) keeps its minus: signed(-0.001) == "-0.00".
public func signed(_ v: Double) -> String {
    let s = f2(v)
    return s.hasPrefix("-") ? s : "+" + s
}

/// The arithmetic mean (NaN for no values).
public func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
