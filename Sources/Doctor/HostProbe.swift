import CLinux
import Glibc
import LinuxSys
import UserNic
import IDModel
import SubID

/// Gathers DoctorFacts from this machine: files, name service, PATH, sysctls, mounts, cgroups.
public enum HostProbe {
    /// Where Debian's liblxc runs lxc-user-nic from.
    public static let userNicPath = "/usr/libexec/lxc/lxc-user-nic"

    public static func gather(user: UserRecord, users: SystemUserDatabase, searchPath: String) -> DoctorFacts {
        var facts = DoctorFacts(user: .init(name: user.name, uid: user.uid, gid: user.gid, groups: users.groupNames(of: user)))
        facts.subuid = state(of: SubIDStore(kind: .uid))
        facts.subgid = state(of: SubIDStore(kind: .gid))
        switch NameServiceSwitch.subidSources() {
        case .success(let sources):
            facts.sources = sources
            let modules = sources.filter { $0 != .files }
            if !modules.isEmpty {
                let identity = OwnerIdentity(name: user.name, uid: user.uid)
                for kind in IDKind.allCases {
                    switch SubIDSources.ranges(of: identity, kind: kind, sources: modules, file: nil) {
                    case .success(let found): facts.moduleRanges[kind] = found
                    case .failure(let error): facts.moduleFailures[kind] = error.description
                    }
                }
            }
        case .failure(let error): facts.sourcesProblem = error.description
        }
        facts.realUsers = users.allUsers().map { (name: $0.name, id: $0.uid) }
        facts.realGroups = users.allGroups().map { (name: $0.name, id: $0.gid) }
        facts.loginDefs = LoginDefs(parsing: (try? Files.read("/etc/login.defs", followSymlinks: true, limit: 1 << 20)) ?? [])
        facts.searchPath = Executables.directories(of: searchPath)
        facts.helpers = ["newuidmap", "newgidmap"].map { name in
            helper(name, at: facts.searchPath.map { "\($0)/\(name)" }.first(where: Executables.isExecutableFile))
        }
        facts.maxUserNamespaces = sysctl("/proc/sys/user/max_user_namespaces")
        facts.unprivilegedUsernsClone = sysctl("/proc/sys/kernel/unprivileged_userns_clone")
        facts.apparmorRestrictsUserns = sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
        if let bytes = try? Files.read(facts.usernetPath, followSymlinks: true, limit: 1 << 20) {
            let usernet = Usernet(parsing: bytes)
            facts.usernet = usernet
            for rule in usernet.rules where rule.link != "none" && interfaceExists(rule.link) { facts.existingLinks.insert(rule.link) }
            facts.userNic = helper("lxc-user-nic", at: Executables.isExecutableFile(userNicPath) ? userNicPath : nil)
        }
        (facts.cgroupRoot, facts.delegatedCgroup) = delegatedCgroup(for: user.uid)
        return facts
    }

    static func state(of store: SubIDStore) -> DoctorFacts.FileState {
        do { return try store.readIfPresent().map { .present($0) } ?? .missing } catch { return .unreadable(error.description) }
    }


    static func helper(_ name: String, at path: String?) -> DoctorFacts.Helper {
        var helper = DoctorFacts.Helper(name: name, path: path)
        guard let path else { return helper }
        helper.setuidRoot = Executables.isSetuidRoot(path)
        helper.fileCapabilities = Executables.hasFileCapabilities(path)
        var fs = statvfs()
        if statvfs(path, &fs) == 0 && fs.f_flag & UInt(ST_NOSUID) != 0 { helper.nosuidMount = MountTable.current()?.mountPoint(of: path) ?? "a nosuid mount" }
        return helper
    }

    static func sysctl(_ path: String) -> Int? {
        guard let bytes = try? Files.read(path, followSymlinks: true, limit: 64) else { return nil }
        return Int(String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "")
    }

    static func interfaceExists(_ name: String) -> Bool {
        guard NetworkInterfaceName.isValid(name) else { return false }
        return if_nametoindex(name) != 0
    }

    /// A writable cgroup of the user's: a directory they own in a mounted hierarchy (systemd's
    /// user@UID.service, or what `userbox admin delegate` makes), searched a few levels deep.
    static func delegatedCgroup(for uid: UInt32) -> (root: String?, path: String?) {
        let hierarchies = MountTable.current()?.cgroupHierarchies ?? []
        let roots = hierarchies.map(\.point)
        let unified = hierarchies.first(where: \.unified)?.point
        let root = unified ?? roots.first
        for candidate in roots {
            if let found = search(candidate, uid: uid, depth: 4) { return (root, found) }
        }
        return (root, nil)
    }

    static func search(_ directory: String, uid: UInt32, depth: Int) -> String? {
        guard depth > 0, let entries = try? DirectoryEntries.read(atPath: directory) else { return nil }
        var children: [String] = []
        for entry in entries where entry.isDirectory == true {
            let path = directory + "/" + entry.name
            var st = stat()
            if lstat(path, &st) == 0 && st.st_uid == uid && uid != 0 { return path }
            children.append(path)
        }
        for child in children { if let found = search(child, uid: uid, depth: depth - 1) { return found } }
        return nil
    }
}


