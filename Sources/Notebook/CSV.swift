/// Comma-separated tables as the course writes them (`CellContext.csv`).
public enum CSV {
    /// The rows as CSV text, one line each: numbers in their shortest round-trip form (so they
    /// reload exactly), fields quoted when they hold a comma, a quote (doubled) or a line break.
    public static func text(_ rows: [[Any]]) -> String {
        func field(_ v: Any) -> String {
            let s = "\(v)"
            return s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return rows.map { $0.map(field).joined(separator: ",") + "\n" }.joined()
    }

    /// The rows of a CSV text as `text` writes it: fields separated by commas, quoted when they
    /// hold a comma, a quote (doubled) or a line break.
    public static func parse(_ text: String) -> [[String]] {
        var table: [[String]] = [], row: [String] = [], field = "", inQuotes = false
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c != "\"" { field.append(c) }
                else if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 }
                else { inQuotes = false }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" {
                row.append(field); table.append(row); row = []; field = ""
            } else if c != "\r" {
                field.append(c)
            }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); table.append(row) }
        return table
    }
}
