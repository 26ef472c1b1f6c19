import LinuxSys

/// lxc.apparmor.profile and lxc.selinux.context: applied when the kernel runs that LSM (the label
/// is written to /proc/self/attr before init's exec, as LXC does); on a host without it, no key or
/// `unconfined` starts and any other value is refused, naming the key and the missing LSM, so a
/// config written for a confined host never runs unconfined by surprise.
public enum SecurityModules {
    /// The LSMs the kernel runs, from /sys/kernel/security/lsm (securityfs), else from the
    /// AppArmor module parameter and selinuxfs.
    public static func active() -> Set<String> {
        if let list = try? Files.read("/sys/kernel/security/lsm", followSymlinks: true, limit: 4096) {
            return Set(String(decoding: list, as: UTF8.self).split(whereSeparator: { $0 == "," || $0 == "\n" }).map(String.init))
        }
        var found: Set<String> = []
        if let enabled = try? Files.read("/sys/module/apparmor/parameters/enabled", followSymlinks: true, limit: 64),
           enabled.first == UInt8(ascii: "Y") { found.insert("apparmor") }
        if Files.exists("/sys/fs/selinux/enforce") { found.insert("selinux") }
        return found
    }

    /// What init's exec gets: the attribute file and the label to write, or nil for nothing.
    public static func execLabel(for config: ContainerConfig, active: Set<String> = active()) throws(RuntimeError)
        -> (file: String, label: String)? {
        if let profile = config.apparmorProfile, profile != "unconfined" {
            guard active.contains("apparmor") else {
                throw .securityModuleMissing(key: "lxc.apparmor.profile", value: profile, module: "AppArmor")
            }
            let file = Files.exists("/proc/self/attr/apparmor/exec") ? "/proc/self/attr/apparmor/exec" : "/proc/self/attr/exec"
            return (file, "exec " + profile)
        }
        if let context = config.selinuxContext {
            guard active.contains("selinux") else {
                throw .securityModuleMissing(key: "lxc.selinux.context", value: context, module: "SELinux")
            }
            return ("/proc/self/attr/exec", context)
        }
        return nil
    }
}
