import Glibc
import LinuxSys

/// Who runs the helper: the real ids, and the password entry shadow's get_my_pwent picks — the
/// login name when its uid is the real uid (so users sharing a uid use their own subuid lines),
/// else the entry of the real uid.
public struct Caller: Sendable {
    public let realUID: UInt32
    public let realGID: UInt32
    public let account: UserRecord

    public static func identify(users: some UserDatabase) -> Caller? {
        let uid = getuid(), gid = getgid()
        if let login = getlogin(), login.pointee != 0 {
            let name = String(cString: login)
            if let account = users.user(named: name), account.uid == uid {
                return Caller(realUID: uid, realGID: gid, account: account)
            }
        }
        guard let account = users.user(id: uid) else { return nil }
        return Caller(realUID: uid, realGID: gid, account: account)
    }
}
