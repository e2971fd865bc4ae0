import Foundation
import Testing
@testable import Imaging

/// Tests/Fixtures: the small PNGs of the reliability tests (Inputs/, made by make_inputs.py) and
/// the inputs that once broke the decoder (Regressions/png/: found by Scripts/fuzz.sh, or made by
/// hand for the same fault). Skipped when the fixtures are not next to Tests/.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

@Suite(.enabled(if: FileManager.default.fileExists(atPath: fixtures)))
struct PNGFixtureTests {
    static let regressions = fixtures + "/Regressions/png"
    static var regressionFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: regressions)) ?? []).sorted()
    }

    func input(_ name: String) throws -> Image { try PNG.read(fixtures + "/Inputs/" + name) }

    /// Every regression file is now either an image or one `ImagingError` of one line.
    @Test(arguments: regressionFiles)
    func regressionFileDecodesOrFailsInOneLine(_ name: String) {
        do {
            let image = try PNG.read(Self.regressions + "/" + name)
            #expect(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        } catch let error as ImagingError {
            #expect(!error.description.contains("\n"), "\(error)")
            #expect(error.description.hasPrefix(Self.regressions + "/" + name))
        } catch {
            Issue.record("not an ImagingError: \(error)")
        }
    }

    /// Found by the fuzzer: bytes of a second PNG signature read as a chunk type went into the error
    /// message as text, a newline among them. Chunk types must be four ASCII letters.
    @Test func aChunkTypeMustBeFourLetters() {
        let e = #expect(throws: ImagingError.self) { try PNG.read(Self.regressions + "/chunk-type-with-control-bytes.png") }
        #expect(e?.kind == .decodeFailed)
        #expect(e?.message.contains("the chunk at byte 64 has no valid type (bytes 1A 0A 00 00)") == true, "\(String(describing: e))")
    }

    /// An IHDR of 8000 × 8000 (within the 64-megapixel limit) over 120 pixels of data: refused from
    /// the chunk sizes, before libpng is asked for a 256 MB row buffer.
    @Test func aHeaderPromisingMoreThanTheDataHoldsIsRefused() {
        let e = #expect(throws: ImagingError.self) { try PNG.read(Self.regressions + "/64-megapixel-header-120-pixel-data.png") }
        #expect(e?.kind == .decodeFailed)
        #expect(e?.message.contains("8000×8000 pixels need at least 62") == true, "\(String(describing: e))")
    }

    /// The same 12 × 10 pattern stored every way the course accepts comes back as the same values:
    /// 16-bit samples v·257 read as v/255, Adam7 interlacing and a gAMA/sRGB chunk change nothing.
    @Test func everyEncodingOfOnePatternReadsAlike() throws {
        let rgb = try input("rgb8-gamma.png"), gray = try input("gray8.png")
        #expect(rgb.channels == 3 && rgb.width == 12 && rgb.height == 10 && gray.channels == 1)
        #expect(maxAbsDiff(try input("rgb16.png").pixels, rgb.pixels) < 1e-6)
        #expect(try input("interlaced-rgb8.png").pixels == rgb.pixels)
        #expect(maxAbsDiff(try input("gray16.png").pixels, gray.pixels) < 1e-6)
        #expect(maxAbsDiff(try input("rgba16.png").pixels, try input("rgba8.png").pixels) < 4e-5)
        // Columns 8… are an opaque edge of 255 − 60·c; with alpha the pattern is composited on white.
        #expect(abs(rgb[2, 3, 9] - Float(255 - 120) / 255) < 1e-6)
        let rgba = try input("rgba8.png")
        #expect(rgba[0, 0, 1] == 1)  // alpha 0: white
        #expect(abs(rgba[0, 0, 2] - (Float(128) / 255 * Float(2 * 21) / 255 + Float(127) / 255)) < 1e-6)
        let palette = try input("palette-alpha.png"), gray1 = try input("gray1.png"), grayAlpha = try input("gray-alpha8.png")
        #expect(palette.channels == 3 && gray1.channels == 1 && grayAlpha.channels == 1)
        #expect(palette[0, 0, 1] == 1 && abs(palette[2, 0, 2] - (Float(128) / 255 * 30 / 255 + Float(127) / 255)) < 1e-6)
        #expect(Set(gray1.pixels) == [0, 1])
    }
}
