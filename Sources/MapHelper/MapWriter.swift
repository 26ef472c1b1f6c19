import Glibc
import LinuxSys
import SystemPackage

/// The two writes, relative to the target's /proc directory. Both run after the capability drop
/// (the kernel sees the namespace's owner), and both open their file with `openProcEntry`: no
/// link followed, no mount crossed, procfs only.
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
    static func denySetgroups(in directory: borrowing Descriptor) throws(SetgroupsFailure) -> Bool {
        let file: Descriptor
        do { file = try directory.openProcEntry("setgroups", O_RDWR) } catch {
            if error == .noSuchFileOrDirectory { return false }
            throw .open(error)
        }
        let current: [UInt8]
        do { current = try file.read(upTo: 64) } catch { throw .read(error) }
        if current.starts(with: Array("deny\n".utf8)) { return true }
        do { try file.seek(to: 0) } catch { throw .seek(error) }
        do { try file.writeOnce(Array("deny\n".utf8)) } catch { throw .write(error) }
        return true
    }

    enum MapFailure: Error {
        case open(Errno)
        case write(Errno)
    }

    /// One write of the whole map: the kernel accepts a map only in a single write (a short
    /// write is a failure too: the kernel took part of a map or none).
    static func write(_ bytes: [UInt8], to name: String, in directory: borrowing Descriptor) throws(MapFailure) {
        let file: Descriptor
        do { file = try directory.openProcEntry(name, O_WRONLY) } catch { throw .open(error) }
        do { try file.writeOnce(bytes) } catch { throw .write(error) }
    }
}
