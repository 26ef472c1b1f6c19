import CLinux
import Glibc

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

/// The running executable, as /proc/self/exe names it (nil without /proc).
public enum SelfExecutable {
    public static var path: String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink("/proc/self/exe", &buffer, 4096)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static var directory: String? {
        path.flatMap { p in p.lastIndex(of: "/").map { String(p[..<$0]) } }
    }

    /// The file this code is linked into: the program, or a library that a C or Python caller
    /// loaded (libuserbox in PREFIX/lib), by dladdr.
    public static var objectPath: String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        guard clinux_own_object_path(&buffer, UInt(buffer.count)) == 0 else { return nil }
        let path = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.hasPrefix("/") ? path : nil
    }

    /// Where our own programs and data are looked for, in order: the running program's directory,
    /// then, when this code is a library, the installation it is in (PREFIX/lib → PREFIX/bin,
    /// PREFIX; the build's stage keeps the programs beside lib/).
    public static var installationDirectories: [String] {
        var found = directory.map { [$0] } ?? []
        if let object = objectPath, object != path, let slash = object.lastIndex(of: "/") {
            let dir = String(object[..<slash])
            let parent = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)])
            found += [parent + "/bin", parent]
        }
        return found
    }
}
