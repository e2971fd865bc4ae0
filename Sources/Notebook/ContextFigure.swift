import Plot

extension CellContext {
    /// Draws a figure and writes it as `<name>.png` (embedded in the reports) and `<name>.svg`
    /// (for slides). The figure is 1600×900 by default, sized for a slide.
    ///
    /// ```swift
    /// try ctx.figure("js_vs_shift", title: "JS saturates at log 2") { fig in
    ///     let ax = fig.axes()
    ///     ax.line(x: shifts, y: js, label: "JS")
    /// }
    /// ```
    public func figure(_ name: String, width: Int = 1600, height: Int = 900, title: String? = nil,
                       caption: String? = nil, _ draw: (Figure) throws -> Void) throws {
        let figure = Figure(width: width, height: height, title: title)
        try draw(figure)
        let png = try figure.pngData()
        let svg = try figure.svgData()
        let file = try stage(name, ext: "png", bytes: png)
        _ = try stage(name, ext: "svg", bytes: svg)
        record.outputs.append(CellOutput(kind: .figure, file: file, caption: caption ?? title))
    }
}
