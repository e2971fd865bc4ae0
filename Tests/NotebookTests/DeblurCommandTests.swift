import Foundation
import Testing

/// `course deblur` as a real subprocess: every bad input is one line on stderr with its documented
/// exit code, and a tiny generator checkpoint (written here by hand in the safetensors format)
/// deblurs a photo, tiled, into a PNG of the input's size.
@Suite(.serialized) struct DeblurCommandTests {
    let course = productsFolder.appendingPathComponent("course").path
    let photo = packageRoot.appendingPathComponent("Data/clock_motion.png").path

    /// A safetensors file of float32 zeros with the given names and shapes.
    func writeSafeTensors(_ tensors: [(String, [Int])], to url: URL) throws {
        var header: [String: Any] = ["__metadata__": ["format": "pt"]]
        var offset = 0
        for (name, shape) in tensors {
            let bytes = shape.reduce(1, *) * 4
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(Data(count: offset))
        try data.write(to: url)
    }

    /// The official generator layout with ngf 1 and no ResBlocks (model.1 … model.17). All weights
    /// zero: the network's correction is tanh(0) = 0, so with learn_residual the output is the input.
    func tinyGenerator() throws -> URL {
        let url = try temporaryFolder("deblur").appendingPathComponent("tiny.safetensors")
        try writeSafeTensors([
            ("model.1.weight", [1, 3, 7, 7]), ("model.1.bias", [1]),
            ("model.4.weight", [2, 1, 3, 3]), ("model.4.bias", [2]),
            ("model.7.weight", [4, 2, 3, 3]), ("model.7.bias", [4]),
            ("model.10.weight", [4, 2, 3, 3]), ("model.10.bias", [2]),
            ("model.13.weight", [2, 1, 3, 3]), ("model.13.bias", [1]),
            ("model.17.weight", [3, 1, 7, 7]), ("model.17.bias", [3]),
        ], to: url)
        return url
    }

    /// Width and height from a PNG's IHDR chunk.
    func pngSize(_ url: URL) throws -> (width: Int, height: Int) {
        let d = [UInt8](try Data(contentsOf: url))
        #expect(d.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        func be(_ i: Int) -> Int { d[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    func expectOneLineFailure(_ result: ToolResult, code: Int32, _ message: String) {
        #expect(result.status == code, "\(result.output)\n\(result.error)")
        let lines = result.error.split(separator: "\n")
        #expect(lines.count == 1, "\(result.error)")
        #expect(result.error.hasPrefix("course deblur: ") && result.error.contains(message), "\(result.error)")
    }

    @Test func deblursAPhotoWithATinyCheckpoint() throws {
        let checkpoint = try tinyGenerator()
        let out = checkpoint.deletingLastPathComponent().appendingPathComponent("clock.png")
        let result = try runTool(course, ["deblur", photo, out.path, "--checkpoint", checkpoint.path, "--tile", "128", "--threads", "1"])
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        #expect(result.output.contains("(400 × 300) → \(out.path) in "), "\(result.output)")
        let size = try pngSize(out)
        #expect(size.width == 400 && size.height == 300)
        #expect(leftoverTemporaries(out.deletingLastPathComponent()).isEmpty)
        let half = try runTool(course, ["deblur", photo, out.path, "--checkpoint", checkpoint.path, "--downscale", "2", "--threads", "1"])
        #expect(half.status == 0 && half.output.contains("→ \(out.path) (200 × 150, shrunk 2×) in "), "\(half.output)\(half.error)")
        let halfSize = try pngSize(out)
        #expect(halfSize.width == 200 && halfSize.height == 150)
    }

    func leftoverTemporaries(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix(".") }
    }

    @Test func badInputsAreOneLineErrors() throws {
        let checkpoint = try tinyGenerator().path
        let folder = try temporaryFolder("deblur")
        let out = folder.appendingPathComponent("out.png").path
        let licences = packageRoot.appendingPathComponent("Data/LICENSES.md").path
        expectOneLineFailure(try runTool(course, ["deblur", folder.appendingPathComponent("nope.png").path, out, "--checkpoint", checkpoint]),
                             code: 66, "nope.png: no such file")
        expectOneLineFailure(try runTool(course, ["deblur", folder.path, out, "--checkpoint", checkpoint]), code: 66, "is a folder")
        expectOneLineFailure(try runTool(course, ["deblur", licences, out, "--checkpoint", checkpoint]), code: 65, "not a PNG file")
        expectOneLineFailure(try runTool(course, ["deblur", photo, "/nonexistent-folder/out.png", "--checkpoint", checkpoint]),
                             code: 73, "the folder /nonexistent-folder does not exist")
        expectOneLineFailure(try runTool(course, ["deblur", photo, out, "--checkpoint", folder.appendingPathComponent("none.safetensors").path]),
                             code: 66, "no such checkpoint file")
        // A PNG given as the checkpoint, and a safetensors file without a generator.
        expectOneLineFailure(try runTool(course, ["deblur", photo, out, "--checkpoint", photo]), code: 65, "clock_motion.png: ")
        let other = folder.appendingPathComponent("other.safetensors")
        try writeSafeTensors([("features.0.weight", [64, 3, 3, 3])], to: other)
        expectOneLineFailure(try runTool(course, ["deblur", photo, out, "--checkpoint", other.path]), code: 65, "no generator weights")
        let zero = try runTool(course, ["deblur", photo, out, "--checkpoint", checkpoint, "--downscale", "0"])
        #expect(zero.status == 64 && zero.error.contains("--downscale must be from 1 to 16, got 0."), "\(zero.error)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func withoutACheckpointItSaysHowToTrainOne() throws {
        let empty = try temporaryFolder("deblur")
        let result = try runTool(course, ["deblur", photo, empty.appendingPathComponent("out.png").path], in: empty)
        expectOneLineFailure(result, code: 69, "no trained model: neither out/deblurgan/deblurgan.safetensors (run `Scripts/course run deblurgan`) "
                             + "nor the shipped Data/models/deblurgan-course.safetensors is there")
    }

    /// --checkpoint first, then the lesson's model, then the shipped one; the output line names which.
    @Test func theModelFallsBackFromTheLessonsToTheShippedOne() throws {
        let work = try temporaryFolder("deblur-fallback")
        defer { try? FileManager.default.removeItem(at: work) }
        let models = work.appendingPathComponent("Data/models"), lessonOut = work.appendingPathComponent("out/deblurgan")
        for folder in [models, lessonOut] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let tiny = try tinyGenerator()
        try FileManager.default.copyItem(at: tiny, to: models.appendingPathComponent("deblurgan-course.safetensors"))
        let out = work.appendingPathComponent("out.png").path
        let shipped = try runTool(course, ["deblur", photo, out, "--threads", "1"], in: work)
        #expect(shipped.status == 0 && shipped.output.contains("the shipped model: Data/models/deblurgan-course.safetensors"), "\(shipped.output)\(shipped.error)")
        try FileManager.default.copyItem(at: tiny, to: lessonOut.appendingPathComponent("deblurgan.safetensors"))
        let lesson = try runTool(course, ["deblur", photo, out, "--threads", "1"], in: work)
        #expect(lesson.status == 0 && lesson.output.contains("the deblurgan lesson's model: out/deblurgan/deblurgan.safetensors"), "\(lesson.output)")
    }

    /// `course score` from the package root scores the shipped model on the lesson's held-out
    /// crops and splits the gain by blur strength; the self-ensemble is named and scores differently.
    @Test func scoresTheShippedModelOnHeldOutCrops() throws {
        let plain = try runTool(course, ["score", "--count", "6", "--size", "32", "--threads", "1"], in: packageRoot)
        #expect(plain.status == 0, "\(plain.output)\(plain.error)")
        #expect(plain.output.contains("the shipped model: Data/models/deblurgan-course.safetensors\n"), "\(plain.output)")
        #expect(plain.output.contains("6 held-out 32² crops (seed 1): PSNR "), "\(plain.output)")
        #expect(plain.output.contains(" of 6 improved; SSIM ") && plain.output.contains("by camera-shake path length: 2–5 px: "), "\(plain.output)")
        let ensemble = try runTool(course, ["score", "--count", "6", "--size", "32", "--threads", "1", "--self-ensemble"], in: packageRoot)
        #expect(ensemble.status == 0 && ensemble.output.contains(", self-ensemble of 8\n"), "\(ensemble.output)\(ensemble.error)")
        // "PSNR a → b dB, gain …": the restored PSNR differs.
        func restored(_ text: String) -> String? { text.components(separatedBy: " → ").dropFirst().first?.components(separatedBy: " dB").first }
        #expect(restored(plain.output) != nil && restored(ensemble.output) != restored(plain.output), "\(plain.output)\(ensemble.output)")
    }

    @Test func theOutputMustBeAPNG() throws {
        let result = try runTool(course, ["deblur", photo, "/tmp/out.jpg"])
        #expect(result.status == 64)
        #expect(result.error.contains("the output must be a .png file"))
    }
}
