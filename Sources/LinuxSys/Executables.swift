import CLinux
import Glibc

/// Where programs are looked for, and what makes one a privileged helper.
public enum Executables {
    /// The fixed search path LXC and shadow's callers use for the tools they run as root, and
    /// what our children get as PATH (never the caller's).
    public static let searchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// `PATH=` plus `searchPath`, the whole environment of a helper's child.
    public static var searchPathEnvironment: String { "PATH=" + searchPath }

    /// The directories of a PATH-style list that are absolute (relative ones are skipped: a
    /// privileged caller must not depend on its working directory).
    public static func directories(of path: String) -> [String] {
        path.split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
    }

    /// A regular file with an execute bit (whoever asks: `subid doctor` looks on a user's behalf).
    public static func isExecutableFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && clinux_s_isreg(st.st_mode) != 0 && st.st_mode & 0o111 != 0
    }

    /// Setuid root.
    public static func isSetuidRoot(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_uid == 0 && st.st_mode & S_ISUID != 0
    }

    /// Carries file capabilities (a `security.capability` attribute).
    public static func hasFileCapabilities(_ path: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        return clinux_lgetxattr(path, "security.capability", &buffer, UInt(buffer.count)) > 0
    }

    /// What liblxc and podman insist on for newuidmap/newgidmap: an executable regular file that
    /// is setuid root or has file capabilities.
    public static func isPrivilegedHelper(_ path: String) -> Bool {
        isExecutableFile(path) && access(path, X_OK) == 0 && (isSetuidRoot(path) || hasFileCapabilities(path))
    }
}
