import CLinux
import Glibc
import SystemPackage

/// Whole-file reads and writes with the flags privileged code needs (CLOEXEC always; NOFOLLOW
/// where the path must not be a symlink, as shadow opens /etc/subuid).
public enum Files {
    /// mkdir -p: every missing directory of `path` made with `mode`; existing ones are left as
    /// they are.
    public static func makeDirectories(_ path: String, mode: mode_t) throws(SystemError) {
        var partial = ""
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, mode) != 0 && errno != EEXIST { throw SystemError("create", partial, Errno(rawValue: errno)) }
        }
    }

    /// Reads a regular file. Refuses symlinks when `followSymlinks` is false and files larger
    /// than `limit` bytes (a bounded read keeps hostile inputs from exhausting memory).
    public static func read(
        _ path: String, followSymlinks: Bool = false, limit: Int = 64 << 20
    ) throws(SystemError) -> [UInt8] {
        var flags = O_RDONLY | O_NOCTTY | O_NONBLOCK
        if !followSymlinks { flags |= O_NOFOLLOW }
        let file: Descriptor
        do { file = try Descriptor.open(path, flags) } catch { throw SystemError("open", path, error) }
        return try readAll(file, path: path, limit: limit)
    }

    /// Reads an open regular file from its start to its end (`path` names it in errors).
    public static func readAll(_ file: borrowing Descriptor, path: String, limit: Int = 64 << 20) throws(SystemError) -> [UInt8] {
        let st: stat
        do { st = try file.status() } catch { throw SystemError("stat", path, error) }
        guard clinux_s_isreg(st.st_mode) != 0 else { throw SystemError("read", path, .isDirectory) }
        guard Int(st.st_size) <= limit else { throw SystemError("read", path, .fileTooLarge) }
        do {
            try file.seek(to: 0)
            return try file.readAll(limit: limit)
        } catch { throw SystemError("read", path, error) }
    }

    /// Writes every byte, retrying short writes and EINTR.
    public static func writeAll(_ file: borrowing Descriptor, _ bytes: [UInt8], path: String) throws(SystemError) {
        do { try file.writeAll(bytes) } catch { throw SystemError("write", path, error) }
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }
}
