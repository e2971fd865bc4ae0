import Autograd
import Foundation
import Plot
import Testing
@testable import GANKit

@Suite struct Comparison {
    func tiny(_ variants: [GANLoss], data: ToyData = .eightGaussians, seeds: [UInt64] = [1, 2]) -> GANComparison {
        var c = GANComparison(variants: variants, data: data, steps: 4, seeds: seeds, snapshots: 3)
        c.width = 8; c.depth = 1; c.batchSize = 16; c.criticSteps = 2; c.evaluationSize = 64
        return c
    }

    @Test func meanAndSampleStandardDeviation() {
        let m = MeanSD([1, 2, 3, 4, .nan])
        #expect(m.count == 4)
        #expect(abs(m.mean - 2.5) < 1e-12)
        #expect(abs(m.sd - (5.0 / 3).squareRoot()) < 1e-12)   // Σ(x − 2.5)² = 5, over n − 1 = 3
        #expect(m.formatted(2) == "2.50 ± 1.29")
        #expect(MeanSD([7]).sd == 0)
        #expect(MeanSD([.nan]).formatted(1) == "–")
    }

    @Test func snapshotStepsAreEvenlySpacedAndIncludeBothEnds() {
        #expect(GANComparison(variants: [.minimax], data: .swissRoll, steps: 600, seeds: [1]).snapshotSteps == [0, 150, 300, 450, 600])
        #expect(GANComparison(variants: [.minimax], data: .swissRoll, steps: 10, seeds: [1], snapshots: 3).snapshotSteps == [0, 5, 10])
    }

    @Test func everyVariantShareTheConfigurationButTheLoss() {
        let c = tiny([.minimax, .wgan(clip: 0.01), .wganGP(lambda: 10)])
        let configs = c.variants.map(c.config(for:))
        #expect(Set(configs.map { "\($0.width) \($0.depth) \($0.batchSize) \($0.criticSteps) \($0.steps) \($0.snapshotSteps)" }).count == 1)
        #expect(configs[0].dOptimiser == .adam(learningRate: Float(1e-4) * 10, beta1: 0.5, beta2: 0.9))
        #expect(configs[0].gOptimiser == .adam(learningRate: 1e-4, beta1: 0.5, beta2: 0.9))
        #expect(configs[1].dOptimiser == .rmsprop(learningRate: Float(5e-5) * 10))
        #expect(configs[1].gOptimiser == .rmsprop(learningRate: 5e-5))
    }

    @Test func runsTableAndDeterminism() throws {
        let c = tiny([.minimax, .wganGP(lambda: 10)])
        let a = try c.runAll(), b = try c.runAll()
        #expect(a.runs.map(\.variant) == ["minimax", "minimax", "wgan-gp", "wgan-gp"])
        #expect(a.runs.map(\.seed) == [1, 2, 1, 2])
        #expect(a.runs.map(\.slicedWasserstein) == b.runs.map(\.slicedWasserstein))
        #expect(a.runs.map(\.generatorLoss) == b.runs.map(\.generatorLoss))
        for run in a.runs {
            #expect(run.snapshots.map(\.step) == [0, 2, 4])
            #expect(run.divergedAt == nil && run.slicedWasserstein.isFinite && run.slicedWasserstein > 0)
            #expect((0...8).contains(run.modesCovered) && run.modeCount == 8)
        }
        #expect(a.tableRows.count == 2)
        #expect(a.tableRows.allSatisfy { $0.count == ComparisonResult.tableHeader.count })
        #expect(a.runRows.allSatisfy { $0.count == ComparisonResult.runsHeader.count })
        let md = a.markdown.components(separatedBy: "\n")
        #expect(md[0].hasPrefix("| variant | modes covered (of 8) |"))
        #expect(md[2].hasPrefix("| minimax | ") && md[3].hasPrefix("| wgan-gp | "))
        #expect(md[2].hasSuffix("| 0/2 |"))
        let row = try #require(a.row("wgan-gp"))
        #expect(row.runs == 2 && row.slicedWasserstein.count == 2)
        let fig = Figure(width: 800, height: ComparisonResult.gridHeight(rows: 2))
        a.drawSnapshotGrid(fig)
        #expect(try fig.pngData().count > 1000)
    }

    @Test func curvesAreMeasuredAtEvenlySpacedStepsAndEndAtTheFinalMetrics() throws {
        let c = tiny([.minimax, .wganGP(lambda: 10)])
        #expect(c.curveSteps == [0, 1, 2, 3, 4])
        #expect(Set(c.snapshotSteps).isSubset(of: c.curveSteps))
        let r = try c.runAll()
        for run in r.runs {
            #expect(run.curve.map(\.step) == c.curveSteps)
            #expect(run.snapshots.map(\.step) == c.snapshotSteps, "the grid keeps only its own columns")
            let last = try #require(run.curve.last)
            #expect(last.slicedWasserstein == run.slicedWasserstein && last.modesCovered == run.modesCovered)
        }
        #expect(r.curveRows.count == 2 * c.curveSteps.count)
        #expect(r.curveRows.allSatisfy { $0.count == ComparisonResult.curvesHeader.count && $0[2] as? Int == 2 })
        // The row for wgan-gp at step 4: the mean over its two seeds of their final sliced W₁.
        let row = try #require(r.curveRows.first { $0[0] as? String == "wgan-gp" && $0[1] as? Int == 4 })
        let finals = r.runs.filter { $0.variant == "wgan-gp" }.map(\.slicedWasserstein)
        #expect(abs((row[7] as! Double) - (finals[0] + finals[1]) / 2) < 1e-12)
        let (steps, values) = r.curve("minimax", \.slicedWasserstein)
        #expect(steps == [0, 1, 2, 3, 4] && values.allSatisfy { $0.count == 2 })
        let fig = Figure(width: 800, height: ComparisonResult.summaryHeight)
        r.drawSummary(fig)
        #expect(try fig.pngData().count > 1000)
        #expect(r.caption.contains("4 generator steps"))
    }

    @Test func theSwissRollHasNoModesToCount() throws {
        let r = try tiny([.hinge], data: .swissRoll, seeds: [3]).runAll()
        #expect(r.runs[0].modesCovered.isNaN && r.runs[0].slicedWasserstein.isFinite)
        #expect(r.markdown.contains("| hinge | – | – | "))
    }

    @Test func aDivergedRunIsKeptAndMarked() throws {
        var c = tiny([.nonSaturating], seeds: [5])
        c.discriminatorLearningRateScale = 1e34; c.generatorLearningRateScale = 1e34
        let r = try c.runAll()
        let run = r.runs[0]
        #expect(run.divergedAt != nil)
        #expect(run.slicedWasserstein.isNaN && run.modesCovered.isNaN)
        #expect(run.curve.allSatisfy { $0.step < run.divergedAt! }, "no curve point after the divergence")
        #expect(r.markdown.contains("| 1/1 |"))
        let fig = Figure(width: 800, height: ComparisonResult.summaryHeight)
        r.drawSummary(fig)
        #expect(try fig.pngData().count > 1000)
    }

    @Test func discriminatorLossFromLoggedParts() {
        #expect(GANLoss.minimax.totalDiscriminatorLoss(["d_loss": 1.25]) == 1.25)
        #expect(GANLoss.wgan(clip: 0.01).totalDiscriminatorLoss(["critic_estimate": 0.5]) == -0.5)
        #expect(abs(GANLoss.wganGP(lambda: 10).totalDiscriminatorLoss(["critic_estimate": 0.5, "gradient_penalty": 0.02]) + 0.3) < 1e-6)
    }

    /// A linear critic f(x, y) = 2x − 3y + 1: its values at the cell centres and a constant gradient.
    @Test func criticFieldOfALinearCritic() {
        let w = Tensor(shape: [2, 1], data: [2, -3])
        let field = CriticField({ matmul($0, w) + 1 }, extent: -1 ... 1, n: 4)
        #expect(field.x.prefix(4) == [-0.75, -0.25, 0.25, 0.75])
        #expect(field.y[4] == -0.25)   // row 1 from the bottom
        for i in 0..<16 {
            #expect(abs(field.values.values[i] - (2 * field.x[i] - 3 * field.y[i] + 1)) < 1e-5)
            #expect(abs(field.dx[i] - 2) < 1e-6 && abs(field.dy[i] + 3) < 1e-6)
        }
        #expect(abs(field.gradientNorms[0] - 13.0.squareRoot()) < 1e-5)
        #expect(field.thinned(2).x.count == 4)
    }
}
