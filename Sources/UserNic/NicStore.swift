import CLinux
import Glibc
import LinuxSys
public import SubID
public import SystemPackage

/// /run/lxc/nics under LXC's lock (a write lock on the file itself), rewritten whole and
/// atomically: a temporary file beside it, fsync, rename. The lock is taken on the file the path
/// names *after* the lock was granted (a waiter that locked a file since replaced starts over),
/// so renames and locks do not race.
public struct NicStore: Sendable {
    public let path: String

    public init(path: String = "/run/lxc/nics") { self.path = path }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case system(String, Errno)
        public var description: String {
            switch self { case .system(let what, let e): "\(what): \(e)" }
        }
    }

    /// Locks, reads, lets `change` edit the database, writes it back when it changed.
    public func update<R>(_ change: (inout NicDatabase) throws(UserNic.Failure) -> R) throws(UserNic.Failure) -> R {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        // Why: a setuid helper creates these with the caller's gid; LXC leaves them so, we give them to root.
        if !directory.isEmpty && !Files.exists(directory) && mkdir(directory, 0o755) == 0 && geteuid() == 0 {
            _ = chown(directory, 0, 0)
        }
        let fd: Int32
        do { fd = try lockCurrentFile() } catch { throw UserNic.Failure(error) }
        defer { close(fd) }
        let before: [UInt8]
        do { before = try Files.readAll(fd, path: path, limit: 16 << 20) } catch {
            throw UserNic.Failure(Failure.system("read \(path)", error.errno))
        }
        var database = NicDatabase(parsing: before)
        let result = try change(&database)
        let after = database.serialized()
        if after != before {
            do { try replace(with: after) } catch { throw UserNic.Failure(error) }
        }
        return result
    }

    private func lockCurrentFile() throws(Failure) -> Int32 {
        while true {
            let fd = clinux_open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw .system("open \(path)", Errno(rawValue: errno)) }
            if geteuid() == 0 { _ = fchown(fd, 0, 0) }
            var lock = flock()
            lock.l_type = Int16(F_WRLCK)
            lock.l_whence = Int16(SEEK_SET)
            while fcntl(fd, F_SETLKW, &lock) != 0 {
                if errno == EINTR { continue }
                let e = Errno(rawValue: errno)
                close(fd)
                throw .system("lock \(path)", e)
            }
            var held = stat(), current = stat()
            if fstat(fd, &held) == 0 && lstat(path, &current) == 0 && held.st_ino == current.st_ino && held.st_dev == current.st_dev {
                return fd
            }
            close(fd)  // replaced while we waited: lock the new one
        }
    }

    private func replace(with bytes: [UInt8]) throws(Failure) {
        let attributes = Files.ReplacementAttributes(owner: geteuid() == 0 ? (uid: 0, gid: 0) : nil, mode: 0o600)
        do { try Files.replaceAtomically(path, with: bytes, attributes: attributes) } catch {
            throw .system("replace \(path)", error.errno)
        }
    }
}
