import Testing
@testable import Notebook

/// The CSV previews of the reports: rows spread over the whole table, numbers to 4 significant
/// digits, and the fields `CellContext.csv` quotes read back whole.
@Suite struct CSVPreviewTests {
    @Test func longTablesShowFirstEvenlySpacedAndLastRows() {
        let table = [["x", "p"]] + (0..<100).map { ["\($0)", "\(Double($0) * 1e-3)"] }
        let p = CSVPreview(table: table, limit: 5)
        #expect(p.count == 100)
        #expect(p.rows.map(\.number) == [1, 25, 50, 75, 100])
        #expect(p.rows.map { $0.fields[0] } == ["0", "24", "49", "74", "99"])
        #expect(p.note == "5 of 100 rows (first, evenly spaced, last)")
        let short = CSVPreview(table: Array(table.prefix(4)), limit: 5)
        #expect(short.rows.map(\.number) == [1, 2, 3] && short.note == nil)
    }

    @Test func numbersToFourSignificantDigits() {
        #expect(CSVPreview.short("0.30102999566398114") == "0.301")
        #expect(CSVPreview.short("27.901893019") == "27.9")
        #expect(CSVPreview.short("1.2345678e-49") == "1.235e-49")
        #expect(CSVPreview.short("123456.75") == "1.235e+05")
        #expect(CSVPreview.short("4096") == "4096")
        #expect(CSVPreview.short("inf") == "inf" && CSVPreview.short("nan") == "nan")
        #expect(CSVPreview.short("Wiener, true kernel") == "Wiener, true kernel")
        #expect(CSVPreview.short("e.g.") == "e.g.")
    }

    @Test func quotedFieldsWithCommasQuotesAndLineBreaksReadBack() {
        let text = "method,note\n\"Wiener, true kernel\",\"say \"\"hi\"\"\"\nRL,\"two\nlines\"\n"
        #expect(CSV.parse(text) == [["method", "note"], ["Wiener, true kernel", "say \"hi\""], ["RL", "two\nlines"]])
        #expect(CSV.parse("a,b\n1,\n") == [["a", "b"], ["1", ""]])
    }

    /// What `CSV.text` writes, `CSV.parse` reads back field for field; numbers keep every digit.
    @Test func textAndParseRoundTrip() {
        let rows: [[Any]] = [["trial", "note", "gain"], ["a, b", "say \"hi\"", 0.1 + 0.2], ["two\nlines", "", 4096]]
        let text = CSV.text(rows)
        #expect(text.hasPrefix("trial,note,gain\n\"a, b\",\"say \"\"hi\"\"\",0.30000000000000004\n"))
        #expect(CSV.parse(text) == rows.map { $0.map { "\($0)" } })
    }
}
