import Glibc
import SystemPackage
import LinuxSys

/// The root side of cgroups for unprivileged containers: `userbox admin delegate USER` gives a
/// user a subtree in each hierarchy (ContainerCgroups places containers there when the user's
/// own cgroup is not writable).
public enum Cgroups {
    static func hierarchies() -> [(mount: String, unified: Bool)] {
        (MountTable.current()?.cgroupHierarchies ?? []).map { ($0.point, $0.unified) }
    }

    static func userBase(_ mount: String, user: String) -> String { mount + "/userbox/" + user }

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
            // v1 cpuset: a cgroup takes tasks (and its children cpus) only once it has cpus and mems,
            // and only a subset of its parent's: the intermediate level first.
            for file in ["cpuset.cpus", "cpuset.mems"] where Files.exists(dir + "/" + file) {
                if let parent = try? Files.read(h.mount + "/" + file, followSymlinks: true, limit: 4096) {
                    _ = write(parent, to: top + "/" + file)
                    _ = write(parent, to: dir + "/" + file)
                }
            }
            made.append(dir)
        }
        if made.isEmpty { throw .noCgroupHierarchy }
        return made
    }
}
