import Foundation
@testable import Imaging

/// A fresh temporary folder for one test.
func temporaryFolder(_ name: String = #function) -> String {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("imaging-tests-\(safe)-\(UInt32.random(in: 0...UInt32.max))").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// A minimal PNG encoder written independently of libpng (stored, uncompressed deflate blocks,
/// filter type 0), so that the reader is tested on files libpng did not write. `scanlines` are the
/// raw bytes of each row, without the filter byte.
func makePNG(width: Int, height: Int, bitDepth: Int, colorType: Int, scanlines: [[UInt8]],
             palette: [(UInt8, UInt8, UInt8)]? = nil, transparency: [UInt8]? = nil,
             extraChunks: [(String, [UInt8])] = []) -> [UInt8] {
    func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
    func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let td = Array(type.utf8) + data
        return be32(data.count) + td + be32(Int(crc32(td)))
    }
    var raw: [UInt8] = []
    for row in scanlines { raw.append(0); raw += row }
    // zlib stream of stored blocks
    var z: [UInt8] = [0x78, 0x01]
    var i = 0
    repeat {
        let n = min(65535, raw.count - i)
        let final: UInt8 = i + n == raw.count ? 1 : 0
        z += [final, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8((~n >> 8) & 255)]
        z += raw[i..<(i + n)]
        i += n
    } while i < raw.count
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
    z += be32(Int(b << 16 | a))
    var png: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
    png += chunk("IHDR", be32(width) + be32(height) + [UInt8(bitDepth), UInt8(colorType), 0, 0, 0])
    for (t, d) in extraChunks { png += chunk(t, d) }
    if let palette { png += chunk("PLTE", palette.flatMap { [$0.0, $0.1, $0.2] }) }
    if let transparency { png += chunk("tRNS", transparency) }
    png += chunk("IDAT", z)
    png += chunk("IEND", [])
    return png
}

func writeBytes(_ bytes: [UInt8], to path: String) {
    precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot create \(path)")
}

/// Largest absolute difference.
func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    var m: Float = 0
    for i in 0..<a.count { m = max(m, abs(a[i] - b[i])) }
    return m
}

/// A smooth-plus-edges test picture: gradients, a disc, a bright square and stripes.
func testPicture(channels: Int = 1, height: Int = 48, width: Int = 48) -> Image {
    Image(channels: channels, height: height, width: width) { c, y, x in
        let fx = Float(x) / Float(width), fy = Float(y) / Float(height)
        var v: Float = 0.25 + 0.3 * fx + 0.1 * fy + 0.05 * Float(c)
        let dx = fx - 0.35, dy = fy - 0.6
        if dx * dx + dy * dy < 0.04 { v = 0.85 - 0.1 * Float(c) }
        if x > width * 6 / 10 && x < width * 8 / 10 && y > height / 8 && y < height * 4 / 10 { v = 0.95 }
        if y > height * 8 / 10 && (x / 3) % 2 == 0 { v = 0.1 }
        return v
    }
}
