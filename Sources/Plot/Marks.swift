import Foundation

/// Maps data values on one axis to pixels.
struct AxisMap {
    var lo: Double, hi: Double, scale: Scale
    /// Pixel positions of `lo` and `hi` (for y, `from` is the bottom edge).
    var from: Double, to: Double

    func callAsFunction(_ v: Double) -> Double {
        let t: Double
        switch scale {
        case .linear: t = (v - lo) / (hi - lo)
        case .log: t = v > 0 ? Foundation.log10(v / lo) / Foundation.log10(hi / lo) : .nan
        }
        return from + t * (to - from)
    }

    /// Whether `v` can be placed on this axis at all (finite, and positive on a log axis).
    func accepts(_ v: Double) -> Bool { v.isFinite && (scale == .linear || v > 0) }
}

/// Data → pixel mapping of one axes' plot area.
struct Transform {
    var x: AxisMap, y: AxisMap
    var rect: Rect

    /// The pixel position of a data point, or nil if it cannot be drawn (NaN, or ≤ 0 on a log axis).
    func callAsFunction(_ dx: Double, _ dy: Double) -> Point? {
        let p = Point(x: x(dx), y: y(dy))
        return p.x.isFinite && p.y.isFinite ? p : nil
    }
}

/// How a series is shown in the legend.
struct LegendEntry {
    enum Swatch { case line(LineStyle, width: Double, marker: Marker?), marker(Marker), patch }
    var label: String
    var color: Color
    var swatch: Swatch
}

/// A colour scale attached to the axes, drawn as a colour bar beside it.
struct ColorScale {
    var colormap: Colormap
    var range: ClosedRange<Double>
    var label: String?
    /// Band boundaries for filled contours (the bar is then drawn in discrete steps).
    var levels: [Double]?

    func color(_ v: Double) -> Color {
        if let levels, levels.count >= 2 {
            guard v.isFinite else { return colormap.color(at: .nan) }
            let band = min(max(levels.lastIndex { $0 <= v } ?? 0, 0), levels.count - 2)
            return colormap.color(at: (Double(band) + 0.5) / Double(levels.count - 1))
        }
        return colormap.color(at: (v - range.lowerBound) / (range.upperBound - range.lowerBound))
    }
}

/// Something drawn inside an axes' plot area.
protocol Mark {
    /// Values that autoscaling must keep visible, per axis.
    var xValues: [Double] { get }
    var yValues: [Double] { get }
    /// Whether autoscaled limits get a margin around this mark (lines do; images fill the area).
    var wantsMargin: Bool { get }
    /// Whether the axis should start exactly at y = 0 when the data does (bars stand on the axis).
    var sticksToZero: Bool { get }
    var legendEntry: LegendEntry? { get }
    var colorScale: ColorScale? { get }
    func draw(_ p: Painter, _ t: Transform)
    /// Pixels this mark covers, sampled, so a legend can be put where there is nothing.
    func footprint(_ t: Transform) -> [Point]
}

extension Mark {
    var wantsMargin: Bool { true }
    var sticksToZero: Bool { false }
    var legendEntry: LegendEntry? { nil }
    var colorScale: ColorScale? { nil }
}

/// Samples points every few pixels along a polyline, and the area of a rectangle.
enum Footprint {
    static func along(_ points: [Point?]) -> [Point] {
        var out: [Point] = []
        for (a, b) in zip(points, points.dropFirst()) {
            guard let a, let b else { if let a { out.append(a) }; continue }
            let n = min(Int((hypot(b.x - a.x, b.y - a.y) / 6).rounded(.up)), 2000)
            for i in 0 ... max(n, 1) { let t = Double(i) / Double(max(n, 1)); out.append(Point(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y))) }
        }
        if let last = points.last, let last { out.append(last) }
        return out
    }

    static func area(_ r: Rect) -> [Point] {
        let nx = max(Int(r.width / 10), 1), ny = max(Int(r.height / 10), 1)
        return (0 ... ny).flatMap { j in (0 ... nx).map { i in
            Point(x: r.x + r.width * Double(i) / Double(nx), y: r.y + r.height * Double(j) / Double(ny))
        } }
    }
}

// MARK: - Lines and points

struct LineMark: Mark {
    var x: [Double], y: [Double]
    var label: String?, color: Color, style: LineStyle, width: Double, marker: Marker?

    var xValues: [Double] { x }
    var yValues: [Double] { y }
    var legendEntry: LegendEntry? {
        label.map { LegendEntry(label: $0, color: color, swatch: .line(style, width: width, marker: marker)) }
    }

    func points(_ t: Transform) -> [Point?] { zip(x, y).map { t($0, $1) } }

    func draw(_ p: Painter, _ t: Transform) {
        let pts = points(t)
        p.polyline(pts, color: color, width: p.px(width), style: style)
        if let marker { for q in pts.compactMap({ $0 }) { p.marker(marker, at: q, size: p.px(width * 3.5), color: color) } }
    }

    func footprint(_ t: Transform) -> [Point] { Footprint.along(points(t)) }
}

struct BandMark: Mark {
    var x: [Double], lower: [Double], upper: [Double], color: Color

    var xValues: [Double] { x + x }
    var yValues: [Double] { lower + upper }

    /// Runs of consecutive indices where both edges can be drawn, each as one closed polygon.
    func polygons(_ t: Transform) -> [[Point]] {
        var out: [[Point]] = [], low: [Point] = [], high: [Point] = []
        for i in x.indices {
            if let a = t(x[i], lower[i]), let b = t(x[i], upper[i]) { low.append(a); high.append(b); continue }
            if low.count > 1 { out.append(low + high.reversed()) }
            low = []; high = []
        }
        if low.count > 1 { out.append(low + high.reversed()) }
        return out
    }

    func draw(_ p: Painter, _ t: Transform) { for polygon in polygons(t) { p.polygon(polygon, fill: color) } }

    func footprint(_ t: Transform) -> [Point] { polygons(t).flatMap { Footprint.along($0) } }
}

struct ScatterMark: Mark {
    var x: [Double], y: [Double]
    var label: String?, color: Color, size: Double, marker: Marker

    var xValues: [Double] { x }
    var yValues: [Double] { y }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, color: color, swatch: .marker(marker)) } }

    func draw(_ p: Painter, _ t: Transform) {
        for case let q? in zip(x, y).map({ t($0, $1) }) { p.marker(marker, at: q, size: p.px(size), color: color) }
    }

    func footprint(_ t: Transform) -> [Point] { zip(x, y).compactMap { t($0, $1) } }
}

// MARK: - Bars (bar charts and histograms)

struct BarMark: Mark {
    struct Bar { var x0: Double, x1: Double, height: Double }
    var bars: [Bar]
    var label: String?, color: Color
    /// Print each bar's value above it (for metric tables shown as bars).
    var valueLabels: Bool

    var xValues: [Double] { bars.flatMap { [$0.x0, $0.x1] } }
    var yValues: [Double] { bars.flatMap { [0, $0.height] } }
    var sticksToZero: Bool { true }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, color: color, swatch: .patch) } }

    /// The bar's pixel rectangle; on a log y axis the baseline is the bottom edge of the plot.
    func rect(_ b: Bar, _ t: Transform) -> Rect? {
        let base = t.y.accepts(0) ? t.y(0) : t.rect.maxY
        let top = t.y(b.height), x0 = t.x(b.x0), x1 = t.x(b.x1)
        guard top.isFinite, x0.isFinite, x1.isFinite else { return nil }
        return Rect(x: min(x0, x1), y: min(top, base), width: abs(x1 - x0), height: abs(base - top))
    }

    func draw(_ p: Painter, _ t: Transform) {
        for b in bars {
            guard let r = rect(b, t) else { continue }
            p.fill(r, color: color)
            p.frame(r, color: color.withAlpha(1).mixed(with: .black, 0.25), width: p.px(1))
            if valueLabels {
                p.text(Ticks.fixed(b.height, decimals: abs(b.height) >= 100 ? 0 : abs(b.height) >= 10 ? 1 : 2),
                       at: Point(x: r.midX, y: t.y(b.height) - p.px(4)), size: FontSize.tick * 0.85, h: .center, v: .end)
            }
        }
    }

    func footprint(_ t: Transform) -> [Point] {
        bars.compactMap { rect($0, t) }.flatMap { r in
            Footprint.area(valueLabels ? Rect(x: r.x, y: r.y - 30, width: r.width, height: r.height + 30) : r)
        }
    }
}

// MARK: - Fields

/// A grid drawn as an image: a heatmap (one colour per cell) or filled contours (colour bands,
/// interpolated between cell centres so band edges are smooth).
struct RasterMark: Mark {
    var grid: Grid
    var scale: ColorScale

    var xValues: [Double] { [grid.x.lowerBound, grid.x.upperBound] }
    var yValues: [Double] { [grid.y.lowerBound, grid.y.upperBound] }
    var wantsMargin: Bool { false }
    var colorScale: ColorScale? { scale }

    func draw(_ p: Painter, _ t: Transform) {
        guard let a = t(grid.x.lowerBound, grid.y.upperBound), let b = t(grid.x.upperBound, grid.y.lowerBound) else { return }
        let r = Rect(x: min(a.x, b.x), y: min(a.y, b.y), width: abs(b.x - a.x), height: abs(b.y - a.y))
        if scale.levels == nil {
            // Image rows run top-down, grid rows bottom-up.
            let pixels = (0 ..< grid.rows).reversed().flatMap { row in
                (0 ..< grid.cols).map { scale.color(grid[row, $0]).argb32 }
            }
            p.image(pixels, width: grid.cols, height: grid.rows, in: r, smooth: false)
        } else {
            let w = max(Int(r.width / 2), 2), h = max(Int(r.height / 2), 2)
            var pixels: [UInt32] = []
            pixels.reserveCapacity(w * h)
            for j in 0 ..< h {
                let row = (1 - (Double(j) + 0.5) / Double(h)) * Double(grid.rows) - 0.5
                for i in 0 ..< w {
                    let col = (Double(i) + 0.5) / Double(w) * Double(grid.cols) - 0.5
                    pixels.append(scale.color(grid.interpolate(row: row, col: col)).argb32)
                }
            }
            p.image(pixels, width: w, height: h, in: r, smooth: true)
        }
    }

    func footprint(_ t: Transform) -> [Point] {
        guard let a = t(grid.x.lowerBound, grid.y.upperBound), let b = t(grid.x.upperBound, grid.y.lowerBound) else { return [] }
        return Footprint.area(Rect(x: min(a.x, b.x), y: min(a.y, b.y), width: abs(b.x - a.x), height: abs(b.y - a.y)))
    }
}

/// Iso-lines of a grid at given levels, each level coloured from the colormap (or one colour).
struct ContourMark: Mark {
    var grid: Grid
    var levels: [Double]
    var scale: ColorScale
    /// A single line colour (over filled contours), or nil for colours from the colormap.
    var lineColor: Color?
    var width: Double

    var xValues: [Double] { [grid.x.lowerBound, grid.x.upperBound] }
    var yValues: [Double] { [grid.y.lowerBound, grid.y.upperBound] }
    var wantsMargin: Bool { false }
    var colorScale: ColorScale? { lineColor == nil ? scale : nil }

    func draw(_ p: Painter, _ t: Transform) {
        for level in levels {
            for s in Contour.segments(grid, level: level) {
                guard let a = t(s.x0, s.y0), let b = t(s.x1, s.y1) else { continue }
                p.moveTo(a); p.lineTo(b)
            }
            p.stroke(color: lineColor ?? scale.color(level), width: p.px(width))
        }
    }

    func footprint(_ t: Transform) -> [Point] {
        levels.flatMap { Contour.segments(grid, level: $0) }.compactMap { t($0.x0, $0.y0) }
    }
}

/// Arrows of a vector field, drawn from each (x, y) along (u, v) × `scale` in data units.
struct QuiverMark: Mark {
    var x: [Double], y: [Double], u: [Double], v: [Double]
    var scale: Double, color: Color, label: String?

    var xValues: [Double] { x }
    var yValues: [Double] { y }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, color: color, swatch: .line(.solid, width: 2, marker: nil)) } }

    func arrows(_ t: Transform) -> [(Point, Point)] {
        (0 ..< min(x.count, y.count, u.count, v.count)).compactMap { i in
            guard let a = t(x[i], y[i]), let b = t(x[i] + scale * u[i], y[i] + scale * v[i]) else { return nil }
            return (a, b)
        }
    }

    func draw(_ p: Painter, _ t: Transform) {
        for (a, b) in arrows(t) { p.arrow(from: a, to: b, head: p.px(13), color: color, width: p.px(2.2)) }
    }

    func footprint(_ t: Transform) -> [Point] { arrows(t).flatMap { [$0.0, $0.1] } }
}

// MARK: - Annotations

/// A horizontal or vertical reference line across the plot, labelled at its end (e.g. y = log 2).
struct ReferenceLineMark: Mark {
    enum Orientation { case horizontal, vertical }
    var orientation: Orientation
    var value: Double
    var label: String?, color: Color, style: LineStyle

    var xValues: [Double] { orientation == .vertical ? [value] : [] }
    var yValues: [Double] { orientation == .horizontal ? [value] : [] }

    func ends(_ t: Transform) -> (Point, Point)? {
        let r = t.rect
        switch orientation {
        case .horizontal:
            let y = t.y(value); guard y.isFinite else { return nil }
            return (Point(x: r.x, y: y), Point(x: r.maxX, y: y))
        case .vertical:
            let x = t.x(value); guard x.isFinite else { return nil }
            return (Point(x: x, y: r.maxY), Point(x: x, y: r.y))
        }
    }

    func draw(_ p: Painter, _ t: Transform) {
        guard let (a, b) = ends(t) else { return }
        p.segment(a, b, color: color, width: p.px(2.5), style: style)
        guard let label else { return }
        let gap = p.px(6)
        switch orientation {
        case .horizontal:   // above the line, at the right end
            p.text(label, at: Point(x: b.x - gap, y: b.y - gap), size: FontSize.tick, color: color, h: .end, v: .end)
        case .vertical:     // beside the line, reading upwards, at the top
            p.text(label, at: Point(x: b.x - gap, y: b.y + gap), size: FontSize.tick, color: color, h: .end, v: .end, vertical: true)
        }
    }

    func footprint(_ t: Transform) -> [Point] {
        guard let (a, b) = ends(t) else { return [] }
        return Footprint.along([a, b])
    }
}

/// Free text at a data position.
struct TextMark: Mark {
    var text: String, x: Double, y: Double, color: Color, align: TextAlignment

    var xValues: [Double] { [x] }
    var yValues: [Double] { [y] }

    func draw(_ p: Painter, _ t: Transform) {
        guard let q = t(x, y) else { return }
        let h: Painter.Align = align == .left ? .start : align == .right ? .end : .center
        p.text(text, at: q, size: FontSize.tick, color: color, h: h, v: .center)
    }

    func footprint(_ t: Transform) -> [Point] { t(x, y).map { [$0] } ?? [] }
}

/// Which side of the anchor point a text annotation sits on.
public enum TextAlignment: Sendable { case left, center, right }
