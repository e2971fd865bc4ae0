import CCairo
import Foundation

/// A failure to render or write a figure, with cairo's explanation.
public struct PlotError: Error, CustomStringConvertible {
    public let description: String
}

/// A canvas holding a grid of `Axes` (or an `ImageGrid`) and an optional overall title,
/// rendered through cairo to PNG or SVG.
///
/// ```swift
/// let fig = Figure(title: "JS divergence saturates")
/// let ax = fig.axes()
/// ax.line(x: shifts, y: js, label: "JS(p_r ‖ p_g)")
/// ax.hline(0.6931, label: "log 2")
/// try fig.write(png: "out/js.png")
/// ```
/// Text sizes are chosen for a 1600×900 slide and scale with the canvas area (at most with its width).
public final class Figure {
    public let width: Int, height: Int
    /// The overall title (a "suptitle" above all subplots).
    public var title: String?

    private enum Content {
        case empty
        case axes([[Axes]], shareX: Bool, shareY: Sharing)
        case images(ImageGrid)
    }
    private var content = Content.empty

    public init(width: Int = 1600, height: Int = 900, title: String? = nil) {
        self.width = width; self.height = height; self.title = title
    }

    /// A single axes filling the figure.
    public func axes() -> Axes { subplots(rows: 1, cols: 1)[0][0] }

    /// A `rows`×`cols` grid of axes (small multiples), indexed `[row][col]`. Shared axes get
    /// common limits, and only the outer row/column shows their tick labels and axis label.
    public func subplots(rows: Int, cols: Int, shareX: Bool = false, shareY: Bool = false) -> [[Axes]] {
        subplots(rows: rows, cols: cols, shareX: shareX, shareY: shareY ? .all : .none)
    }

    /// Which panels share their y limits: none, all, or those of one row (a row per quantity, a
    /// column per run); only the first column shows shared y tick labels.
    public enum Sharing: Sendable { case none, all, rows }

    public func subplots(rows: Int, cols: Int, shareX: Bool = false, shareY: Sharing) -> [[Axes]] {
        let grid = (0 ..< max(rows, 1)).map { _ in (0 ..< max(cols, 1)).map { _ in Axes() } }
        content = .axes(grid, shareX: shareX, shareY: shareY)
        return grid
    }

    /// A `rows`×`cols` grid of images with captions, filling the figure.
    public func imageGrid(rows: Int, cols: Int) -> ImageGrid {
        let grid = ImageGrid(rows: max(rows, 1), cols: max(cols, 1))
        content = .images(grid)
        return grid
    }

    // MARK: Output

    /// The figure as PNG file bytes.
    public func pngData() throws -> [UInt8] {
        try checkSize()
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else {
            throw PlotError(description: "cairo could not create a \(width)×\(height) image")
        }
        defer { cairo_surface_destroy(surface) }
        try render(on: surface)
        let sink = ByteSink()
        let status = cairo_surface_write_to_png_stream(surface, appendToSink, Unmanaged.passUnretained(sink).toOpaque())
        try check(status, "writing PNG")
        return sink.bytes
    }

    /// The figure as SVG file bytes (text and lines stay vector; heatmaps and photos are
    /// embedded as PNG images).
    public func svgData() throws -> [UInt8] {
        try checkSize()
        let sink = ByteSink()
        guard let surface = cairo_svg_surface_create_for_stream(appendToSink, Unmanaged.passUnretained(sink).toOpaque(),
                                                                Double(width), Double(height)) else {
            throw PlotError(description: "cairo could not create an SVG surface")
        }
        // Pixels, not points: a 1600×900 figure is 1600×900 CSS pixels.
        cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX)
        do {
            try render(on: surface)
            cairo_surface_finish(surface)
            try check(cairo_surface_status(surface), "writing SVG")
        } catch {
            cairo_surface_destroy(surface)
            throw error
        }
        cairo_surface_destroy(surface)
        return CairoSVG.renumberIDs(sink.bytes)
    }

    /// Writes the PNG to `path` atomically (a reader never sees half a file), creating folders.
    public func write(png path: String) throws { try Figure.write(pngData(), to: path) }

    /// Writes the SVG to `path` atomically, creating folders.
    public func write(svg path: String) throws { try Figure.write(svgData(), to: path) }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw PlotError(description: "could not write figure to \(path): \(error.localizedDescription)")
        }
    }

    private func checkSize() throws {
        guard (16 ... 16384).contains(width), (16 ... 16384).contains(height) else {
            throw PlotError(description: "figure size \(width)×\(height) is outside 16…16384 pixels")
        }
    }

    private func check(_ status: cairo_status_t, _ what: String) throws {
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError(description: "cairo failed \(what): \(String(cString: cairo_status_to_string(status)))")
        }
    }

    // MARK: Rendering

    private func render(on surface: OpaquePointer) throws {
        guard let cr = cairo_create(surface) else { throw PlotError(description: "cairo could not create a context") }
        defer { cairo_destroy(cr) }
        // Text grows with the canvas area, but never faster than the width: a tall figure must
        // not get a title wider than itself.
        let areaScale = (Double(width * height) / (1600 * 900)).squareRoot()
        let painter = Painter(cr: cr, scale: max(0.5, min(areaScale, Double(width) / 1600)))
        painter.fill(Rect(x: 0, y: 0, width: Double(width), height: Double(height)), color: .white)

        var area = Rect(x: 0, y: 0, width: Double(width), height: Double(height))
        if let title {
            // A title too long for the canvas is set smaller rather than clipped.
            let room = area.width - 2 * painter.px(24), natural = painter.width(title, FontSize.suptitle, bold: true)
            let size = natural > room ? FontSize.suptitle * room / natural : FontSize.suptitle
            let top = painter.px(14), h = painter.lineHeight(size)
            painter.text(title, at: Point(x: area.midX, y: top), size: size, bold: true, v: .start)
            area.y += top + h
            area.height -= top + h
        }
        switch content {
        case .empty: break
        case let .axes(grid, shareX, shareY): drawAxes(grid, shareX: shareX, shareY: shareY, in: area, painter)
        case let .images(grid): grid.draw(in: area, painter)
        }
        try check(cairo_status(cr), "drawing")
    }

    /// Lays out the subplots so their plot areas line up and have equal sizes, as small
    /// multiples should: each column gets the widest left and right margins of its axes, each
    /// row the tallest top and bottom margins, and the remaining room is shared equally.
    private func drawAxes(_ grid: [[Axes]], shareX: Bool, shareY: Sharing, in area: Rect, _ painter: Painter) {
        let rows = grid.count, cols = grid[0].count
        let limits = grid.map { $0.map(AxesLayout.dataLimits) }
        let all = limits.flatMap { $0 }
        func union(_ ranges: [(Double, Double)]) -> (Double, Double) { (ranges.map(\.0).min()!, ranges.map(\.1).max()!) }
        let sharedX = union(all.map(\.x)), sharedY = union(all.map(\.y)), rowY = limits.map { union($0.map(\.y)) }

        let uniformW = area.width / Double(cols), uniformH = area.height / Double(rows)
        var layouts = grid.indices.map { r in grid[r].indices.map { c in
            var layout = AxesLayout(grid[r][c], painter: painter,
                                    x: shareX ? sharedX : limits[r][c].x,
                                    y: shareY == .all ? sharedY : shareY == .rows ? rowY[r] : limits[r][c].y)
            layout.showXTickLabels = !shareX || r == rows - 1
            layout.showXLabel = layout.showXTickLabels
            layout.showYTickLabels = shareY == .none || c == 0
            layout.showYLabel = layout.showYTickLabels
            layout.legendMayGoOutside = rows * cols == 1
            layout.fit(in: Rect(x: area.x + Double(c) * uniformW, y: area.y + Double(r) * uniformH, width: uniformW, height: uniformH))
            return layout
        } }
        guard rows * cols > 1 else { layouts[0][0].draw(); return }

        let left = (0 ..< cols).map { c in (0 ..< rows).map { layouts[$0][c].margins.left }.max()! }
        let right = (0 ..< cols).map { c in (0 ..< rows).map { layouts[$0][c].margins.right }.max()! }
        let top = (0 ..< rows).map { r in layouts[r].map(\.margins.top).max()! }
        let bottom = (0 ..< rows).map { r in layouts[r].map(\.margins.bottom).max()! }
        let plotW = (area.width - left.reduce(0, +) - right.reduce(0, +)) / Double(cols)
        let plotH = (area.height - top.reduce(0, +) - bottom.reduce(0, +)) / Double(rows)
        var y = area.y
        for r in 0 ..< rows {
            var x = area.x
            let height = top[r] + plotH + bottom[r]
            for c in 0 ..< cols {
                let width = left[c] + plotW + right[c]
                let margins = Margins(left: left[c], right: right[c], top: top[r], bottom: bottom[r])
                layouts[r][c].fit(in: Rect(x: x, y: y, width: width, height: height), aligned: margins)
                layouts[r][c].draw()
                x += width
            }
            y += height
        }
    }
}

/// Collects the bytes cairo streams out.
private final class ByteSink { var bytes: [UInt8] = [] }

private let appendToSink: cairo_write_func_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

private enum CairoSVG {
    /// cairo numbers surfaces, images, patterns and clips with process-wide counters;
    /// renumbering each kind of ID in order of appearance makes the same figure give the same
    /// bytes every time.
    static func renumberIDs(_ bytes: [UInt8]) -> [UInt8] {
        var text = String(decoding: bytes, as: UTF8.self)
        for prefix in ["surface", "image", "pattern", "clip", "mask"] {
            var ids: [Substring: Int] = [:]
            var out = ""
            var rest = text[...]
            while let range = rest.range(of: prefix) {
                out += rest[..<range.upperBound]
                rest = rest[range.upperBound...]
                let digits = rest.prefix(while: \.isNumber)
                guard !digits.isEmpty else { continue }
                let id = ids[digits] ?? { ids[digits] = ids.count + 1; return ids.count }()
                out += String(id)
                rest = rest.dropFirst(digits.count)
            }
            text = out + rest
        }
        return Array(text.utf8)
    }
}
