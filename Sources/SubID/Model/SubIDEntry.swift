/// Which file a range lives in.
public enum IDKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case uid
    case gid

    /// "uid" or "gid", as messages and audit operations spell it (spelled out so that Embedded
    /// Swift, which cannot print an enum case by reflection, says the same).
    public var description: String { rawValue }

    public var defaultPath: String { self == .uid ? "/etc/subuid" : "/etc/subgid" }
    public var loginDefsPrefix: String { self == .uid ? "SUB_UID" : "SUB_GID" }
}

/// One `owner:start:count` line. The owner is a user name or a decimal uid, as written.
public struct SubIDEntry: Hashable, Sendable, CustomStringConvertible {
    public var owner: String
    public var range: IDRange

    public init(owner: String, range: IDRange) {
        self.owner = owner
        self.range = range
    }

    /// The line as shadow writes a changed entry (`"%s:%lu:%lu"`).
    public var description: String { "\(owner):\(range.start):\(range.count)" }
}

/// Who a look-up is for: a user name and, when known, its uid. An entry belongs to the user when
/// its owner field is the name or the decimal uid (shadow writes either; 4.20 can store by uid).
public struct OwnerIdentity: Hashable, Sendable {
    public var name: String
    public var uid: UInt32?

    public init(name: String, uid: UInt32?) {
        self.name = name
        self.uid = uid
    }

    public func owns(_ owner: String) -> Bool {
        if owner.utf8.elementsEqual(name.utf8) { return true }
        guard let uid else { return false }
        return owner.utf8.elementsEqual(String(uid).utf8)
    }
}
