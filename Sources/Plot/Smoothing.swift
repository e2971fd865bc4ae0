/// A trailing moving average over `window` points (over fewer at the start), for drawing a
/// readable line through a noisy per-step training curve.
public func movingAverage(_ values: [Double], window: Int) -> [Double] {
    precondition(window >= 1, "the window must hold at least one point")
    var out: [Double] = [], sum = 0.0
    out.reserveCapacity(values.count)
    for i in values.indices {
        sum += values[i]
        if i >= window { sum -= values[i - window] }
        out.append(sum / Double(min(i + 1, window)))
    }
    return out
}
