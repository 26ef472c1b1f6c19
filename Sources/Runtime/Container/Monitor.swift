import CContainer
import CLinux
import Glibc
import LinuxSys
import IDMapClient
public import IDModel
public import SubID

/// The process that starts a container and stays its parent, as LXC's monitor does: it runs
/// the hooks, clones init into new namespaces, has newuidmap/newgidmap map it and lxc-user-nic
/// give it its nics, logs its console, and cleans up when it exits.
public enum Monitor {
    /// Runs in the monitor process. Reports "OK <pid>" or "ERR <message>" on `readyFD`, then
    /// supervises until init exits. Returns the monitor's exit status.
    public static func run(_ container: Container, user: UserRecord, readyFD: Int32) -> Int32 {
        // Why: the helpers we spawn must not inherit the pipe our starter waits on.
        if readyFD >= 0 { _ = fcntl(readyFD, F_SETFD, FD_CLOEXEC) }
        func report(_ line: String) {
            guard readyFD >= 0 else { return }
            var bytes = Array((line + "\n").utf8)
            _ = bytes.withUnsafeMutableBytes { write(readyFD, $0.baseAddress, $0.count) }
        }
        let started: Started
        do { started = try start(container, user: user) } catch {
            log("start failed: \(error)")
            report("ERR \(error)")
            return 1
        }
        report("OK \(started.pid)")
        if readyFD >= 0 { close(readyFD) }
        supervise(container, started)
        return 0
    }

    struct Started {
        var pid: Int32
        var pidfd: Int32
        var consoleMaster: Int32
        var config: ContainerConfig
    }

    static func log(_ message: String) {
        var bytes = Array("userbox monitor[\(getpid())]: \(message)\n".utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    static func hookEnvironment(_ container: Container, rootfs: String) {
        setenv("LXC_NAME", container.name, 1)
        setenv("LXC_CONFIG_FILE", container.paths.config, 1)
        setenv("LXC_ROOTFS_PATH", rootfs, 1)
        setenv("LXC_ROOTFS_MOUNT", rootfs, 1)
        setenv("LXC_CONSOLE_LOGPATH", container.paths.consoleLog, 1)
        setenv("LXC_HOOK_VERSION", "0", 1)
    }

    /// Host hooks as LXC runs version-0 hooks: `HOOK NAME lxc TYPE` through /bin/sh.
    static func runHooks(_ type: String, _ config: ContainerConfig, _ container: Container) throws(RuntimeError) {
        for hook in config.hooks[type] ?? [] {
            var env: [String] = []
            for key in ["LXC_NAME", "LXC_CONFIG_FILE", "LXC_ROOTFS_PATH", "LXC_ROOTFS_MOUNT", "LXC_CONSOLE_LOGPATH",
                        "LXC_HOOK_VERSION", "LXC_PID", "LXC_TARGET", "HOME", "PATH"] {
                if let v = getenv(key) { env.append("\(key)=\(String(cString: v))") }
            }
            env.append("LXC_HOOK_TYPE=\(type)")
            guard let result = Process.run(["/bin/sh", "-c", "exec \(hook) \"$0\" lxc \"$1\"", container.name, type], environment: env) else {
                throw RuntimeError("cannot run the \(type) hook \(hook)")
            }
            if !result.output.isEmpty { log("\(type) hook: \(result.output)") }
            guard result.status == 0 else { throw RuntimeError("the \(type) hook \(hook) failed with status \(result.status)") }
        }
    }

    static func start(_ container: Container, user: UserRecord) throws(RuntimeError) -> Started {
        if container.isRunning { throw RuntimeError("container \(container.name) is already running") }
        let config = try container.check(user: user)
        let rootfs = config.rootfs!
        hookEnvironment(container, rootfs: rootfs)
        try runHooks("pre-start", config, container)

        let plan = try LaunchPlan(config: config, rootfs: rootfs)
        let seccomp = try config.seccompProfile.map { path throws(RuntimeError) in try SeccompPolicy.compile(file: path) }
        var slave: Int32 = -1
        var slavePath = [CChar](repeating: 0, count: 128)
        let master = ccontainer_open_console(&slave, &slavePath, UInt(slavePath.count))
        guard master >= 0 else { throw RuntimeError("cannot open a pty for the console: \(String(cString: strerror(errno)))") }

        let strings = CStrings()
        var cmounts = plan.mounts.map { m in
            ccontainer_mount(source: strings.string(m.source), target: strings.string(m.target), type: m.type.map(strings.string),
                             flags: m.flags, data: m.data.map(strings.string), create: m.create, optional: m.optional ? 1 : 0,
                             remount_flags: m.remount)
        }
        let initArgv = strings.array(plan.initCommand)
        let envp = strings.array(plan.environment)
        let startHook = config.hooks["start"].map { hooks in strings.string(hooks.joined(separator: " && ")) }
        var child = ccontainer_child()
        let pid: Int32 = cmounts.withUnsafeMutableBufferPointer { mounts in
            (seccomp ?? []).withUnsafeBytes { filter in
                var spec = ccontainer_spec()
                spec.rootfs = strings.string(rootfs)
                spec.hostname = config.hostname.map(strings.string)
                spec.console_fd = slave
                spec.console_path = strings.string(String(decoding: slavePath.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                spec.argv = UnsafePointer(initArgv)
                spec.envp = UnsafePointer(envp)
                spec.mount_proc = plan.mountProc ? 1 : 0
                spec.mount_sys = Int32(plan.mountSys)
                spec.mounts = UnsafePointer(mounts.baseAddress)
                spec.mount_count = Int32(mounts.count)
                spec.cap_drop = plan.capDrop
                spec.seccomp_filter = seccomp == nil ? nil : filter.baseAddress
                spec.seccomp_length = UInt16((seccomp?.count ?? 0) / 8)
                spec.start_hook = startHook
                return ccontainer_clone(&spec, &child)
            }
        }
        close(slave)
        guard pid > 0 else {
            close(master)
            throw RuntimeError("cannot create the container's namespaces: \(String(cString: strerror(errno))) (are user namespaces enabled? `subid doctor` checks)")
        }
        func abort(_ error: RuntimeError) -> RuntimeError {
            // Killed, not told: after the first go the child would read anything more as its nics.
            kill(pid, SIGKILL)
            _ = clinux_wait(pid)
            close(child.go_fd); close(child.error_fd); close(child.switched_fd); close(master)
            return error
        }
        setenv("LXC_PID", String(pid), 1)

        // Maps through the setuid helpers (never as root ourselves), and one veth per lxc.net.N of
        // type veth from lxc-user-nic, all at once: they touch different things, and the caller
        // owns the new user namespace, so lxc-user-nic needs no map to act in its netns.
        let mapping: [IDMapClient.Started]
        do {
            mapping = try IDMapClient.start(pid: pid, uids: config.idmaps.filter { $0.kind == .uid }.map { $0.extent },
                                                     gids: config.idmaps.filter { $0.kind == .gid }.map { $0.extent })
        } catch { throw abort(RuntimeError("cannot map ids: \(error)")) }
        let veths = config.networks.filter { $0.type == .veth }
        var nicRuns: [(ContainerConfig.Network, CapturedRun.Pending?)] = []
        let userNic = veths.isEmpty ? nil : Helpers.userNic()
        func startNic(_ net: ContainerConfig.Network, _ helper: String) -> CapturedRun.Pending? {
            var argv = [helper, "create", container.paths.lxcpath, container.name, String(pid), "veth", net.link.isEmpty ? "none" : net.link]
            if let name = net.name { argv.append(name) }
            return CapturedRun.start(argv, environment: [Process.path])
        }
        if let userNic { for net in veths { nicRuns.append((net, startNic(net, userNic))) } }
        func finishNics() { for run in nicRuns { _ = run.1?.finish() } }
        // Into its cgroups while the helpers work and init is still the caller's uid (v1 lets a
        // user move only its own processes).
        let cgroup = Cgroups.place(pid: pid, container: container.name, user: user, limits: config.cgroupLimits)
        for warning in cgroup.warnings { log("warning: \(warning)") }
        do { try IDMapClient.finish(mapping) } catch { finishNics(); throw abort(RuntimeError("cannot map ids: \(error)")) }
        if !veths.isEmpty && userNic == nil {
            throw abort(RuntimeError("lxc-user-nic (setuid root) not found: install lxc, or this toolkit's (see README)"))
        }
        // Mapped: the child may become root and make its mounts while lxc-user-nic works.
        var go: Int32 = 1
        _ = write(child.go_fd, &go, 4)
        var nicResults = nicRuns.map { ($0.0, $0.1?.finish()) }
        // lxc-user-nic opens /proc/PID/ns/net as us: in the instant between the child's switch to
        // root and its PR_SET_DUMPABLE it cannot. That refusal comes before any veth is made, so
        // once the child says it has switched, the helper is simply run again.
        // Ours says so with its own exit status (LXC's exits 1 for every refusal, so with LXC's
        // helper this race is not retried).
        if let userNic, nicResults.contains(where: { $0.1?.status == Helpers.userNicRetryStatus }) {
            var byte: UInt8 = 0
            _ = read(child.switched_fd, &byte, 1)
            log("lxc-user-nic raced the container's switch to root; running it again")
            nicResults = nicResults.map { net, result in
                guard let result, result.status == Helpers.userNicRetryStatus else { return (net, result) }
                return (net, startNic(net, userNic)?.finish())
            }
        }

        var nics: [ccontainer_nic] = []
        for (net, result) in nicResults {
            guard let result else { throw abort(RuntimeError("cannot run lxc-user-nic")) }
            let line = result.output.split(separator: "\n").first.map(String.init) ?? ""
            let fields = line.split(separator: ":")
            guard result.status == 0, fields.count == 4 else {
                throw abort(RuntimeError("lxc-user-nic refused lxc.net.\(net.index) on \(net.link): \(result.output.split(separator: "\n").last ?? "no output")"))
            }
            nics.append(net.record(name: String(fields[0])))
        }

        var count = Int32(nics.count)
        _ = write(child.go_fd, &count, 4)
        if !nics.isEmpty { _ = nics.withUnsafeBytes { write(child.go_fd, $0.baseAddress, $0.count) } }
        close(child.go_fd)

        // EOF on the error pipe: init was executed. Else the child says where it failed.
        var report = [Int32](repeating: 0, count: 3)
        let n = report.withUnsafeMutableBytes { read(child.error_fd, $0.baseAddress, 12) }
        close(child.error_fd)
        close(child.switched_fd)
        if n == 12 {
            _ = clinux_wait(pid)
            close(master)
            throw RuntimeError("container setup failed: \(LaunchFailure.describe(stage: report[0], errno: report[1], index: report[2], plan: plan, nics: nics))")
        }
        let pidfd = ccontainer_pidfd_open(pid)
        let state = ContainerState(phase: .running, monitorPID: getpid(), initPID: pid, initStartTime: ccontainer_start_time(pid),
                                   addresses: config.networks.compactMap { $0.ipv4Address?.split(separator: "/").first.map(String.init) })
        try state.write(to: container.paths)
        log("started \(container.name): init pid \(pid)")
        return Started(pid: pid, pidfd: pidfd, consoleMaster: master, config: config)
    }

    /// Until init exits: copy the console to console.log; then post-stop and clean up.
    static func supervise(_ container: Container, _ started: Started) {
        let console = open(container.paths.consoleLog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        var master = started.consoleMaster
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var fds = [pollfd(fd: started.pidfd, events: Int16(POLLIN), revents: 0), pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, master >= 0 ? 2 : 1, started.pidfd >= 0 ? -1 : 500)
            if ready < 0 && errno != EINTR { break }
            if master >= 0 && fds[1].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if n > 0 { if console >= 0 { _ = buffer.withUnsafeBytes { write(console, $0.baseAddress, n) } } } else if n < 0 && errno != EINTR && errno != EAGAIN {
                    close(master); master = -1
                }
            }
            if started.pidfd < 0 || fds[0].revents != 0 {
                var status: Int32 = 0
                let done = waitpid(started.pid, &status, WNOHANG)
                if done == started.pid || (done < 0 && errno == ECHILD) { break }
            }
        }
        if console >= 0 { close(console) }
        if master >= 0 { close(master) }
        _ = unlink(container.paths.state)
        Cgroups.cleanUp(container: container.name)
        setenv("LXC_TARGET", "stop", 1)
        do { try runHooks("post-stop", started.config, container) } catch { log("\(error)") }
        log("\(container.name) stopped")
    }
}

enum LaunchFailure {
    static func describe(stage: Int32, errno e: Int32, index: Int32, plan: LaunchPlan, nics: [ccontainer_nic]) -> String {
        let reason = String(cString: strerror(e))
        switch Int(stage) {
        case CCONTAINER_STAGE_IDS: return "cannot become root in the container: \(reason) (is id 0 mapped?)"
        case CCONTAINER_STAGE_HOSTNAME: return "cannot set the hostname: \(reason)"
        case CCONTAINER_STAGE_ROOT_MOUNT: return "cannot bind the rootfs \(plan.rootfs): \(reason)"
        case CCONTAINER_STAGE_PROC: return "cannot mount /proc: \(reason)"
        case CCONTAINER_STAGE_SYS: return "cannot mount /sys: \(reason)"
        case CCONTAINER_STAGE_DEV: return "cannot set up /dev: \(reason)"
        case CCONTAINER_STAGE_MOUNT_ENTRY:
            let m = Int(index) < plan.mounts.count ? plan.mounts[Int(index)] : nil
            return "lxc.mount.entry \(m.map { "\($0.source) on \($0.target)" } ?? "#\(index)"): \(reason)"
        case CCONTAINER_STAGE_NETWORK: return "cannot configure network device #\(index): \(reason)"
        case CCONTAINER_STAGE_PIVOT: return "cannot pivot_root into \(plan.rootfs): \(reason)"
        case CCONTAINER_STAGE_CAPS: return "cannot drop capability \(index): \(reason)"
        case CCONTAINER_STAGE_SECCOMP: return "cannot load the seccomp policy: \(reason)"
        case CCONTAINER_STAGE_START_HOOK: return "the start hook failed"
        case CCONTAINER_STAGE_CONSOLE: return "cannot set up the console: \(reason)"
        case CCONTAINER_STAGE_EXEC: return "cannot execute \(plan.initCommand.joined(separator: " ")): \(reason)"
        default: return "setup stage \(stage): \(reason)"
        }
    }
}
