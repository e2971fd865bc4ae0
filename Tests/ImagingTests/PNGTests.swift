import Foundation
import Testing
@testable import Imaging

@Suite struct PNGTests {
    // Sample patterns used to build the files, so expected values are computed, not stored.
    static func v8(_ c: Int, _ y: Int, _ x: Int) -> UInt8 { UInt8((x * 37 + y * 91 + c * 53 + 11) % 256) }
    static func v16(_ c: Int, _ y: Int, _ x: Int) -> UInt16 { UInt16((x * 9973 + y * 31337 + c * 12345 + 7) % 65536) }
    static let alphas8: [UInt8] = [255, 0, 128, 255, 64, 255, 1, 200]
    static let alphas16: [UInt16] = [65535, 0, 32768, 65535, 1000, 65535, 60000, 20000]
    static let (w, h) = (5, 3)

    func roundTripFile(_ bytes: [UInt8], _ name: String) throws -> Image {
        let dir = temporaryFolder(name)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/\(name).png"
        writeBytes(bytes, to: path)
        return try PNG.read(path)
    }

    @Test(arguments: [8, 16], [0, 2, 4, 6])
    func readsEveryDirectColourType(bitDepth: Int, colorType: Int) throws {
        let (w, h) = (Self.w, Self.h)
        let colour = colorType & 2 != 0, alpha = colorType & 4 != 0
        let nc = (colour ? 3 : 1) + (alpha ? 1 : 0)
        var rows: [[UInt8]] = []
        var expected = Image(channels: colour ? 3 : 1, height: h, width: w, value: 0)
        for y in 0..<h {
            var row: [UInt8] = []
            for x in 0..<w {
                let k = (y * w + x) % Self.alphas8.count
                let a: Float = alpha ? (bitDepth == 8 ? Float(Self.alphas8[k]) / 255 : Float(Self.alphas16[k]) / 65535) : 1
                for c in 0..<nc {
                    let isAlpha = alpha && c == nc - 1
                    if bitDepth == 8 {
                        let v = isAlpha ? Self.alphas8[k] : Self.v8(c, y, x)
                        row.append(v)
                        if !isAlpha { expected[c, y, x] = a * Float(v) / 255 + (1 - a) }
                    } else {
                        let v = isAlpha ? Self.alphas16[k] : Self.v16(c, y, x)
                        row += [UInt8(v >> 8), UInt8(v & 255)]
                        if !isAlpha { expected[c, y, x] = a * Float(v) / 65535 + (1 - a) }
                    }
                }
            }
            rows.append(row)
        }
        let bytes = makePNG(width: w, height: h, bitDepth: bitDepth, colorType: colorType, scanlines: rows)
        let im = try roundTripFile(bytes, "direct\(bitDepth)_\(colorType)")
        #expect(im.channels == (colour ? 3 : 1) && im.width == w && im.height == h)
        // 8-bit: exact up to float rounding; 16-bit alpha goes through libpng's premultiplication.
        #expect(maxAbsDiff(im.pixels, expected.pixels) < (bitDepth == 8 ? 2e-6 : 4e-5))
    }

    @Test func readsPaletteWithTransparencyAndLowBitGray() throws {
        let palette: [(UInt8, UInt8, UInt8)] = [(255, 0, 0), (0, 128, 255), (10, 20, 30), (200, 200, 0)]
        let trns: [UInt8] = [255, 0, 128]      // entry 3 has no tRNS entry: opaque
        // 2-bit indices, 4 pixels per byte: row 0 = 0,1,2,3 ; row 1 = 3,2,1,0
        let rows: [[UInt8]] = [[0b00_01_10_11], [0b11_10_01_00]]
        let im = try roundTripFile(makePNG(width: 4, height: 2, bitDepth: 2, colorType: 3, scanlines: rows,
                                           palette: palette, transparency: trns), "palette")
        #expect(im.channels == 3 && im.width == 4 && im.height == 2)
        func expect(_ idx: Int, _ y: Int, _ x: Int) {
            let a = Float(idx < trns.count ? trns[idx] : 255) / 255
            let p = palette[idx]
            let rgb = [p.0, p.1, p.2].map { a * Float($0) / 255 + (1 - a) }
            for c in 0..<3 { #expect(abs(im[c, y, x] - rgb[c]) < 1e-6, "index \(idx) channel \(c)") }
        }
        for (x, i) in [0, 1, 2, 3].enumerated() { expect(i, 0, x) }
        for (x, i) in [3, 2, 1, 0].enumerated() { expect(i, 1, x) }

        // 1-bit gray: 1 0 1 1 0 0 0 1 (a full byte) + 1 0 (second byte)
        let gray = try roundTripFile(makePNG(width: 10, height: 1, bitDepth: 1, colorType: 0,
                                             scanlines: [[0b1011_0001, 0b1000_0000]]), "gray1")
        #expect(gray.channels == 1)
        #expect(gray.pixels == [1, 0, 1, 1, 0, 0, 0, 1, 1, 0])
    }

    @Test func ignoresGammaChunks() throws {
        // A gAMA of 1/2.2 on a 16-bit file and of 1.0 on an 8-bit one: values are still read as stored.
        let g45: [UInt8] = [0, 0, 0xB1, 0x8F]       // 45455
        let g100: [UInt8] = [0, 1, 0x86, 0xA0]      // 100000
        let a = try roundTripFile(makePNG(width: 2, height: 1, bitDepth: 16, colorType: 0,
                                          scanlines: [[0x40, 0x00, 0xC0, 0x00]], extraChunks: [("gAMA", g45)]), "g16")
        #expect(abs(a.pixels[0] - Float(0x4000) / 65535) < 1e-6 && abs(a.pixels[1] - Float(0xC000) / 65535) < 1e-6)
        let b = try roundTripFile(makePNG(width: 2, height: 1, bitDepth: 8, colorType: 0,
                                          scanlines: [[64, 192]], extraChunks: [("gAMA", g100)]), "g8")
        #expect(maxAbsDiff(b.pixels, [64 / 255, 192 / 255]) < 1e-6)
    }

    @Test(arguments: [1, 3], [8, 16])
    func writeThenReadRoundTrips(channels: Int, bitDepth: Int) throws {
        let im = Image(channels: channels, height: 7, width: 9) { c, y, x in
            Float((x * 13 + y * 29 + c * 7) % 64) / 63
        }
        let dir = temporaryFolder("rt\(channels)_\(bitDepth)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.png"
        try im.writePNG(to: path, bitDepth: bitDepth)
        let back = try Image(contentsOfPNG: path)
        #expect(back.channels == channels && back.width == 9 && back.height == 7)
        let q: Float = bitDepth == 8 ? 255 : 65535
        #expect(maxAbsDiff(back.pixels, im.pixels) <= 0.5 / q + 1e-6)
        #expect(try PNG.header(path).bitDepth == bitDepth)
        // no temporary files left behind
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.png"])
        // values exact at the quantisation levels
        let exact = Image(channels: channels, height: 2, width: 2) { c, y, x in Float(c + y * 2 + x * 5) / q }
        try exact.writePNG(to: path, bitDepth: bitDepth)
        #expect(maxAbsDiff(try PNG.read(path).pixels, exact.pixels) < 1e-7)
    }

    @Test func writeReplacesAnExistingFileAndReportsAMissingFolder() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/x.png"
        try Image(channels: 1, height: 2, width: 2, value: 0.2).writePNG(to: path)
        try Image(channels: 1, height: 3, width: 3, value: 0.8).writePNG(to: path)
        #expect(try PNG.read(path).width == 3)
        let missing = dir + "/no/such/folder/x.png"
        let e = #expect(throws: ImagingError.self) { try Image(channels: 1, height: 1, width: 1).writePNG(to: missing) }
        #expect(e?.kind == .writeFailed && e?.description.contains(missing) == true)
    }

    // MARK: bad files — each a thrown ImagingError naming the file and the problem.

    func expectError(_ kind: ImagingError.Kind, _ path: String, mentioning words: String) {
        let e = #expect(throws: ImagingError.self) { _ = try PNG.read(path) }
        #expect(e?.kind == kind, "\(String(describing: e))")
        #expect(e?.description.hasPrefix(path) == true)
        #expect(e?.description.contains(words) == true, "\(String(describing: e))")
        #expect(e?.description.contains("\n") == false)
    }

    @Test func badFiles() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = makePNG(width: 4, height: 4, bitDepth: 8, colorType: 2, scanlines: Array(repeating: Array(repeating: 100, count: 12), count: 4))

        expectError(.fileNotFound, dir + "/missing.png", mentioning: "no such file")

        let sub = dir + "/folder.png"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        expectError(.isDirectory, sub, mentioning: "directory")

        writeBytes([], to: dir + "/empty.png")
        expectError(.emptyFile, dir + "/empty.png", mentioning: "empty")

        writeBytes(Array("GIF89a, certainly not a PNG".utf8), to: dir + "/gif.png")
        expectError(.notPNG, dir + "/gif.png", mentioning: "not a PNG")

        for cut in [5, 20, good.count / 2, good.count - 3] {
            writeBytes(Array(good[0..<cut]), to: dir + "/cut\(cut).png")
            expectError(.truncated, dir + "/cut\(cut).png", mentioning: "truncated")
        }

        // IHDR claiming 100000 × 100000 pixels (1e10): rejected from the header, before allocating.
        var huge = good
        huge[16..<24] = [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0]
        writeBytes(huge, to: dir + "/huge.png")
        expectError(.tooLarge, dir + "/huge.png", mentioning: "100000×100000")

        // Corrupt image data with intact structure: libpng's CRC check fails.
        var corrupt = good
        corrupt[good.count - 20] ^= 0xFF
        writeBytes(corrupt, to: dir + "/corrupt.png")
        let e = #expect(throws: ImagingError.self) { _ = try PNG.read(dir + "/corrupt.png") }
        #expect(e?.description.hasPrefix(dir + "/corrupt.png") == true)

        // and the good one reads
        writeBytes(good, to: dir + "/good.png")
        #expect(try PNG.read(dir + "/good.png").pixels.allSatisfy { abs($0 - Float(100) / 255) < 1e-6 })
    }
}

/// The course photos read as Pillow reads them (values from
/// `np.asarray(PIL.Image.open("Data/astronaut.png"))[100, 200]` → [81 57 17], its mean 114.59900410970052;
/// camera.png [300, 100] → 25). Skipped if Data/ is not next to Tests/.
@Suite struct CoursePhotoTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: data + "/astronaut.png")))
    func readsCoursePhotosLikePillow() throws {
        let a = try PNG.read(Self.data + "/astronaut.png")
        #expect(a.channels == 3 && a.width == 512 && a.height == 512)
        #expect([a[0, 100, 200], a[1, 100, 200], a[2, 100, 200]].map { ($0 * 255).rounded() } == [81, 57, 17])
        let mean = a.pixels.reduce(0.0) { $0 + Double($1) } / Double(a.pixels.count) * 255
        #expect(abs(mean - 114.59900410970052) < 1e-4)   // Float k/255 round trip
        let c = try PNG.read(Self.data + "/camera.png")
        #expect(c.channels == 1 && (c[0, 300, 100] * 255).rounded() == 25)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: data + "/LICENSES.md")))
    func everyPhotoIsListedInLicenses() throws {
        let licences = try String(contentsOfFile: Self.data + "/LICENSES.md", encoding: .utf8)
        let pngs = try FileManager.default.contentsOfDirectory(atPath: Self.data).filter { $0.hasSuffix(".png") }
        #expect(pngs.count >= 6)
        for f in pngs { #expect(licences.contains("`\(f)`"), "\(f) missing from LICENSES.md") }
    }
}
