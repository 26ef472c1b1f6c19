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
        var created: Descriptor? = nil
        var lastError = Errno.fileExists
        for _ in 0..<100 {
            let suffix = (0..<6).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
            temporary = (temporaryPrefix ?? target) + ".cio" + String(decoding: suffix, as: UTF8.self)
            do {
                created = try Descriptor.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
                break
            } catch {
                lastError = error
                if error != .fileExists { break }
            }
        }
        guard let file = created.take() else { throw SystemError("create", temporary, lastError) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        try writeAll(file, bytes, path: temporary)
        let fd = file.rawValue
        if let owner = attributes.owner {
            do { _ = try valueOrErrno { fchown(fd, owner.uid, owner.gid) } } catch { throw SystemError("chown", temporary, error) }
        }
        do { _ = try valueOrErrno { fchmod(fd, attributes.mode) } } catch { throw SystemError("chmod", temporary, error) }
        if let times = attributes.times {
            var values = [times.access, times.modification]
            _ = futimens(fd, &values)
        }
        if durable {
            do { _ = try valueOrErrno { fsync(fd) } } catch { throw SystemError("fsync", temporary, error) }
        }
        _ = consume file
        do { _ = try valueOrErrno { rename(temporary, target) } } catch { throw SystemError("rename \(temporary) to", target, error) }
        renamed = true
        guard durable else { return }
        let slash = target.lastIndex(of: "/")
        let directory = slash.map { $0 == target.startIndex ? "/" : String(target[..<$0]) } ?? "."
        if let dir = try? Descriptor.open(directory, O_RDONLY | O_DIRECTORY) { _ = fsync(dir.rawValue) }
    }
}
