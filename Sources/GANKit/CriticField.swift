import Autograd
import Plot

/// A critic's value f(x, y) and its gradient ∇f on a regular grid over a square: what Gulrajani
/// et al. draw in Fig. 1a (value surface) and what a quiver plot of the gradient field needs.
/// Values are in `Plot.Grid` orientation (row 0 at the bottom).
public struct CriticField: Sendable {
    public let values: Grid
    /// ∂f/∂x and ∂f/∂y at the same cell centres, row-major like `values`.
    public let dx: [Double], dy: [Double]
    /// The cell centres, row-major.
    public let x: [Double], y: [Double]

    /// Evaluates `critic` on `n`×`n` cell centres over `extent`² in one batch.
    public init(_ critic: (Tensor) -> Tensor, extent: ClosedRange<Double>, n: Int) {
        precondition(n >= 2, "a field needs at least 2×2 points")
        let step = (extent.upperBound - extent.lowerBound) / Double(n)
        let centres = (0..<n).map { extent.lowerBound + (Double($0) + 0.5) * step }
        var xs: [Double] = [], ys: [Double] = []
        for r in 0..<n { for c in 0..<n { xs.append(centres[c]); ys.append(centres[r]) } }
        let points = Tensor(shape: [n * n, 2], data: zip(xs, ys).flatMap { [Float($0), Float($1)] })
        points.requiresGrad = true
        let scores = critic(points)
        let g = grad(of: scores.sum(), wrt: [points])[0]
        values = Grid(rows: n, cols: n, values: scores.data.map(Double.init), x: extent, y: extent)
        dx = (0..<(n * n)).map { Double(g.data[2 * $0]) }
        dy = (0..<(n * n)).map { Double(g.data[2 * $0 + 1]) }
        x = xs; y = ys
    }

    /// ‖∇f‖ at each grid point.
    public var gradientNorms: [Double] { zip(dx, dy).map { ($0 * $0 + $1 * $1).squareRoot() } }

    /// Every `stride`-th point in both directions, for an uncluttered quiver plot.
    public func thinned(_ stride: Int) -> (x: [Double], y: [Double], u: [Double], v: [Double]) {
        let n = values.cols
        var out: (x: [Double], y: [Double], u: [Double], v: [Double]) = ([], [], [], [])
        for r in Swift.stride(from: stride / 2, to: n, by: stride) {
            for c in Swift.stride(from: stride / 2, to: n, by: stride) {
                let i = r * n + c
                out.x.append(x[i]); out.y.append(y[i]); out.u.append(dx[i]); out.v.append(dy[i])
            }
        }
        return out
    }
}
