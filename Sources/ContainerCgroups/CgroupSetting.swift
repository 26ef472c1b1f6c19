/// One `lxc.cgroup.FILE = VALUE` (v1) or `lxc.cgroup2.FILE = VALUE` line.
public struct CgroupSetting: Equatable, Sendable {
    public enum Version: Sendable { case v1, v2 }

    public let version: Version
    public let file: String
    public let value: String

    public init(version: Version, file: String, value: String) {
        self.version = version; self.file = file; self.value = value
    }

    /// The config key, for messages.
    public var key: String { (version == .v1 ? "lxc.cgroup." : "lxc.cgroup2.") + file }

    /// The controller a file belongs to: the part before the first dot (`cgroup` for cgroup2's core files).
    public var controller: String { String(file.prefix { $0 != "." }) }

    /// The same limit in the other version's file, where one corresponds (for the message that
    /// says which key to use on this host).
    public var counterpart: String? {
        switch version {
        case .v1: CgroupSetting.v1ToV2[file].map { "lxc.cgroup2." + $0 }
        case .v2: CgroupSetting.v1ToV2.first { $0.value == file }.map { "lxc.cgroup." + $0.key }
        }
    }

    static let v1ToV2: [String: String] = [
        "memory.limit_in_bytes": "memory.max", "memory.soft_limit_in_bytes": "memory.low",
        "memory.memsw.limit_in_bytes": "memory.swap.max", "cpu.shares": "cpu.weight", "cpu.cfs_quota_us": "cpu.max",
        "cpuset.cpus": "cpuset.cpus", "cpuset.mems": "cpuset.mems", "pids.max": "pids.max", "blkio.weight": "io.weight",
        "hugetlb.2MB.limit_in_bytes": "hugetlb.2MB.max",
    ]

    /// The order they are written in: the config's, except that memory+swap limits come after the
    /// memory limits (the kernel refuses memsw below limit_in_bytes, so LXC sorts them this way too).
    public static func writeOrder(_ settings: [CgroupSetting]) -> [CgroupSetting] {
        settings.filter { !$0.file.hasPrefix("memory.memsw.") } + settings.filter { $0.file.hasPrefix("memory.memsw.") }
    }
}

/// Why a cgroup operation or setting could not be carried out.
public enum CgroupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The setting's hierarchy or controller is not there for this user; `reason` names the fix.
    case unavailable(key: String, reason: String)
    /// The kernel refused the value.
    case rejected(key: String, value: String, path: String, errno: Int32)
    /// An operation (freeze, ...) that needs a cgroup the container does not have.
    case notPlaced(action: String, reason: String)
    /// A state change that did not happen in time.
    case timedOut(action: String, path: String)

    public var description: String {
        switch self {
        case .unavailable(let key, let reason): "\(key): \(reason)"
        case .rejected(let key, let value, let path, let errno):
            "\(key) = \(value): the kernel refused it in \(path): \(String(cString: strerror(errno)))"
        case .notPlaced(let action, let reason): "cannot \(action): \(reason)"
        case .timedOut(let action, let path): "cannot \(action): \(path) did not change state in time"
        }
    }
}

import Glibc
