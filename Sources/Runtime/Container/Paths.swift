import Glibc
import LinuxSys

/// Where a user's containers live, as LXC lays them out for unprivileged users:
/// `~/.local/share/userbox/NAME/{config,rootfs,console.log,userbox.log}`, defaults in
/// `~/.config/userbox/default.conf`, caches in `~/.cache/userbox`, and the runtime state of a
/// running container in `$XDG_RUNTIME_DIR/userbox/NAME` (else `~/.cache/userbox/run/NAME`).
public struct ContainerPaths: Sendable {
    public let name: String
    public let lxcpath: String
    public let runRoot: String

    public init(name: String, lxcpath: String? = nil, home: String = ContainerPaths.home) {
        self.name = name
        self.lxcpath = lxcpath ?? home + "/.local/share/userbox"
        if let runtime = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), runtime.hasPrefix("/"), Files.exists(runtime) {
            runRoot = runtime + "/userbox"
        } else {
            runRoot = home + "/.cache/userbox/run"
        }
    }

    public static var home: String {
        if let h = getenv("HOME").map({ String(cString: $0) }), h.hasPrefix("/") { return h }
        return SystemUserDatabase().user(id: getuid()).map { "/home/\($0.name)" } ?? "/"
    }

    public static var defaultConfig: String { home + "/.config/userbox/default.conf" }
    public static var cache: String { home + "/.cache/userbox" }

    public var directory: String { lxcpath + "/" + name }
    public var config: String { directory + "/config" }
    public var defaultRootfs: String { directory + "/rootfs" }
    public var consoleLog: String { directory + "/console.log" }
    public var log: String { directory + "/userbox.log" }
    public var state: String { runRoot + "/" + name + ".state" }

    /// Container names become directory names: letters, digits, `-`, `_`, `.`, not starting with `.`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && !name.hasPrefix(".")
            && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }
}
