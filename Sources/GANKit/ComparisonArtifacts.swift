import Notebook

extension ComparisonResult {
    /// Writes a comparison from a lesson cell — the table (CSV and Markdown), every run (CSV) and
    /// the snapshot grid — and prints the table. The lesson and `course compare` both use it.
    public func write(to ctx: CellContext, table: String, runs: String, grid: String, gridTitle: String) throws {
        try ctx.csv(table, header: ComparisonResult.tableHeader, rows: tableRows)
        try ctx.text(table, markdown)
        try ctx.csv(runs, header: ComparisonResult.runsHeader, rows: runRows)
        try ctx.figure(grid, height: ComparisonResult.gridHeight(rows: rows.count), title: gridTitle) { fig in
            drawSnapshotGrid(fig)
        }
        ctx.say(markdown)
    }
}
