public import SubID

/// pam_subid's module arguments: `count=N min=N max=N debug required_ranges`. Unknown or
/// malformed arguments are reported and ignored, as PAM modules do, so a typo never locks anyone out.
public struct SessionOptions: Equatable, Sendable {
    public var count: UInt32?
    public var min: UInt32?
    public var max: UInt32?
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
            case "count", "min", "max":
                guard let number = UInt32(value), key != "count" || number > 0 else { ignored.append(argument); continue }
                if key == "count" { count = number } else if key == "min" { min = number } else { max = number }
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

    /// Root and system accounts (uid below login.defs' UID_MIN, 1000 by default) get no ranges,
    /// as useradd gives none to system accounts.
    public static func isSystemAccount(uid: UInt32, defaults: LoginDefs) -> Bool {
        uid == 0 || uid < defaults.number("UID_MIN", default: 1000)
    }
}
