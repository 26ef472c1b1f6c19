/// How a command attached to a running container runs there (`Container.attach`, `spawn`,
/// `enter`): lxc-attach's and liblxc's attach options that userbox has.
public struct AttachOptions: Sendable, Equatable {
    /// The uid inside the container (0: its root).
    public var uid: UInt32
    /// The gid inside the container; supplementary groups are cleared.
    public var gid: UInt32
    /// `KEY=VALUE` entries added to the environment, each replacing one of the same name.
    public var environment: [String]
    /// Start from this process's environment instead of the container's (lxc-attach
    /// `--keep-env`, liblxc's `LXC_ATTACH_KEEP_ENV`); the container's is the default
    /// (`--clear-env`), so the host's variables do not leak in unasked.
    public var keepsEnvironment: Bool
    /// The working directory inside; nil: `/`. One the uid cannot enter fails the command
    /// (exit status 126, the reason on its stderr), where liblxc warns and runs it elsewhere: a
    /// command such as `rm -rf *` must not run in a directory nobody named.
    public var workingDirectory: String?
    /// This process's fd that becomes the command's fd 0 (liblxc's stdin_fd; likewise the two
    /// below). Not used by `enter`, whose process keeps its own fds.
    public var standardInput: Int32
    /// This process's fd that becomes the command's fd 1.
    public var standardOutput: Int32
    /// This process's fd that becomes the command's fd 2.
    public var standardError: Int32

    /// The options with every field given; the defaults are lxc-attach's without options but
    /// for the environment: root, the container's environment, `/`, this process's 0, 1, 2.
    public init(uid: UInt32 = 0, gid: UInt32 = 0, environment: [String] = [], keepsEnvironment: Bool = false,
                workingDirectory: String? = nil, standardInput: Int32 = 0, standardOutput: Int32 = 1, standardError: Int32 = 2) {
        self.uid = uid
        self.gid = gid
        self.environment = environment
        self.keepsEnvironment = keepsEnvironment
        self.workingDirectory = workingDirectory
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// How the process that joins the container comes to be (`Container.attach`, `spawn`).
public enum AttachLaunch: Sendable, Equatable {
    /// Fork this process: cheapest for a small one (userbox's CLI).
    case fork
    /// posix_spawn the static userbox-join helper at this path: nothing of this process's memory
    /// is copied, which for a large process (a Python interpreter) costs less than its fork
    /// alone. `Helpers.joiner` finds it.
    case helper(String)
}
