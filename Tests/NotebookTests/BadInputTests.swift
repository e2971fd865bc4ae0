import Course
import Foundation
import Imaging
import Notebook
import Testing

/// What users mistype, and the files they feed the course, run against the real executables as a
/// user would: every bad input is exactly one line on stderr and its documented exit code, and
/// writes nothing — the work folder is byte for byte what it was, no temporary file left.
/// Exit codes: 64 usage; `course deblur` 65 bad PNG or checkpoint, 66 input missing or unreadable,
/// 73 output not writable; a lesson 74 outputs not writable (README, `course --help`).
@Suite struct BadInputTests {
    /// One row of the table. In `arguments`, `@name` is the file `name` of the case's work folder
    /// (see `workFolder`), or a path below it.
    struct Case: Sendable, CustomTestStringConvertible {
        let program: String
        let arguments: [String]
        let code: Int32
        let message: String
        init(_ program: String, _ arguments: [String], _ code: Int32, _ message: String) {
            (self.program, self.arguments, self.code, self.message) = (program, arguments, code, message)
        }
        var testDescription: String { ([program] + arguments).joined(separator: " ") }
    }

    static func deblur(_ input: String, _ output: String = "@out.png", checkpoint: String = "@tiny.safetensors",
                       extra: [String] = []) -> [String] {
        ["deblur", input, output, "--checkpoint", checkpoint, "--threads", "1"] + extra
    }

    static let cases: [Case] = [
        // The photo given to `course deblur`.
        Case("course", deblur("@missing.png"), 66, "missing.png: no such file"),
        Case("course", deblur("@folder.png"), 66, "folder.png: is a folder, not a PNG file"),
        Case("course", deblur("@empty.png"), 65, "empty.png: empty file (0 bytes), not a PNG image"),
        Case("course", deblur("@text.png"), 65, "text.png: not a PNG file"),
        Case("course", deblur("@truncated.png"), 65, "truncated.png: truncated PNG"),
        Case("course", deblur("@huge-header.png"), 65, "image of 100000×100000 pixels exceeds the limit of 64 megapixels"),
        // The checkpoint.
        Case("course", deblur("@gray8.png", checkpoint: "@missing.safetensors"), 66, "missing.safetensors: no such checkpoint file"),
        Case("course", deblur("@gray8.png", checkpoint: "@other-width.safetensors"), 65,
             "shape mismatch: model.4.weight is [3, 1, 3, 3] in the checkpoint but [2, 1, 3, 3] in the model"),
        Case("course", deblur("@gray8.png", checkpoint: "@truncated.safetensors"), 65, "truncated file?"),
        // Where the result goes.
        Case("course", deblur("@gray8.png", "@missing/out.png"), 73, "the folder"),
        Case("course", deblur("@gray8.png", "@text.png/out.png"), 73, "text.png is a file, not a folder"),
        Case("course", deblur("@gray8.png", "@folder.png"), 73, "folder.png: is a folder"),
        Case("course", ["run", "gan-minimax", "--quick", "--out", "@text.png/out"], 74, "✗ cannot prepare"),
        Case("course", ["compare", "--quick", "--out", "@text.png/compare"], 74, "✗ cannot prepare"),
        Case("blur-model", ["--quick", "--out", "@text.png/out"], 74, "✗ cannot prepare"),
        // Lesson ids, cells and flag values.
        Case("course", ["run", "nope"], 64, "course run: unknown lesson \"nope\"; lessons: blur-model, gan-minimax"),
        Case("blur-model", ["--only", "nope", "--out", "@out"], 64, "✗ no cell \"nope\" in blur-model; cells: 1 "),
        Case("course", ["run", "gan-minimax", "--threads", "0"], 64, "course run: --threads must be at least 1, got 0."),
        Case("course", ["run", "gan-minimax", "--seed", "-1"], 64, "course run: The value '-1' is invalid for '--seed <seed>'"),
        Case("course", ["all", "--threads", "-2"], 64, "course all: --threads must be at least 1, got -2."),
        Case("course", ["compare", "--steps", "-5"], 64, "course compare: --steps must be positive, got -5."),
        Case("course", ["compare", "--seeds", "0"], 64, "course compare: --seeds must be positive, got 0."),
        Case("course", ["compare", "--variants", "minimax,nope"], 64, "course compare: unknown variant \"nope\"; variants: minimax,"),
        Case("course", deblur("@gray8.png", extra: ["--tile", "30"]), 64, "course deblur: --tile must be a multiple of 4, at least 64, got 30."),
        Case("course", ["deblur", "@gray8.png"], 64, "course deblur: Missing expected argument '<out.png>'"),
        Case("course", ["train", "--threads", "1"], 66, "no such photo (run from the package root)"),
        Case("course", ["recipe", "--trials", "no-norm"], 66, "no such photo (run from the package root)"),
        Case("course", ["deblur", "@gray8.png", "@out.png"], 69, "no trained model: neither out/deblurgan/deblurgan.safetensors"),
        Case("course", ["score"], 69, "course score: no trained model: neither out/deblurgan/deblurgan.safetensors"),
        Case("course", ["score", "--checkpoint", "@missing.safetensors"], 66, "missing.safetensors: no such checkpoint file"),
        Case("course", ["score", "--checkpoint", "@truncated.safetensors"], 65, "truncated file?"),
        Case("course", ["score", "--checkpoint", "@tiny.safetensors"], 66, "Data/coffee.png: no such photo (run from the package root)"),
        Case("course", ["score", "--size", "40"], 64, "course score: --size must be a multiple of 16, at least 32, got 40."),
        Case("course", ["score", "--count", "0"], 64, "course score: --count must be at least 1, got 0."),
        Case("course", ["train", "--preset", "nope"], 64, "course train: unknown preset 'nope'; presets: lesson, long"),
        Case("course", ["train", "--until", "0"], 64, "course train: --until must be at least 1, got 0"),
        Case("course", ["recipe", "--trials", "no-norm,nope"], 64, "course recipe: unknown trial 'nope'"),
        Case("course", ["recipe", "--cpu-minutes", "0"], 64, "course recipe: --cpu-minutes must be positive, got 0"),
        Case("gan-minimax", ["--seed", "x"], 64, "gan-minimax: The value 'x' is invalid for '--seed <seed>'"),
        Case("wgan-critic", ["--quick", "--bogus"], 64, "wgan-critic: Unknown option '--bogus'"),
    ]

    /// The files the cases refer to, in a fresh folder.
    static func workFolder() throws -> URL {
        let work = try temporaryFolder("bad-input")
        let fm = FileManager.default
        try fm.createDirectory(at: work.appendingPathComponent("folder.png"), withIntermediateDirectories: false)
        _ = fm.createFile(atPath: work.appendingPathComponent("empty.png").path, contents: Data())
        _ = fm.createFile(atPath: work.appendingPathComponent("text.png").path, contents: Data("a text file with a .png name\n".utf8))
        for name in ["gray8.png", "truncated.png", "huge-header.png"] {
            try fm.copyItem(at: inputs.appendingPathComponent(name), to: work.appendingPathComponent(name))
        }
        let generator = DeblurCommandTests()
        let tiny = try generator.tinyGenerator()
        try fm.copyItem(at: tiny, to: work.appendingPathComponent("tiny.safetensors"))
        try Data(try Data(contentsOf: tiny).dropLast(7)).write(to: work.appendingPathComponent("truncated.safetensors"))
        // The same layout with a first downsampling conv of 3 filters where ngf 1 implies 2.
        try generator.writeSafeTensors([
            ("model.1.weight", [1, 3, 7, 7]), ("model.1.bias", [1]),
            ("model.4.weight", [3, 1, 3, 3]), ("model.4.bias", [3]),
            ("model.7.weight", [4, 3, 3, 3]), ("model.7.bias", [4]),
            ("model.10.weight", [4, 2, 3, 3]), ("model.10.bias", [2]),
            ("model.13.weight", [2, 1, 3, 3]), ("model.13.bias", [1]),
            ("model.17.weight", [3, 1, 7, 7]), ("model.17.bias", [3]),
        ], to: work.appendingPathComponent("other-width.safetensors"))
        return work
    }

    static let inputs = packageRoot.appendingPathComponent("Tests/Fixtures/Inputs")

    /// Runs `program` (the built `course` or a lesson) in `work` and checks the one-line failure.
    func expectOneLineFailure(_ program: String, _ arguments: [String], in work: URL, code: Int32, _ message: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let resolved = arguments.map { $0.hasPrefix("@") ? work.appendingPathComponent(String($0.dropFirst())).path : $0 }
        let before = snapshot(work)
        let result = try runTool(productsFolder.appendingPathComponent(program).path, resolved, in: work)
        #expect(result.status == code, "\(result.output)\n\(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.split(separator: "\n").count == 1, "stderr: \(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.contains(message), "stderr: \(result.error)", sourceLocation: sourceLocation)
        #expect(snapshot(work) == before, "files changed in \(work.path)", sourceLocation: sourceLocation)
    }

    @Test(arguments: cases)
    func badInputIsOneLineAndACode(_ c: Case) throws {
        let work = try Self.workFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        try expectOneLineFailure(c.program, c.arguments, in: work, code: c.code, c.message)
    }

    /// Every lesson executable refuses a bad flag value in one line, before doing anything.
    @Test(arguments: Catalog.ids)
    func everyLessonRefusesZeroThreads(_ id: String) throws {
        let work = try Self.workFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        try expectOneLineFailure(id, ["--quick", "--threads", "0"], in: work, code: 64,
                                 "\(id): --threads must be at least 1, got 0. (see \(id) --help)")
    }

    /// File modes: an input nobody may read, a folder nobody may write. Root reads and writes
    /// whatever the mode, so there is nothing to test as root.
    @Test(.enabled(if: getuid() != 0, "running as root, which reads and writes files whatever their mode"))
    func unreadableInputAndReadOnlyFolder() throws {
        let work = try Self.workFolder()
        let locked = work.appendingPathComponent("locked.png"), readOnly = work.appendingPathComponent("read-only")
        try FileManager.default.copyItem(at: Self.inputs.appendingPathComponent("gray8.png"), to: locked)
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: false)
        chmod(locked.path, 0o000)
        chmod(readOnly.path, 0o555)
        defer { chmod(readOnly.path, 0o755); try? FileManager.default.removeItem(at: work) }
        try expectOneLineFailure("course", Self.deblur("@locked.png"), in: work, code: 66, "locked.png: cannot be read (permission denied)")
        try expectOneLineFailure("course", Self.deblur("@gray8.png", "@read-only/out.png"), in: work, code: 73, "is not writable")
        try expectOneLineFailure("blur-model", ["--quick", "--out", "@read-only/out"], in: work, code: 74, "✗ cannot prepare")
    }

    /// 16-bit, gray, 1-bit, palette, alpha and interlaced PNGs are read and converted: the identity
    /// generator (zero weights, learn_residual) returns the photo as 8-bit RGB, gray repeated into
    /// the three channels and alpha composited on white, as Imaging reads it.
    @Test(arguments: ["gray8.png", "gray16.png", "gray1.png", "gray-alpha8.png", "rgb16.png", "rgba8.png", "rgba16.png",
                      "palette-alpha.png", "interlaced-rgb8.png", "rgb8-gamma.png"])
    func otherKindsOfPNGAreAcceptedAndConverted(_ name: String) throws {
        let work = try Self.workFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let input = Self.inputs.appendingPathComponent(name), output = work.appendingPathComponent("out.png")
        let result = try runTool(productsFolder.appendingPathComponent("course").path,
                                 ["deblur", input.path, output.path, "--checkpoint", work.appendingPathComponent("tiny.safetensors").path,
                                  "--threads", "1"])
        #expect(result.status == 0 && result.error.isEmpty, "\(result.error)")
        #expect(result.output.contains("(12 × 10) → \(output.path)"), "\(result.output)")
        let expected = try PNG.read(input.path).rgb(), restored = try PNG.read(output.path)
        #expect(restored.channels == 3 && restored.width == 12 && restored.height == 10)
        let worst = zip(expected.pixels, restored.pixels).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 0.501 / 255, "largest difference \(worst * 255) levels")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).filter { $0.hasPrefix(".") }.isEmpty)
    }
}
