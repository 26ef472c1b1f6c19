import Glibc
import LinuxSys

/// One mounted cgroup hierarchy as this process sees it.
public struct CgroupHierarchy: Equatable, Sendable {
    public let mountPoint: String
    /// cgroup2 (the unified hierarchy), else a v1 hierarchy.
    public let unified: Bool
    /// v1: the controllers bound to it (`cpu`, `cpuacct`, ...; a named one as `name=systemd`).
    /// cgroup2: those its root offers (`cgroup.controllers`).
    public let controllers: [String]
    /// The caller's cgroup in it as a path under the mount point; nil when that cgroup lies outside
    /// what is mounted there.
    public let current: String?

    public init(mountPoint: String, unified: Bool, controllers: [String], current: String?) {
        self.mountPoint = mountPoint; self.unified = unified; self.controllers = controllers; self.current = current
    }

    public var label: String { unified ? "cgroup2" : "v1 " + controllers.joined(separator: ",") }
}

/// The cgroup hierarchies of this host as the caller sees them, and where the caller sits in each:
/// from /proc/self/mountinfo (mount point, the mounted root, the v1 controllers in the superblock
/// options) and /proc/self/cgroup.
public struct CgroupLayout: Equatable, Sendable {
    public let hierarchies: [CgroupHierarchy]

    public init(hierarchies: [CgroupHierarchy]) { self.hierarchies = hierarchies }

    public enum Kind: String, Sendable { case none, legacy, hybrid, unified }

    public var kind: Kind {
        let v1 = hierarchies.contains { !$0.unified && !$0.controllers.allSatisfy { $0.hasPrefix("name=") } }
        let v2 = hierarchies.contains { $0.unified }
        switch (v1, v2) {
        case (true, true): return .hybrid
        case (true, false): return .legacy
        case (false, true): return .unified
        case (false, false): return .none
        }
    }

    /// "cgroup2-only", "hybrid (v1 controllers and cgroup2)", ... for messages.
    public var summary: String {
        switch kind {
        case .none: "without mounted cgroups"
        case .legacy: "cgroup v1"
        case .hybrid: "hybrid (v1 controllers, cgroup2 with \(unifiedHierarchy.map { $0.controllers.isEmpty ? "none" : $0.controllers.joined(separator: " ") } ?? "none"))"
        case .unified: "cgroup2-only"
        }
    }

    public var unifiedHierarchy: CgroupHierarchy? { hierarchies.first { $0.unified } }

    /// The v1 hierarchy `controller` is bound to.
    public func legacyHierarchy(for controller: String) -> CgroupHierarchy? {
        hierarchies.first { !$0.unified && $0.controllers.contains(controller) }
    }

    /// Superblock options of a v1 cgroup mount that are not controllers.
    static let mountOptions: Set<String> = ["rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode", "favordynmods", "all", "none"]

    /// Pure: the layout from mountinfo and /proc/self/cgroup text; `controllersOf` reads a cgroup2
    /// root's `cgroup.controllers` (a seam for tests).
    public static func parse(mounts: MountTable, selfCgroup: String, controllersOf: (String) -> [String]) -> CgroupLayout {
        // /proc/self/cgroup: "ID:CONTROLLERS:PATH", CONTROLLERS empty for cgroup2.
        var v1Paths: [(Set<String>, String)] = []
        var v2Path: String?
        for line in selfCgroup.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if parts[1].isEmpty { v2Path = String(parts[2]) } else {
                v1Paths.append((Set(parts[1].split(separator: ",").map(String.init)), String(parts[2])))
            }
        }
        var result: [CgroupHierarchy] = []
        for mount in mounts.cgroupMounts {
            let unified = mount.type == "cgroup2"
            let controllers: [String]
            let path: String?
            if unified {
                controllers = controllersOf(mount.point)
                path = v2Path
            } else {
                controllers = mount.superOptions.filter { !mountOptions.contains($0) && (!$0.contains("=") || $0.hasPrefix("name=")) }
                let set = Set(controllers)
                path = v1Paths.first { $0.0 == set }?.1
            }
            result.append(CgroupHierarchy(mountPoint: mount.point, unified: unified, controllers: controllers,
                                          current: path.flatMap { hostPath(of: $0, root: mount.root, mountPoint: mount.point) }))
        }
        return CgroupLayout(hierarchies: result)
    }

    /// The host path of cgroup `path` in a hierarchy whose directory `root` is mounted at
    /// `mountPoint`; nil when the cgroup is not below that root.
    static func hostPath(of path: String, root: String, mountPoint: String) -> String? {
        let inside: Substring
        if root == "/" { inside = path.dropFirst(0) } else if path == root { inside = "" } else if path.hasPrefix(root + "/") {
            inside = path.dropFirst(root.count)
        } else { return nil }
        let trimmed = inside == "/" ? "" : String(inside)
        return mountPoint + trimmed
    }

    /// This process's layout.
    public static func current() -> CgroupLayout {
        let mounts = MountTable.current() ?? MountTable(parsing: "")
        let cgroup = (try? Files.read("/proc/self/cgroup", followSymlinks: true, limit: 1 << 16)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return parse(mounts: mounts, selfCgroup: cgroup, controllersOf: { CgroupFiles.words($0 + "/cgroup.controllers") })
    }
}
