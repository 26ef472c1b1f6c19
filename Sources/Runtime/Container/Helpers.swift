import Glibc
import LinuxSys

/// The setuid helpers, found as liblxc finds them: newuidmap/newgidmap privileged on PATH (or
/// beside us), lxc-user-nic in a libexec directory (beside us first: `../libexec/lxc`).
public enum Helpers {
    /// The directory of the running program.
    public static var selfDirectory: String? { SelfExecutable.directory }
    /// The running program's path.
    public static var selfPath: String? { SelfExecutable.path }

    /// The full `userbox` CLI (swift-argument-parser), for everything but the fast path.
    public static var fullCLI: String? { installed("userbox-cli") }

    /// The lean `userbox` (Embedded Swift): the quickest program to run a monitor in.
    public static var leanCLI: String? { installed("userbox") }

    /// The static userbox-join helper, which `AttachLaunch.helper` spawns.
    public static var joiner: String? { installed("userbox-join") }

    /// One of our programs, beside the running binary (or libuserbox) or in its
    /// `../libexec/userbox`, as `make install` lays them out.
    static func installed(_ name: String) -> String? {
        for me in SelfExecutable.installationDirectories {
            for candidate in [me + "/" + name, me + "/../libexec/userbox/" + name] where access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// lxc-user-nic, setuid root: ours beside us first, then liblxc's places; nil when none is.
    public static func userNic() -> String? {
        var candidates: [String] = []
        for me in SelfExecutable.installationDirectories {
            candidates.append(me + "/../libexec/lxc/lxc-user-nic")
            candidates.append(me + "/lxc-user-nic")
        }
        candidates += ["/usr/local/libexec/lxc/lxc-user-nic", "/usr/libexec/lxc/lxc-user-nic", "/usr/lib/x86_64-linux-gnu/lxc/lxc-user-nic"]
        return candidates.first(where: Executables.isSetuidRoot)
    }

    /// Our own tools (usernsexec for shifting and removing trees), beside the running binary (or
    /// in the installation libuserbox is in).
    public static func tool(_ name: String) -> String? {
        for me in SelfExecutable.installationDirectories where access(me + "/" + name, X_OK) == 0 { return me + "/" + name }
        for dir in ["/usr/local/bin", "/usr/bin"] where access(dir + "/" + name, X_OK) == 0 { return dir + "/" + name }
        return nil
    }

    /// lxc-user-nic's exit status for "the container's netns cannot be opened as you yet" (our
    /// helper's `UserNic.retryExitStatus`; a test keeps the two equal): the monitor runs it again
    /// once init has switched to root.
    public static let userNicRetryStatus: Int32 = 3
}
