import Glibc
import LinuxSys

/// Where a user's containers live, as LXC lays them out for unprivileged users:
/// `~/.local/share/userbox/NAME/{config,rootfs,console.log,userbox.log,state}`, defaults in
/// `~/.config/userbox/default.conf`, caches in `~/.cache/userbox`. The state of a running
/// container lives beside its config, so it follows the container whoever looks it up; a state
/// left by a reboot is harmless (init's pid and start time must both still match).
public struct ContainerPaths: Sendable {
    public let name: String
    public let lxcpath: String

    public init(name: String, lxcpath: String? = nil, home: String = ContainerPaths.home) {
        self.name = name
        self.lxcpath = lxcpath ?? home + "/.local/share/userbox"
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
    public var state: String { directory + "/state" }
    /// The monitor's console socket (`userbox console`), in `directory`.
    public static let consoleSocketName = "console.sock"
    /// The cgroups made for the running (or crashed) container, for removal.
    public var cgroups: String { directory + "/cgroups" }

    /// Container names become directory names: letters, digits, `-`, `_`, `.`, not starting with `.`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && !name.hasPrefix(".")
            && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }
}
