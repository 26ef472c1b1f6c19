/// The unprivileged container runtime (issue "Runtime and userbox"). Nothing here yet: the
/// runtime consumes the helpers, which come first.
public enum Runtime {
    public static let isImplemented = false
}
