import CLinux
import Glibc
import SystemPackage

/// The two writes, relative to the target's /proc directory fd. Both run after the capability
/// drop (the kernel sees the namespace's owner), and both open their file with
/// `clinux_open_proc_beneath`: no link followed, no mount crossed, procfs only.
///
/// Why: a directory fd given as `fd:N` may come from another mount namespace (through
/// /proc/C/root), where the caller can bind-mount any file over /proc/C/setgroups; an open with
/// O_NOFOLLOW alone goes straight through a bind mount (issue 20, finding 1).
enum MapWriter {
    enum SetgroupsFailure: Error {
        case open(Errno)
        case read(Errno)
        case seek(Errno)
        case write(Errno)
    }

    /// newgidmap: "deny" unless some extent came from /etc/subgid (CVE-2018-7169). An existing
    /// "deny" is left (the file is write-once); "allow" is the default and never written.
    /// Returns false when the kernel has no setgroups file (shadow warns and carries on).
    static func denySetgroups(in directory: Int32) throws(SetgroupsFailure) -> Bool {
        let fd = clinux_open_proc_beneath(directory, "setgroups", O_RDWR)
        if fd < 0 {
            if errno == ENOENT { return false }
            throw .open(Errno(rawValue: errno))
        }
        defer { close(fd) }
        var current = [UInt8](repeating: 0, count: 64)
        let got = current.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard got >= 0 else { throw .read(Errno(rawValue: errno)) }
        if got >= 5 && current[0..<5].elementsEqual(Array("deny\n".utf8)) { return true }
        guard lseek(fd, 0, SEEK_SET) >= 0 else { throw .seek(Errno(rawValue: errno)) }
        let policy = Array("deny\n".utf8)
        let wrote = policy.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard wrote == policy.count else { throw .write(Errno(rawValue: errno)) }
        return true
    }

    enum MapFailure: Error {
        case open(Errno)
        case write(Errno)
    }

    /// One write of the whole map: the kernel accepts a map only in a single write.
    static func write(_ bytes: [UInt8], to name: String, in directory: Int32) throws(MapFailure) {
        let fd = clinux_open_proc_beneath(directory, name, O_WRONLY)
        guard fd >= 0 else { throw .open(Errno(rawValue: errno)) }
        defer { close(fd) }
        let wrote = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        // A short write is a failure too: the kernel took part of a map or none.
        guard wrote == bytes.count else { throw .write(wrote < 0 ? Errno(rawValue: errno) : .ioError) }
    }
}
