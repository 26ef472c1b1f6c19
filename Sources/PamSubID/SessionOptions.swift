public import IDModel
public import SubID

/// pam_subid's module arguments: `count=N min=N max=N uid_max=N debug required_ranges`. Unknown or
/// malformed arguments are reported and ignored, as PAM modules do, so a typo never locks anyone out.
public struct SessionOptions: Equatable, Sendable {
    public var count: UInt32?
    public var min: UInt32?
    public var max: UInt32?
    /// The highest uid that gets ranges, instead of login.defs' UID_MAX (for sites whose
    /// directory users sit above it).
    public var uidMax: UInt32?
    public var debug = false
    /// Fail the session (PAM_SESSION_ERR) when no range could be given; off by default, since a
    /// login must not depend on /etc/subuid.
    public var requiredRanges = false
    public var ignored: [String] = []

    public init() {}

    public init(parsing arguments: [String]) {
        for argument in arguments {
            let (key, value) = argument.firstIndex(of: "=").map {
                (String(argument[..<$0]), String(argument[argument.index(after: $0)...]))
            } ?? (argument, "")
            switch key {
            case "debug" where value.isEmpty: debug = true
            case "required_ranges" where value.isEmpty: requiredRanges = true
            case "count", "min", "max", "uid_max":
                guard let number = UInt32(value), key != "count" || number > 0 else { ignored.append(argument); continue }
                switch key {
                case "count": count = number
                case "min": min = number
                case "max": max = number
                default: uidMax = number
                }
            default: ignored.append(argument)
            }
        }
    }

    /// login.defs' SUB_*_MIN/MAX/COUNT, with the module's arguments taking precedence.
    public func policy(for kind: IDKind, defaults: LoginDefs) -> AllocationPolicy {
        var policy = defaults.allocationPolicy(for: kind)
        if let count { policy.count = count }
        if let min { policy.min = min }
        if let max { policy.max = max }
        return policy
    }

    /// The overflow uid the kernel shows for unmapped ids (`nobody`); never a login to provision.
    public static let overflowUID: UInt32 = 65534

    /// Why an account gets no ranges, or nil when it gets them. As useradd: root, system accounts
    /// (below UID_MIN, 1000 by default) and uids above UID_MAX (60000 by default; `uid_max=`
    /// overrides it) get none; nor does `nobody` (65534) whatever the bounds (issue 20, finding 5).
    public func skipReason(uid: UInt32, defaults: LoginDefs) -> String? {
        if uid == 0 { return "root" }
        if uid == Self.overflowUID { return "the overflow uid (nobody)" }
        let low = defaults.number("UID_MIN", default: 1000)
        if uid < low { return "a system account (below UID_MIN \(low))" }
        let high = uidMax ?? defaults.number("UID_MAX", default: 60000)
        if uid > high { return "above UID_MAX \(high)" + (uidMax == nil ? " (raise it with uid_max=N)" : "") }
        return nil
    }
}
