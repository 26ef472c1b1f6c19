import CContainer
import Glibc
import LinuxSys

/// LXC's hooks, with LXC's command lines and environment (`lxc.hook.version` 0 or 1), so hook
/// scripts written for LXC run unchanged. On the host: pre-start, start-host, the nics' script.up
/// and script.down, stop, post-stop, destroy (run here, from the monitor or from destroy). Inside
/// the container: pre-mount, mount, autodev, start (run by the cloned child; see `childHooks`).
///
/// Like LXC, the `LXC_*` variables live in the process environment of the monitor, which every
/// hook inherits along with the rest of it; the in-container hooks get theirs as it was at clone.
enum Hooks {
    /// LXC_NAME and the other variables LXC sets once, before pre-start.
    static func exportEnvironment(_ container: Container, config: ContainerConfig, rootfs: String) {
        setenv("LXC_NAME", container.name, 1)
        setenv("LXC_CONFIG_FILE", container.paths.config, 1)
        // Why the same path twice: userbox mounts the rootfs onto itself, not at a separate
        // lxc.rootfs.mount, so where it is mounted is where it is.
        setenv("LXC_ROOTFS_MOUNT", rootfs, 1)
        setenv("LXC_ROOTFS_PATH", rootfs, 1)
        setenv("LXC_CONSOLE_LOGPATH", container.paths.consoleLog, 1)
        setenv("LXC_CGNS_AWARE", "1", 1)
        setenv("LXC_LOG_LEVEL", "ERROR", 1)
        setenv("LXC_HOOK_VERSION", String(config.hookVersion), 1)
    }

    /// The shell command LXC runs: version 0 passes `NAME SECTION TYPE` before the arguments,
    /// version 1 only the arguments (the rest is in the environment).
    static func command(_ hook: String, name: String, section: String, type: String, version: Int, arguments: [String]) -> String {
        var words = ["exec", hook]
        if version == 0 { words += [quoted(name), section, type] }
        words += arguments.map(quoted)
        return words.joined(separator: " ")
    }

    /// The words `sh -c "exec HOOK ARGS"` would exec, when the shell would do nothing but split
    /// them: HOOK of plain words (no quotes, expansions, redirections or globs) whose first is a
    /// path. Saves a shell per hook (LXC always starts one); anything else goes through the shell.
    static func directArgv(_ hook: String, name: String, section: String, type: String, version: Int, arguments: [String]) -> [String]? {
        let plain = hook.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == 0x2F || b == 0x2E || b == 0x5F || b == 0x2D || b == 0x2B || b == 0x2C || b == 0x3A || b == 0x40 || b == 0x25
                || b == 0x20 || b == 0x09
        }
        let words = hook.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard plain, let first = words.first, first.contains("/") else { return nil }
        return words + (version == 0 ? [name, section, type] : []) + arguments
    }

    /// Version 1's per-hook variables (LXC sets them in its own environment, where they stay).
    static func versionVariables(section: String, type: String, version: Int, net: [String] = []) -> [(String, String)] {
        guard version == 1 else { return [] }
        var variables = [("LXC_HOOK_TYPE", type), ("LXC_HOOK_SECTION", section)]
        if section == "net", let kind = net.first {
            variables.append(("LXC_NET_TYPE", kind))
            if kind == "veth" { variables.append(("LXC_NET_PEER", net.count > 2 ? net[2] : "")) }
            variables.append(("LXC_NET_PARENT", net.count > 1 ? net[1] : ""))
        }
        return variables
    }

    /// An in-container hook as the cloned child runs it.
    struct ChildHook {
        let point: Int32
        let type: String
        /// As configured (for messages).
        let hook: String
        /// The whole shell command line.
        let command: String
        /// Its words, when they can be exec'd without the shell.
        let argv: [String]?
        let environment: [String]
    }

    /// Runs the `type` hooks on the host, in order; the first failure stops them and is the error.
    static func run(_ type: String, _ config: ContainerConfig, _ container: Container, arguments: [String] = []) throws(RuntimeError) {
        for hook in config.hooks(type) {
            try runOne(hook, section: "lxc", type: type, config: config, container: container, arguments: arguments)
        }
    }

    /// lxc.net.N.script.up / script.down of a veth: `veth LINK HOSTVETH` after LXC's words.
    static func runNetScript(_ script: String, type: String, network: ContainerConfig.Network, hostVeth: String,
                             config: ContainerConfig, container: Container) throws(RuntimeError) {
        try runOne(script, section: "net", type: type, config: config, container: container,
                   arguments: ["veth", network.link, hostVeth], label: "lxc.net.\(network.index).script.\(type)")
    }

    static func runOne(_ hook: String, section: String, type: String, config: ContainerConfig, container: Container,
                       arguments: [String], label: String? = nil) throws(RuntimeError) {
        let what = label ?? "lxc.hook.\(type)"
        for (key, value) in versionVariables(section: section, type: type, version: config.hookVersion, net: section == "net" ? arguments : []) {
            setenv(key, value, 1)
        }
        let line = command(hook, name: container.name, section: section, type: type, version: config.hookVersion, arguments: arguments)
        let environment = currentEnvironment()
        let direct = directArgv(hook, name: container.name, section: section, type: type, version: config.hookVersion, arguments: arguments)
        guard let result = direct.flatMap({ Process.run($0, environment: environment) })
                ?? Process.run(["/bin/sh", "-c", line], environment: environment) else {
            throw .hookFailed(type: what, hook: hook, status: nil)
        }
        if !result.output.isEmpty { Monitor.log("\(what) \(hook): \(result.output)") }
        guard result.status == 0 else { throw .hookFailed(type: what, hook: hook, status: result.status) }
    }

    /// The in-container hooks in the order the child runs them, each with its whole environment:
    /// ours now (before clone, so without LXC_PID, as in LXC), the version's variables and the
    /// container's lxc.environment (LXC sets those before its set-up, so its hooks see them).
    static func childHooks(_ config: ContainerConfig, _ container: Container) -> [ChildHook] {
        let points: [(String, Int32)] = [("pre-mount", Int32(CCONTAINER_HOOK_PRE_MOUNT)), ("mount", Int32(CCONTAINER_HOOK_MOUNT)),
                                         ("autodev", Int32(CCONTAINER_HOOK_AUTODEV)), ("start", Int32(CCONTAINER_HOOK_START))]
        var hooks: [ChildHook] = []
        let base = currentEnvironment()
        for (type, point) in points {
            for hook in config.hooks(type) {
                var environment = base
                for (key, value) in versionVariables(section: "lxc", type: type, version: config.hookVersion) {
                    set(&environment, key, value)
                }
                for entry in config.environment {
                    let parts = entry.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { set(&environment, String(parts[0]), String(parts[1])) }
                }
                hooks.append(ChildHook(point: point, type: type, hook: hook,
                                       command: command(hook, name: container.name, section: "lxc", type: type, version: config.hookVersion, arguments: []),
                                       argv: directArgv(hook, name: container.name, section: "lxc", type: type, version: config.hookVersion, arguments: []),
                                       environment: environment))
            }
        }
        return hooks
    }

    /// Namespaces in LXC's order, with the variable version 1 exposes each as at stop.
    static let namespaces: [(name: String, variable: String)] = [
        ("user", "LXC_USER_NS"), ("mnt", "LXC_MNT_NS"), ("pid", "LXC_PID_NS"), ("uts", "LXC_UTS_NS"),
        ("ipc", "LXC_IPC_NS"), ("net", "LXC_NET_NS"), ("cgroup", "LXC_CGROUP_NS"),
    ]

    static func set(_ environment: inout [String], _ key: String, _ value: String) {
        environment.removeAll { $0.hasPrefix(key + "=") }
        environment.append(key + "=" + value)
    }

    /// Single quotes, unless the word needs none (LXC pastes words in unquoted; for the names and
    /// paths it passes that is the same, and a hostile name cannot run anything).
    static func quoted(_ word: String) -> String {
        if !word.isEmpty, word.utf8.allSatisfy({ b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
                || b == 0x2E || b == 0x2F || b == 0x3A || b == 0x2C || b == 0x40 || b == 0x2B || b == 0x3D
        }) { return word }
        var out = "'"
        for c in word { if c == "'" { out += "'\\''" } else { out.append(c) } }
        return out + "'"
    }

    static func currentEnvironment() -> [String] {
        var result: [String] = []
        guard var p = ccontainer_environ() else { return result }
        while let entry = p.pointee {
            result.append(String(cString: entry))
            p += 1
        }
        return result
    }
}

/// The container's namespaces, held by the monitor from start to stop so the stop hooks and the
/// net down scripts can enter them after init is gone (LXC passes them as /proc/MONITOR/fd/N).
final class HeldNamespaces {
    private(set) var fds: [(name: String, variable: String, fd: Int32)] = []

    init(pid: Int32) {
        for ns in Hooks.namespaces {
            let fd = open("/proc/\(pid)/ns/\(ns.name)", O_RDONLY | O_CLOEXEC)
            if fd >= 0 { fds.append((ns.name, ns.variable, fd)) }
        }
    }

    /// `/proc/MONITOR/fd/N` for each.
    var paths: [(name: String, variable: String, path: String)] {
        let me = getpid()
        return fds.map { ($0.name, $0.variable, "/proc/\(me)/fd/\($0.fd)") }
    }

    func close() {
        for entry in fds { _ = Glibc.close(entry.fd) }
        fds = []
    }

    deinit { close() }
}
