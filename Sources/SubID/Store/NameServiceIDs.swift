public import IDModel
import LinuxSys

extension IDsInUse {
    /// The system's name service: enumerated users (uids) or groups (gids), plus `extra` (the
    /// account being given ranges, whose own ids enumeration may not list), with getpwuid or
    /// getgrgid as the point look-up.
    public static func nameService(_ kind: IDKind, extra: [UInt32] = []) -> IDsInUse {
        let database = SystemUserDatabase()
        switch kind {
        case .uid:
            return IDsInUse(known: database.allUsers().map { $0.uid } + extra, isInUse: { database.user(id: $0) != nil })
        case .gid:
            return IDsInUse(known: database.allGroups().map { $0.gid } + extra, isInUse: { database.group(id: $0) != nil })
        }
    }
}
