/// Which kind of id: user or group (and so which of /etc/subuid, /etc/subgid a range lives in).
public enum IDKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case uid
    case gid

    /// "uid" or "gid", as messages and audit operations spell it (spelled out so that Embedded
    /// Swift, which cannot print an enum case by reflection, says the same).
    public var description: String { rawValue }

    /// `u` or `g`, as lxc.idmap and lxc-usernsexec spell the kind.
    public var letter: String { self == .uid ? "u" : "g" }

    public var defaultPath: String { self == .uid ? "/etc/subuid" : "/etc/subgid" }
    public var loginDefsPrefix: String { self == .uid ? "SUB_UID" : "SUB_GID" }
}
