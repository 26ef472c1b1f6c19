import Glibc
import LinuxSys
import SystemPackage

/// A container's cgroups, placed as LXC places them: in every hierarchy where the caller may
/// create cgroups and move processes, `lxc.payload.NAME` (init and all below it) and
/// `lxc.monitor.NAME` (the monitor) as children of `base` — the caller's own cgroup when it is
/// writable (per-user cgroups, a systemd scope with Delegate=yes), else the subtree
/// `userbox admin delegate` made. Recorded in a file beside the container, so a later `start`,
/// `ls` or `destroy` can remove what a killed monitor left.
public struct CgroupSet: Equatable, Sendable {
    public struct Member: Equatable, Sendable {
        public let mountPoint: String
        public let unified: Bool
        public let controllers: [String]
        public let base: String
        public let payload: String
        public let monitor: String

        public var label: String { unified ? "cgroup2" : controllers.joined(separator: ",") }

        public init(mountPoint: String, unified: Bool, controllers: [String], base: String, payload: String, monitor: String) {
            self.mountPoint = mountPoint; self.unified = unified; self.controllers = controllers
            self.base = base; self.payload = payload; self.monitor = monitor
        }
    }

    public private(set) var members: [Member]
    /// What the user should know (hierarchies left out, controllers that could not be enabled);
    /// not recorded.
    public private(set) var notes: [String] = []

    public init(members: [Member], notes: [String] = []) { self.members = members; self.notes = notes }

    public var isEmpty: Bool { members.isEmpty }
    public var unified: Member? { members.first { $0.unified } }

    public func member(forLegacy controller: String) -> Member? {
        members.first { !$0.unified && $0.controllers.contains(controller) }
    }

    static let payloadPrefix = "lxc.payload.", monitorPrefix = "lxc.monitor.", pivot = "lxc.pivot"

    // MARK: creation (the process that starts the container)

    /// Makes the container's cgroups. `starterJoins`: when a cgroup2 base holds this process, it
    /// moves into the monitor cgroup first, so the base can enable controllers for its children
    /// (cgroup2 lets only a cgroup without processes do that): right for a command-line start,
    /// which exits soon after, not for a long-lived program using the library.
    public static func create(container name: String, user: String, layout: CgroupLayout, starterJoins: Bool) -> CgroupSet {
        var set = CgroupSet(members: [])
        var unwritable: [String] = []
        for h in layout.hierarchies {
            // cgroup2 lets a user move a process only within a subtree it may write as a whole, so
            // there only the caller's own cgroup will do; v1 asks only for the destination.
            let candidates = h.unified ? [h.current].compactMap { $0 } : [h.current, h.mountPoint + "/userbox/" + user].compactMap { $0 }
            guard let base = candidates.first(where: CgroupFiles.isWritable) else { unwritable.append(h.label); continue }
            guard let (payload, monitor) = freshNames(base: base, container: name) else {
                set.notes.append("no free cgroup name for \(name) below \(base)"); continue
            }
            do {
                try makeCgroup(monitor, base: base)
                try makeCgroup(payload, base: base)
            } catch {
                set.notes.append("cannot create a cgroup below \(base): \(error)")
                _ = rmdir(payload); _ = rmdir(monitor)
                continue
            }
            if h.unified && starterJoins && h.current == base { _ = try? CgroupFiles.write("0", to: monitor + "/cgroup.procs") }
            set.members.append(Member(mountPoint: h.mountPoint, unified: h.unified, controllers: h.controllers, base: base, payload: payload, monitor: monitor))
        }
        if set.members.isEmpty {
            set.notes.append("no cgroup you may write (\(unwritable.joined(separator: "; "))): the container runs in yours, without limits of its own"
                + " (log in with per-user cgroups, run `systemd-run --user --scope -p Delegate=yes userbox start \(name)`, or ask an admin for `userbox admin delegate \(user)`)")
        } else if !unwritable.isEmpty {
            set.notes.append("no cgroup you may write in: \(unwritable.joined(separator: "; ")) (the container shares yours there)")
        }
        return set
    }

    /// `lxc.payload.NAME` and `lxc.monitor.NAME`, or with `-1`, `-2`... when a cgroup of that name
    /// is still in use (LXC's rule; the same name under another lxcpath, or an LXC container).
    /// Empty leftovers of a crash are removed and their names reused.
    static func freshNames(base: String, container: String) -> (String, String)? {
        for n in 0..<100 {
            let suffix = n == 0 ? "" : "-\(n)"
            let payload = base + "/" + payloadPrefix + container + suffix, monitor = base + "/" + monitorPrefix + container + suffix
            _ = removeTree(payload)
            _ = rmdir(monitor)
            if !CgroupFiles.isDirectory(payload) && !CgroupFiles.isDirectory(monitor) { return (payload, monitor) }
        }
        return nil
    }

    static func makeCgroup(_ path: String, base: String, mayExist: Bool = false) throws(SystemError) {
        do { _ = try valueOrErrno { mkdir(path, 0o755) } } catch {
            if !(mayExist && error == .fileExists) { throw SystemError("create", path, error) }
        }
        // A v1 cpuset cgroup takes no task until it has cpus and mems: the nearest ancestor's.
        for file in ["cpuset.cpus", "cpuset.mems"] where Files.exists(path + "/" + file) {
            guard (CgroupFiles.read(path + "/" + file) ?? "").trimmingWhitespace.isEmpty else { continue }
            var dir = base
            while dir.count > 1 {
                if let value = CgroupFiles.read(dir + "/" + file)?.trimmingWhitespace, !value.isEmpty {
                    try? CgroupFiles.write(value, to: path + "/" + file)
                    break
                }
                dir = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)])
            }
        }
    }

    /// cgroup2, in the monitor once it has left the base: every controller the base has, enabled
    /// for its children; returns what could not be.
    public func enableControllers(container: String) -> [String] {
        members.filter { $0.unified }.flatMap { CgroupSet.enableControllers($0, container: container) }
    }

    /// All at once, else one by one, so that one the delegation refuses does not cost the others.
    static func enableControllers(_ member: Member, container: String) -> [String] {
        let available = CgroupFiles.words(member.base + "/cgroup.controllers")
        let enabled = Set(CgroupFiles.words(member.base + "/cgroup.subtree_control"))
        let wanted = available.filter { !enabled.contains($0) }
        guard !wanted.isEmpty else { return [] }
        let control = member.base + "/cgroup.subtree_control"
        if (try? CgroupFiles.write(wanted.map { "+" + $0 }.joined(separator: " "), to: control)) != nil { return [] }
        var refused: [(String, Errno)] = []
        for c in wanted {
            do { try CgroupFiles.write("+" + c, to: control) } catch { refused.append((c, error)) }
        }
        guard !refused.isEmpty else { return [] }
        let names = refused.map { $0.0 }.joined(separator: " ")
        if refused.contains(where: { $0.1.rawValue == EBUSY }) {
            return ["cgroup2 controllers \(names) cannot be enabled below \(member.base): it holds other processes (your shell?);"
                + " limits on them will be refused: start from a cgroup of its own, e.g. `systemd-run --user --scope -p Delegate=yes userbox start \(container)`"]
        }
        return ["cgroup2 controllers \(names) cannot be enabled below \(member.base): \(refused[0].1)"]
    }

    // MARK: the monitor

    /// Moves the calling process (the monitor) into the monitor cgroups; returns what failed.
    public func enterMonitor() -> [String] {
        var problems: [String] = []
        for m in members {
            do { try CgroupFiles.write("0", to: m.monitor + "/cgroup.procs") } catch {
                problems.append("cannot move the monitor into \(m.monitor): \(error)")
            }
        }
        return problems
    }

    /// Moves `pid` (init, still the caller's uid) into the payload cgroups; returns what failed.
    public func place(pid: Int32) -> [String] {
        var problems: [String] = []
        for m in members {
            do { try CgroupFiles.write(String(pid), to: m.payload + "/cgroup.procs") } catch {
                problems.append("cannot move the container into \(m.payload): \(error)")
            }
        }
        return problems
    }

    /// Where `setting` is written, or why it cannot be. `enabled` gives the controllers a member's
    /// payload has (cgroup2's `cgroup.controllers` there; a seam for tests).
    public func target(for setting: CgroupSetting, layout: CgroupLayout, user: String,
                       enabled: ((Member) -> [String])? = nil) -> Result<String, CgroupError> {
        let enabled = enabled ?? { CgroupFiles.words($0.payload + "/cgroup.controllers") }
        let c = setting.controller, key = setting.key
        let use = setting.counterpart.map { ": use \($0)" } ?? ""
        switch setting.version {
        case .v1:
            if let m = member(forLegacy: c) { return .success(m.payload + "/" + setting.file) }
            if let h = layout.legacyHierarchy(for: c) {
                return .failure(.unavailable(key: key, reason: "needs a cgroup you may write in the v1 \(c) hierarchy; yours is \(h.current ?? "outside its mount")"
                    + " (log in with per-user cgroups, or ask an admin for `userbox admin delegate \(user)`)"))
            }
            if layout.kind == .unified || layout.unifiedHierarchy?.controllers.contains(c) == true {
                return .failure(.unavailable(key: key, reason: "needs the v1 \(c) controller; this host is \(layout.summary)\(use)"))
            }
            return .failure(.unavailable(key: key, reason: "this host has no \(c) controller (\(layout.summary))"))
        case .v2:
            guard let h = layout.unifiedHierarchy else {
                return .failure(.unavailable(key: key, reason: "this host has no cgroup2 hierarchy (\(layout.summary))\(use)"))
            }
            guard let m = unified else {
                return .failure(.unavailable(key: key, reason: "needs a cgroup2 cgroup you may write; yours is \(h.current ?? "outside its mount")"
                    + " (run it under `systemd-run --user --scope -p Delegate=yes`, or ask an admin for `userbox admin delegate \(user)`)"))
            }
            if c == "cgroup" || enabled(m).contains(c) { return .success(m.payload + "/" + setting.file) }
            if layout.legacyHierarchy(for: c) != nil {
                return .failure(.unavailable(key: key, reason: "needs the \(c) controller on cgroup2; this host binds \(c) to v1 (\(layout.summary))\(use)"))
            }
            if CgroupFiles.words(m.base + "/cgroup.controllers").contains(c) {
                return .failure(.unavailable(key: key, reason: "the \(c) controller is not enabled below \(m.base), which holds other processes"
                    + " (start from a cgroup of its own, e.g. `systemd-run --user --scope -p Delegate=yes`)"))
            }
            return .failure(.unavailable(key: key, reason: "the \(c) controller is not delegated to \(m.base)"))
        }
    }

    /// Writes the limits into the payload cgroups, before init runs. A setting that cannot apply
    /// is an error, except device rules, which an unprivileged user cannot set (v1 wants
    /// CAP_SYS_ADMIN, cgroup2 a BPF program): those are skipped with one warning, as LXC does.
    public func apply(_ settings: [CgroupSetting], layout: CgroupLayout, user: String) throws(CgroupError) -> [String] {
        var warnings: [String] = []
        var devicesSkipped: [String] = []
        for setting in CgroupSetting.writeOrder(settings) {
            if setting.controller == "devices" && setting.version == .v2 { devicesSkipped.append(setting.key); continue }
            let path: String
            switch target(for: setting, layout: layout, user: user) {
            case .success(let p): path = p
            case .failure(let error):
                if setting.controller == "devices" { devicesSkipped.append(setting.key); continue }
                throw error
            }
            do { try CgroupFiles.write(setting.value, to: path) } catch {
                if setting.controller == "devices" && (error == .notPermitted || error == .permissionDenied) {
                    devicesSkipped.append(setting.key); continue
                }
                throw .rejected(key: setting.key, value: setting.value, path: path, errno: error.rawValue)
            }
        }
        if !devicesSkipped.isEmpty {
            warnings.append("device rules skipped (\(Set(devicesSkipped).sorted().joined(separator: ", "))): an unprivileged user cannot set them"
                + " (v1 wants CAP_SYS_ADMIN, cgroup2 a BPF program); the user namespace already forbids mknod, and the parent cgroup's rules still hold")
        }
        return warnings
    }

    /// The monitor at the end: out of the monitor cgroups (into `lxc.pivot` beside them, as LXC
    /// does: a cgroup2 base with controllers enabled may hold no process) and everything removed.
    public func release() -> Bool {
        for m in members {
            let pivot = m.base + "/" + CgroupSet.pivot
            try? CgroupSet.makeCgroup(pivot, base: m.base, mayExist: true)
            _ = try? CgroupFiles.write("0", to: pivot + "/cgroup.procs")
        }
        return reap()
    }

    /// Removes the payload (depth first: the container may have made cgroups of its own) and
    /// monitor cgroups that hold no process; true when nothing is left.
    @discardableResult
    public func reap() -> Bool {
        var clean = true
        for m in members {
            if !CgroupSet.removeTree(m.payload) { clean = false }
            if rmdir(m.monitor) != 0 && errno != ENOENT { clean = false }
        }
        return clean
    }

    static func removeTree(_ path: String) -> Bool {
        if let names = try? DirectoryEntries.names(atPath: path) {
            for name in names where CgroupFiles.isDirectory(path + "/" + name) { _ = removeTree(path + "/" + name) }
        }
        return rmdir(path) == 0 || errno == ENOENT
    }
}
