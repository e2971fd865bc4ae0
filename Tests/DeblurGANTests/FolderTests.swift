import Autograd
import Foundation
import Imaging
import Testing
@testable import DeblurGAN

@Suite struct Folders {
    func write(_ image: Image, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try PNG.write(image, to: path)
    }

    func gray(_ v: Float, width: Int = 12, height: Int = 10) -> Image { Image(channels: 3, height: height, width: width, value: v) }

    @Test func goproLayoutPairsByName() throws {
        let folder = try TemporaryFolder(), root = folder.path
        for (sequence, names) in [("GOPR0001", ["000001.png", "000002.png"]), ("GOPR0002", ["000007.png"])] {
            for name in names {
                try write(gray(0.2), "\(root)/\(sequence)/blur/\(name)")
                try write(gray(0.8), "\(root)/\(sequence)/sharp/\(name)")
            }
        }
        try FileManager.default.createDirectory(atPath: root + "/notes", withIntermediateDirectories: true)
        let data = try PairedImageFolder(root: root)
        #expect(data.pairs.map(\.name) == ["GOPR0001/000001.png", "GOPR0001/000002.png", "GOPR0002/000007.png"])
        let (blurred, sharp) = try data.load(2)
        #expect(abs(blurred[0, 0, 0] - 0.2) < 0.01 && abs(sharp[0, 0, 0] - 0.8) < 0.01)

        var rng = RandomGenerator(seed: 1)
        let batch = try data.randomCrops(size: 8, batch: 3)(&rng)
        #expect(batch.blurred.shape == [3, 3, 8, 8] && batch.sharp.shape == [3, 3, 8, 8])
        #expect(batch.blurred.data.allSatisfy { abs($0 - (2 * 0.2 - 1)) < 0.02 })
    }

    @Test func combinedLayoutSplitsLeftAndRight() throws {
        let folder = try TemporaryFolder()
        let image = Image(channels: 3, height: 8, width: 20) { _, _, x in x < 10 ? 0.25 : 0.75 }
        try write(image, folder.path + "/pair.png")
        let data = try PairedImageFolder(root: folder.path, layout: .combined)
        let (blurred, sharp) = try data.load(0)
        #expect(blurred.width == 10 && sharp.width == 10 && blurred.height == 8)
        #expect(blurred.pixels.allSatisfy { abs($0 - 0.25) < 0.01 } && sharp.pixels.allSatisfy { abs($0 - 0.75) < 0.01 })
    }

    @Test func errorsNameTheProblem() throws {
        let missing = #expect(throws: DeblurGANError.self) { try PairedImageFolder(root: "/nonexistent/gopro") }
        #expect(missing?.description.contains("no such folder") == true)

        let folder = try TemporaryFolder(), root = folder.path
        try write(gray(0.2), root + "/S1/blur/a.png")
        try write(gray(0.8), root + "/S1/sharp/a.png")
        try write(gray(0.2), root + "/S1/blur/b.png")
        try write(gray(0.8), root + "/S1/sharp/c.png")
        try write(gray(0.2), root + "/S2/blur/a.png")
        let unmatched = #expect(throws: DeblurGANError.self) { try PairedImageFolder(root: root) }
        let message = unmatched?.description ?? ""
        #expect(message.contains("S1/blur has no sharp match for b.png"))
        #expect(message.contains("S1/sharp has no blurred match for c.png"))
        #expect(message.contains("S2/blur has no S2/sharp folder"))

        let sizes = try TemporaryFolder()
        try write(gray(0.2, width: 12), sizes.path + "/S/blur/a.png")
        try write(gray(0.8, width: 14), sizes.path + "/S/sharp/a.png")
        let data = try PairedImageFolder(root: sizes.path)
        let mismatch = #expect(throws: DeblurGANError.self) { try data.load(0) }
        #expect(mismatch?.description.contains("S/a.png: blurred image is 12×10 but sharp is 14×10") == true)

        let empty = try TemporaryFolder()
        #expect(throws: DeblurGANError.self) { try PairedImageFolder(root: empty.path) }
    }
}
