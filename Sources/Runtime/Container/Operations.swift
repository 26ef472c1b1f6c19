import CContainer
import CLinux
import ContainerCgroups
import Glibc
import SystemPackage
import LinuxSys

extension Container {
    /// How the monitor process comes to be.
    public enum MonitorLaunch: Sendable {
        /// Fork this process, which must be single-threaded (no Swift concurrency, no Foundation
        /// threads): the child goes on as the monitor without a second program start.
        case fork
        /// Spawn a program (this one, with arguments that make it run `Monitor.run`).
        case spawn([String])
        /// Spawn a program that forks the monitor and ends at once (the lean `userbox
        /// __monitor`), reaped here: for a long-lived caller (libuserbox in a Python program),
        /// whose child the monitor then is not.
        case spawnDetaching([String])
    }

    /// A start right after a stop may find the old monitor still at its stop hooks: up to 10 s
    /// for it to finish, then a refusal that says so.
    func awaitPreviousMonitor() throws(RuntimeError) {
        guard let monitor = ContainerState.lingeringMonitor(paths) else { return }
        for _ in 0..<500 {
            usleep(20_000)
            // Gone, or a zombie its parent has yet to reap: done either way.
            if ccontainer_start_time(monitor) == 0 { return }
        }
        throw .stillStopping(container: name, monitor: monitor)
    }

    /// Starts the container detached: a monitor process (`launch` says how it comes to be) does
    /// the work; this waits until it says the container runs, and returns its state, or throws
    /// why not (the monitor's message; its log has the rest). `commandLine`: this process is a
    /// short-lived command, which may move into the container's monitor cgroup so a cgroup2
    /// base it shared can enable controllers (see `CgroupSet.create`); a program that lives on
    /// passes false.
    public func start(user: UserRecord, monitor launch: MonitorLaunch, commandLine: Bool = false) throws(RuntimeError) -> ContainerState {
        if isRunning { throw .alreadyRunning(name) }
        try awaitPreviousMonitor()
        // The monitor checks the config (and says what is wrong); checking here too would only
        // put the same work twice on every start.
        guard exists else { throw .notFound(container: name, lxcpath: paths.lxcpath) }
        // A restore killed mid-swap: the container as it was before it.
        try rollBackRestore(user: user)
        try prepareCgroups(user: user, starterJoins: commandLine)
        var ready: [Int32] = [0, 0]
        do { _ = try valueOrErrno { pipe2(&ready, O_CLOEXEC) } } catch { throw .system(SystemError("create", "a pipe for the monitor", error)) }
        let readEnd = Descriptor(adopting: ready[0]), writeEnd = Descriptor(adopting: ready[1])
        let log: Descriptor
        do { log = try Descriptor.open(paths.log, O_WRONLY | O_CREAT | O_APPEND, mode: 0o600) } catch {
            throw .system(SystemError("open", paths.log, error))
        }
        let logFD = log.rawValue
        var env: [String] = []
        for key in Self.monitorEnvironment {
            if let v = getenv(key) { env.append("\(key)=\(String(cString: v))") }
        }
        var pid: Int32 = -1
        var spawnError: Errno?
        switch launch {
        case .spawn(let arguments), .spawnDetaching(let arguments):
            let strings = CStrings()
            do { pid = try valueOrErrno(retryOnInterrupt: false) { ccontainer_spawn_monitor(strings.array(arguments), strings.array(env), ready[1], logFD) } } catch {
                spawnError = error
            }
            if case .spawnDetaching = launch, spawnError == nil { _ = WaitStatus.wait(for: pid) }
        case .fork:
            do { pid = try valueOrErrno(retryOnInterrupt: false) { ccontainer_fork_monitor(ready[0], logFD) } } catch { spawnError = error }
            if pid == 0 {
                // Why take(): in the forked monitor these numbers are no longer ours to close (the C
                // side closed the read end and the log); left owned, they would be closed before
                // exit() runs the monitor, which then could not report.
                _ = readEnd.take()
                _ = log.take()
                let readyFD = writeEnd.take()
                clearenv()
                for entry in env { _ = putenv(strdup(entry)) }
                exit(Monitor.run(self, user: user, readyFD: readyFD))
            }
        }
        // Ours closed: the monitor holds the only write end, so EOF means it has gone.
        _ = consume writeEnd
        _ = consume log
        if let spawnError { throw .system(SystemError("start", "the monitor", spawnError)) }
        var collected: [UInt8] = []
        while let chunk = try? readEnd.read(upTo: 4096), !chunk.isEmpty {
            collected += chunk
            if collected.contains(0x0A) { break }
        }
        _ = consume readEnd
        let line = String(decoding: collected, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        if line.hasPrefix("OK "), let state { return state }
        if line.hasPrefix("ERR ") { throw .reportedByMonitor(String(line.dropFirst(4))) }
        throw .monitorEnded(container: name, log: paths.log)
    }

    /// What the monitor keeps of our environment (its hooks see these, as LXC's do).
    static let monitorEnvironment = ["HOME", "PATH", "XDG_RUNTIME_DIR", "USER", "LOGNAME", "LANG"]

    /// What joining the running container takes, gathered before any namespace changes: its
    /// init, environment, bounding-set drops, seccomp filter, LSM label, and its cgroups'
    /// `cgroup.procs` opened while the kernel still checks our own rights.
    struct Joining {
        let initPID: Int32
        let environment: [String]
        let capDrop: UInt64
        let seccomp: [UInt8]?
        let lsm: (file: String, label: String)?
        let cgroupFDs: [Int32]
        let options: AttachOptions

        func close() { for fd in cgroupFDs { Glibc.close(fd) } }

        /// The C description of it, valid inside `body` only.
        func withC<R>(_ body: (UnsafePointer<ccontainer_join>) -> R) -> R {
            let strings = CStrings()
            return (seccomp ?? []).withUnsafeBytes { filter in
                cgroupFDs.withUnsafeBufferPointer { fds in
                    var join = ccontainer_join()
                    join.pid = initPID
                    join.uid = options.uid
                    join.gid = options.gid
                    join.cap_drop = capDrop
                    join.seccomp_filter = seccomp == nil ? nil : filter.baseAddress
                    join.seccomp_length = UInt16((seccomp?.count ?? 0) / 8)
                    join.cgroup_fds = fds.baseAddress
                    join.cgroup_count = Int32(fds.count)
                    join.lsm_exec_file = lsm.map { strings.string($0.file) }
                    join.lsm_exec_label = lsm.map { strings.string($0.label) }
                    join.cwd = options.workingDirectory.map { strings.string($0) }
                    join.stdio = (options.standardInput, options.standardOutput, options.standardError)
                    return withUnsafePointer(to: &join) { body($0) }
                }
            }
        }
    }

    func joining(_ options: AttachOptions) throws(RuntimeError) -> Joining {
        guard exists else { throw .notFound(container: name, lxcpath: paths.lxcpath) }
        guard let state else { throw .notRunning(name) }
        let config = try loadConfig()
        let plan = try LaunchPlan(config: config, rootfs: config.rootfs ?? paths.defaultRootfs)
        var env: [String]
        if options.keepsEnvironment {
            env = []
            if var entry = ccontainer_environ() {
                while let string = entry.pointee { env.append(String(cString: string)); entry += 1 }
            }
        } else {
            env = plan.environment
            if options.uid != 0 { env = env.map { $0 == "HOME=/root" ? "HOME=/" : $0 } }
            if let term = getenv("TERM") { env.append("TERM=\(String(cString: term))") }
        }
        // An extra entry replaces one of the same name (as putenv would), so a lookup that
        // takes the first match sees it.
        for entry in options.environment {
            let key = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0 + "=" } ?? entry
            env.removeAll { $0.hasPrefix(key) }
            env.append(entry)
        }
        let seccomp = try config.seccompProfile.map { path throws(RuntimeError) in try SeccompPolicy.compile(file: path) }
        // The label init runs under (refused, as at start, when the LSM is not there).
        let lsm = try SecurityModules.execLabel(for: config)
        let cgroupFDs = (cgroups?.members ?? []).map { open($0.payload + "/cgroup.procs", O_WRONLY | O_NOFOLLOW | O_CLOEXEC) }.filter { $0 >= 0 }
        return Joining(initPID: state.initPID, environment: env, capDrop: plan.capDrop, seccomp: seccomp,
                       lsm: lsm.map { ($0.file, $0.label) }, cgroupFDs: cgroupFDs, options: options)
    }

    func joinFailure(_ error: Errno) -> RuntimeError {
        if error == .notPermitted || error == .permissionDenied { return .notYours(container: name, action: "enter", error) }
        return .system(SystemError("enter", "container \(name)", error))
    }

    /// Runs a command in every namespace of the running container, as uid/gid inside, and
    /// returns its exit status (128+N for a signal).
    public func attach(_ command: [String], uid: UInt32 = 0, gid: UInt32 = 0, environment extra: [String] = []) throws(RuntimeError) -> Int32 {
        try attach(command, options: AttachOptions(uid: uid, gid: gid, environment: extra))
    }

    /// Runs a command inside the running container as `options` say, waits for it and returns
    /// its exit status (128+N for signal N). The terminal's SIGINT and SIGQUIT go to the command,
    /// not to this process, while it runs.
    public func attach(_ command: [String], options: AttachOptions, launch: AttachLaunch = .fork) throws(RuntimeError) -> Int32 {
        clinux_ignore_terminal_signals(1)
        defer { clinux_ignore_terminal_signals(0) }
        let child = try spawn(command, options: options, launch: launch)
        return WaitStatus.wait(for: child)?.shellStatus ?? 1
    }

    /// Starts a command inside the running container (every namespace, its cgroups, LSM label,
    /// bounding set, seccomp filter; uid/gid, environment, working directory and stdio as
    /// `options` say; the command found on the container's PATH) and returns its pid: the
    /// command is this process's child (as liblxc makes it), to wait for and signal as any.
    public func spawn(_ command: [String], options: AttachOptions = AttachOptions(), launch: AttachLaunch = .fork) throws(RuntimeError) -> Int32 {
        guard !command.isEmpty else { throw .system(SystemError("attach", "container \(name)", .invalidArgument)) }
        let join = try joining(options)
        defer { join.close() }
        let strings = CStrings()
        let argv = strings.array(command), envp = strings.array(join.environment)
        do {
            return try valueOrErrno(retryOnInterrupt: false) {
                join.withC { c in
                    switch launch {
                    case .fork: ccontainer_attach(c, argv, envp)
                    case .helper(let path): ccontainer_attach_spawn(strings.string(path), c, argv, envp)
                    }
                }
            }
        } catch {
            throw joinFailure(error)
        }
    }

    /// Moves this process into the running container, as attach moves its command: every
    /// namespace, its cgroups, label, bounding set, seccomp filter, uid/gid inside, / as the
    /// working directory; returns the environment the container's processes get, for the caller
    /// to adopt. For a language binding that runs its own code inside (python3-lxc's attach of a
    /// function): the process must be single-threaded, so fork first and call this in the child.
    /// This process stays behind, relaying the status of a child in the container's pid
    /// namespace; only that child returns. On a failure the process is partly joined: exit.
    public func enter(uid: UInt32 = 0, gid: UInt32 = 0, environment extra: [String] = []) throws(RuntimeError) -> [String] {
        try enter(options: AttachOptions(uid: uid, gid: gid, environment: extra))
    }

    /// `enter` with every option attach has but stdio (the process keeps its own fds) and
    /// `keepsEnvironment` (the returned environment is then this process's own, plus the extra).
    public func enter(options: AttachOptions) throws(RuntimeError) -> [String] {
        let join = try joining(options)
        defer { join.close() }
        do {
            _ = try valueOrErrno(retryOnInterrupt: false) { join.withC { ccontainer_enter($0) } }
        } catch {
            throw joinFailure(error)
        }
        return join.environment
    }

    /// Stops the container: its halt signal (lxc.signal.halt, else SIGPWR) to init and up to
    /// `timeout` seconds for it to end, then SIGKILL; `kill` goes straight to SIGKILL.
    public func stop(kill force: Bool, timeout: Int = 10) throws(RuntimeError) {
        guard exists else { throw .notFound(container: name, lxcpath: paths.lxcpath) }
        guard let state else { throw .notRunning(name) }
        let config = try? loadConfig()
        let raw = ccontainer_pidfd_open(state.initPID)
        if raw < 0 && errno == ENOSYS {
            return try stopByPID(state, signal: force ? SIGKILL : config?.haltSignal.flatMap(Signals.number(of:)) ?? 30, timeout: timeout)
        }
        guard raw >= 0 else { throw .notRunning(name) }
        let process = Descriptor(adopting: raw)
        let pidfd = process.rawValue
        // The start time was checked by `state`; the pidfd pins that very process from here on.
        guard ccontainer_start_time(state.initPID) == state.initStartTime else { throw .notRunning(name) }
        func send(_ signal: Int32) throws(RuntimeError) {
            do { _ = try valueOrErrno { clinux_pidfd_send_signal(pidfd, signal) } } catch {
                if error.rawValue != ESRCH { throw .notYours(container: name, action: "stop", error) }
            }
        }
        if force {
            try send(SIGKILL)
        } else {
            try send(config?.haltSignal.flatMap(Signals.number(of:)) ?? 30 /* SIGPWR */)
            var fds = [pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 1, Int32(timeout * 1000)) == 0 { try send(SIGKILL) }
        }
        // Wait for init to go, then for the monitor to finish (post-stop hooks run there): on its
        // pidfd, so the wait ends the moment it exits; bounded, and only while the state it
        // removes last is still there (a reused monitor pid cannot keep us waiting for long).
        var fds = [pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 1, 5000)
        let monitor = ccontainer_pidfd_open(state.monitorPID)
        if monitor >= 0 {
            var mfds = [pollfd(fd: monitor, events: Int16(POLLIN), revents: 0)]
            if Files.exists(paths.state) { _ = poll(&mfds, 1, 5000) }
            close(monitor)
        }
        _ = consume process
    }

    /// `stop` where pidfds are not there (a kernel before 5.3, or valgrind, which does not know
    /// the calls): the pid with its start time checked before each signal and while waiting, so a
    /// reused pid is never signalled; polled every 20 ms.
    func stopByPID(_ state: ContainerState, signal: Int32, timeout: Int) throws(RuntimeError) {
        func alive(_ pid: Int32, _ start: UInt64) -> Bool { ccontainer_start_time(pid) == start }
        func send(_ sig: Int32) throws(RuntimeError) {
            guard alive(state.initPID, state.initStartTime) else { return }
            if kill(state.initPID, sig) != 0 && errno != ESRCH { throw .notYours(container: name, action: "stop", Errno(rawValue: errno)) }
        }
        func waitGone(_ pid: Int32, _ start: UInt64, milliseconds: Int) -> Bool {
            for _ in 0..<(milliseconds / 20) {
                if !alive(pid, start) { return true }
                usleep(20_000)
            }
            return !alive(pid, start)
        }
        try send(signal)
        if signal != SIGKILL && !waitGone(state.initPID, state.initStartTime, milliseconds: timeout * 1000) { try send(SIGKILL) }
        _ = waitGone(state.initPID, state.initStartTime, milliseconds: 5000)
        let monitorStart = ccontainer_start_time(state.monitorPID)
        if monitorStart != 0 {
            for _ in 0..<250 where Files.exists(paths.state) && alive(state.monitorPID, monitorStart) { usleep(20_000) }
        }
    }
}
