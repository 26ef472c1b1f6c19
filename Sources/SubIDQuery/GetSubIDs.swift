public import IDModel
public import LinuxSys
public import SubID

/// getsubids: the arguments it accepts and what it prints, as shadow 4.13 does.
public enum GetSubIDs {
    public struct Request: Equatable, Sendable {
        public var owner: String
        public var kind: IDKind
    }

    public enum Parsed: Equatable, Sendable {
        case usage
        case list(Request)
    }

    /// `getsubids USER`, `getsubids -g USER`. Shadow takes `-g` only with exactly two arguments
    /// (`getsubids -g` alone asks for user "-g"); extra arguments are ignored; `-h` or nothing
    /// prints usage.
    public static func parse(_ arguments: [String]) -> Parsed {
        guard let first = arguments.first else { return .usage }
        if arguments.count == 2 && first == "-g" { return .list(Request(owner: arguments[1], kind: .gid)) }
        if arguments.count == 1 && first == "-h" { return .usage }
        return .list(Request(owner: first, kind: .uid))
    }

    public static func usage(program: String) -> String {
        "Usage: \(program) [-g] user\n    list subuid ranges for user\n    pass -g to list subgid ranges\n"
    }

    /// The output lines, or nil for shadow's "Error fetching ranges" (no ranges, unknown user and
    /// unreadable file alike).
    ///
    /// An entry belongs to the owner when its first field is the argument as typed or the
    /// argument's uid in decimal. For -g shadow 4.13 looks the argument up as a *group* (so
    /// `getsubids -g nobody` misses `65534:` on Debian, whose group is `nogroup`); subgid owners
    /// are users, so we use the user's uid, as shadow 4.17+ does.
    public static func run(_ request: Request, users: some UserDatabase, path: String? = nil) -> String? {
        try? lines(request, users: users, path: path, sources: [.files]).get()
    }

    /// The output lines from nsswitch's `subid:` sources in order (each source's ranges after the
    /// previous one's, numbered on), nil when none has a range; a module's failure, or an
    /// untrusted nsswitch.conf or module, is an error with the reason (shadow prints only "Error
    /// fetching ranges"; so do we, then the reason).
    public static func lines(_ request: Request, users: some UserDatabase, path: String? = nil,
                             sources: [SubIDSource]) -> Result<String?, SubIDSourceError> {
        let ranges: [IDRange]
        switch SubIDLibrary.ranges(owner: request.owner, kind: request.kind, users: users, sources: sources, path: path,
                                   missingFileFails: false) {
        case .success(let found): ranges = found
        case .failure(.source(let error)): return .failure(error)
        case .failure: return .success(nil)
        }
        guard !ranges.isEmpty else { return .success(nil) }
        var out = ""
        for (index, range) in ranges.enumerated() {
            out += "\(index): \(request.owner) \(range.start) \(range.count)\n"
        }
        return .success(out)
    }
}
