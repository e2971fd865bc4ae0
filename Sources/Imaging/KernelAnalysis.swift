import Foundation

/// Numbers and pictures that describe a kernel: how far it spreads and which spatial frequencies it
/// passes. Lesson 1 uses them to explain why deconvolution amplifies noise — wherever |K(ω)| is
/// small, undoing the blur means dividing by a small number.
extension Kernel {
    /// Height and width of the smallest box holding every non-zero weight (the kernel itself may be
    /// larger: `CameraShake` crops kernels around their centre of mass, not their bounding box).
    public var supportExtent: (height: Int, width: Int) {
        var minY = height, maxY = -1, minX = width, maxX = -1
        for i in 0..<height { for j in 0..<width where weights[i * width + j] != 0 {
            minY = min(minY, i); maxY = max(maxY, i); minX = min(minX, j); maxX = max(maxX, j)
        } }
        return maxY < 0 ? (0, 0) : (maxY - minY + 1, maxX - minX + 1)
    }

    /// Root-mean-square distance of the weights from their centre of mass, in pixels: one number
    /// for "how much does this kernel smear", comparable between kernels of any shape.
    public var rmsRadius: Double {
        let s = Double(weights.reduce(0, +))
        precondition(s > 0, "the kernel has no weight")
        let (cy, cx) = centreOfMass
        let oy = Double(height / 2) + cy, ox = Double(width / 2) + cx
        var m = 0.0
        for i in 0..<height { for j in 0..<width {
            let dy = Double(i) - oy, dx = Double(j) - ox
            m += Double(weights[i * width + j]) * (dy * dy + dx * dx)
        } }
        return (m / s).squareRoot()
    }

    /// |K(ω)|, the magnitude of the kernel's transfer function (the DFT of the kernel placed in an
    /// `rows × cols` array), as a `rows × cols` row-major array with the zero frequency at the centre
    /// (index (rows/2, cols/2), as NumPy's `fftshift`). Row r holds vertical frequency
    /// (r − rows/2)/rows cycles per pixel, column c horizontal frequency (c − cols/2)/cols.
    /// A kernel that sums to 1 has |K(0)| = 1; blur makes |K| ≤ 1 elsewhere.
    public func transferMagnitude(rows: Int, cols: Int) -> [Float] {
        precondition(rows >= height && cols >= width, "the frequency grid must be at least as large as the kernel")
        let spectrum = FFT.kernelSpectrum(self, rows: rows, cols: cols, originY: height / 2, originX: width / 2)
        let half = cols / 2 + 1
        var out = [Float](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            for c in 0..<cols {
                // r2c stores columns 0…cols/2; the rest follow from K(−ω) = conj K(ω).
                let (sr, sc) = c < half ? (r, c) : ((rows - r) % rows, cols - c)
                let re = spectrum[2 * (sr * half + sc)], im = spectrum[2 * (sr * half + sc) + 1]
                out[((r + rows / 2) % rows) * cols + (c + cols / 2) % cols] = (re * re + im * im).squareRoot()
            }
        }
        return out
    }
}
