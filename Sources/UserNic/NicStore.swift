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
        case lockTimeout(String, seconds: Int)
        public var description: String {
            switch self {
            case .system(let what, let e): "\(what): \(e)"
            case .lockTimeout(let path, let seconds):
                "\(path) stayed locked for \(seconds) s by another lxc-user-nic: try again, or look for a hung one"
            }
        }
    }

    /// How long a create or delete waits for another one's lock before giving up. Why a bound:
    /// a helper stuck while holding it (a hung ovs-vsctl, or one stopped before it could protect
    /// itself) must not hang every other user's containers for ever.
    public static let lockTimeoutMilliseconds = 10_000

    /// The database under the lock. `commit()` writes what `database` holds now, so a change can
    /// be made durable in steps (a nic is recorded before it exists); whatever is left uncommitted
    /// when the change returns is written then.
    public struct Transaction {
        public var database: NicDatabase
        let store: NicStore
        var written: [UInt8]

        public mutating func commit() throws(UserNic.Failure) {
            let bytes = database.serialized()
            guard bytes != written else { return }
            do { try store.replace(with: bytes) } catch { throw UserNic.Failure(error) }
            written = bytes
        }
    }

    /// Locks, reads, lets `change` edit the database, writes it back when it changed.
    public func update<R>(_ change: (inout Transaction) throws(UserNic.Failure) -> R) throws(UserNic.Failure) -> R {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        // Why: a setuid helper creates these with the caller's gid; LXC leaves them so, we give them to root.
        if !directory.isEmpty && !Files.exists(directory) && mkdir(directory, 0o755) == 0 && geteuid() == 0 {
            _ = chown(directory, 0, 0)
        }
        let fd: Int32
        do { fd = try lockCurrentFile() } catch { throw UserNic.Failure(error) }
        defer { close(fd) }
        removeStaleTemporaries(in: directory.isEmpty ? "." : directory)
        let before: [UInt8]
        do { before = try Files.readAll(fd, path: path, limit: 16 << 20) } catch {
            throw UserNic.Failure(Failure.system("read \(path)", error.errno))
        }
        var transaction = Transaction(database: NicDatabase(parsing: before), store: self, written: before)
        let result = try change(&transaction)
        try transaction.commit()
        return result
    }

    /// Temporary files of a writer that died between create and rename (`nics.cioXXXXXX`): under
    /// the lock no other writer is at work, so every one of them is stale.
    private func removeStaleTemporaries(in directory: String) {
        let base = String(path[(path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex)...])
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        let prefix = Array((base + ".cio").utf8)
        var doomed: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            let bytes = Array(name.utf8)
            if bytes.count == prefix.count + 6 && bytes.starts(with: prefix) { doomed.append(name) }
        }
        for name in doomed { _ = unlink(directory + "/" + name) }
    }

    private func lockCurrentFile() throws(Failure) -> Int32 {
        var waited = 0
        while true {
            let fd = clinux_open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw .system("open \(path)", Errno(rawValue: errno)) }
            if geteuid() == 0 { _ = fchown(fd, 0, 0) }
            var lock = flock()
            lock.l_type = Int16(F_WRLCK)
            lock.l_whence = Int16(SEEK_SET)
            // Polled, not F_SETLKW: a wait with a bound and no signal handler to install.
            while clinux_fcntl(fd, F_SETLK, &lock) != 0 {
                let e = errno
                guard e == EINTR || e == EAGAIN || e == EACCES else {
                    close(fd)
                    throw .system("lock \(path)", Errno(rawValue: e))
                }
                guard waited < Self.lockTimeoutMilliseconds else {
                    close(fd)
                    throw .lockTimeout(path, seconds: Self.lockTimeoutMilliseconds / 1000)
                }
                var pause = timespec(tv_sec: 0, tv_nsec: 5_000_000)
                _ = nanosleep(&pause, nil)
                waited += 5
            }
            var held = stat(), current = stat()
            if fstat(fd, &held) == 0 && lstat(path, &current) == 0 && held.st_ino == current.st_ino && held.st_dev == current.st_dev {
                return fd
            }
            close(fd)  // replaced while we waited: lock the new one
        }
    }

    fileprivate func replace(with bytes: [UInt8]) throws(Failure) {
        let attributes = Files.ReplacementAttributes(owner: geteuid() == 0 ? (uid: 0, gid: 0) : nil, mode: 0o600)
        do { try Files.replaceAtomically(path, with: bytes, attributes: attributes) } catch {
            throw .system("replace \(path)", error.errno)
        }
    }
}
