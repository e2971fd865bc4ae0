import Foundation

/// Full-reference image quality: PSNR and SSIM, with images in [0, 1] (data range 1).
public enum Metrics {
    /// Mean squared error over all pixels and channels (accumulated in Double).
    public static func mse(_ a: Image, _ b: Image) -> Double {
        precondition(a.channels == b.channels && a.height == b.height && a.width == b.width,
                     "MSE needs images of one shape: \(a.channels)×\(a.height)×\(a.width) vs \(b.channels)×\(b.height)×\(b.width)")
        var s = 0.0
        a.pixels.withUnsafeBufferPointer { x in
            b.pixels.withUnsafeBufferPointer { y in
                for i in 0..<x.count { let d = Double(x[i]) - Double(y[i]); s += d * d }
            }
        }
        return s / Double(a.pixels.count)
    }

    /// Peak signal-to-noise ratio in dB, 10·log₁₀(R² / MSE) with data range R (default 1);
    /// +∞ for identical images. A uniform error of 0.1 gives 20 dB.
    public static func psnr(_ a: Image, _ b: Image, dataRange: Double = 1) -> Double {
        let m = mse(a, b)
        return m == 0 ? .infinity : 10 * log10(dataRange * dataRange / m)
    }

    /// Structural similarity exactly as Wang, Bovik, Sheikh & Simoncelli (IEEE TIP 2004) and their
    /// MATLAB `ssim_index.m`: an 11 × 11 Gaussian window with σ = 1.5 (normalised to sum 1),
    /// K1 = 0.01, K2 = 0.03, L = 1 (data range), population (1/N) variances, no downsampling.
    ///
    /// Borders: the SSIM map is computed only where the window fits inside the image (MATLAB's
    /// `filter2(…, 'valid')`), i.e. a 5-pixel border is left out, and the map is averaged there.
    /// scikit-image gives the same number with
    /// `structural_similarity(a, b, data_range=1, gaussian_weights=True, sigma=1.5,
    /// use_sample_covariance=False)`: it filters with 'reflect' padding but then crops the same
    /// 5-pixel border before averaging. For colour images the result is the mean over channels
    /// (skimage's `channel_axis`); convert with `grayscale()` first for luma SSIM.
    /// Images must be at least 11 × 11.
    public static func ssim(_ a: Image, _ b: Image) -> Double {
        precondition(a.channels == b.channels && a.height == b.height && a.width == b.width, "SSIM needs images of one shape")
        precondition(a.height >= 11 && a.width >= 11, "SSIM needs images of at least 11 × 11 pixels")
        var total = 0.0
        for c in 0..<a.channels { total += ssimPlane(a, b, channel: c) }
        return total / Double(a.channels)
    }

    /// The normalised 1-D Gaussian of the SSIM window (11 taps, σ = 1.5); the 2-D window is its outer product.
    static let ssimWindow: [Double] = {
        let g = (-5...5).map { exp(-Double($0 * $0) / (2 * 1.5 * 1.5)) }
        let s = g.reduce(0, +)
        return g.map { $0 / s }
    }()

    static func ssimPlane(_ a: Image, _ b: Image, channel c: Int) -> Double {
        let h = a.height, w = a.width, n = h * w, r = 11
        let oh = h - r + 1, ow = w - r + 1
        let c1 = 0.01 * 0.01, c2 = 0.03 * 0.03
        // five planes: x, y, x², y², xy
        var planes = [[Double]](repeating: [Double](repeating: 0, count: n), count: 5)
        for i in 0..<n {
            let x = Double(a.pixels[c * n + i]), y = Double(b.pixels[c * n + i])
            planes[0][i] = x; planes[1][i] = y; planes[2][i] = x * x; planes[3][i] = y * y; planes[4][i] = x * y
        }
        let g = ssimWindow
        // separable valid filtering: rows then columns
        let filtered: [[Double]] = planes.map { p in
            var tmp = [Double](repeating: 0, count: h * ow)
            p.withUnsafeBufferPointer { src in
                tmp.withUnsafeMutableBufferPointer { t in
                    for y in 0..<h { for x in 0..<ow {
                        var s = 0.0
                        for k in 0..<r { s += g[k] * src[y * w + x + k] }
                        t[y * ow + x] = s
                    } }
                }
            }
            var out = [Double](repeating: 0, count: oh * ow)
            tmp.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { o in
                    for y in 0..<oh { for k in 0..<r {
                        let gk = g[k], row = (y + k) * ow
                        for x in 0..<ow { o[y * ow + x] += gk * t[row + x] }
                    } }
                }
            }
            return out
        }
        var sum = 0.0
        for i in 0..<(oh * ow) {
            let mx = filtered[0][i], my = filtered[1][i]
            let sxx = filtered[2][i] - mx * mx, syy = filtered[3][i] - my * my, sxy = filtered[4][i] - mx * my
            sum += ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
        }
        return sum / Double(oh * ow)
    }
}
