import Autograd
import Foundation

/// Measures of how *real* a set of images looks rather than how close each one is to its target:
/// the other axis of the perception–distortion trade-off (Blau & Michaeli 2018). PSNR and SSIM
/// compare an output with its own target, so the average of all plausible answers scores best;
/// these compare the *distribution* of outputs with the distribution of sharp images, which an
/// average does not match (its fine detail is missing).
extension Metrics {
    /// Sliced Wasserstein-1 distance between two equally large sets of vectors: the mean over
    /// `directions` random unit directions θ of the 1-D Wasserstein distance between the projected
    /// sets, which in 1-D is the mean |a₍ᵢ₎ − b₍ᵢ₎| of the sorted values (Rabin et al. 2011; on
    /// image patches as in Karras et al. 2018). Deterministic for a given `seed`.
    public static func slicedWasserstein(_ a: [[Float]], _ b: [[Float]], directions: Int = 128, seed: UInt64 = 0) -> Double {
        precondition(!a.isEmpty && a.count == b.count, "sliced Wasserstein needs two non-empty sets of one size, got \(a.count) and \(b.count)")
        let d = a[0].count
        precondition(a.allSatisfy { $0.count == d } && b.allSatisfy { $0.count == d }, "all vectors must have \(d) entries")
        // All projections at once: [n, d] · [d, directions] for each set, one matrix product.
        var rng = RandomGenerator(seed: seed)
        var theta = [Float](repeating: 0, count: d * directions)
        for j in 0..<directions {
            let column = (0..<d).map { _ in rng.nextNormal() }
            let norm = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in 0..<d { theta[i * directions + j] = column[i] / norm }
        }
        let directionsT = Tensor(shape: [d, directions], data: theta)
        func projected(_ set: [[Float]]) -> [[Float]] {
            let p = withNoGrad { matmul(Tensor(shape: [set.count, d], data: set.flatMap { $0 }), directionsT) }.data
            return (0..<directions).map { j in (0..<set.count).map { p[$0 * directions + j] }.sorted() }
        }
        let (pa, pb) = (projected(a), projected(b))
        var total = 0.0
        for j in 0..<directions {
            total += zip(pa[j], pb[j]).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) } / Double(a.count)
        }
        return total / Double(directions)
    }

    /// The `size` × `size` patches (all channels) of each image on a grid of step `stride`, each
    /// with its own mean removed: what the patch distance compares is texture and edges, not
    /// brightness.
    public static func patchVectors(_ images: [Image], size: Int = 7, stride: Int = 4) -> [[Float]] {
        var patches: [[Float]] = []
        for im in images {
            precondition(im.height >= size && im.width >= size, "a \(im.width)×\(im.height) image has no \(size)×\(size) patch")
            for y in Swift.stride(from: 0, through: im.height - size, by: stride) {
                for x in Swift.stride(from: 0, through: im.width - size, by: stride) {
                    var v = [Float]()
                    v.reserveCapacity(im.channels * size * size)
                    for c in 0..<im.channels {
                        for r in 0..<size {
                            let row = (c * im.height + y + r) * im.width + x
                            v += im.pixels[row..<(row + size)]
                        }
                    }
                    let m = v.reduce(0, +) / Float(v.count)
                    patches.append(v.map { $0 - m })
                }
            }
        }
        return patches
    }

    /// Sliced Wasserstein distance between the patch distributions of two image sets (in [0, 1]
    /// pixel units): 0 when the sets hold the same patches in any order. Low for outputs whose
    /// edges and textures look like those of sharp photos, whether or not they are the right ones.
    public static func patchDistance(_ a: [Image], _ b: [Image], size: Int = 7, stride: Int = 4, seed: UInt64 = 0) -> Double {
        slicedWasserstein(patchVectors(a, size: size, stride: stride), patchVectors(b, size: size, stride: stride), seed: seed)
    }

    /// The radially averaged power spectrum of an image: entry k is the mean of |F(u, v)|²/(H·W)
    /// over the frequencies with round(√(u² + v²)) = k, in cycles per image, k = 0 … min(H, W)/2,
    /// averaged over channels. Blur removes the high-k end; averaging plausible answers does too.
    public static func radialPowerSpectrum(_ image: Image) -> [Double] {
        let h = image.height, w = image.width, half = w / 2 + 1
        let bins = min(h, w) / 2 + 1
        var power = [Double](repeating: 0, count: bins), count = [Double](repeating: 0, count: bins)
        for c in 0..<image.channels {
            let spectrum = image.pixels.withUnsafeBufferPointer { p in
                FFT.forward(UnsafeBufferPointer(rebasing: p[(c * h * w)..<((c + 1) * h * w)]), rows: h, cols: w)
            }
            for u in 0..<h {
                let fu = Double(u <= h / 2 ? u : u - h)
                for v in 0..<half {
                    let k = Int((fu * fu + Double(v * v)).squareRoot().rounded())
                    guard k < bins else { continue }
                    let re = Double(spectrum[2 * (u * half + v)]), im = Double(spectrum[2 * (u * half + v) + 1])
                    // The half spectrum holds v and −v once; columns 1 … w/2 − 1 stand for both.
                    let weight = (v == 0 || (w % 2 == 0 && v == w / 2)) ? 1.0 : 2.0
                    power[k] += weight * (re * re + im * im) / Double(h * w)
                    count[k] += weight
                }
            }
        }
        return zip(power, count).map { $1 > 0 ? $0 / $1 : 0 }
    }
}
