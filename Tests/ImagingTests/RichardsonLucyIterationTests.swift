import Foundation
import Testing
@testable import Imaging

@Suite struct RichardsonLucyIterationTests {
    struct Stop: Error {}

    @Test func callbackSeesEveryIterateAndTheLastIsTheResult() {
        let sharp = testPicture(channels: 1, height: 32, width: 32)
        let k = Kernel.linearMotion(length: 6, angle: 20)
        let y = sharp.convolved(with: k)
        var seen: [Int] = []
        var last: Image?
        let x = Deconvolution.richardsonLucy(y, kernel: k, iterations: 7) { n, estimate in
            seen.append(n); last = estimate
        }
        #expect(seen == Array(1...7))
        #expect(last == x)
        // the same as a run without a callback, and as a shorter run at its own step
        #expect(Deconvolution.richardsonLucy(y, kernel: k, iterations: 7) == x)
        var third: Image?
        _ = Deconvolution.richardsonLucy(y, kernel: k, iterations: 5) { n, e in if n == 3 { third = e } }
        #expect(third == Deconvolution.richardsonLucy(y, kernel: k, iterations: 3))
        var calls = 0
        _ = Deconvolution.richardsonLucy(y, kernel: k, iterations: 0) { _, _ in calls += 1 }
        #expect(calls == 0)
    }

    @Test func throwingStopsTheIteration() {
        let y = testPicture(channels: 1, height: 24, width: 24)
        var calls = 0
        #expect(throws: Stop.self) {
            _ = try Deconvolution.richardsonLucy(y, kernel: .gaussian(sigma: 1), iterations: 50) { n, _ in
                calls += 1
                if n == 4 { throw Stop() }
            }
        }
        #expect(calls == 4)
    }
}
