import Glibc

/// This process's mounts, from /proc/self/mountinfo: mount point (its `\ooo` escapes undone),
/// filesystem type, the directory of the filesystem mounted there (`root`) and the superblock's
/// options, in mount order.
public struct MountTable: Sendable {
    public struct Mount: Equatable, Sendable {
        public let point: String
        public let type: String
        public var root: String = "/"
        public var superOptions: [String] = []
    }

    public let mounts: [Mount]

    public init(parsing text: String) { self.init(bytes: Array(text.utf8)) }

    /// Parsed as bytes: mountinfo is ASCII but for escapes, and a host with hundreds of mounts
    /// must not make each attach pay for String's Unicode-aware splitting.
    init(bytes: [UInt8]) {
        var mounts: [Mount] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            // Fields are single words (blanks inside are escaped); the 5th is the mount point, and
            // the type follows the lone "-" that ends the optional fields.
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count > 4, let dash = fields.dropFirst(5).firstIndex(where: { $0.count == 1 && $0.first == UInt8(ascii: "-") }),
                  dash + 1 < fields.count else { continue }
            let options = dash + 3 < fields.count
                ? fields[dash + 3].split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) } : []
            mounts.append(Mount(point: MountTable.unescape(fields[4]), type: String(decoding: fields[dash + 1], as: UTF8.self),
                                root: MountTable.unescape(fields[3]), superOptions: options))
        }
        self.mounts = mounts
    }

    public static func current() -> MountTable? {
        guard let bytes = try? Files.read("/proc/self/mountinfo", followSymlinks: true, limit: 8 << 20) else { return nil }
        return MountTable(bytes: bytes)
    }

    /// The mount that holds `path`: the longest mount point containing it.
    public func mountPoint(of path: String) -> String {
        var best = "/"
        for m in mounts where (path == m.point || path.hasPrefix(m.point == "/" ? "/" : m.point + "/")) && m.point.count >= best.count {
            best = m.point
        }
        return best
    }

    /// Mounted cgroup hierarchies (v1 and v2) that a path can reach: one mounted over another
    /// (cgroup2 over /sys/fs/cgroup, as a test of a cgroup2-only host does) hides it.
    public var cgroupHierarchies: [(point: String, unified: Bool)] {
        cgroupMounts.map { ($0.point, $0.type == "cgroup2") }
    }

    /// The cgroup mounts not hidden by a later mount on or above their mount point.
    public var cgroupMounts: [Mount] {
        mounts.indices.filter { i in
            let m = mounts[i]
            guard m.type == "cgroup" || m.type == "cgroup2" else { return false }
            return !mounts[(i + 1)...].contains { later in
                later.point == m.point || m.point.hasPrefix(later.point == "/" ? "/" : later.point + "/")
            }
        }.map { mounts[$0] }
    }

    /// mountinfo writes blanks, tabs, newlines and backslashes as `\ooo`.
    static func unescape(_ field: ArraySlice<UInt8>) -> String {
        guard field.contains(UInt8(ascii: "\\")) else { return String(decoding: field, as: UTF8.self) }
        let bytes = Array(field)
        var out: [UInt8] = []
        var i = 0
        func octal(_ b: UInt8) -> UInt8? { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "7") ? b - UInt8(ascii: "0") : nil }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count, let a = octal(bytes[i + 1]), let b = octal(bytes[i + 2]), let c = octal(bytes[i + 3]),
               a <= 3 {
                out.append(a << 6 | b << 3 | c); i += 4
            } else { out.append(bytes[i]); i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
