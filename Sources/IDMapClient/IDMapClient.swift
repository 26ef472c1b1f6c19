import CLinux
import Glibc
public import IDModel
import LinuxSys
public import SystemPackage

/// The caller's side of newuidmap and newgidmap: find the privileged helpers as liblxc does, run
/// them for a process in a new user namespace, and report how they ended. Root writes the maps
/// itself. Used by usernsexec and by userbox's monitor.
public enum IDMapClient {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case helperMissing(String)
        case helperFailed(String, status: Int32)
        case directWrite(String, Errno)

        public var description: String {
            switch self {
            case .helperMissing(let name):
                "\(name) not found: install it setuid root (or with file capabilities) beside usernsexec or on PATH"
            case .helperFailed(let name, let status): "\(name) failed (exit status \(status)); the map was not written"
            case .directWrite(let file, let e): "cannot write \(file): \(e)"
            }
        }
    }

    /// A helper started for one map, to be finished with `finish`.
    public struct Started: Sendable {
        public let name: String
        public let pid: Int32
    }

    /// Root writes the maps itself; anyone else goes through the setuid helpers.
    public static func writeMaps(pid: Int32, uids: [IDMapExtent], gids: [IDMapExtent]) throws(Failure) {
        if geteuid() == 0 {
            for (file, extents) in [("uid_map", uids), ("gid_map", gids)] where !extents.isEmpty {
                let path = "/proc/\(pid)/\(file)"
                do {
                    let map = try Descriptor.open(path, O_WRONLY)
                    try map.writeOnce(IDMapExtent.mapBytes(extents))
                } catch { throw .directWrite(path, error) }
            }
            return
        }
        try finish(try start(pid: pid, uids: uids, gids: gids))
    }

    /// newuidmap and newgidmap started side by side (they write different files), to be finished
    /// with `finish`; a runtime overlaps them with its other set-up.
    public static func start(pid: Int32, uids: [IDMapExtent], gids: [IDMapExtent]) throws(Failure) -> [Started] {
        var started: [Started] = []
        for (name, extents) in [("newuidmap", uids), ("newgidmap", gids)] where !extents.isEmpty {
            guard let helper = locate(name) else {
                for s in started { _ = WaitStatus.wait(for: s.pid) }
                throw .helperMissing(name)
            }
            var argv = [helper, String(pid)]
            for e in extents { argv += [String(e.inside), String(e.outside), String(e.count)] }
            let child = withCStringArray(argv) { argv in
                withCStringArray([Executables.searchPathEnvironment]) { envp in clinux_spawn(argv, envp) }
            }
            guard child > 0 else {
                for s in started { _ = WaitStatus.wait(for: s.pid) }
                throw .helperMissing(name)
            }
            started.append(Started(name: name, pid: child))
        }
        return started
    }

    /// Waits for every helper; the first that did not exit 0 is the failure.
    public static func finish(_ started: [Started]) throws(Failure) {
        var failure: Failure?
        for helper in started {
            let status = WaitStatus.wait(for: helper.pid) ?? .exited(1)
            if failure == nil && !status.succeeded { failure = .helperFailed(helper.name, status: status.shellStatus) }
        }
        if let failure { throw failure }
    }

    /// newuidmap/newgidmap: beside our own executable if privileged there (setuid root or file
    /// capabilities), else the first privileged one on PATH, as liblxc insists on a privileged helper.
    public static func locate(_ name: String) -> String? {
        var candidates: [String] = []
        if let me = SelfExecutable.directory { candidates.append(me + "/" + name) }
        let searched = getenv("PATH").map { String(cString: $0) } ?? Executables.searchPath
        candidates += Executables.directories(of: searched).map { "\($0)/\(name)" }
        return candidates.first(where: Executables.isPrivilegedHelper)
    }
}
