/// Contour extraction by marching squares.
public enum Contour {
    /// A straight piece of an iso-line, in data coordinates.
    public struct Segment: Sendable {
        public var x0: Double, y0: Double, x1: Double, y1: Double
    }

    /// The pieces of the iso-line `grid == level`.
    ///
    /// Each square of four neighbouring samples is classified by which corners lie above the
    /// level; the line crosses the edges whose ends differ, at the linearly interpolated point.
    /// Saddles (opposite corners above) are resolved by the square's mean value. Squares with a
    /// non-finite corner are skipped, so NaN holes leave holes in the contour.
    public static func segments(_ grid: Grid, level: Double) -> [Segment] {
        var out: [Segment] = []
        guard grid.rows >= 2, grid.cols >= 2 else { return out }
        for r in 0 ..< grid.rows - 1 {
            for c in 0 ..< grid.cols - 1 {
                // Corners counter-clockwise from bottom-left: (r,c) (r,c+1) (r+1,c+1) (r+1,c).
                let cells = [(r, c), (r, c + 1), (r + 1, c + 1), (r + 1, c)]
                let v = cells.map { grid[$0.0, $0.1] }
                guard v.allSatisfy(\.isFinite) else { continue }
                let above = v.map { $0 > level }
                // Edge i joins corner i and corner i+1; collect the crossing points.
                func crossing(_ i: Int) -> (Double, Double) {
                    let j = (i + 1) % 4
                    let t = (level - v[i]) / (v[j] - v[i])
                    let a = grid.centre(row: cells[i].0, col: cells[i].1)
                    let b = grid.centre(row: cells[j].0, col: cells[j].1)
                    return (a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
                }
                let crossed = (0 ..< 4).filter { above[$0] != above[($0 + 1) % 4] }
                var pairs: [(Int, Int)]
                if crossed.count == 2 {
                    pairs = [(crossed[0], crossed[1])]
                } else if crossed.count == 4 {
                    // Saddle: if the centre is on the same side as corner 0, the line separates
                    // corner 0's region from corners 1 and 3, so it pairs edges 0–1 and 2–3.
                    let centreAbove = v.reduce(0, +) / 4 > level
                    pairs = centreAbove == above[0] ? [(0, 1), (2, 3)] : [(3, 0), (1, 2)]
                } else {
                    pairs = []
                }
                for (i, j) in pairs {
                    let a = crossing(i), b = crossing(j)
                    out.append(Segment(x0: a.0, y0: a.1, x1: b.0, y1: b.1))
                }
            }
        }
        return out
    }

    /// `count` evenly spaced levels strictly inside `range` (the extremes would give empty or
    /// degenerate contours).
    public static func levels(_ count: Int, in range: ClosedRange<Double>) -> [Double] {
        let n = max(count, 1)
        return (1 ... n).map { range.lowerBound + Double($0) / Double(n + 1) * (range.upperBound - range.lowerBound) }
    }
}
