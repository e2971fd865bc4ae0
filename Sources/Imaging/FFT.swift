import CFFTW
import Foundation

/// Real 2-D FFTs through FFTW (single precision). FFTW's planner is not thread-safe, so plans are
/// created (once per size, with FFTW_ESTIMATE, cached) under a lock; executing a plan on new
/// arrays with `fftwf_execute_dft_r2c/c2r` is thread-safe, so transforms themselves run unlocked.
///
/// Spectra are stored interleaved (re, im) with `rows × (cols/2 + 1)` complex values.
enum FFT {
    final class Plans: @unchecked Sendable {
        let r2c: fftwf_plan
        let c2r: fftwf_plan
        init(rows: Int, cols: Int) {
            let real = fftwf_alloc_real(rows * cols)!
            let cplx = fftwf_alloc_complex(rows * (cols / 2 + 1))!
            let estimate = UInt32(1 << 6) // FFTW_ESTIMATE: plans without touching the arrays
            r2c = fftwf_plan_dft_r2c_2d(Int32(rows), Int32(cols), real, cplx, estimate)
            c2r = fftwf_plan_dft_c2r_2d(Int32(rows), Int32(cols), cplx, real, estimate)
            fftwf_free(real)
            fftwf_free(cplx)
        }
    }

    nonisolated(unsafe) private static var cache: [Int: Plans] = [:]
    private static let lock = NSLock()

    static func plans(rows: Int, cols: Int) -> Plans {
        lock.lock(); defer { lock.unlock() }
        let key = rows << 32 | cols
        if let p = cache[key] { return p }
        let p = Plans(rows: rows, cols: cols)
        cache[key] = p
        return p
    }

    /// The smallest n' ≥ n whose prime factors are all 2, 3, 5 or 7 (sizes FFTW handles fastest).
    static func goodSize(_ n: Int) -> Int {
        var m = max(n, 1)
        while true {
            var r = m
            for p in [2, 3, 5, 7] { while r % p == 0 { r /= p } }
            if r == 1 { return m }
            m += 1
        }
    }

    /// Forward transform of a `rows × cols` real array.
    static func forward(_ input: UnsafeBufferPointer<Float>, rows: Int, cols: Int) -> [Float] {
        precondition(input.count == rows * cols)
        let p = plans(rows: rows, cols: cols)
        let nc = rows * (cols / 2 + 1)
        let real = fftwf_alloc_real(rows * cols)!
        let cplx = fftwf_alloc_complex(nc)!
        defer { fftwf_free(real); fftwf_free(cplx) }
        real.update(from: input.baseAddress!, count: rows * cols)
        fftwf_execute_dft_r2c(p.r2c, real, cplx)
        return UnsafeRawPointer(cplx).withMemoryRebound(to: Float.self, capacity: 2 * nc) { f in
            Array(UnsafeBufferPointer(start: f, count: 2 * nc))
        }
    }

    /// Inverse transform to a `rows × cols` real array, divided by rows·cols (so inverse(forward(x)) = x).
    static func inverse(_ spectrum: UnsafeBufferPointer<Float>, rows: Int, cols: Int) -> [Float] {
        let nc = rows * (cols / 2 + 1)
        precondition(spectrum.count == 2 * nc)
        let p = plans(rows: rows, cols: cols)
        let real = fftwf_alloc_real(rows * cols)!
        let cplx = fftwf_alloc_complex(nc)!
        defer { fftwf_free(real); fftwf_free(cplx) }
        UnsafeMutableRawPointer(cplx).withMemoryRebound(to: Float.self, capacity: 2 * nc) { f in
            f.update(from: spectrum.baseAddress!, count: 2 * nc)
        }
        fftwf_execute_dft_c2r(p.c2r, cplx, real)
        var out = [Float](repeating: 0, count: rows * cols)
        let s = 1 / Float(rows * cols)
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<(rows * cols) { o[i] = real[i] * s }
        }
        return out
    }

    /// The spectrum of a kernel placed in a `rows × cols` array with its weight (i, j) at
    /// ((i − oy) mod rows, (j − ox) mod cols): with (oy, ox) = the kernel centre this is the
    /// "psf2otf" used by Wiener; with (0, 0) it is what linear convolution by FFT needs.
    static func kernelSpectrum(_ k: Kernel, rows: Int, cols: Int, originY: Int, originX: Int) -> [Float] {
        var a = [Float](repeating: 0, count: rows * cols)
        for i in 0..<k.height { for j in 0..<k.width {
            let w = k.weights[i * k.width + j]
            if w == 0 { continue }
            let y = ((i - originY) % rows + rows) % rows, x = ((j - originX) % cols + cols) % cols
            a[y * cols + x] += w
        } }
        return a.withUnsafeBufferPointer { forward($0, rows: rows, cols: cols) }
    }
}
