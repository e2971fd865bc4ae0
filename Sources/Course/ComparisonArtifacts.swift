import GANKit
import Notebook

extension ComparisonResult {
    /// Writes a comparison from a lesson cell — the table (CSV and Markdown), every run (CSV), the
    /// curves (CSV), the summary figure (a column per variant: final samples, modes covered and
    /// sliced W₁ against step) and the snapshot grid — and prints the table. The lesson and `course
    /// compare` both use it; the summary's caption says where the settings differ from the
    /// lessons' figures.
    public func write(to ctx: CellContext, table: String, runs: String, curves: String, summary: String, grid: String,
                      title: String) throws {
        try ctx.csv(table, header: ComparisonResult.tableHeader, rows: tableRows)
        try ctx.text(table, markdown)
        try ctx.csv(runs, header: ComparisonResult.runsHeader, rows: runRows)
        try ctx.csv(curves, header: ComparisonResult.curvesHeader, rows: curveRows)
        let c = comparison
        try ctx.figure(summary, height: ComparisonResult.summaryHeight,
                       title: "\(title): \(c.steps) steps, \(c.seeds.count) seed\(c.seeds.count == 1 ? "" : "s")") { fig in
            drawSummary(fig)
        }
        ctx.say(caption)
        try ctx.figure(grid, height: ComparisonResult.gridHeight(rows: rows.count),
                       title: "\(title): samples over training, seed \(c.seeds[0])") { fig in
            drawSnapshotGrid(fig)
        }
        ctx.say(markdown)
    }
}
