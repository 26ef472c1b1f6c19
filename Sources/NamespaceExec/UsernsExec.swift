import CLinux
import Glibc
import IDMapClient
import IDModel
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
        case mapping(IDMapClient.Failure)
        case childSetup(stage: Int32, Errno)
        case cannotExecute(String, Errno)
        /// nsswitch's `subid:` sources could not be read or asked.
        case sources(SubIDSourceError)

        public var description: String {
            switch self {
            case .noDefaultMaps(let user):
                "\(user) has no subordinate uid or gid range in /etc/subuid or /etc/subgid: ask an admin to run "
                    + "`subid allocate \(user)`, or give maps with -m"
            case .unknownCaller(let uid): "cannot determine your user name (uid \(uid))"
            case .sources(let error): error.description
            case .cannotFork(let e): "cannot fork: \(e)"
            case .cannotUnshare(let e):
                "cannot create a user namespace: \(e) (user namespaces may be off: see sysctl "
                    + "user.max_user_namespaces and kernel.apparmor_restrict_unprivileged_userns)"
            case .mapping(let failure): failure.description
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
            // The caller's ranges from every `subid:` source (the files alone unless nsswitch names a module).
            let uidFile: SubIDFile?, gidFile: SubIDFile?
            switch SubIDSources.ownerFile(identity, kind: .uid, file: try? SubIDStore(kind: .uid).read()) {
            case .success(let f): uidFile = f
            case .failure(let error): throw .sources(error)
            }
            switch SubIDSources.ownerFile(identity, kind: .gid, file: try? SubIDStore(kind: .gid).read()) {
            case .success(let f): gidFile = f
            case .failure(let error): throw .sources(error)
            }
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
        let pid: Int32
        do { pid = try valueOrErrno { withCStringArray(command) { argv in clinux_userns_fork(argv, 0, 0, &child) } } } catch {
            throw .cannotFork(error)
        }
        let ready = Descriptor(adopting: child.ready_fd)
        let go = Descriptor(adopting: child.go_fd)
        let report = Descriptor(adopting: child.error_fd)
        clinux_ignore_terminal_signals(1)
        // The child says 0 once it has unshared, or the errno of its failure.
        let answer = (try? ready.read(upTo: 4)) ?? []
        _ = consume ready
        let unshareStatus = answer.count == 4 ? answer.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) } : EIO
        guard unshareStatus == 0 else {
            _ = WaitStatus.wait(for: pid)
            throw .cannotUnshare(Errno(rawValue: unshareStatus))
        }
        do {
            try IDMapClient.writeMaps(pid: pid, uids: options.uidExtents, gids: options.gidExtents)
        } catch {
            // Why: lxc-usernsexec carries on here and the command runs unmapped; stop instead.
            kill(pid, SIGKILL)
            _ = WaitStatus.wait(for: pid)
            throw .mapping(error)
        }
        _ = try? go.writeOnce([UInt8(ascii: "1")])
        // Two ints (stage, errno) when set-up after `go` failed; EOF (close-on-exec) once exec'd.
        let failure = (try? report.read(upTo: 8)) ?? []
        let status = WaitStatus.wait(for: pid)
        clinux_ignore_terminal_signals(0)
        if failure.count == 8 {
            let (stage, code) = failure.withUnsafeBytes { ($0.loadUnaligned(as: Int32.self), $0.loadUnaligned(fromByteOffset: 4, as: Int32.self)) }
            if stage == Int32(CLINUX_STAGE_EXEC) { throw .cannotExecute(command[0], Errno(rawValue: code)) }
            throw .childSetup(stage: stage, Errno(rawValue: code))
        }
        return status?.shellStatus ?? 1
    }
}
