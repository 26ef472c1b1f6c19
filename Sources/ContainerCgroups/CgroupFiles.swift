import Glibc
import LinuxSys
import SystemPackage

/// Small reads and writes of cgroup control files (never through a symlink: a cgroup tree has
/// none, so one is an attack or a mistake).
enum CgroupFiles {
    static func read(_ path: String) -> String? {
        (try? Files.read(path, followSymlinks: false, limit: 1 << 20)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func words(_ path: String) -> [String] {
        (read(path) ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }

    /// One write(2) of `value` (cgroup files take a value per write).
    static func write(_ value: String, to path: String) throws(Errno) {
        let file = try Descriptor.open(path, O_WRONLY | O_NOFOLLOW)
        try file.writeOnce(Array(value.utf8))
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }

    /// May this user create cgroups below `dir` and move processes into them?
    static func isWritable(_ dir: String) -> Bool {
        isDirectory(dir) && access(dir, W_OK | X_OK) == 0 && access(dir + "/cgroup.procs", W_OK) == 0
    }

    /// `key value` lines (memory.stat, cpu.stat, cgroup.events).
    static func keyed(_ path: String) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for line in (read(path) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = UInt64(parts[1]) { result[String(parts[0])] = value }
        }
        return result
    }

    static func number(_ path: String) -> UInt64? {
        read(path).flatMap { UInt64($0.trimmingWhitespace) }
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
