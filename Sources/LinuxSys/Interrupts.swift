import CLinux

/// Ctrl-C, SIGTERM or SIGHUP noted instead of obeyed, for a job that must clean up after itself
/// (a download leaves no partial file, a create no half container): the job asks `caught`
/// where it can stop and undoes what it did.
public enum Interrupts {
    /// From now on in this process (children get the default back at exec).
    public static func catchThem() -> Bool { clinux_catch_interrupts() == 0 }

    /// The signal caught, or nil.
    public static var caught: Int32? {
        let signal = clinux_interrupted()
        return signal == 0 ? nil : signal
    }
}
