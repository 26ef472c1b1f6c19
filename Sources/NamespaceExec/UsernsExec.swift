import CLinux
import Glibc
import LinuxSys
import SubID
public import SystemPackage

/// Runs a command as root of a new user namespace whose maps are written by our (setuid)
/// newuidmap and newgidmap, as lxc-usernsexec does. Must be called from a single-threaded
/// process: the fork and everything up to exec is C (`clinux_userns_fork`).
public enum UsernsExec {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noDefaultMaps(user: String)
        case unknownCaller(uid: UInt32)
        case cannotFork(Errno)
        case cannotUnshare(Errno)
        case helperMissing(String)
        case helperFailed(String, status: Int32)
        case directWrite(String, Errno)
        case childSetup(stage: Int32, Errno)
        case cannotExecute(String, Errno)

        public var description: String {
            switch self {
            case .noDefaultMaps(let user):
                "\(user) has no subordinate uid or gid range in /etc/subuid or /etc/subgid: ask an admin to run "
                    + "`subid allocate \(user)`, or give maps with -m"
            case .unknownCaller(let uid): "cannot determine your user name (uid \(uid))"
            case .cannotFork(let e): "cannot fork: \(e)"
            case .cannotUnshare(let e):
                "cannot create a user namespace: \(e) (user namespaces may be off: see sysctl "
                    + "user.max_user_namespaces and kernel.apparmor_restrict_unprivileged_userns)"
            case .helperMissing(let name):
                "\(name) not found: install it setuid root (or with file capabilities) beside usernsexec or on PATH"
            case .helperFailed(let name, let status): "\(name) failed (exit status \(status)); the map was not written"
            case .directWrite(let file, let e): "cannot write \(file): \(e)"
            case .childSetup(let stage, let e):
                switch stage {
                case Int32(CLINUX_STAGE_SETGID): "cannot switch to gid 0 in the new namespace: \(e) (is gid 0 mapped?)"
                case Int32(CLINUX_STAGE_SETUID): "cannot switch to uid 0 in the new namespace: \(e) (is uid 0 mapped?)"
                case Int32(CLINUX_STAGE_SETGROUPS): "cannot drop supplementary groups: \(e)"
                default: "cannot set up the new mount namespace: \(e)"
                }
            case .cannotExecute(let command, let e): "cannot execute \(command): \(e)"
            }
        }
    }

    /// The maps to write, after defaults and -s.
    public static func resolveMaps(_ options: UsernsExecOptions, users: some UserDatabase) throws(Failure) -> UsernsExecOptions {
        var options = options
        let uid = getuid(), gid = getgid()
        if options.maps.isEmpty {
            guard let me = users.user(id: uid) else { throw .unknownCaller(uid: uid) }
            let identity = OwnerIdentity(name: me.name, uid: uid)
            let uidFile = try? SubIDStore(kind: .uid).read()
            let gidFile = try? SubIDStore(kind: .gid).read()
            guard let maps = UsernsExecOptions.defaultMaps(uidFile: uidFile, gidFile: gidFile, user: identity) else {
                throw .noDefaultMaps(user: me.name)
            }
            options.maps = maps
        }
        if options.mapSelf { options.appendSelfMaps(uid: uid, gid: gid) }
        if options.command.isEmpty { options.command = ["/bin/sh"] }
        return options
    }

    /// Forks, maps, runs; returns the exit status to propagate (128+N for death by signal N).
    public static func run(_ options: UsernsExecOptions) throws(Failure) -> Int32 {
        let command = options.command
        var child = clinux_userns_child()
        let pid = withCStringArray(command) { argv in clinux_userns_fork(argv, 0, 0, &child) }
        guard pid > 0 else { throw .cannotFork(Errno(rawValue: errno)) }
        clinux_ignore_terminal_signals(1)
        defer {
            close(child.go_fd)
            close(child.error_fd)
        }
        var status: Int32 = -1
        let got = withUnsafeMutableBytes(of: &status) { Glibc.read(child.ready_fd, $0.baseAddress, 4) }
        close(child.ready_fd)
        guard got == 4, status == 0 else {
            _ = clinux_wait(pid)
            throw .cannotUnshare(Errno(rawValue: got == 4 ? status : EIO))
        }
        do {
            try writeMaps(pid: pid, uids: options.uidExtents, gids: options.gidExtents)
        } catch {
            // Why: lxc-usernsexec carries on here and the command runs unmapped; stop instead.
            kill(pid, SIGKILL)
            _ = clinux_wait(pid)
            throw error
        }
        var go: UInt8 = UInt8(ascii: "1")
        _ = Glibc.write(child.go_fd, &go, 1)
        var report: (Int32, Int32) = (0, 0)
        let reported = withUnsafeMutableBytes(of: &report) { Glibc.read(child.error_fd, $0.baseAddress, 8) }
        let raw = clinux_wait(pid)
        clinux_ignore_terminal_signals(0)
        if reported == 8 {
            if report.0 == Int32(CLINUX_STAGE_EXEC) { throw .cannotExecute(command[0], Errno(rawValue: report.1)) }
            throw .childSetup(stage: report.0, Errno(rawValue: report.1))
        }
        if clinux_wifexited(raw) != 0 { return clinux_wexitstatus(raw) }
        if clinux_wifsignaled(raw) != 0 { return 128 + clinux_wtermsig(raw) }
        return 1
    }

    /// Root writes the maps itself; anyone else goes through the setuid helpers.
    public static func writeMaps(pid: Int32, uids: [IDMapExtent], gids: [IDMapExtent]) throws(Failure) {
        if geteuid() == 0 {
            for (file, extents) in [("uid_map", uids), ("gid_map", gids)] where !extents.isEmpty {
                let path = "/proc/\(pid)/\(file)"
                let fd = clinux_open(path, O_WRONLY | O_CLOEXEC, 0)
                guard fd >= 0 else { throw .directWrite(path, Errno(rawValue: errno)) }
                defer { close(fd) }
                let bytes = IDMapPolicy.renderBytes(extents)
                let wrote = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                guard wrote == bytes.count else { throw .directWrite(path, Errno(rawValue: errno)) }
            }
            return
        }
        try finishMapHelpers(try startMapHelpers(pid: pid, uids: uids, gids: gids))
    }

    /// newuidmap and newgidmap started side by side (they write different files), to be
    /// finished with `finishMapHelpers`; a runtime overlaps them with its other set-up.
    public static func startMapHelpers(pid: Int32, uids: [IDMapExtent], gids: [IDMapExtent]) throws(Failure) -> [(name: String, pid: Int32)] {
        var started: [(name: String, pid: Int32)] = []
        for (name, extents) in [("newuidmap", uids), ("newgidmap", gids)] where !extents.isEmpty {
            guard let helper = HelperLocator.find(name) else {
                for s in started { _ = clinux_wait(s.pid) }
                throw .helperMissing(name)
            }
            var argv = [helper, String(pid)]
            for e in extents { argv += [String(e.inside), String(e.outside), String(e.count)] }
            let child = withCStringArray(argv) { argv in
                withCStringArray(["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]) { envp in clinux_spawn(argv, envp) }
            }
            guard child > 0 else {
                for s in started { _ = clinux_wait(s.pid) }
                throw .helperMissing(name)
            }
            started.append((name, child))
        }
        return started
    }

    public static func finishMapHelpers(_ started: [(name: String, pid: Int32)]) throws(Failure) {
        var failure: Failure?
        for (name, child) in started {
            let raw = clinux_wait(child)
            if failure == nil, !(clinux_wifexited(raw) != 0 && clinux_wexitstatus(raw) == 0) {
                failure = .helperFailed(name, status: clinux_wifexited(raw) != 0 ? clinux_wexitstatus(raw) : 128 + clinux_wtermsig(raw))
            }
        }
        if let failure { throw failure }
    }
}

/// newuidmap/newgidmap: beside our own executable if privileged there (setuid root or file
/// capabilities), else the first privileged one on PATH — as liblxc insists on a privileged helper.
public enum HelperLocator {
    public static func find(_ name: String) -> String? {
        var candidates: [String] = []
        if let me = SelfExecutable.directory { candidates.append(me + "/" + name) }
        let path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        let searched = getenv("PATH").map { String(cString: $0) } ?? path
        for dir in searched.split(separator: ":") where dir.hasPrefix("/") { candidates.append("\(dir)/\(name)") }
        return candidates.first(where: isPrivileged)
    }

    static func isPrivileged(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, clinux_s_isreg(st.st_mode) != 0, access(path, X_OK) == 0 else { return false }
        if st.st_uid == 0 && st.st_mode & S_ISUID != 0 { return true }
        var buffer = [UInt8](repeating: 0, count: 64)
        return clinux_lgetxattr(path, "security.capability", &buffer, UInt(buffer.count)) > 0
    }
}
