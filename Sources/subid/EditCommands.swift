import ArgumentParser
import CLISupport
import LinuxSys
import IDModel
import SubID
import AuditTrail

/// --uids and --gids, each FIRST-LAST inclusive and repeatable, as usermod -v/-w take them
/// (parsed into ranges by argument-parser: a bad one is a usage error naming the option).
struct RangeOptions: ParsableArguments {
    @Option(name: .customLong("uids"), help: ArgumentHelp("Subordinate uids FIRST-LAST (decimal, FIRST <= LAST <= 4294967294; repeatable)", valueName: "FIRST-LAST"),
            transform: IDRange.parsingArgument)
    var uids: [IDRange] = []
    @Option(name: .customLong("gids"), help: ArgumentHelp("Subordinate gids FIRST-LAST (decimal, FIRST <= LAST <= 4294967294; repeatable)", valueName: "FIRST-LAST"),
            transform: IDRange.parsingArgument)
    var gids: [IDRange] = []

    func parsed() -> [(IDKind, [IDRange])] { [(IDKind.uid, uids), (.gid, gids)].filter { !$0.1.isEmpty } }

    func validate() throws {
        if uids.isEmpty && gids.isEmpty { throw ValidationError("give at least one --uids or --gids range") }
    }
}

/// Updates several files as one change: each stays locked and unwritten until every later one
/// succeeded, so a refusal in /etc/subgid leaves /etc/subuid untouched too.
func updateTogether(
    _ location: Location, _ kinds: [IDKind], createIfMissing: Bool,
    _ body: (IDKind, inout SubIDFile) throws -> Void
) throws {
    if !createIfMissing {
        for kind in kinds where !location.store(kind).exists {
            throw Failure("\(location.store(kind).path) does not exist: create it (it may be empty) to hold subordinate \(kind)s")
        }
    }
    func step(_ remaining: ArraySlice<IDKind>) throws {
        guard let kind = remaining.first else { return }
        do {
            try location.store(kind).update(createIfMissing: createIfMissing) { (file: inout SubIDFile) throws(any Error) in
                try body(kind, &file)
                try step(remaining.dropFirst())
            }
        } catch {
            switch error {
            case .change(let inner): throw inner
            case .store(let storeError): throw Failure(storeError.description)
            }
        }
    }
    try step(kinds[...])
}

func edit(
    _ location: Location, _ plan: [(IDKind, [IDRange])],
    _ apply: (inout SubIDFile, IDRange) throws(RangeEditError) -> Bool
) throws -> [(IDKind, IDRange, Bool)] {
    var results: [(IDKind, IDRange, Bool)] = []
    let byKind = Dictionary(plan, uniquingKeysWith: +)
    do {
        try updateTogether(location, plan.map(\.0), createIfMissing: false) { kind, file in
            for range in byKind[kind] ?? [] { results.append((kind, range, try apply(&file, range))) }
        }
    } catch let error as RangeEditError { throw Failure(error.description) }
    return results
}

extension SubIDCommand {
    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a user subordinate ranges (as usermod --add-subuids/--add-subgids).",
            discussion: "A range the user already holds (possibly across several entries) is left as it is; "
                + "otherwise a new entry is appended. Ranges are applied in command-line order.")

        @OptionGroup var location: Location
        @OptionGroup var ranges: RangeOptions
        @Argument(help: "The user (must exist in the name service).") var user: String

        func run() throws {
            try location.requireWritableSources()
            let identity = try resolveUser(user, required: true)
            let results = try edit(location, ranges.parsed()) { file, range throws(RangeEditError) in try file.grant(range, to: identity) }
            for (kind, range, changed) in results where changed {
                Audit.rangeChanged(kind, range, of: identity, added: true, program: "subid")
            }
            for (kind, range, changed) in results {
                print(changed ? "granted \(kind)s \(range) to \(identity.name)" : "\(identity.name) already holds \(kind)s \(range)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take subordinate ranges away (as usermod --del-subuids/--del-subgids).",
            discussion: "Entries inside the range are removed, entries across its ends are cut, and an entry "
                + "containing it keeps its head and gets its tail appended. Entries owned by the user's uid "
                + "count too. The user need not exist any more, so stale entries can be cleaned up.")

        @OptionGroup var location: Location
        @OptionGroup var ranges: RangeOptions
        @Argument(help: "The user or former user.") var user: String

        func run() throws {
            let identity = try resolveUser(user, required: false)
            let results = try edit(location, ranges.parsed()) { file, range throws(RangeEditError) in file.revoke(range, from: identity) }
            for (kind, range, changed) in results where changed {
                Audit.rangeChanged(kind, range, of: identity, added: false, program: "subid")
            }
            for (kind, range, changed) in results {
                print(changed ? "revoked \(kind)s \(range) from \(identity.name)" : "\(identity.name) held no \(kind)s in \(range)")
            }
        }
    }

    struct Allocate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a user a fresh range of each kind, as useradd would.",
            discussion: "The range is the first free one in SUB_UID_MIN..SUB_UID_MAX (SUB_GID_* for gids) of "
                + "SUB_UID_COUNT ids from /etc/login.defs, chosen exactly as shadow's useradd chooses it. "
                + "With SUB_UID_DETERMINISTIC (shadow 4.20) the range is SUB_UID_MIN + (uid - UID_MIN) * "
                + "SUB_UID_COUNT instead; SUB_UID_STORE_BY_UID writes the uid as the owner (SUB_GID_* alike). "
                + "A kind the user already holds is skipped. A missing file is created.")

        @OptionGroup var location: Location
        @Option(help: "Ids per range instead of SUB_UID_COUNT/SUB_GID_COUNT.") var count: UInt32?
        @Flag(help: "Only subordinate uids.") var uidsOnly = false
        @Flag(help: "Only subordinate gids.") var gidsOnly = false
        @Argument(help: "The user (must exist in the name service).") var user: String

        func validate() throws {
            if uidsOnly && gidsOnly { throw ValidationError("--uids-only and --gids-only exclude each other") }
            if count == 0 { throw ValidationError("--count must be at least 1") }
        }

        func run() throws {
            try location.requireWritableSources()
            let identity = try resolveUser(user, required: true)
            let defs = try location.loginDefs()
            let kinds: [IDKind] = uidsOnly ? [.uid] : gidsOnly ? [.gid] : [.uid, .gid]
            // Check every policy before touching any file.
            var policies: [IDKind: AllocationPolicy] = [:]
            for kind in kinds {
                var policy = defs.allocationPolicy(for: kind)
                if let count { policy.count = count }
                // Why: as useradd, SUB_UID_COUNT 0 turns off that kind only.
                if policy.count == 0 && !(uidsOnly || gidsOnly) {
                    print("\(kind.loginDefsPrefix)_COUNT is 0 in login.defs: no subordinate \(kind)s allocated")
                    continue
                }
                do { try Allocator.validate(policy, kind: kind) } catch { throw Failure(error.description) }
                policies[kind] = policy
            }
            let planned = kinds.compactMap { kind in policies[kind].map { (kind, $0) } }
            let outcomes: [RangeProvisioning.Outcome]
            // The account's own ids, which enumeration may not list, are never handed out either.
            let own = SystemUserDatabase().user(named: identity.name)
            do {
                outcomes = try RangeProvisioning.ensure(
                    identity, policies: planned, store: location.store,
                    inUse: { kind in IDsInUse.nameService(kind, extra: own.map { [kind == .uid ? $0.uid : $0.gid] } ?? []) })
            } catch {
                throw Failure(error.description)
            }
            Audit.rangesAllocated(outcomes.filter { $0.allocated }.map { ($0.kind, $0.range) }, to: identity, program: "subid")
            for outcome in outcomes {
                let (kind, range) = (outcome.kind, outcome.range)
                print(outcome.allocated ? "allocated \(kind)s \(range) (\(range.count)) to \(identity.name)"
                            : "\(identity.name) already holds \(kind)s \(range)")
            }
        }
    }
}
