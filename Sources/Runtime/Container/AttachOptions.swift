/// How a command attached to a running container runs there (`Container.attach`, `spawn`,
/// `enter`): lxc-attach's and liblxc's attach options that userbox has.
public struct AttachOptions: Sendable, Equatable {
    /// The uid and gid inside the container (0: its root).
    public var uid: UInt32
    public var gid: UInt32
    /// `KEY=VALUE` entries added to the environment (later ones win, as in execve).
    public var environment: [String]
    /// Start from this process's environment instead of the container's (lxc-attach
    /// `--keep-env`, liblxc's `LXC_ATTACH_KEEP_ENV`); the container's is the default
    /// (`--clear-env`), so the host's variables do not leak in unasked.
    public var keepsEnvironment: Bool
    /// The working directory inside; nil: `/`. One the uid cannot enter fails the command
    /// (exit status 126, the reason on its stderr), where liblxc warns and runs it elsewhere: a
    /// command such as `rm -rf *` must not run in a directory nobody named.
    public var workingDirectory: String?
    /// The command's fds 0, 1 and 2: this process's fds to hand over (as lxc's attach options'
    /// stdin_fd, stdout_fd, stderr_fd).
    public var standardInput: Int32
    public var standardOutput: Int32
    public var standardError: Int32

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
