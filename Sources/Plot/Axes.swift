/// Where an axes puts its legend.
public enum LegendPlacement: Sendable {
    /// The emptiest inside corner; outside on the right if every corner would cover data.
    case auto
    case topLeft, topRight, bottomLeft, bottomRight
    /// Outside the plot area, to the right.
    case outside
    /// No legend.
    case hidden
}

/// One plot panel: its data marks, axis scales, labels and decorations.
///
/// Create it through `Figure.axes()` or `Figure.subplots(rows:cols:)`, add marks with the plot
/// methods, set labels as properties. Series without an explicit colour take the next colour of
/// the Okabe–Ito palette.
public final class Axes {
    public var title: String?
    public var xlabel: String?
    public var ylabel: String?
    public var xscale: Scale = .linear
    public var yscale: Scale = .linear
    /// Fixed limits; nil means fit the data (with a small margin for lines and points).
    public var xlim: ClosedRange<Double>?
    public var ylim: ClosedRange<Double>?
    /// Light grid lines at the major ticks.
    public var grid = true
    /// One data unit is as long on x as on y — for point clouds and vector fields, where
    /// distances and angles must not be distorted. The limits grow to fill the plot area.
    public var aspectEqual = false
    public var legend: LegendPlacement = .auto

    var marks: [Mark] = []
    /// Tick positions and labels chosen by the user (e.g. categories of a bar chart).
    var customXTicks: [Tick]?
    var customYTicks: [Tick]?
    private var seriesCount = 0

    init() {}

    private func nextColor(_ color: Color?) -> Color {
        if let color { return color }
        defer { seriesCount += 1 }
        return Palette.color(seriesCount)
    }

    // MARK: Lines and points

    /// A line through the points (x[i], y[i]); NaN or infinite values break the line.
    public func line(x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                     style: LineStyle = .solid, width: Double = 3, marker: Marker? = nil) {
        marks.append(LineMark(x: x, y: y, label: label, color: nextColor(color), style: style, width: width, marker: marker))
    }

    /// A line through (i, y[i]) — for curves over iterations or epochs.
    public func line(y: [Double], label: String? = nil, color: Color? = nil,
                     style: LineStyle = .solid, width: Double = 3, marker: Marker? = nil) {
        line(x: y.indices.map(Double.init), y: y, label: label, color: color, style: style, width: width, marker: marker)
    }

    /// A shaded band between lower[i] and upper[i] over x[i] — a spread (± one sd) around a line
    /// drawn on top of it. Not in the legend: the line it surrounds is. Non-finite values split it.
    public func band(x: [Double], lower: [Double], upper: [Double], color: Color, alpha: Double = 0.18) {
        precondition(x.count == lower.count && x.count == upper.count, "band needs as many lower and upper values as x values")
        marks.append(BandMark(x: x, lower: lower, upper: upper, color: color.withAlpha(alpha)))
    }

    /// Points at (x[i], y[i]). `size` is the marker diameter in pixels (at 1600×900); lower
    /// `alpha` shows density where thousands of samples overlap.
    public func scatter(x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                        size: Double = 10, alpha: Double = 0.8, marker: Marker = .circle) {
        marks.append(ScatterMark(x: x, y: y, label: label, color: nextColor(color).withAlpha(alpha), size: size, marker: marker))
    }

    // MARK: Distributions and categories

    /// A histogram of the finite `values` in `bins` equal bins over `range` (default: the data's
    /// range). Give several histograms the same `range` to overlay them comparably;
    /// `density: true` scales the bars to unit area.
    public func histogram(_ values: [Double], bins: Int = 30, range: ClosedRange<Double>? = nil, density: Bool = false,
                          label: String? = nil, color: Color? = nil, alpha: Double = 0.6) {
        let finite = values.filter(\.isFinite)
        guard bins > 0, let lo = range?.lowerBound ?? finite.min(), let hi = range?.upperBound ?? finite.max() else {
            marks.append(BarMark(bars: [], label: label, color: nextColor(color).withAlpha(alpha), valueLabels: false))
            return
        }
        let width = hi > lo ? (hi - lo) / Double(bins) : 1
        var counts = [Double](repeating: 0, count: bins)
        for v in finite where v >= lo && v <= hi {
            counts[min(Int((v - lo) / width), bins - 1)] += 1
        }
        let total = counts.reduce(0, +)
        let bars = counts.indices.map { i in
            BarMark.Bar(x0: lo + Double(i) * width, x1: lo + Double(i + 1) * width,
                        height: density && total > 0 ? counts[i] / (total * width) : counts[i])
        }
        marks.append(BarMark(bars: bars, label: label, color: nextColor(color).withAlpha(alpha), valueLabels: false))
    }

    /// Grouped bars: one group per category, one bar per series in each group, so
    /// `values[s][c]` is series `s` in category `c`. Handy for metric tables (PSNR per method).
    /// `showValues` prints each bar's value above it.
    public func bars(categories: [String], values: [[Double]], labels: [String]? = nil, showValues: Bool = false) {
        let groupWidth = 0.8, barWidth = groupWidth / Double(max(values.count, 1))
        for (s, series) in values.enumerated() {
            let bars = series.prefix(categories.count).enumerated().map { c, v in
                let x0 = Double(c) - groupWidth / 2 + Double(s) * barWidth
                return BarMark.Bar(x0: x0, x1: x0 + barWidth, height: v)
            }
            marks.append(BarMark(bars: bars, label: labels.flatMap { s < $0.count ? $0[s] : nil }, color: nextColor(nil), valueLabels: showValues))
        }
        customXTicks = categories.enumerated().map { Tick(value: Double($0), label: $1) }
    }

    // MARK: Fields

    /// The grid as an image, one colour per cell, with a colour bar. `range` fixes the colour
    /// limits (use a symmetric range with `.diverging`).
    public func heatmap(_ grid: Grid, colormap: Colormap = .viridis, range: ClosedRange<Double>? = nil,
                        colorbarLabel: String? = nil) {
        let scale = ColorScale(colormap: colormap, range: colorRange(grid, range), label: colorbarLabel)
        marks.append(RasterMark(grid: grid, scale: scale))
    }

    /// Contour lines of the grid at `levels` (default: `count` evenly spaced levels), coloured by
    /// level; with `filled: true`, colour bands between the levels with thin dark lines on top.
    public func contour(_ grid: Grid, levels: [Double]? = nil, count: Int = 8, filled: Bool = false,
                        colormap: Colormap = .viridis, colorbarLabel: String? = nil) {
        let range = colorRange(grid, nil)
        let levels = levels ?? Contour.levels(count, in: range)
        if filled {
            let lo = min(range.lowerBound, levels.first ?? range.lowerBound)
            let hi = max(range.upperBound, levels.last ?? range.upperBound)
            let scale = ColorScale(colormap: colormap, range: lo ... hi, label: colorbarLabel, levels: [lo] + levels + [hi])
            marks.append(RasterMark(grid: grid, scale: scale))
            marks.append(ContourMark(grid: grid, levels: levels, scale: scale, lineColor: Color.ink.withAlpha(0.45), width: 1.2))
        } else {
            let scale = ColorScale(colormap: colormap, range: range, label: colorbarLabel)
            marks.append(ContourMark(grid: grid, levels: levels, scale: scale, lineColor: nil, width: 2.5))
        }
    }

    /// Arrows of the vector field (u, v) at points (x, y), in data units times `scale`. The
    /// default scale makes the longest arrow about as long as the typical point spacing.
    /// Use with `aspectEqual` so directions are true.
    public func quiver(x: [Double], y: [Double], u: [Double], v: [Double], scale: Double? = nil,
                       color: Color = .ink, label: String? = nil) {
        let n = min(x.count, y.count, u.count, v.count)
        let lengths: [Double] = (0 ..< n).map { i in (u[i] * u[i] + v[i] * v[i]).squareRoot() }
        let longest = lengths.filter(\.isFinite).max() ?? 0
        func span(_ values: [Double]) -> Double {
            let finite = values.filter(\.isFinite)
            return (finite.max() ?? 0) - (finite.min() ?? 0)
        }
        let area = span(x) * span(y)
        let spacing = n > 1 && area > 0 ? (area / Double(n)).squareRoot() : 1
        let auto = longest > 0 ? 0.9 * spacing / longest : 1
        marks.append(QuiverMark(x: x, y: y, u: u, v: v, scale: scale ?? auto, color: color, label: label))
    }

    // MARK: Annotations

    /// A horizontal reference line across the plot, labelled at its right end (e.g. "log 2").
    public func hline(_ y: Double, label: String? = nil, color: Color = .ink, style: LineStyle = .dashed) {
        marks.append(ReferenceLineMark(orientation: .horizontal, value: y, label: label, color: color, style: style))
    }

    /// A vertical reference line across the plot, labelled at its top.
    public func vline(_ x: Double, label: String? = nil, color: Color = .ink, style: LineStyle = .dashed) {
        marks.append(ReferenceLineMark(orientation: .vertical, value: x, label: label, color: color, style: style))
    }

    /// Text at data position (x, y).
    public func text(_ text: String, x: Double, y: Double, align: TextAlignment = .left, color: Color = .ink) {
        marks.append(TextMark(text: text, x: x, y: y, color: color, align: align))
    }

    /// Fixed x tick positions, with labels (default: the formatted values).
    public func xticks(_ values: [Double], labels: [String]? = nil) { customXTicks = Axes.ticks(values, labels) }

    /// Fixed y tick positions, with labels (default: the formatted values).
    public func yticks(_ values: [Double], labels: [String]? = nil) { customYTicks = Axes.ticks(values, labels) }

    private static func ticks(_ values: [Double], _ labels: [String]?) -> [Tick] {
        let step = zip(values, values.dropFirst()).map { abs($1 - $0) }.filter { $0 > 0 }.min() ?? 1
        return values.enumerated().map { Tick(value: $1, label: labels?[$0] ?? Ticks.format($1, step: step)) }
    }

    private func colorRange(_ grid: Grid, _ range: ClosedRange<Double>?) -> ClosedRange<Double> {
        let r = range ?? grid.finiteRange ?? 0 ... 1
        return r.lowerBound < r.upperBound ? r : r.lowerBound - 0.5 ... r.upperBound + 0.5
    }
}
