import Glibc
import SystemPackage
import LinuxSys

/// Cgroups for an unprivileged container: a subtree delegated to the user in each mounted
/// hierarchy (`userbox admin delegate USER`, or systemd's delegation on a cgroup2 host). Without
/// one the container starts with a visible warning and no limits.
public enum Cgroups {
    static func hierarchies() -> [(mount: String, unified: Bool)] {
        (MountTable.current()?.cgroupHierarchies ?? []).map { ($0.point, $0.unified) }
    }

    static func userBase(_ mount: String, user: String) -> String { mount + "/userbox/" + user }

    static func ownedByMe(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR && st.st_uid == getuid()
    }

    struct Placement { var warnings: [String] = []; var placed: [String] = [] }

    /// Moves `pid` into USER's delegated cgroup for `container` in every hierarchy where the user
    /// has one, and writes lxc.cgroup2 limits where a cgroup2 hierarchy with controllers holds it.
    static func place(pid: Int32, container: String, user: UserRecord, limits: [(file: String, value: String)]) -> Placement {
        var result = Placement()
        var unifiedPlaced: String?
        for h in hierarchies() {
            let base = userBase(h.mount, user: user.name)
            guard ownedByMe(base) else { continue }
            let dir = base + "/" + container
            if mkdir(dir, 0o755) != 0 && errno != EEXIST { result.warnings.append("cannot create cgroup \(dir): \(String(cString: strerror(errno)))"); continue }
            // cpuset (v1) refuses tasks until it has cpus and mems: inherit the parent's.
            for file in ["cpuset.cpus", "cpuset.mems"] where Files.exists(dir + "/" + file) {
                if let current = try? Files.read(dir + "/" + file, followSymlinks: true, limit: 4096), current.allSatisfy({ $0 == 0x0A }),
                   let parent = try? Files.read(base + "/" + file, followSymlinks: true, limit: 4096) {
                    _ = write(parent, to: dir + "/" + file)
                }
            }
            if write(Array("\(pid)\n".utf8), to: dir + "/cgroup.procs") {
                result.placed.append(dir)
                if h.unified { unifiedPlaced = dir }
            } else {
                result.warnings.append("cannot move the container into \(dir): \(String(cString: strerror(errno)))"
                    + (h.unified ? " (cgroup2 needs your session to live inside \(base) already)" : ""))
            }
        }
        if result.placed.isEmpty {
            result.warnings.append("no delegated cgroup for \(user.name): the container runs without resource limits (ask an admin to run `userbox admin delegate \(user.name)`)")
        }
        if !limits.isEmpty {
            let controllers = unifiedPlaced.flatMap { try? Files.read($0 + "/cgroup.controllers", followSymlinks: true, limit: 4096) } ?? []
            if let dir = unifiedPlaced, !controllers.allSatisfy({ $0 == 0x0A || $0 == 0x20 }) {
                for limit in limits where !write(Array(limit.value.utf8), to: dir + "/" + limit.file) {
                    result.warnings.append("failed to set \"\(limit.file)\" to \"\(limit.value)\": \(String(cString: strerror(errno)))")
                }
            } else {
                result.warnings.append("lxc.cgroup2 limits ignored: no cgroup2 hierarchy with controllers is delegated here (legacy or hybrid layout)")
            }
        }
        return result
    }

    static func cleanUp(container: String) {
        guard let me = SystemUserDatabase().user(id: getuid()) else { return }
        for h in hierarchies() { _ = rmdir(userBase(h.mount, user: me.name) + "/" + container) }
    }

    @discardableResult
    static func write(_ bytes: [UInt8], to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    /// Root only: gives USER a subtree in every hierarchy (`<mount>/userbox/USER`, owned by USER
    /// with its control files), which userbox then uses for that user's containers.
    public static func delegate(to user: UserRecord) throws(RuntimeError) -> [String] {
        guard geteuid() == 0 else { throw .notRoot(command: "userbox admin delegate") }
        var made: [String] = []
        for h in hierarchies() {
            let top = h.mount + "/userbox"
            try Directories.make(top, mode: 0o755)
            if h.unified {
                // Controllers the user may use below, where the hierarchy has any.
                if let list = try? Files.read(h.mount + "/cgroup.controllers", followSymlinks: true, limit: 4096) {
                    let enable = String(decoding: list, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }).map { "+" + $0 }.joined(separator: " ")
                    if !enable.isEmpty { _ = write(Array(enable.utf8), to: top + "/cgroup.subtree_control") }
                }
            }
            let dir = userBase(h.mount, user: user.name)
            try Directories.make(dir, mode: 0o755)
            do { _ = try valueOrErrno { chown(dir, user.uid, user.gid) } } catch {
                throw .system(SystemError("give to \(user.name)", dir, error))
            }
            for file in ["cgroup.procs", "tasks", "cgroup.subtree_control", "cgroup.threads", "notify_on_release"] where Files.exists(dir + "/" + file) {
                _ = chown(dir + "/" + file, user.uid, user.gid)
            }
            for file in ["cpuset.cpus", "cpuset.mems"] where Files.exists(dir + "/" + file) {
                if let parent = try? Files.read(h.mount + "/" + file, followSymlinks: true, limit: 4096) { _ = write(parent, to: dir + "/" + file) }
            }
            made.append(dir)
        }
        if made.isEmpty { throw .noCgroupHierarchy }
        return made
    }
}
