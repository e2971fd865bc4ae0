import Autograd
import Plot
import Testing
@testable import GANKit

@Suite struct SampleFigureRecipes {
    /// Samples sitting on `modes` (indices into the 8-Gaussian ring), one per point.
    func samples(onModes modes: [Int]) -> Tensor {
        let centres = ToyData.eightGaussians.modes
        return Tensor(shape: [modes.count, 2], data: modes.flatMap { [Float(centres[$0].0), Float(centres[$0].1)] })
    }

    @Test func coverageRunMeasuresEachSnapshot() {
        let collapsed = samples(onModes: Array(repeating: 3, count: 40) + Array(repeating: 5, count: 40))
        let spread = samples(onModes: (0..<80).map { $0 % 8 })
        let run = CoverageRun(label: "seed 1", snapshots: [(0, collapsed), (100, spread)], data: .eightGaussians)
        #expect(run.steps == [0, 100])
        #expect(run.coverage.map(\.modesCovered) == [2, 8])
        #expect(run.csvRows.count == 2)
        #expect(run.csvRows[1].count == CoverageRun.csvHeader.count)
        #expect(run.csvRows[0][2] as? Int == 2)
    }

    @Test func figuresRender() throws {
        var rng = RandomGenerator(seed: 1)
        let real = ToyData.eightGaussians.sample(200, using: &rng)
        let snaps: [(step: Int, samples: Tensor)] = [(0, Tensor.normal([100, 2], using: &rng)), (10, samples(onModes: [1, 2, 3]))]
        let grid = Figure(width: 800, height: 450)
        SampleFigures.snapshotGrid(grid, rows: [SnapshotRow(label: "a", snapshots: snaps), SnapshotRow(label: "b", snapshots: snaps)], real: real)
        #expect(try grid.pngData().count > 1000)
        let curves = Figure(width: 800, height: 450)
        SampleFigures.coverageCurves(curves, runs: [CoverageRun(label: "a", snapshots: snaps, data: .eightGaussians)])
        #expect(try curves.pngData().count > 1000)
    }

    @Test func coordinatesReadRows() {
        let (x, y) = SampleFigures.coordinates(Tensor(shape: [2, 2], data: [1, 2, 3, 4]))
        #expect(x == [1, 3] && y == [2, 4])
    }
}
