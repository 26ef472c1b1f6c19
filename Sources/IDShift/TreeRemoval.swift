import CLinux
import Glibc
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
        let fd = clinux_open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
        guard fd >= 0 else { throw .system(path: root, operation: "open directory", Errno(rawValue: errno)) }
        let st: clinux_file_status
        do { st = try statusAt(fd, "") } catch {
            close(fd)
            throw .system(path: root, operation: "stat", error)
        }
        var mounts: [String] = []
        do throws(Failure) { try empty(fd, path: root, mount: st.mount_id, mounts: &mounts) } catch {
            close(fd)
            throw error
        }
        close(fd)
        if !mounts.isEmpty { throw .mountPoints(mounts) }
        guard rmdir(root) == 0 else { throw .system(path: root, operation: "remove", Errno(rawValue: errno)) }
    }

    private static func empty(_ dir: Int32, path: String, mount: UInt64, mounts: inout [String]) throws(Failure) {
        let names: [String]
        do { names = try directoryEntries(dir) } catch { throw .system(path: path, operation: "read directory", error) }
        for name in names {
            let childPath = path + "/" + name
            let st: clinux_file_status
            do { st = try statusAt(dir, name) } catch {
                if error == .noSuchFileOrDirectory { continue }
                throw .system(path: childPath, operation: "stat", error)
            }
            // Why: bind mounts share st_dev with their source; the mount id tells them apart.
            if st.mount_id != mount {
                mounts.append(childPath)
                continue
            }
            if isDirectory(st) {
                let child: Int32
                do { child = try openDirectory(dir, name) } catch {
                    // Why: a directory without read or search permission for its owner (chmod 0)
                    // is common in unpacked rootfs trees; as its owner we may fix that.
                    guard error == .permissionDenied, fchmodat(dir, name, 0o700, 0) == 0,
                        let reopened = try? openDirectory(dir, name)
                    else { throw .system(path: childPath, operation: "open directory", error) }
                    child = reopened
                }
                do throws(Failure) { try empty(child, path: childPath, mount: mount, mounts: &mounts) } catch {
                    close(child)
                    throw error
                }
                close(child)
                if mounts.contains(where: { $0.hasPrefix(childPath + "/") }) { continue }
                guard unlinkat(dir, name, AT_REMOVEDIR) == 0 else {
                    throw .system(path: childPath, operation: "remove", Errno(rawValue: errno))
                }
            } else {
                guard unlinkat(dir, name, 0) == 0 else {
                    throw .system(path: childPath, operation: "remove", Errno(rawValue: errno))
                }
            }
        }
    }
}
