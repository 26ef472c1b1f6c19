import CLinux

/// The arguments the kernel passed to this process, captured in C before Swift starts.
/// `CommandLine.arguments` is empty where /proc is not mounted; this is not.
public enum ProcessArguments {
    public static var all: [String] {
        let count = Int(clinux_argc())
        guard count > 0, let argv = clinux_argv() else { return [] }
        var result: [String] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let pointer = argv[index] else { break }
            result.append(String(cString: pointer))
        }
        return result
    }
}
