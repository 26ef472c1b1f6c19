public import IDModel
public import SubID
public import UserNic

/// Everything `subid doctor` looks at, gathered first (HostProbe) so the diagnosis is pure.
public struct DoctorFacts: Sendable {
    public struct Account: Sendable {
        public var name: String
        public var uid: UInt32
        public var gid: UInt32
        public var groups: [String]
        public init(name: String, uid: UInt32, gid: UInt32, groups: [String]) {
            self.name = name; self.uid = uid; self.gid = gid; self.groups = groups
        }
    }

    public enum FileState: Sendable {
        case present(SubIDFile)
        case missing
        case unreadable(String)
    }

    public struct Helper: Sendable {
        public var name: String
        /// nil: not found in any directory searched.
        public var path: String?
        public var setuidRoot = false
        public var fileCapabilities = false
        /// The mount point when the file lies on a nosuid mount.
        public var nosuidMount: String?
        public init(name: String, path: String?) { self.name = name; self.path = path }
    }

    public var user: Account
    public var subuid: FileState = .missing
    public var subgid: FileState = .missing
    /// nsswitch's `subid:` sources; `sourcesProblem` when the line cannot be used at all.
    public var sources: [SubIDSource] = [.files]
    public var sourcesProblem: String?
    /// The user's ranges from the modules among the sources, or why a module failed.
    public var moduleRanges: [IDKind: [SourcedRange]] = [:]
    public var moduleFailures: [IDKind: String] = [:]
    public var realUsers: [(name: String, id: UInt32)] = []
    public var realGroups: [(name: String, id: UInt32)] = []
    public var loginDefs = LoginDefs()
    public var searchPath: [String] = []
    public var helpers: [Helper] = []
    /// user.max_user_namespaces; kernel.unprivileged_userns_clone and
    /// kernel.apparmor_restrict_unprivileged_userns where the kernel has them.
    public var maxUserNamespaces: Int?
    public var unprivilegedUsernsClone: Int?
    public var apparmorRestrictsUserns: Int?
    public var usernet: Usernet?
    public var usernetPath = "/etc/lxc/lxc-usernet"
    /// Links named by the user's lxc-usernet lines that exist here.
    public var existingLinks: Set<String> = []
    /// lxc-user-nic where liblxc runs it, when networking is configured.
    public var userNic: Helper?
    /// A cgroup directory the user may write (a delegated subtree), if any.
    public var delegatedCgroup: String?
    /// Where a cgroup could be delegated: the cgroup2 mount if any, else the first cgroup mount.
    public var cgroupRoot: String? = "/sys/fs/cgroup"

    public init(user: Account) { self.user = user }
}
