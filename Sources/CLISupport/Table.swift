/// Columns padded to their widest cell, two blanks apart; the last column is not padded.
public enum Table {
    public static func render(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            out += line + "\n"
        }
        return out
    }

    public static func print(_ rows: [[String]]) { Swift.print(render(rows), terminator: "") }
}
