import ArgumentParser
import CLISupport
import LinuxSys
import IDModel
import SubID

extension SubIDCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List subordinate ranges, of one user or of everyone.")

        @OptionGroup var location: Location
        @Flag(help: "Print JSON for scripts.") var json = false
        @Argument(help: "A user name (entries owned by its uid count too).") var user: String?

        func run() throws {
            let identity = try user.map { try resolveUser($0, required: false) }
            var rows: [(kind: IDKind, line: Int, entry: SubIDEntry)] = []
            for kind in IDKind.allCases {
                let store = location.store(kind)
                let file: SubIDFile?
                do { file = try store.readIfPresent() } catch { throw Failure(error.description) }
                guard let file else { continue }
                for (index, line) in file.lines.enumerated() {
                    guard let entry = line.entry else { continue }
                    if let identity, !identity.owns(entry.owner) { continue }
                    rows.append((kind, index + 1, entry))
                }
            }
            if json {
                let items = rows.map { row in
                    JSON.object([
                        "kind": .string(row.kind.rawValue), "owner": .string(row.entry.owner),
                        "start": .number(Int64(row.entry.range.start)), "count": .number(Int64(row.entry.range.count)),
                        "path": .string(location.store(row.kind).path), "line": .number(Int64(row.line)),
                    ])
                }
                print(JSON.object(["ranges": .array(items)]).text)
                return
            }
            if rows.isEmpty {
                if let user { throw Failure("\(user) has no subordinate ranges") }
                print("no subordinate ranges")
                return
            }
            var table = [["KIND", "OWNER", "FIRST", "LAST", "COUNT"]]
            for row in rows {
                let last = row.entry.range.last.map(String.init) ?? "-"
                table.append([row.kind.rawValue, row.entry.owner, String(row.entry.range.start), last, String(row.entry.range.count)])
            }
            Table.print(table)
        }
    }
}
