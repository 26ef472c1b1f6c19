public import ContainerCgroups
public import IDModel
import SubID

/// A container's configuration in LXC's `key = value` format, for the keys an unprivileged user
/// needs. Unknown keys — including LXC keys userbox does not implement — are errors with their
/// line number, never silently ignored.
public struct ContainerConfig: Equatable, Sendable {
    public struct IDMap: Equatable, Sendable {
        public var kind: IDKind
        public var inside: UInt32
        public var outside: UInt32
        public var count: UInt32
        public var extent: IDMapExtent { IDMapExtent(inside: inside, outside: outside, count: count) }
    }

    public struct Network: Equatable, Sendable {
        public enum Kind: String, Sendable { case veth, empty, none }
        public var index: Int
        public var type: Kind = .empty
        public var link: String = ""
        public var up = false
        public var hwaddr: String?
        public var name: String?
        public var mtu: UInt32?
        /// `ADDRESS/PREFIX`, set by the container itself on its end.
        public var ipv4Address: String?
        public var ipv4Gateway: String?
        /// lxc.net.N.script.up / script.down: run on the host after the nic is made / before it goes.
        public var scriptUp: String?
        public var scriptDown: String?
    }

    public enum CapabilityRule: Equatable, Sendable {
        case none
        case drop([String])
        case keep([String])
    }

    public struct MountEntry: Equatable, Sendable {
        public var source: String
        public var target: String
        public var type: String
        public var options: [String]

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

    public var idmaps: [IDMap] = []
    /// The rootfs directory (dir and btrfs); nil for overlay, whose mount point is the container's
    /// own `rootfs` directory.
    public var rootfs: String?
    public var rootfsBackend: RootfsBackend = .dir
    public var hostname: String?
    public var networks: [Network] = []
    public var capabilities: CapabilityRule = .none
    public var seccompProfile: String?
    /// `lxc.cgroup.FILE = VALUE` (v1) and `lxc.cgroup2.FILE = VALUE`, in order.
    public var cgroupSettings: [CgroupSetting] = []
    public var mountEntries: [MountEntry] = []
    public var mountAuto: Set<String> = []
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
    public var environment: [String] = []
    public var initCommand: [String] = ["/sbin/init"]
    public var haltSignal: String?
    public var stopSignal: String?
    /// lxc.apparmor.profile, lxc.apparmor.allow_incomplete, lxc.selinux.context (see `SecurityModules`).
    public var apparmorProfile: String?
    public var apparmorAllowIncomplete = false
    public var selinuxContext: String?
    /// lxc.start.auto, lxc.start.order, lxc.start.delay and lxc.group: what `userbox autostart`
    /// starts, in which order (higher first, as LXC), with how long a pause after each.
    public var startAuto = false
    public var startOrder = 0
    public var startDelay = 0
    public var groups: [String] = []

    public init() {}

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
    public static let mountAutoTokens: Set<String> = [
        "proc", "proc:mixed", "proc:rw", "sys", "sys:ro", "sys:mixed", "sys:rw",
        "cgroup", "cgroup:mixed", "cgroup:ro", "cgroup:rw", "cgroup2", "cgroup2:ro",
    ]
}

public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let message: String
    public var file: String?

    public init(line: Int, message: String, file: String? = nil) {
        self.line = line
        self.message = message
        self.file = file
    }

    public var description: String { "\(file ?? "config") line \(line): \(message)" }
}
