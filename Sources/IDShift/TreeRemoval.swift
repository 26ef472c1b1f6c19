import CLinux
import Glibc
import LinuxSys
public import SystemPackage

/// Removes a tree without leaving it: directories are opened with O_NOFOLLOW relative to their
/// parent, symlinks are unlinked (never followed), and a directory on another filesystem (a bind
/// mount someone left inside) is neither entered nor removed — removal then fails naming it.
public enum TreeRemoval {
    public enum Failure: Error, CustomStringConvertible {
        case system(path: String, operation: String, Errno)
        case mountPoints([String])

        public var description: String {
            switch self {
            case .system(let path, let operation, let e): "cannot \(operation) \(path): \(e)"
            case .mountPoints(let paths):
                "not removed: mount point(s) inside the tree: " + paths.joined(separator: ", ") + "; unmount them first"
            }
        }
    }

    public static func remove(_ root: String) throws(Failure) {
        var mounts: [String] = []
        let top: Descriptor
        do { top = try Descriptor.open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) } catch {
            throw .system(path: root, operation: "open directory", error)
        }
        let st: clinux_file_status
        do { st = try statusAt(top.rawValue, "") } catch { throw .system(path: root, operation: "stat", error) }
        try empty(top, path: root, mount: st.mount_id, mounts: &mounts)
        _ = consume top
        if !mounts.isEmpty { throw .mountPoints(mounts) }
        do { _ = try valueOrErrno { rmdir(root) } } catch { throw .system(path: root, operation: "remove", error) }
    }

    private static func empty(_ dir: borrowing Descriptor, path: String, mount: UInt64, mounts: inout [String]) throws(Failure) {
        let names: [String]
        do { names = try directoryEntries(dir.rawValue) } catch { throw .system(path: path, operation: "read directory", error) }
        let parent = dir.rawValue
        for name in names {
            let childPath = path + "/" + name
            let st: clinux_file_status
            do { st = try statusAt(parent, name) } catch {
                if error == .noSuchFileOrDirectory { continue }
                throw .system(path: childPath, operation: "stat", error)
            }
            // Why: bind mounts share st_dev with their source; the mount id tells them apart.
            if st.mount_id != mount {
                mounts.append(childPath)
                continue
            }
            if isDirectory(st) {
                let child = try openForRemoval(dir, name, path: childPath)
                try empty(child, path: childPath, mount: mount, mounts: &mounts)
                if mounts.contains(where: { $0.hasPrefix(childPath + "/") }) { continue }
                do { _ = try valueOrErrno { unlinkat(parent, name, AT_REMOVEDIR) } } catch {
                    throw .system(path: childPath, operation: "remove", error)
                }
            } else {
                do { _ = try valueOrErrno { unlinkat(parent, name, 0) } } catch {
                    throw .system(path: childPath, operation: "remove", error)
                }
            }
        }
    }

    /// Why the second try: a directory without read or search permission for its owner (chmod 0)
    /// is common in unpacked rootfs trees; as its owner we may fix that.
    private static func openForRemoval(_ dir: borrowing Descriptor, _ name: String, path: String) throws(Failure) -> Descriptor {
        do { return try dir.open(name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) } catch {
            guard error == .permissionDenied, fchmodat(dir.rawValue, name, 0o700, 0) == 0 else {
                throw .system(path: path, operation: "open directory", error)
            }
            do { return try dir.open(name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) } catch {
                throw .system(path: path, operation: "open directory", error)
            }
        }
    }
}
