import Glibc

/// A user as the name service switch reports it (files, LDAP, SSSD alike).
public struct UserRecord: Equatable, Sendable {
    public var name: String
    public var uid: UInt32
    public var gid: UInt32
    public init(name: String, uid: UInt32, gid: UInt32) {
        self.name = name
        self.uid = uid
        self.gid = gid
    }
}

public struct GroupRecord: Equatable, Sendable {
    public var name: String
    public var gid: UInt32
    public init(name: String, gid: UInt32) {
        self.name = name
        self.gid = gid
    }
}

/// Name-service look-ups behind a protocol, so the pure logic is tested with a fixed table.
public protocol UserDatabase {
    func user(named name: String) -> UserRecord?
    func user(id uid: UInt32) -> UserRecord?
    func group(named name: String) -> GroupRecord?
}

/// The system's name service switch (getpwnam_r and friends; reentrant, no static buffers).
public struct SystemUserDatabase: UserDatabase, Sendable {
    public init() {}

    public func user(named name: String) -> UserRecord? {
        lookUpUser { pwd, buffer, size, result in getpwnam_r(name, pwd, buffer, size, result) }
    }

    public func user(id uid: UInt32) -> UserRecord? {
        lookUpUser { pwd, buffer, size, result in getpwuid_r(uid, pwd, buffer, size, result) }
    }

    public func group(named name: String) -> GroupRecord? {
        lookUpGroup { group, buffer, size, result in getgrnam_r(name, group, buffer, size, result) }
    }

    public func group(id gid: UInt32) -> GroupRecord? {
        lookUpGroup { group, buffer, size, result in getgrgid_r(gid, group, buffer, size, result) }
    }

    /// The names of the caller's supplementary groups (getgroups); unknown gids are skipped.
    public func supplementaryGroupNames() -> [String] {
        let count = getgroups(0, nil)
        guard count > 0 else { return [] }
        var gids = [gid_t](repeating: 0, count: Int(count))
        let got = getgroups(count, &gids)
        guard got > 0 else { return [] }
        return gids.prefix(Int(got)).compactMap { group(id: $0)?.name }
    }

    /// The names of every group `user` belongs to, primary included (getgrouplist).
    public func groupNames(of user: UserRecord) -> [String] {
        var count: Int32 = 64
        while count <= 65536 {
            var gids = [gid_t](repeating: 0, count: Int(count))
            var got = count
            if getgrouplist(user.name, user.gid, &gids, &got) >= 0 {
                return gids.prefix(Int(got)).compactMap { group(id: $0)?.name }
            }
            count = max(got, count * 2)
        }
        return []
    }

    /// Every user the name service enumerates. Directory services may not enumerate (SSSD's
    /// default); those users are still found by name.
    public func allUsers() -> [UserRecord] {
        var users: [UserRecord] = []
        setpwent()
        defer { endpwent() }
        while let entry = getpwent() {
            guard let name = entry.pointee.pw_name else { continue }
            users.append(UserRecord(name: String(cString: name), uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid))
        }
        return users
    }

    public func allGroups() -> [GroupRecord] {
        var groups: [GroupRecord] = []
        setgrent()
        defer { endgrent() }
        while let entry = getgrent() {
            guard let name = entry.pointee.gr_name else { continue }
            groups.append(GroupRecord(name: String(cString: name), gid: entry.pointee.gr_gid))
        }
        return groups
    }

    private func lookUpUser(
        _ call: (UnsafeMutablePointer<passwd>, UnsafeMutablePointer<CChar>, Int,
                 UnsafeMutablePointer<UnsafeMutablePointer<passwd>?>) -> Int32
    ) -> UserRecord? {
        var size = 4096
        while size <= 1 << 24 {
            var buffer = [CChar](repeating: 0, count: size)
            var rangeTooSmall = false
            // The strings live in `buffer`: copy them out before it goes away.
            let record: UserRecord? = buffer.withUnsafeMutableBufferPointer { storage in
                var pwd = passwd()
                var result: UnsafeMutablePointer<passwd>? = nil
                let rc = call(&pwd, storage.baseAddress!, storage.count, &result)
                if rc == ERANGE { rangeTooSmall = true; return nil }
                guard rc == 0, let found = result, let name = found.pointee.pw_name else { return nil }
                return UserRecord(name: String(cString: name), uid: found.pointee.pw_uid, gid: found.pointee.pw_gid)
            }
            if rangeTooSmall { size *= 4; continue }
            return record
        }
        return nil
    }

    private func lookUpGroup(
        _ call: (UnsafeMutablePointer<group>, UnsafeMutablePointer<CChar>, Int,
                 UnsafeMutablePointer<UnsafeMutablePointer<group>?>) -> Int32
    ) -> GroupRecord? {
        var size = 4096
        while size <= 1 << 24 {
            var buffer = [CChar](repeating: 0, count: size)
            var rangeTooSmall = false
            // The strings live in `buffer`: copy them out before it goes away.
            let record: GroupRecord? = buffer.withUnsafeMutableBufferPointer { storage in
                var entry = Glibc.group()
                var result: UnsafeMutablePointer<Glibc.group>? = nil
                let rc = call(&entry, storage.baseAddress!, storage.count, &result)
                if rc == ERANGE { rangeTooSmall = true; return nil }
                guard rc == 0, let found = result, let name = found.pointee.gr_name else { return nil }
                return GroupRecord(name: String(cString: name), gid: found.pointee.gr_gid)
            }
            if rangeTooSmall { size *= 4; continue }
            return record
        }
        return nil
    }
}
