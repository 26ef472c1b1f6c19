public import ContainerCgroups
public import IDMapClient
public import IDModel
public import LinuxSys
public import SystemPackage

/// Why a container operation failed, with the object it failed on (container, path, key, line,
/// helper) and the errno where the kernel said no. `description` is the message users read after
/// `userbox: `; it names the fix where there is one.
public enum RuntimeError: Error, Equatable, CustomStringConvertible {
    // The container.
    /// The name cannot be a container's (see `ContainerPaths.isValidName`).
    case invalidName(String)
    /// No container of that name in that directory.
    case notFound(container: String, lxcpath: String)
    /// Create or copy would overwrite an existing container.
    case alreadyExists(container: String, lxcpath: String)
    /// Start of a container that runs.
    case alreadyRunning(String)
    /// An operation that needs it running (attach, stop, freeze, console).
    case notRunning(String)
    /// Its init is gone, its monitor still runs the stop hooks and clean-up.
    case stillStopping(container: String, monitor: Int32)
    /// Overlay clones (or snapshots) stand on it.
    case hasDependents(container: String, dependents: [String])
    /// A copy, clone or snapshot the storage cannot make (the reason says which and why).
    case unsupportedCopy(String)
    /// nsswitch's `subid:` sources could not be read or asked.
    case subidSources(String)
    /// A btrfs subvolume that neither `btrfs subvolume delete` nor removing its files could remove.
    case subvolumeNotRemoved(path: String, detail: String)
    /// Destroy of a container with snapshots (`-s` or removing them first).
    case hasSnapshots(container: String, snapshots: [String])
    /// It runs, and the operation needs it stopped.
    case running(String)
    /// The kernel refused to let the caller act on another user's container.
    case notYours(container: String, action: String, Errno)
    // Files and configuration.
    /// A system call failed: what, on which object, and errno.
    case system(SystemError)
    /// The config (or a file it includes) has a line that cannot be used.
    case config(ConfigError)
    /// A file or directory the operation needs is not there.
    case missing(path: String)
    /// `lxc.rootfs.path` is relative.
    case rootfsNotAbsolute(config: String)
    /// `lxc.rootfs.path` is not a directory.
    case rootfsNotDirectory(String)
    /// The container's root (a subordinate uid) cannot search a directory above the rootfs.
    case rootfsUnreachable(rootUID: UInt32, directory: String)
    /// An `lxc.mount.entry` target resolves outside the rootfs (`..`, or a symlink inside).
    case mountEntryLeavesRootfs(target: String)
    /// The `lxc.seccomp.profile` file cannot be used.
    case seccompPolicy(reason: String)
    /// libseccomp refused a call while compiling the policy.
    case seccompLibrary(call: String, Errno?)
    /// An AppArmor or SELinux key asks for confinement this kernel's LSMs cannot give.
    case securityModuleMissing(key: String, value: String, module: String)
    // Ids.
    /// The user has no subordinate range large enough for a container (65536 ids).
    case noSubordinateRange(user: String, kind: IDKind)
    /// The config has no `lxc.idmap` for uids or for gids.
    case noIDMap(kind: IDKind, user: String)
    /// The user has no subordinate ids at all.
    case noSubordinateIDs(user: String, kind: IDKind)
    /// An `lxc.idmap` line maps ids that are not the user's.
    case idmapNotYours(IDMapExtent, kind: IDKind, explanation: String)
    /// Two `lxc.idmap` lines overlap (the kernel would refuse the map).
    case idmapOverlap(IDMapExtent, IDMapExtent)
    /// The map cannot be written for the container (newuidmap/newgidmap said why).
    case idmapUnwritable(kind: IDKind, reason: String)
    /// The maps give the container no root (id 0 inside).
    case idmapNoRoot(kind: IDKind?)
    /// Running newuidmap or newgidmap failed.
    case mapping(IDMapClient.Failure)
    // Helpers, tools and hooks.
    /// One of our own tools (usernsexec...) is not installed where it is looked for.
    case toolMissing(String)
    /// The busybox template needs Debian's busybox-static.
    case busyboxMissing(String)
    /// `-t download` reached create without its image (the CLI resolves it first).
    case imageNotPrepared
    /// The image unpacks to more than the containers' filesystem has free.
    case imageTooLarge(image: String, unpacked: UInt64, available: UInt64, directory: String)
    /// A veth network needs lxc-user-nic, setuid root, and none is installed.
    case userNicMissing
    /// A program could not be started at all.
    case cannotRun(String)
    /// A program ran and failed: its exit status and what it printed.
    case toolFailed(what: String, program: String, status: Int32, detail: String)
    /// lxc-user-nic refused a network (quota in /etc/lxc/lxc-usernet, bridge, ...).
    case userNicRefused(index: Int, link: String, detail: String)
    /// A hook or network script failed (its status) or could not run (nil).
    case hookFailed(type: String, hook: String, status: Int32?)
    // Starting.
    /// The kernel refused the container's namespaces.
    case namespaces(Errno)
    /// The container's set-up in its new namespaces failed (mounts, pivot, devices...).
    case setupFailed(detail: String)
    /// The monitor's own words, relayed over its pipe.
    case reportedByMonitor(String)
    /// The monitor ended before saying whether the container started; its log says why.
    case monitorEnded(container: String, log: String)
    /// The monitor refused a console connection.
    case console(container: String, reason: String)
    // Cgroups.
    /// An admin command run without root.
    case notRoot(command: String)
    /// No cgroup filesystem is mounted to delegate from.
    case noCgroupHierarchy
    /// Making, filling or removing the container's cgroups failed.
    case cgroup(CgroupError)

    /// The message the CLI prints after `userbox: `: what failed, on what, and the fix where there is one.
    public var description: String {
        switch self {
        case .invalidName(let name): "invalid container name \"\(name)\" (letters, digits, '-', '_' and '.', not starting with '.')"
        case .notFound(let name, let lxcpath): "container \(name) does not exist in \(lxcpath) (create it with `userbox create \(name)`)"
        case .alreadyExists(let name, let lxcpath): "container \(name) already exists in \(lxcpath)"
        case .alreadyRunning(let name): "container \(name) is already running"
        case .notRunning(let name): "container \(name) is not running"
        case .running(let name): "container \(name) is running: stop it first (`userbox stop -k \(name)`)"
        case .notYours(let name, let action, let errno): "not allowed to \(action) container \(name): it is not yours (\(errno))"
        case .system(let error): error.description
        case .config(let error): error.description
        case .missing(let path): "\(path) does not exist"
        case .rootfsNotAbsolute(let config): "\(config): lxc.rootfs.path must be an absolute directory"
        case .rootfsNotDirectory(let path): "rootfs \(path) is not a directory"
        case .rootfsUnreachable(let uid, let path):
            "the container's root (host uid \(uid)) cannot reach its rootfs: \(path) is not searchable by others; "
                + "run `chmod o+x \(path)` (or `setfacl -m u:\(uid):x \(path)`)"
        case .mountEntryLeavesRootfs(let target): "lxc.mount.entry target \(target) leaves the rootfs"
        case .seccompPolicy(let reason): "seccomp policy: \(reason)"
        case .seccompLibrary(let call, let errno): "\(call) failed" + (errno.map { ": \($0)" } ?? "")
        case .securityModuleMissing(let key, let value, let module):
            "\(key) = \(value) needs \(module), which this kernel does not run: remove the key or set it to "
                + (key == "lxc.selinux.context" ? "nothing" : "unconfined")
        case .noSubordinateRange(let user, let kind):
            "\(user) has no subordinate \(kind) range of 65536 ids: ask an admin to run `subid allocate \(user)` "
                + "(`subid doctor \(user)` explains)"
        case .noIDMap(let kind, let user):
            "no lxc.idmap for \(kind)s: add `lxc.idmap = \(kind.letter) 0 FIRST 65536` with FIRST from your range in "
                + "\(kind.defaultPath) (`subid list \(user)`)"
        case .noSubordinateIDs(let user, let kind): "\(user) has no subordinate \(kind)s: ask an admin to run `subid allocate \(user)`"
        case .idmapNotYours(let e, let kind, let explanation):
            "lxc.idmap \(kind.letter) \(e.inside) \(e.outside) \(e.count) is not yours: \(explanation)"
        case .idmapOverlap(let a, let b): "lxc.idmap entries \(a) and \(b) overlap"
        case .idmapUnwritable(let kind, let reason): "lxc.idmap for \(kind)s cannot be written: \(reason)"
        case .idmapNoRoot(let kind):
            kind.map { "lxc.idmap maps no \($0) 0: the container's root would not exist" } ?? "the idmap maps no root"
        case .mapping(let failure): "cannot map ids: \(failure)"
        case .toolMissing(let name): "\(name) not found beside userbox or in /usr/local/bin, /usr/bin"
        case .busyboxMissing(let path): "\(path) is missing: install busybox-static (apt install busybox-static)"
        case .imageNotPrepared: "the download template's image was not prepared (a caller's bug)"
        case .imageTooLarge(let image, let unpacked, let available, let directory):
            "\(image) unpacks to \(unpacked / 1_048_576) MiB but \(directory) has \(available / 1_048_576) MiB free: "
                + "free some space or create it elsewhere (-P DIR)"
        case .userNicMissing: "lxc-user-nic (setuid root) not found: install lxc, or this toolkit's (see README)"
        case .cannotRun(let program): "cannot run \(program)"
        case .toolFailed(let what, let program, let status, let detail): "\(what) failed (\(program) exited with \(status)): \(detail)"
        case .userNicRefused(let index, let link, let detail): "lxc-user-nic refused lxc.net.\(index) on \(link): \(detail)"
        case .stillStopping(let container, let monitor):
            "\(container) is still stopping: its monitor (pid \(monitor)) runs the stop hooks and clean-up; try again when it is done"
        case .hasDependents(let container, let dependents):
            "\(container) has overlay clones on top of it: \(dependents.joined(separator: ", ")) (destroy them first; their lower layer is \(container)'s rootfs)"
        case .unsupportedCopy(let reason): reason
        case .subidSources(let reason): reason
        case .subvolumeNotRemoved(let path, let detail):
            "cannot remove the btrfs subvolume \(path) (\(detail)): deleting subvolumes unprivileged needs the filesystem mounted with -o user_subvol_rm_allowed (or, as root: btrfs subvolume delete \(path))"
        case .hasSnapshots(let container, let snapshots):
            "\(container) has snapshots: \(snapshots.joined(separator: ", ")) (userbox snapshot \(container) -d ALL removes them)"
        case .console(let container, let reason): "cannot connect to \(container)'s console: \(reason)"
        case .hookFailed(let type, let hook, let status):
            // `type` is the key: lxc.hook.TYPE or lxc.net.N.script.up/down.
            status.map { "\(type) \(hook) failed with status \($0)" } ?? "cannot run \(type) \(hook)"
        case .namespaces(let errno):
            "cannot create the container's namespaces: \(errno) (are user namespaces enabled? `subid doctor` checks)"
        case .setupFailed(let detail): "container setup failed: \(detail)"
        case .reportedByMonitor(let message): message
        case .monitorEnded(let name, let log): "the monitor of \(name) ended without starting it; see \(log)"
        case .notRoot(let command): "\(command) must run as root"
        case .noCgroupHierarchy: "no cgroup hierarchy is mounted"
        case .cgroup(let error): error.description
        }
    }
}
