/// Where new subordinate ranges may be handed out: `[min, max]` inclusive, `count` ids each.
public struct AllocationPolicy: Equatable, Sendable {
    public var min: UInt32
    public var max: UInt32
    public var count: UInt32

    public init(min: UInt32, max: UInt32, count: UInt32) {
        self.min = min
        self.max = max
        self.count = count
    }
}

public enum AllocationError: Error, Equatable, Sendable, CustomStringConvertible {
    case disabled(IDKind)
    case invalidConfiguration(IDKind, AllocationPolicy)
    case exhausted(IDKind, AllocationPolicy)

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
