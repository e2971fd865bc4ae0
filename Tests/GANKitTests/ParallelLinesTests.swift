import Autograd
import Foundation
import Testing
@testable import GANKit

@Suite struct ParallelLinesClosedForms {
    /// P_θ = δ_θ × U[0, 1] shares its second factor with P₀, so divergences that compare densities
    /// reduce to those of the x-marginals δ₀ and δ_θ: two cells of a table.
    @Test(arguments: [-1.0, 0.01, 0.5])
    func divergencesMatchTheMarginals(_ theta: Double) {
        let (p0, pTheta) = ([1.0, 0.0], [0.0, 1.0])
        #expect(ParallelLines.js(theta) == Divergence.js(p0, pTheta))
        #expect(ParallelLines.kl(theta) == Divergence.kl(pTheta, p0))
        #expect(ParallelLines.totalVariation(theta) == Divergence.totalVariation(p0, pTheta))
        #expect(ParallelLines.js(0) == 0 && ParallelLines.kl(0) == 0 && ParallelLines.wasserstein(0) == 0)
    }

    /// W is squeezed between the x-marginals' exact W₁ (a lower bound) and the cost of moving each
    /// (0, z) to (θ, z) (an upper bound); both are |θ|.
    @Test(arguments: [-0.8, 0.3])
    func wassersteinIsTheShift(_ theta: Double) {
        var rng = RandomGenerator(seed: 9)
        let p0 = ParallelLines.sample(500, theta: 0, using: &rng).data
        let pTheta = ParallelLines.sample(500, theta: theta, using: &rng).data
        let lower = Wasserstein.exact1D(stride(from: 0, to: 1000, by: 2).map { Double(p0[$0]) },
                                        stride(from: 0, to: 1000, by: 2).map { Double(pTheta[$0]) })
        #expect(abs(lower - abs(theta)) < 1e-6)
        #expect(abs(ParallelLines.wasserstein(theta) - abs(theta)) < 1e-12)
        #expect(pTheta.enumerated().allSatisfy { $0.offset % 2 == 1 ? (0..<1).contains($0.element) : $0.element == Float(theta) })
    }
}
