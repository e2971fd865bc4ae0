import Autograd
import Foundation
import Testing
@testable import Imaging

@Suite struct KernelAnalysisTests {
    static let box5 = Kernel([[1, 1, 1, 1, 1]])

    @Test func transferMagnitudeOfABoxIsTheDirichletKernel() {
        // A horizontal box of length L: |K(u)| = |sin(πLu) / (L sin(πu))|, u = k/cols, the same on every row.
        let rows = 16, cols = 64, l = 5.0
        let m = Self.box5.transferMagnitude(rows: rows, cols: cols)
        for r in [0, 5, rows / 2, rows - 1] {
            for c in 0..<cols {
                let u = Double(c - cols / 2) / Double(cols)
                let expected = u == 0 ? 1 : abs(sin(.pi * l * u) / (l * sin(.pi * u)))
                #expect(abs(Double(m[r * cols + c]) - expected) < 1e-5, "row \(r) col \(c)")
            }
        }
        // its zeros sit at multiples of 1/L: u = 1/5 is not on this grid, but the minimum is near it
        let centreRow = Array(m[(rows / 2 * cols)..<((rows / 2 + 1) * cols)])
        #expect(centreRow[cols / 2] == 1)
    }

    @Test func transferMagnitudeSatisfiesParseval() {
        // Σ_ω |K(ω)|² = N · Σ k², for any kernel, here a camera-shake kernel.
        var rng = RandomGenerator(seed: 5)
        let k = CameraShake(maxLength: 20).trajectory(using: &rng).kernel()
        let rows = 48, cols = 40
        let m = k.transferMagnitude(rows: rows, cols: cols)
        let lhs: Double = m.reduce(0) { $0 + Double($1 * $1) }
        let energy: Double = k.weights.reduce(0) { $0 + Double($1 * $1) }
        let rhs = Double(rows * cols) * energy
        #expect(abs(lhs - rhs) / rhs < 1e-4)
        #expect(Kernel.identity.transferMagnitude(rows: 8, cols: 8).allSatisfy { abs($0 - 1) < 1e-6 })
    }

    @Test func supportExtentAndRMSRadius() {
        #expect(Kernel.identity.padded(height: 5, width: 7).supportExtent == (1, 1))
        #expect(Self.box5.padded(height: 3, width: 9).supportExtent == (1, 5))
        #expect(Kernel.identity.rmsRadius == 0)
        // box of 5: mean of j² over j = −2…2 is 2
        #expect(abs(Self.box5.rmsRadius - 2.0.squareRoot()) < 1e-6)
        // padding does not move the centre of mass or change the spread
        #expect(abs(Self.box5.padded(height: 7, width: 11).rmsRadius - 2.0.squareRoot()) < 1e-6)
        // Gaussian: E[r²] = 2σ² (slightly less after truncation at 3σ)
        let g = Kernel.gaussian(sigma: 2, radius: 10)
        #expect(abs(g.rmsRadius - (2 * 4.0).squareRoot()) < 0.01)
    }
}
