import CContainer
import ContainerCgroups
import CLinux
import Glibc
import SystemPackage
import LinuxSys
import IDMapClient
import IDModel
import SubID

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
        // Into the monitor cgroups the starter made, before anything is spawned; then controllers
        // for the children (the base may have been left empty by now).
        let cgroups = container.cgroups ?? CgroupSet(members: [])
        for note in cgroups.notes + cgroups.enterMonitor() + cgroups.enableControllers(container: container.name) { log("warning: \(note)") }
        let started: Started
        do { started = try start(container, user: user, cgroups: cgroups) } catch {
            log("start failed: \(error)")
            releaseCgroups(cgroups, container)
            report("ERR \(error)")
            return 1
        }
        // The console socket before the OK: a `console` right after `start` (start -F) must find it.
        let consoleLog = open(container.paths.consoleLog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        let server = ConsoleServer(directory: container.paths.directory, console: started.consoleMaster, ttys: started.ttys, log: consoleLog)
        report("OK \(started.pid)")
        if readyFD >= 0 { close(readyFD) }
        supervise(container, started, server: server)
        if consoleLog >= 0 { close(consoleLog) }
        releaseCgroups(cgroups, container)
        if started.config.ephemeral {
            // lxc.ephemeral, as LXC does at the end of a run: the container goes with its stop.
            do { try container.destroy(user: user, config: started.config); log("\(container.name) destroyed (lxc.ephemeral)") } catch {
                log("lxc.ephemeral: cannot destroy \(container.name): \(error)")
            }
        }
        // Last: while it exists with our pid, a new start waits for us (ContainerState.lingeringMonitor).
        _ = unlink(container.paths.state)
        return 0
    }

    static func releaseCgroups(_ cgroups: CgroupSet, _ container: Container) {
        if cgroups.release() { _ = unlink(container.paths.cgroups) } else { log("warning: some cgroups of \(container.name) are still in use; the next start removes them") }
    }

    struct Started {
        var pid: Int32
        var pidfd: Int32
        var consoleMaster: Int32
        /// lxc.tty.max tty masters, tty1 first.
        var ttys: [Int32]
        var config: ContainerConfig
        /// The host end of each veth, by the nic's position in config.networks' veths.
        var hostVeths: [String]
        /// Held for the stop hooks and net down scripts, when there are any.
        var namespaces: HeldNamespaces?
    }

    static func log(_ message: String) {
        var bytes = Array("userbox monitor[\(getpid())]: \(message)\n".utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// Starts a container in named steps, each a function, so later work adds a step rather than
    /// growing one: plan (config, hooks, launch plan, console), spawn (clone init into its
    /// namespaces), map and nics (the setuid helpers, side by side), handshake (tell init its
    /// nics, wait for its exec). Any failure after spawn kills the child.
    static func start(_ container: Container, user: UserRecord, cgroups: CgroupSet) throws(RuntimeError) -> Started {
        let prepared = try plan(container, user: user)
        let child = try spawn(prepared)
        var hostVeths: [String] = []
        do throws(RuntimeError) {
            let mapping = try startMaps(child, prepared)
            let nics = NicRequests(container: container, pid: child.pid, networks: prepared.config.networks)
            // Into its cgroups while the helpers work and init is still the caller's uid (v1 lets a
            // user move only its own processes); the limits before init can run anything.
            for problem in cgroups.place(pid: child.pid) { log("warning: \(problem)") }
            do {
                for warning in try cgroups.apply(prepared.config.cgroupSettings, layout: CgroupLayout.current(), user: user.name) { log("warning: \(warning)") }
            } catch {
                _ = try? IDMapClient.finish(mapping)
                nics.abandon()
                throw RuntimeError.cgroup(error)
            }
            do { try IDMapClient.finish(mapping) } catch {
                nics.abandon()
                throw RuntimeError.mapping(error)
            }
            // Mapped: the child may become root and make its mounts while lxc-user-nic works.
            child.go()
            let records = try nics.finish(afterSwitch: child.waitForSwitch)
            hostVeths = records.hostVeths
            // As LXC: each nic's up script right after lxc-user-nic made it, before the child
            // configures it (and, with in-container hooks, before its first mount).
            for (net, host) in zip(nics.veths, hostVeths) {
                if let script = net.scriptUp {
                    try Hooks.runNetScript(script, type: "up", network: net, hostVeth: host, config: prepared.config, container: container)
                }
            }
            try handshake(child, nics: records.nics, plan: prepared)
        } catch {
            child.kill()
            throw error
        }
        let pidfd = ccontainer_pidfd_open(child.pid)
        let config = prepared.config
        let needsNamespaces = !config.hooks("stop").isEmpty || !config.hooks("post-stop").isEmpty || config.networks.contains { $0.scriptDown != nil }
        let namespaces = needsNamespaces ? HeldNamespaces(pid: child.pid) : nil
        let state = ContainerState(phase: .running, monitorPID: getpid(), initPID: child.pid, initStartTime: ccontainer_start_time(child.pid),
                                   addresses: prepared.config.networks.compactMap { $0.ipv4Address?.split(separator: "/").first.map(String.init) },
                                   hostVeths: hostVeths)
        try state.write(to: container.paths)
        log("started \(container.name): init pid \(child.pid)")
        return Started(pid: child.pid, pidfd: pidfd, consoleMaster: prepared.console.takeMaster(), ttys: child.takeTTYs(), config: prepared.config,
                       hostVeths: hostVeths, namespaces: namespaces)
    }

    /// What start needs before anything is created: the checked config, the pre-start hooks run,
    /// the launch plan, the compiled seccomp filter and the console pty.
    struct Prepared {
        let container: Container
        let config: ContainerConfig
        let rootfs: String
        let launch: LaunchPlan
        let seccomp: [UInt8]?
        let console: Console
        let childHooks: [Hooks.ChildHook]
        /// LXC's order (nics, with their up scripts, before any mount) when in-container mount
        /// hooks could see it; otherwise the nics overlap with the mounts.
        var nicsFirst: Bool {
            childHooks.contains { $0.point != Int32(CCONTAINER_HOOK_START) }
        }
    }

    static func plan(_ container: Container, user: UserRecord) throws(RuntimeError) -> Prepared {
        if container.isRunning { throw .alreadyRunning(container.name) }
        let config = try container.check(user: user)
        let rootfs = config.rootfs ?? container.paths.defaultRootfs
        Hooks.exportEnvironment(container, config: config, rootfs: rootfs)
        try Hooks.run("pre-start", config, container)
        let launch = try LaunchPlan(config: config, rootfs: rootfs)
        let seccomp = try config.seccompProfile.map { path throws(RuntimeError) in try SeccompPolicy.compile(file: path) }
        return Prepared(container: container, config: config, rootfs: rootfs, launch: launch, seccomp: seccomp, console: try Console.open(),
                        childHooks: Hooks.childHooks(config, container))
    }

    /// The console pty: the slave goes to the child at clone, the master stays with the monitor.
    final class Console {
        private(set) var master: Int32
        private(set) var slave: Int32
        let slavePath: String

        private init(master: Int32, slave: Int32, slavePath: String) {
            self.master = master
            self.slave = slave
            self.slavePath = slavePath
        }

        static func open() throws(RuntimeError) -> Console {
            var slave: Int32 = -1
            var path = [CChar](repeating: 0, count: 128)
            let master: Int32
            do { master = try valueOrErrno { ccontainer_open_console(&slave, &path, UInt(path.count)) } } catch {
                throw .system(SystemError("open", "a pty for the console", error))
            }
            return Console(master: master, slave: slave, slavePath: String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }

        func closeSlave() { if slave >= 0 { close(slave); slave = -1 } }

        /// The master, now the caller's to close.
        func takeMaster() -> Int32 { let fd = master; master = -1; return fd }

        deinit {
            closeSlave()
            if master >= 0 { close(master) }
        }
    }

    /// The cloned child and the pipes to it: `go` (ours to write), `error` (its report of a
    /// failed set-up stage; EOF once it execs), `switched` (it has become root).
    final class Child {
        let pid: Int32
        private var goFD: Int32, errorFD: Int32, switchedFD: Int32
        /// Our end of the socket the child sends its tty masters on (-1 without lxc.tty.max).
        private var ttySocket: Int32
        private let ttyCount: Int

        init(_ child: ccontainer_child, ttySocket: Int32, ttyCount: Int) {
            pid = child.pid
            goFD = child.go_fd
            errorFD = child.error_fd
            switchedFD = child.switched_fd
            self.ttySocket = ttySocket
            self.ttyCount = ttyCount
        }

        /// The tty masters, sent before init's exec (so already queued once `outcome` says it ran).
        func takeTTYs() -> [Int32] {
            guard ttySocket >= 0 else { return [] }
            defer { closeChannel(&ttySocket) }
            var fds = [Int32](repeating: -1, count: ttyCount)
            let n = ccontainer_recv_fds(ttySocket, &fds, Int32(ttyCount))
            guard n == Int32(ttyCount) else {
                Monitor.log("warning: the container's ttys did not arrive; userbox console -t N will not connect")
                for fd in fds.prefix(max(0, Int(n))) { _ = close(fd) }
                return []
            }
            return fds
        }

        func go() {
            var go: Int32 = 1
            _ = write(goFD, &go, 4)
        }

        /// Blocks until the child has switched to root (or is gone).
        func waitForSwitch() {
            var byte: UInt8 = 0
            _ = read(switchedFD, &byte, 1)
        }

        /// The nics; the channel stays open only for the start-host go that may follow.
        func send(nics: [ccontainer_nic], more: Bool) {
            var count = Int32(nics.count)
            _ = write(goFD, &count, 4)
            if !nics.isEmpty { _ = nics.withUnsafeBytes { write(goFD, $0.baseAddress, $0.count) } }
            if !more { closeChannel(&goFD) }
        }

        /// After its start-host wait: go on (and nothing more will come).
        func finalGo() {
            go()
            closeChannel(&goFD)
        }

        /// Blocks until the child is set up and waits for the start-host hooks (true), or has
        /// failed (false: its report follows from `outcome`).
        func waitForSetup() -> Bool {
            var report = [Int32](repeating: -1, count: 3)
            let n = report.withUnsafeMutableBytes { read(errorFD, $0.baseAddress, 12) }
            if n == 12 && report == [0, 0, 0] { return true }
            pendingReport = n == 12 ? (report[0], report[1], report[2]) : nil
            pendingRead = true
            return false
        }
        private var pendingReport: (stage: Int32, errno: Int32, index: Int32)?
        private var pendingRead = false

        /// The child's set-up failure (stage, errno, index), or nil once it has exec'd init.
        func outcome() -> (stage: Int32, errno: Int32, index: Int32)? {
            if pendingRead {
                closeChannel(&errorFD)
                closeChannel(&switchedFD)
                return pendingReport ?? (Int32(CCONTAINER_STAGE_SYNC), EPIPE, 0)
            }
            var report = [Int32](repeating: 0, count: 3)
            let n = report.withUnsafeMutableBytes { read(errorFD, $0.baseAddress, 12) }
            closeChannel(&errorFD)
            closeChannel(&switchedFD)
            return n == 12 ? (report[0], report[1], report[2]) : nil
        }

        /// Killed, not told: after the first go the child would read anything more as its nics.
        func kill() {
            _ = Glibc.kill(pid, SIGKILL)
            _ = WaitStatus.wait(for: pid)
        }

        private func closeChannel(_ fd: inout Int32) { if fd >= 0 { close(fd); fd = -1 } }

        deinit {
            closeChannel(&goFD)
            closeChannel(&errorFD)
            closeChannel(&switchedFD)
            closeChannel(&ttySocket)
        }
    }

    /// Clones init into new user, mount, pid, uts, ipc and net namespaces; it waits for our go
    /// (mapped, in its cgroups) before it makes its cgroup namespace and sets anything up.
    static func spawn(_ prepared: Prepared) throws(RuntimeError) -> Child {
        let plan = prepared.launch, config = prepared.config, seccomp = prepared.seccomp
        let strings = CStrings()
        var cmounts = plan.mounts.map { m in
            ccontainer_mount(source: strings.string(m.source), target: strings.string(m.target), type: m.type.map(strings.string),
                             flags: m.flags, data: m.data.map(strings.string), create: m.create, optional: m.optional ? 1 : 0,
                             remount_flags: m.remount)
        }
        let initArgv = strings.array(plan.initCommand)
        let envp = strings.array(plan.environment)
        var hooks = prepared.childHooks.map { hook in
            ccontainer_hook(point: hook.point, command: strings.string(hook.command), argv: hook.argv.map { UnsafePointer(strings.array($0)) },
                            envp: UnsafePointer(strings.array(hook.environment)))
        }
        let lsm = try SecurityModules.execLabel(for: config)
        var ttyPair: [Int32] = [-1, -1]
        if config.ttyMax > 0 && socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ttyPair) != 0 {
            throw .system(SystemError("create", "a socket for the container's ttys", Errno(rawValue: errno)))
        }
        var child = ccontainer_child()
        let cloned: Result<Int32, Errno> = valueOrErrnoResult { cmounts.withUnsafeMutableBufferPointer { mounts in
            hooks.withUnsafeMutableBufferPointer { hooks in (seccomp ?? []).withUnsafeBytes { filter in
                var spec = ccontainer_spec()
                spec.rootfs = strings.string(prepared.rootfs)
                spec.overlay_options = config.overlayOptions.map(strings.string)
                spec.hostname = config.hostname.map(strings.string)
                spec.console_fd = prepared.console.slave
                spec.console_path = strings.string(prepared.console.slavePath)
                spec.argv = UnsafePointer(initArgv)
                spec.envp = UnsafePointer(envp)
                spec.mount_proc = plan.mountProc ? 1 : 0
                spec.mount_sys = Int32(plan.mountSys)
                spec.mounts = UnsafePointer(mounts.baseAddress)
                spec.mount_count = Int32(mounts.count)
                spec.cap_drop = plan.capDrop
                spec.seccomp_filter = seccomp == nil ? nil : filter.baseAddress
                spec.seccomp_length = UInt16((seccomp?.count ?? 0) / 8)
                spec.hooks = UnsafePointer(hooks.baseAddress)
                spec.hook_count = Int32(hooks.count)
                spec.nics_first = prepared.nicsFirst ? 1 : 0
                spec.start_host = config.hooks("start-host").isEmpty ? 0 : 1
                spec.tty_max = Int32(config.ttyMax)
                spec.tty_socket = ttyPair[1]
                spec.lsm_exec_file = lsm.map { strings.string($0.file) }
                spec.lsm_exec_label = lsm.map { strings.string($0.label) }
                return ccontainer_clone(&spec, &child)
            } }
        } }
        prepared.console.closeSlave()
        if ttyPair[1] >= 0 { close(ttyPair[1]) }
        let pid: Int32
        switch cloned {
        case .success(let p): pid = p
        case .failure(let error):
            if ttyPair[0] >= 0 { close(ttyPair[0]) }
            throw .namespaces(error)
        }
        setenv("LXC_PID", String(pid), 1)
        return Child(child, ttySocket: ttyPair[0], ttyCount: config.ttyMax)
    }

    /// newuidmap and newgidmap for the child (never as root ourselves), started now and finished
    /// by the caller, so they overlap with the nics and the cgroup placement.
    static func startMaps(_ child: Child, _ prepared: Prepared) throws(RuntimeError) -> [IDMapClient.Started] {
        let maps = prepared.config.idmaps
        do {
            return try IDMapClient.start(pid: child.pid, uids: maps.filter { $0.kind == .uid }.map { $0.extent },
                                         gids: maps.filter { $0.kind == .gid }.map { $0.extent })
        } catch { throw .mapping(error) }
    }

    /// One lxc-user-nic run per lxc.net.N of type veth, all started at once: they touch different
    /// things, and the caller owns the new user namespace, so lxc-user-nic needs no map to act in
    /// its netns.
    struct NicRequests {
        let container: Container
        let pid: Int32
        let veths: [ContainerConfig.Network]
        let helper: String?
        let runs: [CapturedRun.Pending?]

        init(container: Container, pid: Int32, networks: [ContainerConfig.Network]) {
            self.container = container
            self.pid = pid
            veths = networks.filter { $0.type == .veth }
            helper = veths.isEmpty ? nil : Helpers.userNic()
            var runs: [CapturedRun.Pending?] = []
            if let helper { for net in veths { runs.append(NicRequests.start(net, helper, container, pid)) } }
            self.runs = runs
        }

        static func start(_ net: ContainerConfig.Network, _ helper: String, _ container: Container, _ pid: Int32) -> CapturedRun.Pending? {
            var argv = [helper, "create", container.paths.lxcpath, container.name, String(pid), "veth", net.link.isEmpty ? "none" : net.link]
            if let name = net.name { argv.append(name) }
            return CapturedRun.start(argv, environment: [Process.path])
        }

        func abandon() { for run in runs { _ = run?.finish() } }

        /// The nics as the child must set them up. lxc-user-nic opens /proc/PID/ns/net as us: in
        /// the instant between the child's switch to root and its PR_SET_DUMPABLE it cannot. That
        /// refusal comes before any veth is made and ours says so with its own exit status (LXC's
        /// exits 1 for every refusal, so with LXC's helper this race is not retried): once the
        /// child says it has switched, the helper is simply run again.
        func finish(afterSwitch waitForSwitch: () -> Void) throws(RuntimeError) -> (nics: [ccontainer_nic], hostVeths: [String]) {
            if !veths.isEmpty && helper == nil { abandon(); throw .userNicMissing }
            var results = zip(veths, runs).map { ($0, $1?.finish()) }
            if let helper, results.contains(where: { $0.1?.status == Helpers.userNicRetryStatus }) {
                waitForSwitch()
                log("lxc-user-nic raced the container's switch to root; running it again")
                results = results.map { net, result in
                    guard let result, result.status == Helpers.userNicRetryStatus else { return (net, result) }
                    return (net, NicRequests.start(net, helper, container, pid)?.finish())
                }
            }
            var nics: [ccontainer_nic] = []
            var hostVeths: [String] = []
            for (net, result) in results {
                guard let result else { throw .cannotRun("lxc-user-nic") }
                let line = result.output.split(separator: "\n").first.map(String.init) ?? ""
                let fields = line.split(separator: ":")
                guard result.status == 0, fields.count == 4 else {
                    throw .userNicRefused(index: net.index, link: net.link,
                                          detail: result.output.split(separator: "\n").last.map(String.init) ?? "no output")
                }
                nics.append(net.record(name: String(fields[0])))
                hostVeths.append(String(fields[2]))
            }
            return (nics, hostVeths)
        }
    }

    /// Tells the child its nics, then waits: EOF on the error pipe means init was executed; else
    /// the child says at which stage it failed.
    static func handshake(_ child: Child, nics: [ccontainer_nic], plan prepared: Prepared) throws(RuntimeError) {
        let startHost = !prepared.config.hooks("start-host").isEmpty
        child.send(nics: nics, more: startHost)
        // start-host: on the host once the container is set up, before its start hooks and init.
        if startHost && child.waitForSetup() {
            try Hooks.run("start-host", prepared.config, prepared.container)
            child.finalGo()
        }
        if let failure = child.outcome() {
            _ = WaitStatus.wait(for: child.pid)
            throw .setupFailed(detail: LaunchFailure.describe(stage: failure.stage, errno: failure.errno, index: failure.index,
                                                              plan: prepared.launch, nics: nics, hooks: prepared.childHooks))
        }
    }

    /// Until init exits: the console copied to console.log and served, with the ttys, to
    /// `userbox console`; then the stop hooks and clean-up.
    static func supervise(_ container: Container, _ started: Started, server: ConsoleServer) {
        while true {
            let set = server.pollSet()
            var fds = [pollfd(fd: started.pidfd, events: Int16(POLLIN), revents: 0)] + set.fds
            let timeout = started.pidfd >= 0 ? set.timeout : (set.timeout < 0 ? 500 : min(set.timeout, 500))
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno != EINTR { break }
            if ready > 0 { for (i, source) in set.sources.enumerated() { server.handle(source, revents: fds[i + 1].revents) } }
            if started.pidfd < 0 || fds[0].revents != 0 {
                var status: Int32 = 0
                let done = waitpid(started.pid, &status, WNOHANG)
                if done == started.pid || (done < 0 && errno == ECHILD) { break }
            }
        }
        server.close(directory: container.paths.directory)
        stopHooks(container, started)
        log("\(container.name) stopped")
    }

    /// LXC 5.0.2's order once init is gone (as it runs them): the held namespaces exposed as
    /// LXC_*_NS, each nic's down script, LXC_TARGET, the stop hooks (version 0 also gets the
    /// namespaces as `TYPE:/proc/MONITOR/fd/N` arguments), the namespaces let go (the variables
    /// stay, as in LXC), then post-stop. Failures are logged: the container is stopped either way.
    static func stopHooks(_ container: Container, _ started: Started) {
        let config = started.config
        let held = started.namespaces?.paths ?? []
        for ns in held { setenv(ns.variable, ns.path, 1) }
        for (net, host) in zip(config.networks.filter { $0.type == .veth }, started.hostVeths) {
            guard let script = net.scriptDown else { continue }
            do { try Hooks.runNetScript(script, type: "down", network: net, hostVeth: host, config: config, container: container) } catch { log("\(error)") }
        }
        setenv("LXC_TARGET", "stop", 1)
        do {
            try Hooks.run("stop", config, container, arguments: config.hookVersion == 0 ? held.map { "\($0.name):\($0.path)" } : [])
        } catch { log("\(error)") }
        started.namespaces?.close()
        do { try Hooks.run("post-stop", config, container) } catch { log("\(error)") }
    }
}

enum LaunchFailure {
    static func describe(stage: Int32, errno e: Int32, index: Int32, plan: LaunchPlan, nics: [ccontainer_nic],
                         hooks: [Hooks.ChildHook]) -> String {
        let reason = String(cString: strerror(e))
        switch Int(stage) {
        case CCONTAINER_STAGE_IDS: return "cannot become root in the container: \(reason) (is id 0 mapped?)"
        case CCONTAINER_STAGE_HOSTNAME: return "cannot set the hostname: \(reason)"
        case CCONTAINER_STAGE_ROOT_MOUNT where index == 2:
            return "cannot mount the overlay rootfs on \(plan.rootfs): \(reason) (lower and upper directories must be readable by the container's root; the kernel must allow overlayfs in user namespaces, Linux 5.11+)"
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
        case CCONTAINER_STAGE_HOOK:
            // errno carries the hook's exit status here.
            guard Int(index) < hooks.count else { return "container hook #\(index) failed with status \(e)" }
            return "lxc.hook.\(hooks[Int(index)].type) \(hooks[Int(index)].hook) failed with status \(e)"
        case CCONTAINER_STAGE_CONSOLE: return "cannot set up the console: \(reason)"
        case CCONTAINER_STAGE_EXEC: return "cannot execute \(plan.initCommand.joined(separator: " ")): \(reason)"
        case CCONTAINER_STAGE_LSM: return "cannot set the security label of init: \(reason)"
        case CCONTAINER_STAGE_CGROUP: return "cannot make the container's cgroup namespace: \(reason)"
        default: return "setup stage \(stage): \(reason)"
        }
    }
}
