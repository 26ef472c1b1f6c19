import CLinux
import Glibc
import SystemPackage

extension Files {
    /// What a replacement file gets before it is renamed into place.
    public struct ReplacementAttributes: Sendable {
        /// nil: left as created (the caller's ids).
        public var owner: (uid: UInt32, gid: UInt32)?
        public var mode: UInt32
        /// Access and modification times to keep (a backup keeps the original's).
        public var times: (access: timespec, modification: timespec)?

        public init(owner: (uid: UInt32, gid: UInt32)?, mode: UInt32, times: (access: timespec, modification: timespec)? = nil) {
            self.owner = owner
            self.mode = mode
            self.times = times
        }
    }

    /// Replaces `target` with `bytes` so that a crash at any point leaves the old file or the new
    /// one, never a mix: an unpredictable temporary name `<prefix>.cioXXXXXX` in the same
    /// directory (O_EXCL, O_NOFOLLOW), owner and mode set, fsync, rename, fsync of the directory.
    /// The temporary file is removed on every failure. `durable: false` skips both fsyncs, for
    /// state that a reboot makes meaningless anyway (a running container's pids).
    public static func replaceAtomically(
        _ target: String, with bytes: [UInt8], attributes: ReplacementAttributes, temporaryPrefix: String? = nil,
        durable: Bool = true
    ) throws(SystemError) {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<100 {
            let suffix = (0..<6).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
            temporary = (temporaryPrefix ?? target) + ".cio" + String(decoding: suffix, as: UTF8.self)
            fd = clinux_open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw SystemError("create", temporary, Errno(rawValue: errno)) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do throws(SystemError) {
            defer { close(fd) }
            try writeAll(fd, bytes, path: temporary)
            if let owner = attributes.owner, fchown(fd, owner.uid, owner.gid) != 0 {
                throw SystemError("chown", temporary, Errno(rawValue: errno))
            }
            guard fchmod(fd, attributes.mode) == 0 else { throw SystemError("chmod", temporary, Errno(rawValue: errno)) }
            if let times = attributes.times {
                var values = [times.access, times.modification]
                _ = futimens(fd, &values)
            }
            guard !durable || fsync(fd) == 0 else { throw SystemError("fsync", temporary, Errno(rawValue: errno)) }
        } catch { throw error }
        guard rename(temporary, target) == 0 else {
            throw SystemError("rename \(temporary) to", target, Errno(rawValue: errno))
        }
        renamed = true
        guard durable else { return }
        let slash = target.lastIndex(of: "/")
        let directory = slash.map { $0 == target.startIndex ? "/" : String(target[..<$0]) } ?? "."
        let dirfd = clinux_open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }
}
