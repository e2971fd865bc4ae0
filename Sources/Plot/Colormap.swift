/// A continuous colour scale mapping 0...1 to colours, for heatmaps and filled contours.
public struct Colormap: Sendable {
    public let name: String
    /// Evenly spaced knots, linearly interpolated.
    let knots: [Color]

    public init(name: String, knots: [Color]) {
        precondition(knots.count >= 2, "a colormap needs at least two knots")
        self.name = name
        self.knots = knots
    }

    /// The colour at `t`, clamped to 0...1; NaN maps to transparent so missing data shows as background.
    public func color(at t: Double) -> Color {
        guard !t.isNaN else { return Color.white.withAlpha(0) }
        let s = min(max(t, 0), 1) * Double(knots.count - 1)
        let i = min(Int(s), knots.count - 2)
        return knots[i].mixed(with: knots[i + 1], s - Double(i))
    }

    /// Perceptually uniform, readable in greyscale: the default for magnitudes (matplotlib's viridis).
    public static let viridis = Colormap(name: "viridis", knots: [
        (0.267004, 0.004874, 0.329415), (0.282623, 0.140926, 0.457517), (0.253935, 0.265254, 0.529983),
        (0.206756, 0.371758, 0.553117), (0.163625, 0.471133, 0.558148), (0.127568, 0.566949, 0.550556),
        (0.134692, 0.658636, 0.517649), (0.266941, 0.748751, 0.440573), (0.477504, 0.821444, 0.318195),
        (0.741388, 0.873449, 0.149561), (0.993248, 0.906157, 0.143936),
    ].map { Color(red: $0.0, green: $0.1, blue: $0.2) })

    /// Blue – white – red (ColorBrewer RdBu, reversed): for signed quantities centred on zero,
    /// such as critic values or gradient components. Pair it with symmetric limits.
    public static let diverging = Colormap(name: "diverging", knots: [
        0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7,
        0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F,
    ].map { Color(hex: $0) })

    /// Black to white, for single-channel images.
    public static let gray = Colormap(name: "gray", knots: [.black, .white])
}
