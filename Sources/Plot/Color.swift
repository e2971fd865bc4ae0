/// An sRGB colour with alpha, components in 0...1.
public struct Color: Equatable, Sendable {
    public var red: Double, green: Double, blue: Double, alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// A colour from a 24-bit hex literal such as `0x0072B2`, the way palettes are published.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    /// The same colour with a different opacity.
    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Linear blend towards `other`; `t = 0` is `self`, `t = 1` is `other`.
    public func mixed(with other: Color, _ t: Double) -> Color {
        Color(red: red + (other.red - red) * t, green: green + (other.green - green) * t,
              blue: blue + (other.blue - blue) * t, alpha: alpha + (other.alpha - alpha) * t)
    }

    public static let black = Color(hex: 0x000000)
    public static let white = Color(hex: 0xFFFFFF)
    /// Dark grey for text and axis lines: softer than black, still high contrast.
    public static let ink = Color(hex: 0x222222)
    /// Very light grey for grid lines, so they guide the eye without competing with data.
    public static let gridLine = Color(hex: 0xE3E3E3)
}

/// Categorical colours used for series in the order they are added.
///
/// Okabe–Ito: distinguishable under the common forms of colour blindness and in greyscale print.
/// Yellow comes last because it is hard to see on white.
public enum Palette {
    public static let okabeIto: [Color] = [
        0x0072B2, 0xD55E00, 0x009E73, 0xE69F00, 0xCC79A7, 0x56B4E9, 0x000000, 0xF0E442,
    ].map { Color(hex: $0) }

    /// The `index`-th default series colour (cycling).
    public static func color(_ index: Int) -> Color { okabeIto[index % okabeIto.count] }
}
