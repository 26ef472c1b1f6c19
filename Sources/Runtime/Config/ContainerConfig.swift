public import ContainerCgroups
public import IDModel
import SubID

/// A container's configuration in LXC's `key = value` format, for the keys an unprivileged user
/// needs. Unknown keys — including LXC keys userbox does not implement — are errors with their
/// line number, never silently ignored.
public struct ContainerConfig: Equatable, Sendable {
    /// One `lxc.idmap = u|g INSIDE OUTSIDE COUNT` line: ids inside the container mapped to the host's.
    public struct IDMap: Equatable, Sendable {
        /// Whether it maps uids (`u`) or gids (`g`).
        public var kind: IDKind
        /// The first id inside the container.
        public var inside: UInt32
        /// The first host id it maps to (one of the user's subordinate ids, or the user's own).
        public var outside: UInt32
        /// How many consecutive ids the line maps.
        public var count: UInt32
        /// The line as the id model's extent, for checks against /etc/subuid and /etc/subgid.
        public var extent: IDMapExtent { IDMapExtent(inside: inside, outside: outside, count: count) }
    }

    /// One `lxc.net.N.*` network, as its keys set it.
    public struct Network: Equatable, Sendable {
        /// `lxc.net.N.type`: a veth pair (made by lxc-user-nic on a host bridge), a network namespace with
        /// only loopback (`empty`), or the host's network namespace shared (`none`).
        public enum Kind: String, Sendable {
            /// A veth pair: one end in the container, the other on `link` (lxc-user-nic makes it).
            case veth
            /// A network namespace of its own with only loopback.
            case empty
            /// No namespace of its own: the host's network.
            case none
        }
        /// N of `lxc.net.N`: the order in which networks are made.
        public var index: Int
        /// `lxc.net.N.type`.
        public var type: Kind = .empty
        /// `lxc.net.N.link`: the host bridge a veth is attached to.
        public var link: String = ""
        /// `lxc.net.N.flags = up`: the container's end is brought up at start.
        public var up = false
        /// `lxc.net.N.hwaddr`: the container end's MAC address (`x` digits random, as LXC fills them).
        public var hwaddr: String?
        /// `lxc.net.N.name`: the interface's name inside (default: lxc-user-nic's eth0, eth1...).
        public var name: String?
        /// `lxc.net.N.mtu`.
        public var mtu: UInt32?
        /// `ADDRESS/PREFIX`, set by the container itself on its end.
        public var ipv4Address: String?
        /// `lxc.net.N.ipv4.gateway`: the default route set inside.
        public var ipv4Gateway: String?
        /// lxc.net.N.script.up / script.down: run on the host after the nic is made / before it goes.
        public var scriptUp: String?
        /// (`lxc.net.N.script.down`, see `scriptUp`.)
        public var scriptDown: String?
    }

    /// `lxc.cap.drop` or `lxc.cap.keep`: which capabilities leave the container's bounding set.
    public enum CapabilityRule: Equatable, Sendable {
        /// Neither key: the bounding set as the user namespace gives it.
        case none
        /// `lxc.cap.drop`: these names (without `CAP_`, lower case as LXC writes them) are dropped.
        case drop([String])
        /// `lxc.cap.keep`: only these are kept (`none` keeps none).
        case keep([String])
    }

    /// One `lxc.mount.entry` line, fstab's fields.
    public struct MountEntry: Equatable, Sendable {
        /// The device, directory (for a bind mount) or filesystem name.
        public var source: String
        /// Where it is mounted, relative to the rootfs (as LXC takes a relative target).
        public var target: String
        /// The filesystem type (`none` for a bind mount).
        public var type: String
        /// The comma-separated options (`bind`, `ro`, `create=dir`, `optional`...).
        public var options: [String]

        /// An entry from its four fields.
        public init(source: String, target: String, type: String, options: [String]) {
            self.source = source
            self.target = target
            self.type = type
            self.options = options
        }
    }

    /// How lxc.rootfs.path stores the rootfs (LXC's `dir:`, `overlay:` and `btrfs:` forms).
    public enum RootfsBackend: Equatable, Sendable {
        /// A directory (plain path or `dir:PATH`): `rootfs` is it.
        case dir
        /// `overlay:LOWER[:LOWER...]:UPPER` (or `overlayfs:`): mounted at start, inside the
        /// container's namespaces, on the container's own `rootfs` directory; the work directory
        /// is `work` beside UPPER, as LXC lays it out (`overlay/delta`, `overlay/work`).
        case overlay(lowers: [String], upper: String)
        /// `btrfs:PATH`: a subvolume, used as a directory.
        case btrfs
    }

    /// `lxc.idmap` lines, in order: the container's user namespace maps.
    public var idmaps: [IDMap] = []
    /// The rootfs directory (dir and btrfs); nil for overlay, whose mount point is the container's
    /// own `rootfs` directory.
    public var rootfs: String?
    /// How `lxc.rootfs.path` stores the rootfs.
    public var rootfsBackend: RootfsBackend = .dir
    /// `lxc.uts.name`: the container's hostname.
    public var hostname: String?
    /// The `lxc.net.N` networks, in index order.
    public var networks: [Network] = []
    /// `lxc.cap.drop` / `lxc.cap.keep`.
    public var capabilities: CapabilityRule = .none
    /// `lxc.seccomp.profile`: the path of an LXC seccomp policy file, compiled at start and attach.
    public var seccompProfile: String?
    /// `lxc.cgroup.FILE = VALUE` (v1) and `lxc.cgroup2.FILE = VALUE`, in order.
    public var cgroupSettings: [CgroupSetting] = []
    /// `lxc.mount.entry` lines (and those of `lxc.mount.fstab`), in order.
    public var mountEntries: [MountEntry] = []
    /// `lxc.mount.auto` tokens (`proc:mixed`, `sys:ro`, `cgroup:mixed`...; see `mountAutoTokens`).
    public var mountAuto: Set<String> = []
    /// `lxc.hook.TYPE` commands by type (see `hookNames`), each list in config order.
    public var hooks: [String: [String]] = [:]
    /// lxc.hook.version: 0 passes `NAME lxc TYPE` (and more) as arguments, 1 only the environment.
    public var hookVersion = 0
    /// lxc.ephemeral: the container is destroyed when it stops (`userbox copy -e`).
    public var ephemeral = false
    /// lxc.tty.max: ttys /dev/tty1..N for `userbox console -t N`.
    public var ttyMax = 0
    /// lxc.pty.max and lxc.tty.dir: parsed (images set them through common.conf); not applied yet
    /// (devpts is mounted without a limit and the ttys stay in /dev).
    public var ptyMax: Int?
    /// (`lxc.tty.dir`, see `ptyMax`.)
    public var ttyDirectory: String?

    /// lxc.arch values that name this host's architecture.
    public static var hostArchitectureNames: [String] {
        #if arch(x86_64)
        return ["x86_64", "amd64", "linux64"]
        #elseif arch(arm64)
        return ["aarch64", "arm64", "linux64"]
        #else
        return ["linux64"]
        #endif
    }
    /// `lxc.environment` entries (`KEY=VALUE`): init's environment, and attach's.
    public var environment: [String] = []
    /// `lxc.init.cmd`, split into words: what runs as the container's pid 1.
    public var initCommand: [String] = ["/sbin/init"]
    /// `lxc.signal.halt`: what `stop` without `-k` (and `shutdown`) sends init; default SIGPWR.
    public var haltSignal: String?
    /// `lxc.signal.stop`: the signal for a forced stop; default SIGKILL.
    public var stopSignal: String?
    /// lxc.apparmor.profile, lxc.apparmor.allow_incomplete, lxc.selinux.context (see `SecurityModules`).
    public var apparmorProfile: String?
    /// (`lxc.apparmor.allow_incomplete`, see `apparmorProfile`.)
    public var apparmorAllowIncomplete = false
    /// (`lxc.selinux.context`, see `apparmorProfile`.)
    public var selinuxContext: String?
    /// lxc.start.auto, lxc.start.order, lxc.start.delay and lxc.group: what `userbox autostart`
    /// starts, in which order (higher first, as LXC), with how long a pause after each.
    public var startAuto = false
    /// (`lxc.start.order`, see `startAuto`.)
    public var startOrder = 0
    /// (`lxc.start.delay` in seconds, see `startAuto`.)
    public var startDelay = 0
    /// (`lxc.group` names, see `startAuto`.)
    public var groups: [String] = []

    /// An empty config: no maps, a directory rootfs, no network keys, `/sbin/init` as init.
    public init() {}

    /// Two configs that set the same keys to the same values.
    public static func == (a: ContainerConfig, b: ContainerConfig) -> Bool {
        a.idmaps == b.idmaps && a.rootfs == b.rootfs && a.rootfsBackend == b.rootfsBackend && a.hostname == b.hostname && a.networks == b.networks
            && a.capabilities == b.capabilities && a.seccompProfile == b.seccompProfile
            && a.cgroupSettings == b.cgroupSettings
            && a.mountEntries == b.mountEntries && a.mountAuto == b.mountAuto && a.hooks == b.hooks && a.hookVersion == b.hookVersion && a.ttyMax == b.ttyMax && a.ephemeral == b.ephemeral
            && a.environment == b.environment && a.initCommand == b.initCommand
            && a.haltSignal == b.haltSignal && a.stopSignal == b.stopSignal
            && a.apparmorProfile == b.apparmorProfile && a.apparmorAllowIncomplete == b.apparmorAllowIncomplete
            && a.selinuxContext == b.selinuxContext
            && a.startAuto == b.startAuto && a.startOrder == b.startOrder && a.startDelay == b.startDelay && a.groups == b.groups
    }

    /// LXC's hooks. `clone` is kept for `userbox copy`; the others run at LXC's point in start,
    /// stop and destroy (see Monitor and README's Hooks).
    public static let hookNames: Set<String> = ["pre-start", "pre-mount", "mount", "autodev", "start-host", "start",
                                                "stop", "post-stop", "destroy", "clone"]

    /// The overlay mount's options, for an overlay rootfs: `userxattr` because the mount is made in a
    /// user namespace (trusted.* xattrs are not available there; LXC omits it and breaks on
    /// copy-up of some directories).
    public var overlayOptions: String? {
        guard case .overlay(let lowers, let upper) = rootfsBackend else { return nil }
        return "lowerdir=\(lowers.joined(separator: ":")),upperdir=\(upper),workdir=\(ContainerConfig.overlayWork(upper)),userxattr"
    }

    /// The work directory of an overlay upper: `work` beside it.
    public static func overlayWork(_ upper: String) -> String {
        let parent = upper.split(separator: "/").dropLast().joined(separator: "/")
        return "/" + parent + (parent.isEmpty ? "" : "/") + "work"
    }

    /// The hooks configured for `type`, in order.
    public func hooks(_ type: String) -> [String] { hooks[type] ?? [] }
    /// The `lxc.mount.auto` tokens userbox implements; any other is a config error.
    public static let mountAutoTokens: Set<String> = [
        "proc", "proc:mixed", "proc:rw", "sys", "sys:ro", "sys:mixed", "sys:rw",
        "cgroup", "cgroup:mixed", "cgroup:ro", "cgroup:rw", "cgroup2", "cgroup2:ro",
    ]
}

/// A config that cannot be used: the line (and file, for an included one) and what is wrong with it.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line number.
    public let line: Int
    /// What is wrong, naming the key.
    public let message: String
    /// The file the line is in; nil: the container's own config.
    public var file: String?

    /// An error at `line` of `file`.
    public init(line: Int, message: String, file: String? = nil) {
        self.line = line
        self.message = message
        self.file = file
    }

    /// `FILE line N: message`, as the CLI prints it.
    public var description: String { "\(file ?? "config") line \(line): \(message)" }
}
