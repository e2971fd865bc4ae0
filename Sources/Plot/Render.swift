import CCairo
import Foundation

struct Point { var x: Double, y: Double }

struct Rect {
    var x: Double, y: Double, width: Double, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }
    func contains(_ p: Point) -> Bool { p.x >= x && p.x <= maxX && p.y >= y && p.y <= maxY }
    func inset(by d: Double) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
}

/// Dash pattern of a line, scaled by its width so dashes stay proportionate.
public enum LineStyle: Sendable {
    case solid, dashed, dotted, dashDot

    func pattern(width: Double) -> [Double] {
        switch self {
        case .solid: return []
        case .dashed: return [4 * width, 2.5 * width]
        case .dotted: return [0.01, 2 * width]   // round caps make zero-length dashes into dots
        case .dashDot: return [4 * width, 2 * width, 0.01, 2 * width]
        }
    }
}

/// Point marker shapes for scatter plots and line markers.
public enum Marker: Sendable {
    case circle, square, triangle, diamond, cross
}

/// Text sizes in pixels on a 1600×900 canvas; `Painter.scale` adapts them to other sizes.
enum FontSize {
    static let suptitle = 34.0, title = 29.0, label = 25.0, tick = 21.0, legend = 21.0, caption = 22.0
}

/// A thin, readable layer over a cairo context: colours, lines, markers, text and raster images.
struct Painter {
    let cr: OpaquePointer
    /// Size factor relative to a 1600×900 canvas, applied to fonts, line widths and gaps.
    let scale: Double

    func px(_ v: Double) -> Double { v * scale }

    func set(_ c: Color) { cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha) }

    func save() { cairo_save(cr) }
    func restore() { cairo_restore(cr) }
    func clip(to r: Rect) { cairo_rectangle(cr, r.x, r.y, r.width, r.height); cairo_clip(cr) }

    // MARK: Shapes

    /// Strokes a polyline; non-finite points break it (so NaN gaps in data show as gaps).
    func polyline(_ points: [Point?], color: Color, width: Double, style: LineStyle = .solid) {
        var penDown = false
        for p in points {
            guard let p, p.x.isFinite, p.y.isFinite else { penDown = false; continue }
            if penDown { cairo_line_to(cr, p.x, p.y) } else { cairo_move_to(cr, p.x, p.y); penDown = true }
        }
        stroke(color: color, width: width, style: style)
    }

    func moveTo(_ p: Point) { cairo_move_to(cr, p.x, p.y) }
    func lineTo(_ p: Point) { cairo_line_to(cr, p.x, p.y) }

    func segment(_ a: Point, _ b: Point, color: Color, width: Double, style: LineStyle = .solid) {
        cairo_move_to(cr, a.x, a.y); cairo_line_to(cr, b.x, b.y)
        stroke(color: color, width: width, style: style)
    }

    func stroke(color: Color, width: Double, style: LineStyle = .solid) {
        set(color)
        cairo_set_line_width(cr, max(width, 1))   // thinner lines would fade to grey
        cairo_set_line_cap(cr, style == .solid ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        let dashes = style.pattern(width: width)
        cairo_set_dash(cr, dashes, Int32(dashes.count), 0)
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    func fill(_ r: Rect, color: Color) {
        cairo_rectangle(cr, r.x, r.y, r.width, r.height); set(color); cairo_fill(cr)
    }

    func frame(_ r: Rect, color: Color, width: Double) {
        cairo_rectangle(cr, r.x, r.y, r.width, r.height); stroke(color: color, width: width)
    }

    func polygon(_ points: [Point], fill color: Color) {
        guard let first = points.first else { return }
        cairo_move_to(cr, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        cairo_close_path(cr); set(color); cairo_fill(cr)
    }

    /// A marker of diameter `size` centred on `p`, filled with `color` and ringed in a darker edge
    /// so overlapping points stay individually visible.
    func marker(_ m: Marker, at p: Point, size: Double, color: Color) {
        let r = size / 2
        switch m {
        case .circle: cairo_new_sub_path(cr); cairo_arc(cr, p.x, p.y, r, 0, 2 * .pi)
        case .square: cairo_rectangle(cr, p.x - r * 0.9, p.y - r * 0.9, 1.8 * r, 1.8 * r)
        case .triangle, .diamond:
            let corners: [(Double, Double)] = m == .triangle
                ? [(0, -1.15), (1, 0.7), (-1, 0.7)] : [(0, -1.2), (1, 0), (0, 1.2), (-1, 0)]
            cairo_move_to(cr, p.x + r * corners[0].0, p.y + r * corners[0].1)
            for c in corners.dropFirst() { cairo_line_to(cr, p.x + r * c.0, p.y + r * c.1) }
            cairo_close_path(cr)
        case .cross:
            cairo_move_to(cr, p.x - r, p.y - r); cairo_line_to(cr, p.x + r, p.y + r)
            cairo_move_to(cr, p.x - r, p.y + r); cairo_line_to(cr, p.x + r, p.y - r)
            stroke(color: color, width: max(1.5, size / 5))
            return
        }
        set(color)
        cairo_fill_preserve(cr)
        let edge = color.mixed(with: .black, 0.35)
        cairo_set_line_width(cr, max(0.75, size / 12))
        set(edge.withAlpha(min(1, color.alpha + 0.2)))
        cairo_stroke(cr)
    }

    /// An arrow from `a` to `b` with a filled head of length `head` (pixels).
    func arrow(from a: Point, to b: Point, head: Double, color: Color, width: Double) {
        let dx = b.x - a.x, dy = b.y - a.y, len = (dx * dx + dy * dy).squareRoot()
        guard len > 0.5 else { return }
        let ux = dx / len, uy = dy / len, h = min(head, len * 0.6)
        let base = Point(x: b.x - ux * h, y: b.y - uy * h)
        segment(a, base, color: color, width: width)
        polygon([b, Point(x: base.x - uy * h * 0.45, y: base.y + ux * h * 0.45),
                 Point(x: base.x + uy * h * 0.45, y: base.y - ux * h * 0.45)], fill: color)
    }

    // MARK: Text

    /// Where the anchor point sits on the text's box.
    enum Align { case start, center, end }

    func font(_ size: Double, bold: Bool = false) {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, px(size))
    }

    /// Advance width of `text` in pixels at `size` (unscaled points).
    func width(_ text: String, _ size: Double, bold: Bool = false) -> Double {
        font(size, bold: bold)
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, text, &e)
        return e.x_advance
    }

    /// Line height (ascent + descent) in pixels: the vertical room a line of text needs.
    func lineHeight(_ size: Double) -> Double {
        font(size)
        var e = cairo_font_extents_t()
        cairo_font_extents(cr, &e)
        return e.ascent + e.descent
    }

    /// Draws one line of text anchored at `p`; `vertical` rotates it to read bottom-to-top.
    func text(_ text: String, at p: Point, size: Double, bold: Bool = false, color: Color = .ink,
              h: Align = .center, v: Align = .center, vertical: Bool = false) {
        guard !text.isEmpty else { return }
        font(size, bold: bold)
        var t = cairo_text_extents_t(), f = cairo_font_extents_t()
        cairo_text_extents(cr, text, &t)
        cairo_font_extents(cr, &f)
        let dx = [Align.start: 0, .center: -t.x_advance / 2, .end: -t.x_advance][h]!
        let dy = [Align.start: f.ascent, .center: (f.ascent - f.descent) / 2, .end: -f.descent][v]!
        save()
        cairo_translate(cr, p.x, p.y)
        if vertical { cairo_rotate(cr, -.pi / 2) }
        cairo_move_to(cr, dx, dy)
        set(color)
        cairo_show_text(cr, text)
        restore()
    }

    // MARK: Raster images

    /// Draws a `width`×`height` image of ARGB32 pixels into `r`; `smooth: false` keeps pixels
    /// crisp (nearest neighbour), which is what small images and heatmap cells should look like.
    func image(_ pixels: [UInt32], width: Int, height: Int, in r: Rect, smooth: Bool) {
        guard width > 0, height > 0, pixels.count == width * height else { return }
        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, Int32(width)))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)) else { return }
        defer { cairo_surface_destroy(surface) }
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return }
        for row in 0 ..< height {
            let dst = UnsafeMutableRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
            for col in 0 ..< width { dst[col] = pixels[row * width + col] }
        }
        cairo_surface_mark_dirty(surface)
        save()
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_clip(cr)
        cairo_translate(cr, r.x, r.y)
        cairo_scale(cr, r.width / Double(width), r.height / Double(height))
        cairo_set_source_surface(cr, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), smooth ? CAIRO_FILTER_GOOD : CAIRO_FILTER_NEAREST)
        cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD)
        cairo_paint(cr)
        restore()
    }
}

extension Color {
    /// Premultiplied native-endian ARGB32, cairo's image pixel format.
    var argb32: UInt32 {
        func byte(_ v: Double) -> UInt32 { UInt32((min(max(v, 0), 1) * 255).rounded()) }
        return byte(alpha) << 24 | byte(red * alpha) << 16 | byte(green * alpha) << 8 | byte(blue * alpha)
    }
}
