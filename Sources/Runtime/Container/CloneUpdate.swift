import Glibc
import LinuxSys

/// LXC's clone_update_rootfs for a copy, snapshot or restore that is still being built: inside
/// the container's user namespace, in a mount namespace of its own where an overlay rootfs is
/// mounted, the `lxc.hook.clone` hooks run (as LXC runs them for every clone, snapshots
/// included), then /etc/hostname gets the new name unless it is kept.
struct CloneUpdate {
    /// The source container's name (LXC_SRC_NAME).
    let sourceName: String
    /// The new container as it will be named and placed.
    let final: ContainerPaths
    /// Where it is being built (`.NAME.partial`); its paths stand for `final`'s until the rename.
    let staging: String
    let keepName: Bool
    /// The words after `--` on the copy's command line, given to every clone hook.
    let hookArguments: [String]

    /// Output lines marking a failed hook: `MARK INDEX STATUS`.
    static let failureMark = "userbox-clone-hook-failed"

    /// Nothing to do when the name is kept and no clone hook is configured (a snapshot, usually):
    /// then no namespace is made at all.
    func needed(_ config: ContainerConfig) -> Bool { !keepName || !config.hooks("clone").isEmpty }

    /// The staged path of a final one.
    func staged(_ path: String) -> String {
        let prefix = final.directory + "/"
        return path.hasPrefix(prefix) ? staging + "/" + path.dropFirst(prefix.count) : path
    }

    /// Runs it; `config` is the new container's (with its final paths). `prelude`: shell commands
    /// the copy needs run as the container's root first (in the same namespace: each usernsexec
    /// costs a process start and two helper runs).
    func run(_ config: ContainerConfig, in ns: ContainerUserns, prelude: String = "") throws(RuntimeError) {
        guard needed(config) || !prelude.isEmpty else { return }
        var script = "set -e\n" + prelude
        let rootfs: String
        switch config.rootfsBackend {
        case .overlay(let lowers, let upper):
            rootfs = staging + "/rootfs"
            let options = "lowerdir=\(lowers.map(staged).joined(separator: ":")),upperdir=\(staged(upper)),workdir=\(staged(ContainerConfig.overlayWork(upper))),userxattr"
            script += "mount -t overlay overlay -o \(Hooks.quoted(options)) \(Hooks.quoted(rootfs))\n"
        case .dir, .btrfs:
            rootfs = staged(config.rootfs ?? final.defaultRootfs)
        }
        let hooks = config.hooks("clone")
        var environment = Hooks.currentEnvironment()
        if !hooks.isEmpty {
            // LXC's variables for the clone hooks; the paths are the staged ones, where the files are
            // while the hooks run (they become `final`'s when the copy is moved into place).
            for (key, value) in [("LXC_SRC_NAME", sourceName), ("LXC_NAME", final.name), ("LXC_CONFIG_FILE", staging + "/config"),
                                 ("LXC_ROOTFS_MOUNT", rootfs), ("LXC_ROOTFS_PATH", rootfs)]
                + Hooks.versionVariables(section: "lxc", type: "clone", version: config.hookVersion) {
                Hooks.set(&environment, key, value)
            }
        }
        for (index, hook) in hooks.enumerated() {
            let line = Hooks.command(hook, name: final.name, section: "lxc", type: "clone", version: config.hookVersion, arguments: hookArguments)
            script += "/bin/sh -c \(Hooks.quoted(line)) || { echo \"\(CloneUpdate.failureMark) \(index) $?\"; exit 1; }\n"
        }
        if !keepName {
            // LXC writes the name (no newline) when /etc/hostname exists; a symlink there (to a
            // file of another tree) is left alone rather than followed.
            let etc = Hooks.quoted(rootfs + "/etc"), file = Hooks.quoted(rootfs + "/etc/hostname")
            script += "if [ ! -L \(etc) ] && [ -f \(file) ] && [ ! -L \(file) ]; then printf '%s' \(Hooks.quoted(final.name)) > \(file); fi\n"
        }
        guard let result = Process.run([ns.usernsexec] + ns.maps + ["--", "/bin/sh", "-c", script], environment: environment) else {
            throw .cannotRun(ns.usernsexec)
        }
        guard result.status == 0 else {
            for line in result.output.split(separator: "\n") where line.hasPrefix(CloneUpdate.failureMark + " ") {
                let words = line.split(separator: " ")
                if words.count == 3, let index = Int(words[1]), index < hooks.count {
                    throw .hookFailed(type: "lxc.hook.clone", hook: hooks[index], status: Int32(words[2]))
                }
            }
            let detail = result.output.split(separator: "\n").suffix(3).joined(separator: "; ")
            throw .toolFailed(what: "updating the copy's rootfs", program: ns.usernsexec, status: result.status, detail: detail)
        }
    }
}
