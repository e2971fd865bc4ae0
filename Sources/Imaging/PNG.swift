import CPNG
import Files
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// PNG reading and writing through libpng's simplified `png_image` API. That API reports errors as
/// return codes plus `png_image.message` (libpng's own setjmp/longjmp stays inside the C library),
/// which is the only safe way to use libpng from Swift: Swift code cannot survive a longjmp.
///
/// Reading accepts every PNG colour type and bit depth: 1/2/4/8/16-bit gray, gray+alpha, RGB,
/// RGBA and palette (with or without tRNS transparency).
/// - Gray files give a 1-channel image, colour and palette files a 3-channel image.
/// - Alpha is **composited on white**: `v = a·v + (1 − a)` in the stored (gamma-encoded) values —
///   how a viewer shows a transparent PNG on a white page. The alpha channel is then dropped.
/// - Values are taken as stored, without colour management: gAMA, sRGB, iCCP and cHRM chunks are
///   ignored (removed before decoding), so an 8-bit value v reads as v/255 and a 16-bit value as
///   v/65535, whatever the file claims about its gamma.
/// - 8-bit images come back exact (k/255); 16-bit images keep their 16-bit precision.
///
/// Before decoding, the bytes are checked: missing file, a directory, an empty file, a wrong
/// signature, a missing or damaged IHDR, chunks running past the end of the data (truncation), and
/// dimensions over `PNG.maxPixels` or more than the compressed data can hold are each reported as
/// an `ImagingError` naming the file — no memory is allocated for a picture that is too large.
public enum PNG {
    /// The largest image accepted: 64 megapixels (a 64 MP RGB image is 768 MB of Float32 pixels).
    public static let maxPixels = 64 * 1024 * 1024
    /// The largest side accepted.
    public static let maxSide = 1 << 20

    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    /// What the header says about a PNG file.
    public struct Header: Sendable, Equatable {
        public let width: Int
        public let height: Int
        public let bitDepth: Int
        /// 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
        public let colorType: Int
        public var hasColor: Bool { colorType & 2 != 0 }
    }

    // MARK: Reading

    /// Reads a PNG file into an image with values in [0, 1] (see the type's notes for what is done
    /// with alpha, gamma and bit depth).
    public static func read(_ path: String) throws -> Image {
        let bytes = try readFileBytes(path)
        return try decode(bytes, path: path)
    }

    public static func read(_ url: URL) throws -> Image { try read(url.path) }

    /// The header of a PNG file, without decoding its pixels.
    public static func header(_ path: String) throws -> Header {
        let bytes = try readFileBytes(path)
        return try validate(bytes, path: path).header
    }

    /// Decodes PNG bytes; `path` only labels errors.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> Image {
        let (header, cleaned) = try validate(bytes, path: path)
        let sixteen = header.bitDepth == 16
        let color = header.hasColor
        let outChannels = color ? 3 : 1
        let fileChannels = outChannels + 1   // always read with alpha, composite ourselves
        // 8-bit output keeps 8-bit (sRGB-assumed) values as stored. 16-bit files are read into the
        // 16-bit "linear" formats: with the colour chunks removed libpng assumes such a file is
        // linear, so it leaves values as stored, and gives alpha premultiplied ("associated").
        var format: UInt32 = 0x01   // PNG_FORMAT_FLAG_ALPHA
        if color { format |= 0x02 } // PNG_FORMAT_FLAG_COLOR
        if sixteen { format |= 0x04 } // PNG_FORMAT_FLAG_LINEAR

        // libpng keeps reading from the memory given to begin_read until finish_read returns, so
        // the whole decode happens inside one withUnsafeBytes.
        return try cleaned.withUnsafeBytes { raw -> Image in
            try decodeMemory(raw, path: path, format: format, sixteen: sixteen,
                             outChannels: outChannels, fileChannels: fileChannels)
        }
    }

    private static func decodeMemory(_ raw: UnsafeRawBufferPointer, path: String, format: UInt32, sixteen: Bool,
                                     outChannels: Int, fileChannels: Int) throws -> Image {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        guard begun != 0 else {
            let msg = message(of: &image)
            png_image_free(&image)
            throw ImagingError(.decodeFailed, path: path, "cannot decode PNG: \(msg)")
        }
        image.format = format
        let w = Int(image.width), h = Int(image.height)
        let pixels = sixteen
            ? finishRead(&image, UInt16.self, premultiplied: true, outChannels: outChannels, fileChannels: fileChannels)
            : finishRead(&image, UInt8.self, premultiplied: false, outChannels: outChannels, fileChannels: fileChannels)
        guard let pixels else {
            let msg = message(of: &image)
            png_image_free(&image)
            throw ImagingError(msg.contains("end of data") || msg.contains("Not enough") ? .truncated : .decodeFailed,
                               path: path, "cannot decode PNG: \(msg)")
        }
        if image.warning_or_error != 0 { png_image_free(&image) }
        return Image(channels: outChannels, height: h, width: w, pixels: pixels)
    }

    /// Finishes the read into `Sample`-sized channels (colour then alpha) and composites on white,
    /// planar. 16-bit "linear" buffers come premultiplied by alpha, 8-bit ones do not.
    private static func finishRead<Sample: FixedWidthInteger & UnsignedInteger>(
        _ image: inout png_image, _: Sample.Type, premultiplied: Bool, outChannels: Int, fileChannels: Int
    ) -> [Float]? {
        let w = Int(image.width), n = w * Int(image.height)
        var buf = [Sample](repeating: 0, count: fileChannels * n)
        let ok = buf.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(fileChannels * w), nil) }
        guard ok != 0 else { return nil }
        let scale = 1 / Float(Sample.max)
        var pixels = [Float](repeating: 0, count: outChannels * n)
        for i in 0..<n {
            let a = Float(buf[i * fileChannels + outChannels]) * scale
            for c in 0..<outChannels {
                let v = Float(buf[i * fileChannels + c]) * scale
                // colour (weighted by alpha) + white × (1 − alpha); exactly v where opaque
                pixels[c * n + i] = min((premultiplied ? v : a * v) + (1 - a), 1)
            }
        }
        return pixels
    }

    static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            let s = String(decoding: bytes, as: UTF8.self)
            return s.isEmpty ? "unknown libpng error" : s
        }
    }

    static func readFileBytes(_ path: String) throws -> [UInt8] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ImagingError(.fileNotFound, path: path, "no such file")
        }
        if isDir.boolValue {
            throw ImagingError(.isDirectory, path: path, "is a directory, not a PNG file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImagingError(.readFailed, path: path, "cannot open for reading (permission denied?)")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.readToEnd() ?? Data() } catch {
            throw ImagingError(.readFailed, path: path, "cannot read: \(error.localizedDescription)")
        }
        if data.isEmpty { throw ImagingError(.emptyFile, path: path, "empty file (0 bytes), not a PNG image") }
        return [UInt8](data)
    }

    static func be32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    /// Checks the signature, IHDR, dimensions and chunk structure; returns the header and the bytes
    /// with the colour-management chunks (gAMA, sRGB, iCCP, cHRM) removed.
    static func validate(_ b: [UInt8], path: String) throws -> (header: Header, bytes: [UInt8]) {
        if b.isEmpty { throw ImagingError(.emptyFile, path: path, "empty file (0 bytes), not a PNG image") }
        guard b.count >= 8, Array(b[0..<8]) == signature else {
            if b.count < 8 && Array(b) == Array(signature[0..<b.count]) {
                throw ImagingError(.truncated, path: path, "truncated PNG: only \(b.count) bytes")
            }
            throw ImagingError(.notPNG, path: path, "not a PNG file (the first 8 bytes are not the PNG signature)")
        }
        guard b.count >= 8 + 8 + 13 + 4 else {
            throw ImagingError(.truncated, path: path, "truncated PNG: \(b.count) bytes end inside the IHDR header")
        }
        guard be32(b, 8) == 13, b[12] == 73, b[13] == 72, b[14] == 68, b[15] == 82 else {
            throw ImagingError(.decodeFailed, path: path, "damaged PNG: the first chunk is not a 13-byte IHDR")
        }
        let width = be32(b, 16), height = be32(b, 20)
        let depth = Int(b[24]), colorType = Int(b[25])
        guard width > 0, height > 0 else {
            throw ImagingError(.decodeFailed, path: path, "damaged PNG: IHDR gives \(width)×\(height) pixels")
        }
        guard width <= maxSide, height <= maxSide, width * height <= maxPixels else {
            throw ImagingError(.tooLarge, path: path,
                               "image of \(width)×\(height) pixels exceeds the limit of \(maxPixels / (1024 * 1024)) megapixels")
        }
        guard [0, 2, 3, 4, 6].contains(colorType), [1, 2, 4, 8, 16].contains(depth) else {
            throw ImagingError(.decodeFailed, path: path,
                               "damaged PNG: unsupported colour type \(colorType) / bit depth \(depth)")
        }
        // Walk the chunks: every chunk must fit, and IEND must be reached.
        var out: [UInt8] = Array(b[0..<8])
        out.reserveCapacity(b.count)
        var i = 8
        var sawIEND = false, sawIDAT = false
        var imageDataBytes = 0
        while i < b.count {
            guard i + 8 <= b.count else { break }
            let len = be32(b, i)
            let typeBytes = b[(i + 4)..<(i + 8)]
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                let hex = typeBytes.map { String(format: "%02X", $0) }.joined(separator: " ")
                throw ImagingError(.decodeFailed, path: path, "damaged PNG: the chunk at byte \(i) has no valid type (bytes \(hex))")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let end = i + 12 + len
            guard len < 0x8000_0000, end <= b.count else {
                throw ImagingError(.truncated, path: path,
                                   "truncated PNG: the \(type) chunk at byte \(i) needs \(len) bytes, the file ends at \(b.count)")
            }
            if type == "IDAT" { sawIDAT = true; imageDataBytes += len }
            if !["gAMA", "sRGB", "iCCP", "cHRM"].contains(type) { out += b[i..<end] }
            i = end
            if type == "IEND" { sawIEND = true; break }
        }
        guard sawIEND else {
            throw ImagingError(.truncated, path: path,
                               sawIDAT ? "truncated PNG: the data ends before the IEND chunk"
                                       : "truncated PNG: the data ends before any image data (IDAT)")
        }
        // Deflate compresses at most 1032:1, so a header promising more pixels than the image data
        // can hold is refused here, before the decoder allocates room for them.
        let samplesPerPixel = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]!
        let scanlineBytes = height * (1 + (width * samplesPerPixel * depth + 7) / 8)
        guard scanlineBytes <= 1032 * imageDataBytes + 1024 else {
            throw ImagingError(.decodeFailed, path: path, "damaged PNG: \(width)×\(height) pixels need at least "
                               + "\(scanlineBytes / 1032) bytes of compressed image data, the file has \(imageDataBytes)")
        }
        return (Header(width: width, height: height, bitDepth: depth, colorType: colorType), out)
    }

    // MARK: Writing

    /// Encodes an image as PNG: 1 channel → gray, 3 channels → RGB, 8 or 16 bits per sample.
    /// Values are clamped to [0, 1] and rounded to the nearest level. 8-bit files carry an sRGB
    /// chunk (libpng's default); 16-bit files carry no colour chunk (libpng would mark them linear,
    /// which they are not: they hold the same gamma-encoded values as the 8-bit ones).
    public static func encode(_ image: Image, bitDepth: Int = 8, path: String = "<memory>") throws -> [UInt8] {
        guard bitDepth == 8 || bitDepth == 16 else {
            throw ImagingError(.invalidArgument, path: path, "PNG bit depth must be 8 or 16, got \(bitDepth)")
        }
        guard image.channels == 1 || image.channels == 3 else {
            throw ImagingError(.invalidArgument, path: path,
                               "can only write 1- or 3-channel images as PNG, got \(image.channels) channels")
        }
        let c = image.channels, n = image.planeSize, w = image.width
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = (c == 3 ? 0x02 : 0) | (bitDepth == 16 ? 0x04 : 0)
        var size = 0
        var result: [UInt8] = []
        func run(_ buffer: UnsafeRawPointer) throws {
            guard png_image_write_to_memory(&png, nil, &size, 0, buffer, Int32(c * w), nil) != 0 else {
                throw ImagingError(.encodeFailed, path: path, "cannot encode PNG: \(message(of: &png))")
            }
            result = [UInt8](repeating: 0, count: size)
            let ok = result.withUnsafeMutableBytes { m in
                png_image_write_to_memory(&png, m.baseAddress, &size, 0, buffer, Int32(c * w), nil)
            }
            guard ok != 0 else {
                throw ImagingError(.encodeFailed, path: path, "cannot encode PNG: \(message(of: &png))")
            }
            result.removeLast(result.count - size)
        }
        if bitDepth == 16 {
            var buf = [UInt16](repeating: 0, count: c * n)
            image.pixels.withUnsafeBufferPointer { p in
                for i in 0..<n { for k in 0..<c {
                    buf[i * c + k] = UInt16((min(max(p[k * n + i], 0), 1) * 65535).rounded())
                } }
            }
            try buf.withUnsafeBytes { try run($0.baseAddress!) }
            result = removingChunks(["gAMA", "sRGB", "cHRM"], from: result)
        } else {
            var buf = [UInt8](repeating: 0, count: c * n)
            image.pixels.withUnsafeBufferPointer { p in
                for i in 0..<n { for k in 0..<c {
                    buf[i * c + k] = UInt8((min(max(p[k * n + i], 0), 1) * 255).rounded())
                } }
            }
            try buf.withUnsafeBytes { try run($0.baseAddress!) }
        }
        return result
    }

    static func removingChunks(_ types: Set<String>, from b: [UInt8]) -> [UInt8] {
        var out = Array(b[0..<8])
        var i = 8
        while i + 12 <= b.count {
            let end = i + 12 + be32(b, i)
            let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            if !types.contains(type) { out += b[i..<min(end, b.count)] }
            i = end
        }
        return out
    }

    /// Writes an image as a PNG file, atomically: the bytes go to a temporary file in the same
    /// folder, which is then renamed over `path`, so readers never see a half-written file and an
    /// interrupted write leaves any previous file intact.
    public static func write(_ image: Image, to path: String, bitDepth: Int = 8) throws {
        let bytes = try encode(image, bitDepth: bitDepth, path: path)
        try writeAtomically(bytes, to: path)
    }

    public static func write(_ image: Image, to url: URL, bitDepth: Int = 8) throws {
        try write(image, to: url.path, bitDepth: bitDepth)
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do { try AtomicFile.write(bytes, to: URL(fileURLWithPath: path), createFolder: false) } catch {
            throw ImagingError(.writeFailed, path: path, "cannot write: \(error)")
        }
    }
}

extension Image {
    /// Reads a PNG file (see `PNG`).
    public init(contentsOfPNG path: String) throws { self = try PNG.read(path) }

    /// Writes the image as a PNG file, atomically (see `PNG.write`).
    public func writePNG(to path: String, bitDepth: Int = 8) throws {
        try PNG.write(self, to: path, bitDepth: bitDepth)
    }
}
