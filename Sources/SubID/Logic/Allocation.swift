public import IDModel
/// Where new subordinate ranges may be handed out: `[min, max]` inclusive, `count` ids each;
/// how the range is chosen there, and how its owner is written.
public struct AllocationPolicy: Equatable, Sendable {
    public var min: UInt32
    public var max: UInt32
    public var count: UInt32
    public var placement: Placement
    /// SUB_UID_STORE_BY_UID / SUB_GID_STORE_BY_UID (shadow 4.20): the owner field is the uid.
    public var storeByUID: Bool

    /// First fit (shadow's default), or shadow 4.20's SUB_UID_DETERMINISTIC: the range is a
    /// function of the uid, `min + (uid - uidMin) * count`, so every host that shares the uids
    /// gives the same range without sharing the files.
    public enum Placement: Equatable, Sendable {
        case firstFit
        /// `wrap`: UNSAFE_SUB_UID_DETERMINISTIC_WRAP, the slot taken modulo the slots that fit.
        case deterministic(uidMin: UInt32, wrap: Bool)
    }

    public init(min: UInt32, max: UInt32, count: UInt32, placement: Placement = .firstFit, storeByUID: Bool = false) {
        self.min = min
        self.max = max
        self.count = count
        self.placement = placement
        self.storeByUID = storeByUID
    }
}

/// Ids the name service already gives to accounts: uids of users for subordinate uids, gids of
/// groups for subordinate gids. Why (issue 20, finding 4; shadow's CVE-2024-56433 class): a user
/// whose subordinate range holds another account's id can map it and act as that account on
/// shared files (NFS home directories, a bind mount). Directory users often start at 200000,
/// inside the default SUB_UID_MIN..SUB_UID_MAX.
public struct IDsInUse {
    /// Every id enumeration reported (SSSD and LDAP often do not enumerate: then few or none).
    public var known: [UInt32]
    /// A point look-up (getpwuid/getgrgid), which works where enumeration does not; asked for the
    /// first and the last id of each candidate range.
    public var isInUse: (UInt32) -> Bool

    public init(known: [UInt32], isInUse: @escaping (UInt32) -> Bool) {
        self.known = known
        self.isInUse = isInUse
    }

    /// Nothing in use (tests, and callers that manage ids themselves).
    public static var none: IDsInUse { IDsInUse(known: [], isInUse: { _ in false }) }
}

public enum AllocationError: Error, Equatable, Sendable, CustomStringConvertible {
    case disabled(IDKind)
    case invalidConfiguration(IDKind, AllocationPolicy)
    case exhausted(IDKind, AllocationPolicy)
    /// Deterministic placement: the uid is below UID_MIN, so the formula gives no range.
    case belowUIDMin(IDKind, uid: UInt32, uidMin: UInt32)
    /// Deterministic placement: the uid's slot ends past SUB_UID_MAX (and wrapping is off).
    case beyondMax(IDKind, uid: UInt32, AllocationPolicy)
    /// Deterministic placement: the uid's range is not free (another owner's entry, or an id an
    /// account uses); it cannot move elsewhere, so it is refused.
    case deterministicConflict(IDKind, IDRange, reason: String)

    public var description: String {
        switch self {
        case .disabled(let kind):
            "\(kind.loginDefsPrefix)_COUNT is 0 in /etc/login.defs: allocation of subordinate \(kind)s is off"
        case .invalidConfiguration(let kind, let p):
            "invalid configuration: \(kind.loginDefsPrefix)_MIN (\(p.min)), \(kind.loginDefsPrefix)_MAX (\(p.max)), "
                + "\(kind.loginDefsPrefix)_COUNT (\(p.count)) in /etc/login.defs"
        case .exhausted(let kind, let p):
            "no free range of \(p.count) subordinate \(kind)s between \(p.min) and \(p.max): "
                + "raise \(kind.loginDefsPrefix)_MAX in /etc/login.defs or revoke unused ranges"
        case .belowUIDMin(let kind, let uid, let uidMin):
            "uid \(uid) is below UID_MIN (\(uidMin)): \(kind.loginDefsPrefix)_DETERMINISTIC gives it no range; grant one by hand (subid grant)"
        case .beyondMax(let kind, let uid, let p):
            "the deterministic range of uid \(uid) (\(p.count) ids from \(kind.loginDefsPrefix)_MIN \(p.min)) ends past "
                + "\(kind.loginDefsPrefix)_MAX (\(p.max)): raise \(kind.loginDefsPrefix)_MAX or lower \(kind.loginDefsPrefix)_COUNT "
                + "(on every host alike)"
        case .deterministicConflict(let kind, let range, let reason):
            "the deterministic sub\(kind) range \(range) is not free: \(reason); the formula cannot place it elsewhere"
        }
    }
}

/// First fit, as shadow's find_free_range: walk the existing ranges in (start, count) order and
/// take the lowest hole of `count` ids inside `[min, max]`.
///
/// Deliberate differences from shadow 4.13, each a defect later shadow fixed or still has:
/// every parsed entry counts, including those after a `+`/`-` NIS line (shadow sorts only the
/// entries before it and can hand out an overlapping range); entries of count 0 are skipped
/// (4.13 treats them as a barrier); arithmetic is 64-bit so nothing wraps.
public enum Allocator {
    public static func validate(_ policy: AllocationPolicy, kind: IDKind) throws(AllocationError) {
        guard policy.count != 0 else { throw .disabled(kind) }
        // Why: shadow 4.13's find_new_sub_uids refuses exactly these configurations.
        let min = UInt64(policy.min), max = UInt64(policy.max), count = UInt64(policy.count)
        if min > max || count >= max || min + count - 1 > max {
            throw .invalidConfiguration(kind, policy)
        }
    }

    /// First fit that also steps over ids the name service uses: every enumerated id is a taken
    /// range of one, and a candidate whose first or last id a point look-up finds in use is
    /// retried past it.
    public static func firstFit(
        among existing: [IDRange], policy: AllocationPolicy, kind: IDKind, avoiding inUse: IDsInUse
    ) throws(AllocationError) -> IDRange {
        var taken = existing
        taken.append(contentsOf: inUse.known.compactMap { IDRange(start: UInt64($0), count: 1) })
        // Bounded: each retry takes one more id out; a name service that answers "in use" for
        // everything must not keep a login waiting.
        for _ in 0..<1024 {
            let candidate = try firstFit(among: taken, policy: policy, kind: kind)
            let last = candidate.last ?? candidate.start
            if inUse.isInUse(candidate.start) {
                taken.append(IDRange(start: UInt64(candidate.start), count: 1)!)
            } else if inUse.isInUse(last) {
                taken.append(IDRange(start: UInt64(last), count: 1)!)
            } else {
                return candidate
            }
        }
        throw .exhausted(kind, policy)
    }

    /// shadow 4.20's deterministic range of `uid`, as login.defs(5) documents it:
    /// start = SUB_UID_MIN + (uid - UID_MIN) * SUB_UID_COUNT, the whole range within
    /// [SUB_UID_MIN, SUB_UID_MAX] (an error otherwise), or with wrapping the slot taken modulo
    /// the number of slots that fit (which lets two uids share a range: shadow calls it unsafe).
    public static func deterministic(uid: UInt32, policy: AllocationPolicy, kind: IDKind) throws(AllocationError) -> IDRange {
        guard case .deterministic(let uidMin, let wrap) = policy.placement else { return try firstFit(among: [], policy: policy, kind: kind) }
        guard policy.count != 0 else { throw .disabled(kind) }
        guard uid >= uidMin else { throw .belowUIDMin(kind, uid: uid, uidMin: uidMin) }
        guard policy.min <= policy.max else { throw .invalidConfiguration(kind, policy) }
        // Why: id 4294967295 is (uid_t)-1, which no map can use; the space ends before it.
        let top = Swift.min(UInt64(policy.max), UInt64(IDRange.invalidID) - 1)
        guard top >= UInt64(policy.min) else { throw .invalidConfiguration(kind, policy) }
        let space = top - UInt64(policy.min) + 1, count = UInt64(policy.count)
        guard count <= space else { throw .invalidConfiguration(kind, policy) }
        let slots = space / count
        var slot = UInt64(uid - uidMin)
        if slot >= slots {
            guard wrap else { throw .beyondMax(kind, uid: uid, policy) }
            slot %= slots
        }
        guard let range = IDRange(start: UInt64(policy.min) + slot * count, count: count) else { throw .beyondMax(kind, uid: uid, policy) }
        return range
    }

    public static func firstFit(
        among existing: [IDRange], policy: AllocationPolicy, kind: IDKind
    ) throws(AllocationError) -> IDRange {
        try validate(policy, kind: kind)
        // Why: id 4294967295 is (uid_t)-1, which no map can use; never hand it out.
        let min = UInt64(policy.min), max = Swift.min(UInt64(policy.max), UInt64(IDRange.invalidID) - 1)
        let count = UInt64(policy.count)
        var low = min
        for range in existing.sorted() where !range.isEmpty {
            let high = Swift.min(UInt64(range.start), max + 1)
            if high > low && high - low >= count { return IDRange(start: low, count: count)! }
            low = Swift.max(low, range.end)
            if low > max { throw .exhausted(kind, policy) }
        }
        if max - low + 1 >= count, let range = IDRange(start: low, count: count) { return range }
        throw .exhausted(kind, policy)
    }
}
