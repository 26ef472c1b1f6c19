import IDModel
import CLinux
import Glibc
import LinuxSys
import SystemPackage

/// The lock shadow's tools take before rewriting a file, so `subid`, useradd, usermod and userdel
/// exclude each other: `lckpwdf()` (an fcntl lock on /etc/.pwd.lock) for files in /etc, then
/// `FILE.lock` made by linking a `FILE.<pid>` file that holds "<pid>\0". A lock whose PID is
/// dead is stale and taken over, as shadow does.
final class ShadowLock {
    let target: String
    let lockPath: String
    private var heldPasswordLock = false
    private var heldFileLock = false

    /// lckpwdf is per process and fails when called twice; shadow takes it on the first lock
    /// and drops it on the last unlock, and so do we (nested updates of subuid and subgid).
    nonisolated(unsafe) private static var passwordLockDepth = 0

    init(target: String) {
        self.target = target
        self.lockPath = target + ".lock"
    }

    deinit { release() }

    /// Files under /etc share lckpwdf with every shadow tool; elsewhere (tests, --root style
    /// trees) the link lock alone is taken, with retries, as shadow does for prefixed databases.
    func acquire() throws(StoreError) {
        let inEtc = target.hasPrefix("/etc/") && !target.dropFirst(5).contains("/")
        if inEtc {
            if ShadowLock.passwordLockDepth == 0 {
                guard clinux_lckpwdf() == 0 else { throw .passwordLockFailed }
            }
            ShadowLock.passwordLockDepth += 1
            heldPasswordLock = true
        }
        let tries = inEtc ? 1 : 15
        var lastError: StoreError = .passwordLockFailed
        for attempt in 0..<tries {
            do {
                try attemptLinkLock()
                heldFileLock = true
                return
            } catch {
                lastError = error
                if case .lockHeld = error, attempt + 1 < tries { usleep(200_000); continue }
                break
            }
        }
        release()
        throw lastError
    }

    func release() {
        if heldFileLock {
            unlink(lockPath)
            heldFileLock = false
        }
        if heldPasswordLock {
            ShadowLock.passwordLockDepth -= 1
            if ShadowLock.passwordLockDepth == 0 { clinux_ulckpwdf() }
            heldPasswordLock = false
        }
    }

    private func attemptLinkLock() throws(StoreError) {
        let pid = getpid()
        let pidPath = "\(target).\(pid)"
        let file: Descriptor
        do {
            file = try Descriptor.open(pidPath, O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW, mode: 0o600)
        } catch { throw .lockFailed(lock: lockPath, SystemError("create", pidPath, error)) }
        defer { unlink(pidPath) }
        do { try Files.writeAll(file, Array("\(pid)".utf8) + [0], path: pidPath) } catch {
            throw .lockFailed(lock: lockPath, error)
        }
        _ = fdatasync(file.rawValue)
        _ = consume file
        if try linkAndCheck(pidPath) { return }
        // The lock exists: steal it only if its owner is gone.
        let content: [UInt8]
        do { content = try Files.read(lockPath, limit: 64) } catch {
            throw .lockFailed(lock: lockPath, error)
        }
        let text = content.prefix { $0 != 0 && $0 != 0x0A }
        guard !text.isEmpty else { throw .lockWithoutPID(lock: lockPath) }
        let isDecimal = text.count <= 10 && text.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        guard isDecimal, let owner = Int32(String(decoding: text, as: UTF8.self)), owner >= 1 else {
            throw .lockWithInvalidPID(lock: lockPath, content: String(decoding: text, as: UTF8.self))
        }
        if clinux_process_exists(owner) != 0 { throw .lockHeld(lock: lockPath, pid: owner) }
        unlink(lockPath)
        if try linkAndCheck(pidPath) { return }
        throw .lockFailed(lock: lockPath, SystemError("link", lockPath, .fileExists))
    }

    /// link(2) is atomic on every filesystem shadow supports; the link count check catches NFS
    /// servers that report failure after succeeding (or the reverse).
    private func linkAndCheck(_ pidPath: String) throws(StoreError) -> Bool {
        do { _ = try valueOrErrno { link(pidPath, lockPath) } } catch {
            if error == .fileExists { return false }
            throw .lockFailed(lock: lockPath, SystemError("link", lockPath, error))
        }
        var st = stat()
        if stat(pidPath, &st) == 0 && st.st_nlink == 2 { return true }
        unlink(lockPath)
        throw .lockFailed(lock: lockPath, SystemError("link", lockPath, .fileExists))
    }
}
