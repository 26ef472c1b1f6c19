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
            // Ranges from nsswitch `subid:` modules (of the user asked about: modules cannot be
            // listed whole), with the source that grants each.
            var sources: [SubIDSource] = [.files]
            switch NameServiceSwitch.subidSources(path: location.path(NameServiceSwitch.path)) {
            case .success(let s): sources = s
            case .failure(let error): throw Failure(error.description)
            }
            let showSource = sources != [.files]
            var moduleRows: [(kind: IDKind, source: SubIDSource, entry: SubIDEntry)] = []
            if showSource, let identity {
                for kind in IDKind.allCases {
                    switch SubIDSources.ranges(of: identity, kind: kind, sources: sources.filter { $0 != .files }, file: nil) {
                    case .success(let found):
                        for item in found {
                            moduleRows.append((kind, item.source, SubIDEntry(owner: identity.name, range: item.range)))
                        }
                    case .failure(let error): throw Failure(error.description)
                    }
                }
            }
            if !sources.contains(.files) { rows = [] }
            if json {
                let items = rows.map { row in
                    JSON.object([
                        JSON.Member("kind", .string(row.kind.rawValue)), JSON.Member("owner", .string(row.entry.owner)),
                        JSON.Member("start", .number(Int64(row.entry.range.start))), JSON.Member("count", .number(Int64(row.entry.range.count))),
                        JSON.Member("path", .string(location.store(row.kind).path)), JSON.Member("line", .number(Int64(row.line))),
                    ] + (showSource ? [JSON.Member("source", .string("files"))] : []))
                } + moduleRows.map { row in
                    JSON.object([
                        "kind": .string(row.kind.rawValue), "owner": .string(row.entry.owner),
                        "start": .number(Int64(row.entry.range.start)), "count": .number(Int64(row.entry.range.count)),
                        "source": .string(row.source.description),
                    ])
                }
                print(JSON.object(["ranges": .array(items)]).text)
                return
            }
            if rows.isEmpty && moduleRows.isEmpty {
                if let user { throw Failure("\(user) has no subordinate ranges") }
                print("no subordinate ranges")
                return
            }
            var table = [["KIND", "OWNER", "FIRST", "LAST", "COUNT"] + (showSource ? ["SOURCE"] : [])]
            for row in rows {
                let last = row.entry.range.last.map(String.init) ?? "-"
                table.append([row.kind.rawValue, row.entry.owner, String(row.entry.range.start), last, String(row.entry.range.count)]
                             + (showSource ? ["files"] : []))
            }
            for row in moduleRows {
                let last = row.entry.range.last.map(String.init) ?? "-"
                table.append([row.kind.rawValue, row.entry.owner, String(row.entry.range.start), last, String(row.entry.range.count),
                              row.source.description])
            }
            Table.print(table)
        }
    }
}
