import ArgumentParser
import CLISupport
import LinuxSys
import IDModel
import SubID

extension SubIDCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lint /etc/subuid and /etc/subgid.",
            discussion: """
                Errors: malformed lines, ranges of different owners that overlap, ranges reaching id \
                4294967295, ranges covering the id of a real user (subuid) or group (subgid) as the name \
                service lists them, a subid: line in /etc/nsswitch.conf the helpers cannot use. Warnings: \
                unknown owners, a user's own overlapping entries, NIS lines, extra fields, files the \
                helpers do not read (subid: names no `files`). Exit status 1 when there is an error (or \
                any warning with --strict).
                """)

        @OptionGroup var location: Location
        @Flag(help: "Print JSON for scripts.") var json = false
        @Flag(help: "Fail on warnings too.") var strict = false

        func run() throws {
            let users = SystemUserDatabase()
            let realUsers = users.allUsers().map { (id: $0.uid, name: $0.name) }
            let realGroups = users.allGroups().map { (id: $0.gid, name: "group " + $0.name) }
            var findings: [SubIDFinding] = []
            var checked: [String] = []
            // Where the helpers take ranges from: a line they cannot use is an error; files they
            // do not read are said to be so (the modules' ranges cannot be listed: no enumeration).
            var modules: String?
            let nsswitch = location.path(NameServiceSwitch.path)
            switch NameServiceSwitch.subidSources(path: nsswitch) {
            case .success(let sources):
                if !sources.contains(.files) { modules = sources.map { $0.description }.joined(separator: " ") }
            case .failure(let error):
                findings.append(SubIDFinding(path: nsswitch, line: 0, text: "", problem: .sourcesUnusable(error.description)))
            }
            for kind in IDKind.allCases {
                let store = location.store(kind)
                let file: SubIDFile?
                do { file = try store.readIfPresent() } catch { throw Failure(error.description) }
                guard let file else { continue }
                checked.append(store.path)
                if let modules { findings.append(SubIDFinding(path: store.path, line: 0, text: "", problem: .fileNotASource(modules: modules))) }
                findings += SubIDCheck.findings(
                    in: file, path: store.path, realIDs: kind == .uid ? realUsers : realGroups,
                    resolveOwner: { owner in
                        if let user = users.user(named: owner) { return user.uid }
                        if let uid = UInt32(owner), users.user(id: uid) != nil { return uid }
                        return nil
                    })
            }
            let errors = findings.filter { $0.severity == .error }.count
            let warnings = findings.count - errors
            if json {
                let items = findings.map { f in
                    JSON.object([
                        "severity": .string(f.severity.rawValue), "code": .string(f.code), "path": .string(f.path),
                        "line": .number(Int64(f.line)), "text": .string(f.text), "message": .string(f.message),
                    ])
                }
                print(JSON.object([
                    "checked": .array(checked.map { .string($0) }), "ok": .bool(errors == 0), "errors": .number(Int64(errors)),
                    "warnings": .number(Int64(warnings)), "findings": .array(items),
                ]).text)
            } else {
                for finding in findings { print(finding.description) }
                if checked.isEmpty { print("no /etc/subuid or /etc/subgid to check") }
                else { print("\(checked.joined(separator: ", ")): \(errors) error(s), \(warnings) warning(s)") }
            }
            if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
        }
    }
}
