import Glibc
import LinuxSys

/// Where a user's containers live, as LXC lays them out for unprivileged users:
/// `~/.local/share/userbox/NAME/{config,rootfs,console.log,userbox.log,state}`, defaults in
/// `~/.config/userbox/default.conf`, caches in `~/.cache/userbox`. The state of a running
/// container lives beside its config, so it follows the container whoever looks it up; a state
/// left by a reboot is harmless (init's pid and start time must both still match).
public struct ContainerPaths: Sendable {
    /// The container's name (a directory of `lxcpath`).
    public let name: String
    /// The directory holding the user's containers.
    public let lxcpath: String

    /// The paths of `name` in `lxcpath` (default: `home`'s `.local/share/userbox`).
    public init(name: String, lxcpath: String? = nil, home: String = ContainerPaths.home) {
        self.name = name
        self.lxcpath = lxcpath ?? home + "/.local/share/userbox"
    }

    /// The caller's home: `$HOME` when absolute, else the password database's name under /home.
    public static var home: String {
        if let h = getenv("HOME").map({ String(cString: $0) }), h.hasPrefix("/") { return h }
        return SystemUserDatabase().user(id: getuid()).map { "/home/\($0.name)" } ?? "/"
    }

    /// The defaults every new container's config starts from (LXC's `~/.config/lxc/default.conf`).
    public static var defaultConfig: String { home + "/.config/userbox/default.conf" }
    /// The user's cache (downloaded images).
    public static var cache: String { home + "/.cache/userbox" }

    /// The container's directory.
    public var directory: String { lxcpath + "/" + name }
    /// Its config file, in LXC's format.
    public var config: String { directory + "/config" }
    /// Where its rootfs is unless the config says otherwise.
    public var defaultRootfs: String { directory + "/rootfs" }
    /// What its console printed (`lxc.console.logfile`'s place).
    public var consoleLog: String { directory + "/console.log" }
    /// The monitor's log: why a start failed, hooks' output.
    public var log: String { directory + "/userbox.log" }
    /// The running container's record (`ContainerState`).
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
