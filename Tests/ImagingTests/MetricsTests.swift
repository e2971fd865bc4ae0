import Foundation
import Testing
@testable import Imaging

@Suite struct MetricsTests {
    @Test func psnrKnownValues() {
        let a = Image(channels: 3, height: 8, width: 8, value: 0.5)
        #expect(abs(Metrics.psnr(a, Image(channels: 3, height: 8, width: 8, value: 0.6)) - 20) < 1e-5)
        #expect(abs(Metrics.psnr(a, Image(channels: 3, height: 8, width: 8, value: 0.49)) - 40) < 1e-3)
        #expect(Metrics.psnr(a, a) == .infinity)
        // error 0.2 on a quarter of the pixels: MSE 0.01 → 20 dB
        var b = a
        for i in stride(from: 0, to: b.pixels.count, by: 4) { b.pixels[i] += 0.2 }
        #expect(abs(Metrics.psnr(a, b) - 20) < 1e-4)
        #expect(abs(Metrics.psnr(a, Image(channels: 3, height: 8, width: 8, value: 0.6), dataRange: 255) - (20 + 20 * log10(255))) < 1e-4)
    }

    @Test func ssimOfIdenticalImagesIsOne() {
        let im = testPicture(channels: 3, height: 30, width: 25)
        #expect(abs(Metrics.ssim(im, im) - 1) < 1e-12)
        #expect(Metrics.ssim(im, im.convolved(with: .gaussian(sigma: 2))) < 0.95)
    }

    /// Reference values from scikit-image 0.26.0 (numpy 2.4):
    /// ```python
    /// import numpy as np
    /// from skimage.metrics import structural_similarity as ssim
    /// f32 = lambda v: v.astype(np.float32).astype(np.float64)
    /// y, x = np.mgrid[0:20, 0:24]
    /// a = ((x*3 + y*5) % 64) / 63.0
    /// b = np.clip(a + ((x*17 + y*29) % 11 - 5) / 100.0, 0, 1)
    /// print(ssim(f32(a), f32(b), data_range=1, gaussian_weights=True, sigma=1.5,
    ///            use_sample_covariance=False))                  # 0.9851745495849856
    /// c, y, x = np.mgrid[0:3, 0:16, 0:18]
    /// a = ((x*7 + y*3 + c*20) % 50) / 49.0
    /// b = np.clip(0.8*a + 0.1 + ((x*y + c) % 7) / 70.0, 0, 1)
    /// print(ssim(f32(a), f32(b), data_range=1, gaussian_weights=True, sigma=1.5,
    ///            use_sample_covariance=False, channel_axis=0))  # 0.9651403935207578
    /// ```
    @Test func ssimMatchesScikitImage() {
        let a1 = Image(channels: 1, height: 20, width: 24) { _, y, x in Float(Double((x * 3 + y * 5) % 64) / 63) }
        let b1 = Image(channels: 1, height: 20, width: 24) { _, y, x in
            Float(min(max(Double((x * 3 + y * 5) % 64) / 63 + Double((x * 17 + y * 29) % 11 - 5) / 100, 0), 1))
        }
        #expect(abs(Metrics.ssim(a1, b1) - 0.9851745495849856) < 1e-6)
        let a3 = Image(channels: 3, height: 16, width: 18) { c, y, x in Float(Double((x * 7 + y * 3 + c * 20) % 50) / 49) }
        let b3 = Image(channels: 3, height: 16, width: 18) { c, y, x in
            let a = Double((x * 7 + y * 3 + c * 20) % 50) / 49
            return Float(min(max(0.8 * a + 0.1 + Double((x * y + c) % 7) / 70, 0), 1))
        }
        #expect(abs(Metrics.ssim(a3, b3) - 0.9651403935207578) < 1e-6)
    }

    @Test func ssimWindowIsTheWangGaussian() {
        let g = Metrics.ssimWindow
        #expect(g.count == 11 && abs(g.reduce(0, +) - 1) < 1e-12)
        #expect(abs(g[5] / g[6] - exp(1 / 4.5)) < 1e-12)
    }
}
