/// A 2-D field sampled on a regular grid, for heatmaps and contours.
///
/// The extent `x` × `y` is split into `cols` × `rows` equal cells and `values` holds one sample
/// per cell centre, row-major, with row 0 at the *bottom* (`y.lowerBound`) — the orientation of a
/// function plot f(x, y), not of an image.
public struct Grid: Sendable {
    public let rows: Int, cols: Int
    public var values: [Double]
    public var x: ClosedRange<Double>, y: ClosedRange<Double>

    public init(rows: Int, cols: Int, values: [Double],
                x: ClosedRange<Double>? = nil, y: ClosedRange<Double>? = nil) {
        precondition(values.count == rows * cols, "Grid: \(values.count) values for \(rows)×\(cols) cells")
        self.rows = rows; self.cols = cols; self.values = values
        self.x = x ?? 0 ... Double(cols)
        self.y = y ?? 0 ... Double(rows)
    }

    /// A grid from nested arrays, `values[row][col]`, row 0 at the bottom.
    public init(_ values: [[Double]], x: ClosedRange<Double>? = nil, y: ClosedRange<Double>? = nil) {
        self.init(rows: values.count, cols: values.first?.count ?? 0, values: values.flatMap { $0 }, x: x, y: y)
    }

    /// Samples `f(x, y)` at the cell centres of a `cols`×`rows` grid over `x` × `y`:
    /// the usual way to draw a critic's value surface or a density.
    public init(x: ClosedRange<Double>, y: ClosedRange<Double>, cols: Int = 100, rows: Int = 100,
                _ f: (Double, Double) -> Double) {
        var values: [Double] = []
        values.reserveCapacity(rows * cols)
        for r in 0 ..< rows {
            for c in 0 ..< cols {
                values.append(f(Grid.centre(c, cols, x), Grid.centre(r, rows, y)))
            }
        }
        self.init(rows: rows, cols: cols, values: values, x: x, y: y)
    }

    public subscript(row: Int, col: Int) -> Double { values[row * cols + col] }

    /// Data coordinates of the centre of cell (`row`, `col`).
    func centre(row: Int, col: Int) -> (x: Double, y: Double) {
        (Grid.centre(col, cols, x), Grid.centre(row, rows, y))
    }

    /// Bilinear interpolation between cell centres at fractional cell indices (clamped to the grid).
    func interpolate(row: Double, col: Double) -> Double {
        let r = min(max(row, 0), Double(rows - 1)), c = min(max(col, 0), Double(cols - 1))
        let r0 = min(Int(r), max(rows - 2, 0)), c0 = min(Int(c), max(cols - 2, 0))
        let r1 = min(r0 + 1, rows - 1), c1 = min(c0 + 1, cols - 1)
        let fr = r - Double(r0), fc = c - Double(c0)
        let bottom = self[r0, c0] * (1 - fc) + self[r0, c1] * fc
        let top = self[r1, c0] * (1 - fc) + self[r1, c1] * fc
        return bottom * (1 - fr) + top * fr
    }

    /// Smallest and largest finite value, or nil when there is none.
    var finiteRange: ClosedRange<Double>? {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return nil }
        return lo ... hi
    }

    private static func centre(_ i: Int, _ n: Int, _ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (Double(i) + 0.5) / Double(n) * (range.upperBound - range.lowerBound)
    }
}
