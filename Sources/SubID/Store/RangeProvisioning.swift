public import IDModel
/// Gives a user a range of each kind they lack, first-fit as useradd chooses it, with the files
/// locked together (subuid, then subgid: the order shadow's useradd locks them in), so two
/// sessions, a `subid allocate` and a `useradd` never hand out the same ids.
public enum RangeProvisioning {
    public struct Outcome: Equatable, Sendable {
        public let kind: IDKind
        public let range: IDRange
        /// false when the user already held `range` and nothing was written.
        public let allocated: Bool

        public init(kind: IDKind, range: IDRange, allocated: Bool) {
            self.kind = kind
            self.range = range
            self.allocated = allocated
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case allocation(AllocationError)
        case store(StoreError)
        case invalidOwner(SubIDEntry.InvalidOwner)

        public var description: String {
            switch self {
            case .invalidOwner(let error): error.description
            case .allocation(let error): error.description
            case .store(let error): error.description
            }
        }
    }

    /// For each (kind, policy): keeps a range the user already holds, else appends a fresh one.
    /// Missing files are created. Policies are checked before any file is touched.
    /// `inUse` gives, per kind, the ids the name service already uses (see `IDsInUse`); a new
    /// range never contains one.
    public static func ensure(
        _ identity: OwnerIdentity, policies: [(IDKind, AllocationPolicy)], store: (IDKind) -> SubIDStore,
        inUse: (IDKind) -> IDsInUse
    ) throws(Failure) -> [Outcome] {
        for (kind, policy) in policies {
            do { try Allocator.validate(policy, kind: kind) } catch { throw .allocation(error) }
        }
        // Before any lock is taken: a name the files cannot hold is refused outright.
        do { try SubIDEntry.validateOwner(identity.name) } catch { throw .invalidOwner(error) }
        var outcomes: [Outcome] = []
        func step(_ remaining: ArraySlice<(IDKind, AllocationPolicy)>) throws(Failure) {
            guard let (kind, policy) = remaining.first else { return }
            do throws(SubIDStore.UpdateError<Failure>) {
                try store(kind).update(createIfMissing: true) { (file: inout SubIDFile) throws(Failure) in
                    if let held = file.ranges(of: identity).first(where: { !$0.isEmpty }) {
                        outcomes.append(Outcome(kind: kind, range: held, allocated: false))
                    } else {
                        let range: IDRange
                        do throws(AllocationError) { range = try place(identity, kind: kind, policy: policy, file: file, inUse: inUse(kind)) } catch {
                            throw .allocation(error)
                        }
                        let owner = policy.storeByUID ? identity.uid.map { String($0) } ?? identity.name : identity.name
                        do throws(SubIDEntry.InvalidOwner) { try file.append(SubIDEntry(owner: owner, range: range)) } catch {
                            throw .invalidOwner(error)
                        }
                        outcomes.append(Outcome(kind: kind, range: range, allocated: true))
                    }
                    try step(remaining.dropFirst())
                }
            } catch {
                switch error {
                case .change(let inner): throw inner
                case .store(let storeError): throw .store(storeError)
                }
            }
        }
        try step(policies[...])
        return outcomes
    }

    /// The new range: first fit, or the uid's deterministic range when it is free (it cannot
    /// move: another owner's entry or an account's id inside it is refused, where shadow 4.20
    /// writes it anyway and two users share ids).
    static func place(_ identity: OwnerIdentity, kind: IDKind, policy: AllocationPolicy, file: SubIDFile, inUse: IDsInUse) throws(AllocationError) -> IDRange {
        guard case .deterministic = policy.placement else {
            return try Allocator.firstFit(among: file.entries.map { $0.range }, policy: policy, kind: kind, avoiding: inUse)
        }
        guard let uid = identity.uid else { throw .deterministicConflict(kind, IDRange(start: 0, count: 0)!, reason: "\(identity.name) has no uid") }
        let range = try Allocator.deterministic(uid: uid, policy: policy, kind: kind)
        if let other = file.entries.first(where: { !identity.owns($0.owner) && $0.range.overlaps(range) }) {
            throw .deterministicConflict(kind, range, reason: "it overlaps \(other.owner)'s \(other.range)")
        }
        if let used = inUse.known.first(where: { range.contains($0) }) ?? [range.start, range.last ?? range.start].first(where: inUse.isInUse) {
            throw .deterministicConflict(kind, range, reason: "\(kind) \(used) belongs to an account (raise \(kind.loginDefsPrefix)_MIN above the accounts' ids)")
        }
        return range
    }
}
