import Autograd
import Foundation
import Testing
@testable import Imaging

@Suite struct PatchDatasetTests {
    static let photos = [testPicture(channels: 3, height: 120, width: 130), testPicture(channels: 1, height: 100, width: 90)]

    @Test func batchesAreDeterministicAndShaped() {
        let ds = BlurPatchDataset(photos: Self.photos, patchSize: 32, seed: 5, noiseSigma: 0.01)
        let (b1, s1) = ds.batch(3, size: 4)
        let (b2, s2) = ds.batch(3, size: 4)
        #expect(b1.shape == [4, 3, 32, 32] && s1.shape == [4, 3, 32, 32])
        #expect(b1.data == b2.data && s1.data == s2.data)
        #expect(b1.data.allSatisfy { $0 >= -1 && $0 <= 1 } && s1.data.allSatisfy { $0 >= -1 && $0 <= 1 })
        // another batch, another seed: different data
        #expect(ds.batch(4, size: 4).sharp.data != s1.data)
        var other = ds; other.seed = 6
        #expect(other.batch(3, size: 4).blurred.data != b1.data)
        // random access equals sequential generation
        #expect(Image.batch([ds.sample(13)].map(\.blurred)).data == Array(b1.data[(1 * 3 * 32 * 32)..<(2 * 3 * 32 * 32)]))
    }

    /// `subpixelCentred`: every kernel's centre of mass is exactly on its centre pixel (the blur
    /// translates nothing), the kernel is still valid, and otherwise the draws are unchanged.
    @Test func subpixelCentredKernelsHaveNoShift() {
        let plain = BlurPatchDataset(photos: [Self.photos[0]], patchSize: 24, seed: 2, randomFlip: false)
        let centred = BlurPatchDataset(photos: [Self.photos[0]], patchSize: 24, seed: 2, randomFlip: false, subpixelCentred: true)
        var largest = 0.0
        for i in 0..<8 {
            let (a, b) = (plain.sample(i).kernel, centred.sample(i).kernel)
            #expect(isValidKernel(b))
            #expect(b.height == a.height + 2 && b.width == a.width + 2)
            let (dy, dx) = b.centroidOffset
            #expect(abs(dy) < 1e-5 && abs(dx) < 1e-5)
            let (ay, ax) = a.centroidOffset
            #expect(abs(ay) <= 0.5 + 1e-9 && abs(ax) <= 0.5 + 1e-9)
            largest = max(largest, abs(ay), abs(ax))
        }
        #expect(largest > 0.05, "the plain kernels should have some sub-pixel offset to remove")
    }

    @Test func pairsAreConsistentWithTheirKernel() {
        // Without noise or flip, the blurred patch is exactly the sharp neighbourhood convolved with the kernel.
        let ds = BlurPatchDataset(photos: [Self.photos[0]], patchSize: 24, seed: 1, randomFlip: false)
        for i in 0..<5 {
            let s = ds.sample(i)
            #expect(isValidKernel(s.kernel))
            #expect(s.blurred.width == 24 && s.sharp.height == 24)
            // the kernel's own blur of the sharp patch matches in the interior (boundary aside)
            let reblurred = s.sharp.convolved(with: s.kernel)
            let ry = s.kernel.height / 2, rx = s.kernel.width / 2
            if 24 - 2 * ry > 2 && 24 - 2 * rx > 2 {
                let a = reblurred.cropped(x: rx, y: ry, width: 24 - 2 * rx, height: 24 - 2 * ry)
                let b = s.blurred.cropped(x: rx, y: ry, width: 24 - 2 * rx, height: 24 - 2 * ry)
                #expect(maxAbsDiff(a.pixels, b.pixels) < 1e-5)
            }
        }
    }

    @Test func grayModeAndLoadingPhotos() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.photos[0].writePNG(to: dir + "/b.png")
        try Self.photos[1].writePNG(to: dir + "/a.png")
        let loaded = try BlurPatchDataset.loadPhotos(folder: dir)
        #expect(loaded.count == 2 && loaded[0].channels == 1 && loaded[1].channels == 3)
        let ds = BlurPatchDataset(photos: loaded, patchSize: 16, seed: 2, channels: 1)
        #expect(ds.batch(0, size: 2).blurred.shape == [2, 1, 16, 16])
        let e = #expect(throws: ImagingError.self) { _ = try BlurPatchDataset.loadPhotos(folder: dir + "/nope") }
        #expect(e?.description.contains("nope") == true)
    }
}
