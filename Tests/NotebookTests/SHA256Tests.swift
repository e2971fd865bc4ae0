import Foundation
import Testing
@testable import Notebook

@Suite struct SHA256Tests {
    @Test func nistVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func twoBlockVectorAndIncrementalUpdates() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hex(message) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var h = SHA256()
        for chunk in stride(from: 0, to: message.utf8.count, by: 7) {
            h.update(Array(message.utf8)[chunk..<min(chunk + 7, message.utf8.count)])
        }
        #expect(h.finalize() == SHA256.hex(message))
    }

    @Test func matchesSha256sumOnAFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString).bin")
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<(3 << 20) + 17).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let reference = try runTool("/usr/bin/env", ["sha256sum", url.path]).output.split(separator: " ").first.map(String.init)
        #expect(SHA256.hex(fileAt: url) == reference)
        #expect(SHA256.hex(bytes) == reference)
    }
}
