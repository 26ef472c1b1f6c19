public import IDModel
public import LinuxSys
public import SubID

/// What shadow's libsubid answers (`subid_get_*_ranges`, `subid_get_*_owners`,
/// `subid_grant_*_range`, `subid_ungrant_*_range`), from this machine's `subid:` sources. The C
/// entry points of our libsubid.so (target LibSubID) only convert to and from these.
public enum SubIDLibrary {
    public enum Failure: Error, CustomStringConvertible {
        case source(SubIDSourceError)
        case store(StoreError)
        /// No `files` source: nothing this library writes would be read.
        case readOnly(String)
        /// An entry's owner is neither a number nor a known user (shadow fails the whole query too).
        case unknownOwner(String)
        case allocation(AllocationError)
        case edit(RangeEditError)
        case invalidOwner(SubIDEntry.InvalidOwner)
        case invalidRequest(String)

        public var description: String {
            switch self {
            case .source(let error): error.description
            case .store(let error): error.description
            case .readOnly(let reason): reason
            case .unknownOwner(let owner): "owner \"\(owner)\" of a subordinate range is not a known user"
            case .allocation(let error): error.description
            case .edit(let error): error.description
            case .invalidOwner(let error): error.description
            case .invalidRequest(let reason): reason
            }
        }
    }

    /// The owner's ranges, each source's after the previous one's. An entry of the files is the
    /// owner's when its first field is `owner` as given or, when `owner` is a user, that user's
    /// uid in decimal (shadow 4.17+; for gids too, unlike 4.13, which looked `owner` up as a
    /// group). A file that cannot be read is an error when `missingFileFails` (libsubid: shadow's
    /// returns -1), else it adds nothing (getsubids goes on to the next source).
    public static func ranges(owner: String, kind: IDKind, users: some UserDatabase, sources: [SubIDSource],
                              path: String? = nil, missingFileFails: Bool = true) -> Result<[IDRange], Failure> {
        var file: SubIDFile?
        if sources.contains(.files) {
            do { file = try SubIDStore(kind: kind, path: path).read() } catch {
                if missingFileFails { return .failure(.store(error)) }
            }
        }
        let identity = OwnerIdentity(name: owner, uid: users.user(named: owner)?.uid)
        return SubIDSources.ranges(of: identity, kind: kind, sources: sources, file: file)
            .map { $0.map { $0.range } }.mapError(Failure.source)
    }

    /// The uids of the owners of `id` (each once, in the order first met): the files' entries
    /// holding it (a numeric owner is that uid, a name is looked up), then each module's answer.
    public static func owners(of id: UInt32, kind: IDKind, users: some UserDatabase, sources: [SubIDSource],
                              path: String? = nil) -> Result<[UInt32], Failure> {
        var uids: [UInt32] = []
        func add(_ uid: UInt32) { if !uids.contains(uid) { uids.append(uid) } }
        for source in sources {
            switch source {
            case .files:
                let file: SubIDFile
                do { file = try SubIDStore(kind: kind, path: path).read() } catch { return .failure(.store(error)) }
                for entry in file.entries where entry.range.contains(id) {
                    if let uid = numericOwner(entry.owner) ?? users.user(named: entry.owner)?.uid {
                        add(uid)
                    } else {
                        return .failure(.unknownOwner(entry.owner))
                    }
                }
            case .module(let name):
                switch load(name).flatMap({ $0.owners(of: id, kind: kind).mapError(Failure.source) }) {
                case .success(let found): (found ?? []).forEach(add)
                case .failure(let error): return .failure(error)
                }
            }
        }
        return .success(uids)
    }

    /// What a grant gave: the range, and whether it was written (false: `reuse` found one).
    public struct Grant: Equatable, Sendable {
        public let range: IDRange
        public let added: Bool
        public let owner: String
    }

    /// Gives `owner` a range of `count` ids in the files, locked and rewritten as shadow does.
    /// With `reuse`, a range the owner already holds of at least `count` ids is the answer.
    /// Otherwise the lowest free range at or above both `start` and SUB_UID_MIN/SUB_GID_MIN
    /// (shadow's libsubid takes `start` alone as the floor, so a caller passing 0 could be given
    /// ids 0-65535, root among them), holding no id the name service gives an account.
    /// SUB_UID_STORE_BY_UID/SUB_GID_STORE_BY_UID (shadow 4.20) write the owner's uid.
    public static func grant(owner: String, count: UInt64, start: UInt64, reuse: Bool, kind: IDKind, users: some UserDatabase,
                             sources: [SubIDSource], defs: LoginDefs, path: String? = nil) -> Result<Grant, Failure> {
        if let reason = NameServiceSwitch.readOnlyReason(sources) { return .failure(.readOnly(reason)) }
        guard count > 0, count < UInt64(IDRange.invalidID) else {
            return .failure(.invalidRequest("a range of \(count) ids cannot be granted"))
        }
        let user = users.user(named: owner)
        let identity = OwnerIdentity(name: owner, uid: user?.uid)
        let configured = defs.allocationPolicy(for: kind)
        let written = configured.storeByUID ? user.map { String($0.uid) } ?? owner : owner
        let floor = max(start, UInt64(configured.min))
        guard floor < UInt64(IDRange.invalidID) else { return .failure(.invalidRequest("no ids at or above \(floor)")) }
        let policy = AllocationPolicy(min: UInt32(floor), max: IDRange.invalidID - 1, count: UInt32(count))
        var result: Grant?
        do throws(SubIDStore.UpdateError<Failure>) {
            try SubIDStore(kind: kind, path: path).update(createIfMissing: true) { (file: inout SubIDFile) throws(Failure) in
                if reuse, let held = file.entries.first(where: { identity.owns($0.owner) && UInt64($0.range.count) >= count }) {
                    result = Grant(range: held.range, added: false, owner: held.owner)
                    return
                }
                let range: IDRange
                let inUse = IDsInUse.nameService(kind, extra: user.map { [kind == .uid ? $0.uid : $0.gid] } ?? [])
                do throws(AllocationError) { range = try Allocator.firstFit(among: file.entries.map { $0.range }, policy: policy, kind: kind, avoiding: inUse) } catch {
                    throw .allocation(error)
                }
                do throws(SubIDEntry.InvalidOwner) { try file.append(SubIDEntry(owner: written, range: range)) } catch { throw .invalidOwner(error) }
                result = Grant(range: range, added: true, owner: written)
            }
        } catch {
            switch error {
            case .store(let storeError): return .failure(.store(storeError))
            case .change(let failure): return .failure(failure)
            }
        }
        guard let result else { return .failure(.invalidRequest("nothing granted")) }
        return .success(result)
    }

    /// Takes `range` from `owner` in the files (entries of the owner's uid too). Returns whether
    /// the owner held any of it: false when there was nothing to remove, as libsubid's header
    /// documents (shadow 4.13 answers true then).
    public static func ungrant(owner: String, range: IDRange, kind: IDKind, users: some UserDatabase, sources: [SubIDSource],
                               path: String? = nil) -> Result<Bool, Failure> {
        if let reason = NameServiceSwitch.readOnlyReason(sources) { return .failure(.readOnly(reason)) }
        let identity = OwnerIdentity(name: owner, uid: users.user(named: owner)?.uid)
        var changed = false
        do throws(SubIDStore.UpdateError<Failure>) {
            try SubIDStore(kind: kind, path: path).update { (file: inout SubIDFile) throws(Failure) in
                changed = file.revoke(range, from: identity)
            }
        } catch {
            switch error {
            case .store(let storeError): return .failure(.store(storeError))
            case .change(let failure): return .failure(failure)
            }
        }
        return .success(changed)
    }

    static func load(_ name: String) -> Result<SubIDPlugin, Failure> { SubIDPlugin.load(name).mapError(Failure.source) }

    /// A decimal owner field as a uid (at most 4294967294), else nil.
    static func numericOwner(_ owner: String) -> UInt32? {
        guard !owner.isEmpty, owner.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = UInt32(owner),
              value != IDRange.invalidID else { return nil }
        return value
    }
}
