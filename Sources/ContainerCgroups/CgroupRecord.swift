import LinuxSys

/// The record of a container's cgroups, one line per hierarchy:
/// `v1|v2 TAB mount TAB controllers TAB base TAB payload TAB monitor`, and `note TAB TEXT` for what
/// the monitor is to log. It is the user's own file,
/// but read back it is checked as if hostile: every path absolute, without `..`, below a cgroup
/// mount, payload and monitor directly below the base with their own prefixes.
extension CgroupSet {
    public var serialized: String {
        members.map { m in
            [m.unified ? "v2" : "v1", m.mountPoint, m.controllers.joined(separator: ","), m.base, m.payload, m.monitor].joined(separator: "\t")
        }.joined(separator: "\n") + (members.isEmpty ? "" : "\n")
            + notes.map { "note\t" + String($0.map { $0 == "\n" || $0 == "\t" ? " " : $0 }) + "\n" }.joined()
    }

    public init?(parsing text: String, cgroupMounts: [String]) {
        var members: [Member] = []
        var notes: [String] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("note\t") { notes.append(String(line.dropFirst(5))); continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6, f[0] == "v1" || f[0] == "v2" else { return nil }
            let (mount, base, payload, monitor) = (f[1], f[3], f[4], f[5])
            guard cgroupMounts.contains(mount), [base, payload, monitor].allSatisfy(CgroupSet.isPlainAbsolute),
                  base == mount || base.hasPrefix(mount + "/"),
                  payload.hasPrefix(base + "/" + CgroupSet.payloadPrefix), monitor.hasPrefix(base + "/" + CgroupSet.monitorPrefix),
                  !payload.dropFirst(base.count + 1).contains("/"), !monitor.dropFirst(base.count + 1).contains("/") else { return nil }
            members.append(Member(mountPoint: mount, unified: f[0] == "v2", controllers: f[2].split(separator: ",").map(String.init),
                                  base: base, payload: payload, monitor: monitor))
        }
        self.init(members: members, notes: notes)
    }

    static func isPlainAbsolute(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }

    /// The record at `path`, checked against this process's cgroup mounts; nil when absent or bad.
    public static func load(_ path: String) -> CgroupSet? {
        guard let bytes = try? Files.read(path, followSymlinks: false, limit: 1 << 16) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // Only hierarchies need checking against the mounts: a record of notes alone (no cgroup
        // to use) spares every attach reading the mount table.
        let notesOnly = !text.split(separator: "\n").contains { !$0.hasPrefix("note\t") }
        let mounts = notesOnly ? [] : (MountTable.current()?.cgroupMounts ?? []).map { $0.point }
        return CgroupSet(parsing: text, cgroupMounts: mounts)
    }
}
