import CLinux
import Glibc
import LinuxSys
import IDModel
import SubID

/// The process whose map is written: `PID`, or `fd:N` (newer shadow) where N is an open
/// /proc/PID directory or a pidfd of the target. Either way it ends as one directory fd on
/// procfs; every later access (fstat, setgroups, uid_map) is relative to it, so a recycled PID
/// can never be hit after the open.
public enum MapTarget: Equatable, Sendable {
    case pid(Int32)
    case descriptor(Int32)

    /// nil means usage. PIDs are decimal as strtoll reads them, 1...INT_MAX (shadow 4.13 also
    /// took 0 and -1; 4.17+ refuses them); `fd:N` needs at least one character after the colon.
    public static func parse(_ text: String) -> MapTarget? {
        let bytes = Array(text.utf8)
        if bytes.count > 3 && bytes.starts(with: Array("fd:".utf8)) {
            guard let fd = decimal(bytes[3...]), fd >= 0, fd <= Int64(Int32.max) else { return nil }
            return .descriptor(Int32(fd))
        }
        guard let pid = decimal(bytes[...]), pid >= 1, pid <= Int64(Int32.max) else { return nil }
        return .pid(Int32(pid))
    }

    /// strtoll(base 10) that must consume everything: leading blanks and a sign are allowed.
    static func decimal(_ bytes: ArraySlice<UInt8>) -> Int64? {
        guard let (value, end) = ShadowNumber.decimalPrefix(bytes, allowMinus: true), end == bytes.endIndex else { return nil }
        return value
    }
}

public enum MapTargetError: Error, Equatable {
    /// shadow: `Could not open proc directory for target N` (exit 1).
    case cannotOpen(pid: Int32)
    /// The fd:N given is neither a procfs directory nor a live pidfd (usage, as shadow 4.14+).
    case badDescriptor
}

extension MapTarget {
    /// Opens (or, for fd:N, checks and duplicates) the target's /proc directory; the result is
    /// ours to close either way.
    public func openDirectory() throws(MapTargetError) -> Descriptor {
        switch self {
        case .pid(let pid):
            do { return try Descriptor.open("/proc/\(pid)/", O_RDONLY | O_DIRECTORY | O_NOFOLLOW) } catch {
                throw .cannotOpen(pid: pid)
            }
        case .descriptor(let fd):
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw .badDescriptor }
            // Why: shadow 4.14's first fd: version wrote uid_map under any directory the caller
            // opened (a symlink there overwrote root's files); only procfs directories count.
            if clinux_s_isdir(st.st_mode) != 0 {
                let directory: Descriptor
                do { directory = try Descriptor.duplicating(fd) } catch { throw .badDescriptor }
                guard directory.isOnProcfs else { throw .badDescriptor }
                return directory
            }
            return try directory(ofPidfd: fd)
        }
    }

    /// A pidfd names a process, not a directory: find its PID in our fdinfo, open /proc/PID, and
    /// then make sure the pidfd's process is still alive — if it is, the PID cannot have been
    /// reused between the two steps, so the directory is that process's.
    private func directory(ofPidfd pidfd: Int32) throws(MapTargetError) -> Descriptor {
        guard let info = try? Files.read("/proc/self/fdinfo/\(pidfd)", followSymlinks: true, limit: 1 << 16) else {
            throw .badDescriptor
        }
        let text = String(decoding: info, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Pid:") }),
            let pid = Int32(line.dropFirst(4).trimmingBlanks()), pid > 0
        else { throw .badDescriptor }
        let directory: Descriptor
        do { directory = try Descriptor.open("/proc/\(pid)/", O_RDONLY | O_DIRECTORY | O_NOFOLLOW) } catch { throw .badDescriptor }
        guard clinux_pidfd_send_signal(pidfd, 0) == 0 else { throw .badDescriptor }
        return directory
    }
}

extension Substring {
    func trimmingBlanks() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}
