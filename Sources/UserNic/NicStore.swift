import CLinux
import Glibc
import LinuxSys
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
            do { try store.replace(with: bytes) } catch { throw .database(error) }
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
        // Why two locks: commits replace the database by rename, so a lock on the database file
        // is a lock on an inode the path stops naming at the first commit, and a waiter would then
        // lock the new file and go ahead while we still work (a nic is recorded before it exists,
        // so there are commits mid-change). `nics.lock` is never replaced: it serialises our
        // helpers. The lock on the database file itself is kept for LXC's lxc-user-nic.
        let serial: Descriptor
        do { serial = try lockSerial() } catch { throw .database(error) }
        let locked: Descriptor
        do { locked = try lockCurrentFile() } catch { throw .database(error) }
        removeStaleTemporaries(in: directory.isEmpty ? "." : directory)
        let before: [UInt8]
        do { before = try Files.readAll(locked, path: path, limit: 16 << 20) } catch {
            throw .database(.system("read \(path)", error.errno))
        }
        var transaction = Transaction(database: NicDatabase(parsing: before), store: self, written: before)
        let result = try change(&transaction)
        try transaction.commit()
        _ = consume locked
        _ = consume serial
        return result
    }

    /// `PATH.lock`, locked (created root-owned 0600 if missing; never renamed or removed).
    private func lockSerial() throws(Failure) -> Descriptor {
        let lockPath = path + ".lock"
        let file: Descriptor
        do { file = try Descriptor.open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW, mode: 0o600) } catch {
            throw .system("open \(lockPath)", error)
        }
        if geteuid() == 0 { _ = fchown(file.rawValue, 0, 0) }
        var waited = 0
        try waitForLock(on: file, waited: &waited, name: lockPath)
        return file
    }

    /// Temporary files of a writer that died between create and rename (`nics.cioXXXXXX`): under
    /// the lock no other writer is at work, so every one of them is stale.
    private func removeStaleTemporaries(in directory: String) {
        let base = String(path[(path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex)...])
        guard let names = try? DirectoryEntries.names(atPath: directory) else { return }
        let prefix = Array((base + ".cio").utf8)
        for name in names {
            let bytes = Array(name.utf8)
            if bytes.count == prefix.count + 6 && bytes.starts(with: prefix) { _ = unlink(directory + "/" + name) }
        }
    }

    /// The lock lives as long as the returned descriptor (closing it releases the lock).
    private func lockCurrentFile() throws(Failure) -> Descriptor {
        var waited = 0
        while true {
            let file = try openDatabase()
            try waitForLock(on: file, waited: &waited, name: path)
            if isCurrent(file) { return file }
            // replaced while we waited: lock the new one
        }
    }

    private func openDatabase() throws(Failure) -> Descriptor {
        let file: Descriptor
        do { file = try Descriptor.open(path, O_RDWR | O_CREAT | O_NOFOLLOW, mode: 0o600) } catch {
            throw .system("open \(path)", error)
        }
        if geteuid() == 0 { _ = fchown(file.rawValue, 0, 0) }
        return file
    }

    /// Polled, not F_SETLKW: a wait with a bound and no signal handler to install.
    private func waitForLock(on file: borrowing Descriptor, waited: inout Int, name: String) throws(Failure) {
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        let fd = file.rawValue
        while true {
            do {
                _ = try valueOrErrno { clinux_fcntl(fd, F_SETLK, &lock) }
                return
            } catch {
                guard error == .resourceTemporarilyUnavailable || error == .permissionDenied else {
                    throw .system("lock \(name)", error)
                }
            }
            guard waited < Self.lockTimeoutMilliseconds else {
                throw .lockTimeout(name, seconds: Self.lockTimeoutMilliseconds / 1000)
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 5_000_000)
            _ = nanosleep(&pause, nil)
            waited += 5
        }
    }

    /// Whether the locked file is still the one the path names.
    private func isCurrent(_ file: borrowing Descriptor) -> Bool {
        var current = stat()
        guard let held = try? file.status(), lstat(path, &current) == 0 else { return false }
        return held.st_ino == current.st_ino && held.st_dev == current.st_dev
    }

    fileprivate func replace(with bytes: [UInt8]) throws(Failure) {
        let attributes = Files.ReplacementAttributes(owner: geteuid() == 0 ? (uid: 0, gid: 0) : nil, mode: 0o600)
        do { try Files.replaceAtomically(path, with: bytes, attributes: attributes) } catch {
            throw .system("replace \(path)", error.errno)
        }
    }
}
