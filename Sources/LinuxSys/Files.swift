import CLinux
import Glibc
import SystemPackage

/// Whole-file reads and writes with the flags privileged code needs (CLOEXEC always; NOFOLLOW
/// where the path must not be a symlink, as shadow opens /etc/subuid).
public enum Files {
    /// Reads a regular file. Refuses symlinks when `followSymlinks` is false and files larger
    /// than `limit` bytes (a bounded read keeps hostile inputs from exhausting memory).
    public static func read(
        _ path: String, followSymlinks: Bool = false, limit: Int = 64 << 20
    ) throws(SystemError) -> [UInt8] {
        var flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK
        if !followSymlinks { flags |= O_NOFOLLOW }
        let fd: Int32
        do { fd = try valueOrErrno { clinux_open(path, flags, 0) } } catch { throw SystemError("open", path, error) }
        defer { close(fd) }
        return try readAll(fd, path: path, limit: limit)
    }

    /// Reads an open descriptor to its end.
    public static func readAll(_ fd: Int32, path: String, limit: Int = 64 << 20) throws(SystemError) -> [UInt8] {
        var st = stat()
        if fstat(fd, &st) != 0 { throw SystemError("stat", path, Errno(rawValue: errno)) }
        guard clinux_s_isreg(st.st_mode) != 0 else { throw SystemError("read", path, .isDirectory) }
        guard Int(st.st_size) <= limit else { throw SystemError("read", path, .fileTooLarge) }
        // Read straight into uninitialised capacity (no zero-filling); grow if the file grew.
        var capacity = max(Int(st.st_size) + 1, 4096)
        while true {
            var failure: Errno?
            var full = false
            let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                var used = 0
                while used < buffer.count {
                    let got = Glibc.read(fd, buffer.baseAddress! + used, buffer.count - used)
                    if got < 0 {
                        if errno == EINTR { continue }
                        failure = Errno(rawValue: errno)
                        break
                    }
                    if got == 0 { break }
                    used += got
                }
                full = used == buffer.count
                initialized = used
            }
            if let failure { throw SystemError("read", path, failure) }
            if !full { return bytes }
            // Filled the buffer: there may be more. Start over with room to spare.
            guard capacity < limit else { throw SystemError("read", path, .fileTooLarge) }
            capacity = min(capacity * 2, limit + 1)
            guard lseek(fd, 0, SEEK_SET) == 0 else { throw SystemError("seek", path, Errno(rawValue: errno)) }
        }
    }

    /// Writes every byte, retrying short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SystemError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress! + written, raw.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", path, Errno(rawValue: errno))
            }
            written += n
        }
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }
}
