import Foundation

/// Limits, scale and ticks of one axis, resolved for drawing.
struct AxisSetup {
    var lo: Double, hi: Double, scale: Scale
    var ticks: [Tick] = []
    var minorTicks: [Double] = []

    func map(from: Double, to: Double) -> AxisMap { AxisMap(lo: lo, hi: hi, scale: scale, from: from, to: to) }
}

struct Margins { var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0 }

/// An axes laid out in its cell of the figure: the plot area, ticks and where decorations go.
/// Sizes come from measured text, so nothing is clipped.
struct AxesLayout {
    let axes: Axes
    let painter: Painter
    var x: AxisSetup, y: AxisSetup
    var showXTickLabels = true, showYTickLabels = true, showXLabel = true, showYLabel = true
    var legendOutside = false
    /// In a grid of subplots there is no room beside each axes: the legend then takes the
    /// least crowded corner even if it covers some data.
    var legendMayGoOutside = true
    var margins = Margins()
    var plot = Rect(x: 0, y: 0, width: 1, height: 1)

    var transform: Transform {
        Transform(x: x.map(from: plot.x, to: plot.maxX), y: y.map(from: plot.maxY, to: plot.y), rect: plot)
    }

    /// The first colour-mapped mark owns the colour bar (a heatmap, not the contour lines drawn over it).
    var colorScale: ColorScale? { axes.marks.lazy.compactMap(\.colorScale).first }
    var legendEntries: [LegendEntry] { axes.legend == .hidden ? [] : axes.marks.compactMap(\.legendEntry) }

    // Fixed gaps, in unscaled pixels.
    var tickLength: Double { painter.px(8) }
    var gap: Double { painter.px(8) }
    var pad: Double { painter.px(14) }
    var colorbarWidth: Double { painter.px(26) }

    // MARK: Limits

    /// Autoscaled (or fixed) limits of one axis from the marks' values.
    static func limits(_ values: [Double], scale: Scale, fixed: ClosedRange<Double>?,
                       margin: Bool, sticky: Bool) -> (Double, Double) {
        if let fixed, fixed.upperBound > fixed.lowerBound, scale == .linear || fixed.lowerBound > 0 {
            return (fixed.lowerBound, fixed.upperBound)
        }
        let valid = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        guard var lo = valid.min(), var hi = valid.max() else { return scale == .log ? (1, 10) : (0, 1) }
        if scale == .log {
            if lo == hi { lo /= 2; hi *= 2 }
            if margin { let f = pow(hi / lo, 0.04); lo /= f; hi *= f }
            return (lo, hi)
        }
        if lo == hi { let d = lo == 0 ? 0.5 : abs(lo) * 0.1; lo -= d; hi += d }
        if margin {
            let d = 0.04 * (hi - lo)
            lo = sticky && lo == 0 ? 0 : lo - d
            hi = sticky && hi == 0 ? 0 : hi + d
        }
        return (lo, hi)
    }

    /// The limits the axes' marks ask for, per axis.
    static func dataLimits(_ ax: Axes) -> (x: (Double, Double), y: (Double, Double)) {
        let margin = !ax.marks.contains { !$0.wantsMargin && !($0.xValues.isEmpty && $0.yValues.isEmpty) }
        let sticky = ax.marks.contains(where: \.sticksToZero)
        return (limits(ax.marks.flatMap(\.xValues), scale: ax.xscale, fixed: ax.xlim, margin: margin, sticky: false),
                limits(ax.marks.flatMap(\.yValues), scale: ax.yscale, fixed: ax.ylim, margin: margin, sticky: sticky))
    }

    // MARK: Layout

    init(_ axes: Axes, painter: Painter, x: (Double, Double), y: (Double, Double)) {
        self.axes = axes
        self.painter = painter
        self.x = AxisSetup(lo: x.0, hi: x.1, scale: axes.xscale)
        self.y = AxisSetup(lo: y.0, hi: y.1, scale: axes.yscale)
    }

    /// Fits the axes into `cell`: chooses ticks for the available length, measures the text
    /// around the plot area, and repeats once because the margins change the length.
    /// `aligned` imposes margins shared with neighbouring subplots.
    mutating func fit(in cell: Rect, aligned: Margins? = nil) {
        plot = Rect(x: cell.x + cell.width * 0.12, y: cell.y + cell.height * 0.1,
                    width: cell.width * 0.8, height: cell.height * 0.75)
        for _ in 0 ..< 3 {
            chooseTicks()
            if axes.legend == .auto && legendMayGoOutside && !legendEntries.isEmpty && !legendOutside {
                legendOutside = emptyLegendCorner() == nil
            }
            margins = aligned ?? measureMargins()
            // Whole pixels keep the frame and the grid crisp.
            plot = Rect(x: (cell.x + margins.left).rounded(), y: (cell.y + margins.top).rounded(),
                        width: max(cell.width - margins.left - margins.right, 10).rounded(),
                        height: max(cell.height - margins.top - margins.bottom, 10).rounded())
            if axes.aspectEqual { equalizeAspect() }
        }
    }

    /// Shrinks the plot area (centred in the space it had) so one data unit spans the same
    /// number of pixels on both axes; the limits stay as they are, so images are not padded.
    private mutating func equalizeAspect() {
        guard x.scale == .linear, y.scale == .linear else { return }
        let ux = (x.hi - x.lo) / plot.width, uy = (y.hi - y.lo) / plot.height
        if ux > uy {
            let h = ((y.hi - y.lo) / ux).rounded()
            plot = Rect(x: plot.x, y: (plot.midY - h / 2).rounded(), width: plot.width, height: h)
        } else {
            let w = ((x.hi - x.lo) / uy).rounded()
            plot = Rect(x: (plot.midX - w / 2).rounded(), y: plot.y, width: w, height: plot.height)
        }
    }

    /// As many nice ticks as fit without their labels touching.
    private mutating func chooseTicks() {
        let p = painter
        let xMin = p.px(24), yMin = p.lineHeight(FontSize.tick) * 0.8
        x.ticks = AxesLayout.ticks(for: x, custom: axes.customXTicks, length: plot.width, start: Int(plot.width / p.px(90))) { a, b, d in
            d >= (p.width(a.label, FontSize.tick) + p.width(b.label, FontSize.tick)) / 2 + xMin
        }
        y.ticks = AxesLayout.ticks(for: y, custom: axes.customYTicks, length: plot.height, start: Int(plot.height / p.px(75))) { _, _, d in
            d >= 2 * yMin
        }
        x.minorTicks = x.scale == .log && axes.customXTicks == nil ? Ticks.logMinor(x.lo, x.hi) : []
        y.minorTicks = y.scale == .log && axes.customYTicks == nil ? Ticks.logMinor(y.lo, y.hi) : []
    }

    /// Ticks for one axis: the custom ones inside the limits, or the densest automatic set (at
    /// most `start`) whose neighbours all satisfy `fits(a, b, pixelDistance)`.
    private static func ticks(for axis: AxisSetup, custom: [Tick]?, length: Double, start: Int,
                              fits: (Tick, Tick, Double) -> Bool) -> [Tick] {
        let lo = min(axis.lo, axis.hi), hi = max(axis.lo, axis.hi)
        if let custom { return custom.filter { $0.value >= lo - 1e-9 * (hi - lo) && $0.value <= hi + 1e-9 * (hi - lo) } }
        let map = axis.map(from: 0, to: length)
        var count = min(max(start, 2), 10)
        while true {
            let ticks = axis.scale == .log ? Ticks.log(lo, hi, maxCount: count) : Ticks.linear(lo, hi, maxCount: count)
            let ok = zip(ticks, ticks.dropFirst()).allSatisfy { fits($0, $1, abs(map($1.value) - map($0.value))) }
            if ok || count <= 2 { return ticks }
            count -= 1
        }
    }

    /// Room needed around the plot area for ticks, labels, title, colour bar and outside legend.
    private func measureMargins() -> Margins {
        let p = painter
        let tickHeight = p.lineHeight(FontSize.tick)
        var m = Margins()
        m.left = pad + tickLength
        if showYTickLabels { m.left += maxWidth(y.ticks) + gap }
        if showYLabel, axes.ylabel != nil { m.left += p.lineHeight(FontSize.label) + gap }
        if showXTickLabels, let first = x.ticks.first { m.left = max(m.left, p.width(first.label, FontSize.tick) / 2 + pad) }

        m.bottom = tickLength + pad
        if showXTickLabels { m.bottom += tickHeight + gap }
        if showXLabel, axes.xlabel != nil { m.bottom += p.lineHeight(FontSize.label) + gap }

        m.top = max(pad, tickHeight / 2 + gap)
        if axes.title != nil { m.top += p.lineHeight(FontSize.title) + gap }

        m.right = pad
        if showXTickLabels, let last = x.ticks.last { m.right = max(m.right, p.width(last.label, FontSize.tick) / 2 + pad) }
        if colorScale != nil { m.right += colorbarExtent }
        if legendOutside || axes.legend == .outside { m.right += 2 * gap + legendSize.width }
        return m
    }

    private func maxWidth(_ ticks: [Tick]) -> Double {
        ticks.map { painter.width($0.label, FontSize.tick) }.max() ?? 0
    }

    // MARK: Colour bar

    private var colorbarTicks: [Tick] {
        guard let s = colorScale else { return [] }
        return Ticks.linear(s.range.lowerBound, s.range.upperBound, maxCount: max(Int(plot.height / painter.px(80)), 3))
    }

    private var colorbarExtent: Double {
        var w = 3 * gap + colorbarWidth + tickLength + maxWidth(colorbarTicks)
        if colorScale?.label != nil { w += gap + painter.lineHeight(FontSize.label) }
        return w
    }

    // MARK: Legend

    private var legendRowHeight: Double { painter.lineHeight(FontSize.legend) * 1.3 }
    private var legendSwatch: Double { painter.px(44) }

    var legendSize: (width: Double, height: Double) {
        let text = legendEntries.map { painter.width($0.label, FontSize.legend) }.max() ?? 0
        return (2 * gap + legendSwatch + gap + text + gap, 2 * gap + Double(legendEntries.count) * legendRowHeight)
    }

    /// The inside corners ordered by how many sampled data pixels a legend there would cover.
    func legendCornersByOverlap() -> [(corner: LegendPlacement, covered: Int)] {
        let t = transform, footprint = axes.marks.flatMap { $0.footprint(t) }
        let corners: [LegendPlacement] = [.topRight, .topLeft, .bottomRight, .bottomLeft]
        return corners.map { corner in
            let box = legendRect(corner).inset(by: -gap)
            return (corner, footprint.count { box.contains($0) })
        }.sorted { $0.covered < $1.covered }   // stable: ties keep the order above
    }

    /// The first inside corner where a legend covers no data, if any.
    func emptyLegendCorner() -> LegendPlacement? {
        legendCornersByOverlap().first { $0.covered == 0 }?.corner
    }

    func legendRect(_ placement: LegendPlacement) -> Rect {
        let (w, h) = legendSize, inset = gap * 1.5
        switch placement {
        case .topLeft: return Rect(x: plot.x + inset, y: plot.y + inset, width: w, height: h)
        case .bottomLeft: return Rect(x: plot.x + inset, y: plot.maxY - inset - h, width: w, height: h)
        case .bottomRight: return Rect(x: plot.maxX - inset - w, y: plot.maxY - inset - h, width: w, height: h)
        case .outside:
            let x0 = plot.maxX + (colorScale != nil ? colorbarExtent : 0) + 2 * gap
            return Rect(x: x0, y: plot.y, width: w, height: h)
        case .topRight, .auto, .hidden: return Rect(x: plot.maxX - inset - w, y: plot.y + inset, width: w, height: h)
        }
    }

    // MARK: Drawing

    func draw() {
        let p = painter, t = transform
        if axes.grid {
            for tick in x.ticks { let v = t.x(tick.value); p.segment(Point(x: v, y: plot.y), Point(x: v, y: plot.maxY), color: .gridLine, width: p.px(1.2)) }
            for tick in y.ticks { let v = t.y(tick.value); p.segment(Point(x: plot.x, y: v), Point(x: plot.maxX, y: v), color: .gridLine, width: p.px(1.2)) }
        }
        p.save()
        p.clip(to: plot)
        for mark in axes.marks { mark.draw(p, t) }
        p.restore()
        p.frame(plot, color: .ink, width: p.px(1.4))
        drawTicks(t)
        drawLabels()
        drawColorbar()
        drawLegend()
    }

    private func drawTicks(_ t: Transform) {
        let p = painter, width = p.px(1.4)
        for v in x.minorTicks.map({ t.x($0) }) {
            p.segment(Point(x: v, y: plot.maxY), Point(x: v, y: plot.maxY + tickLength / 2), color: .ink, width: width)
        }
        for v in y.minorTicks.map({ t.y($0) }) {
            p.segment(Point(x: plot.x, y: v), Point(x: plot.x - tickLength / 2, y: v), color: .ink, width: width)
        }
        for tick in x.ticks {
            let v = t.x(tick.value)
            p.segment(Point(x: v, y: plot.maxY), Point(x: v, y: plot.maxY + tickLength), color: .ink, width: width)
            if showXTickLabels {
                p.text(tick.label, at: Point(x: v, y: plot.maxY + tickLength + gap), size: FontSize.tick, v: .start)
            }
        }
        for tick in y.ticks {
            let v = t.y(tick.value)
            p.segment(Point(x: plot.x, y: v), Point(x: plot.x - tickLength, y: v), color: .ink, width: width)
            if showYTickLabels {
                p.text(tick.label, at: Point(x: plot.x - tickLength - gap, y: v), size: FontSize.tick, h: .end)
            }
        }
    }

    private func drawLabels() {
        let p = painter
        if let title = axes.title {
            p.text(title, at: Point(x: plot.midX, y: plot.y - gap - p.lineHeight(FontSize.tick) / 2), size: FontSize.title, v: .end)
        }
        if showXLabel, let label = axes.xlabel {
            var y = plot.maxY + tickLength + gap
            if showXTickLabels { y += p.lineHeight(FontSize.tick) + gap }
            p.text(label, at: Point(x: plot.midX, y: y), size: FontSize.label, v: .start)
        }
        if showYLabel, let label = axes.ylabel {
            var x = plot.x - tickLength - gap
            if showYTickLabels { x -= maxWidth(y.ticks) + gap }
            p.text(label, at: Point(x: x, y: plot.midY), size: FontSize.label, v: .end, vertical: true)
        }
    }

    private func drawColorbar() {
        guard let scale = colorScale else { return }
        let p = painter
        let bar = Rect(x: plot.maxX + 3 * gap, y: plot.y, width: colorbarWidth, height: plot.height)
        let steps = 256
        let lo = scale.range.lowerBound, hi = scale.range.upperBound
        let pixels = (0 ..< steps).map { i in scale.color(hi - (Double(i) + 0.5) / Double(steps) * (hi - lo)).argb32 }
        p.image(pixels, width: 1, height: steps, in: bar, smooth: false)
        p.frame(bar, color: .ink, width: p.px(1.2))
        let map = AxisMap(lo: lo, hi: hi, scale: .linear, from: bar.maxY, to: bar.y)
        for tick in colorbarTicks {
            let v = map(tick.value)
            p.segment(Point(x: bar.maxX, y: v), Point(x: bar.maxX + tickLength, y: v), color: .ink, width: p.px(1.4))
            p.text(tick.label, at: Point(x: bar.maxX + tickLength + gap, y: v), size: FontSize.tick, h: .start)
        }
        if let label = scale.label {
            let x = bar.maxX + tickLength + 2 * gap + maxWidth(colorbarTicks)
            p.text(label, at: Point(x: x, y: bar.midY), size: FontSize.label, v: .start, vertical: true)
        }
    }

    private func drawLegend() {
        let entries = legendEntries
        guard !entries.isEmpty else { return }
        let placement: LegendPlacement
        switch axes.legend {
        case .auto:
            let best = legendCornersByOverlap()[0]
            placement = legendOutside ? .outside : best.covered == 0 || !legendMayGoOutside ? best.corner : .outside
        default: placement = axes.legend
        }
        let p = painter, box = legendRect(placement)
        p.fill(box, color: Color.white.withAlpha(0.9))
        p.frame(box, color: Color(hex: 0xBBBBBB), width: p.px(1))
        for (i, e) in entries.enumerated() {
            let cy = box.y + gap + (Double(i) + 0.5) * legendRowHeight
            let x0 = box.x + gap, x1 = x0 + legendSwatch
            switch e.swatch {
            case let .line(style, width, marker):
                p.segment(Point(x: x0, y: cy), Point(x: x1, y: cy), color: e.color, width: p.px(width), style: style)
                if let marker { p.marker(marker, at: Point(x: (x0 + x1) / 2, y: cy), size: p.px(width * 3.5), color: e.color) }
            case let .marker(marker):
                p.marker(marker, at: Point(x: (x0 + x1) / 2, y: cy), size: p.px(14), color: e.color.withAlpha(max(e.color.alpha, 0.8)))
            case .patch:
                let h = legendRowHeight * 0.6
                p.fill(Rect(x: x0, y: cy - h / 2, width: legendSwatch, height: h), color: e.color)
            }
            p.text(e.label, at: Point(x: x1 + gap, y: cy), size: FontSize.legend, h: .start)
        }
    }
}
