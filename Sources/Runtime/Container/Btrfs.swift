import CLinux
import Glibc
import LinuxSys

/// What the btrfs backend needs to know of a path, and where btrfs-progs is. Subvolumes are made,
/// snapshotted and deleted with btrfs-progs inside the container's user namespace (its root owns
/// the subvolumes; the kernel checks that owner for snapshots), as LXC does with the ioctls.
enum Btrfs {
    static let superMagic: Int = 0x9123683E
    /// Every subvolume's root directory has this inode number.
    static let subvolumeRootInode: UInt = 256

    /// On a btrfs filesystem.
    static func isBtrfs(_ path: String) -> Bool {
        var magic: UInt = 0
        return clinux_path_fs(path, &magic) == 0 && Int(magic) == superMagic
    }

    /// The root of a subvolume.
    static func isSubvolume(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR && UInt(st.st_ino) == subvolumeRootInode && isBtrfs(path)
    }

    /// The same btrfs filesystem (a snapshot cannot cross filesystems; each subvolume has its
    /// own st_dev and statfs f_fsid, so the filesystem's UUID tells).
    static func sameFilesystem(_ a: String, _ b: String) -> Bool {
        var idA = [UInt8](repeating: 0, count: 16), idB = [UInt8](repeating: 0, count: 16)
        guard clinux_btrfs_fsid(a, &idA) == 0, clinux_btrfs_fsid(b, &idB) == 0 else { return false }
        return idA == idB
    }

    /// btrfs-progs' command, or an error that says what to install.
    static func tool() throws(RuntimeError) -> String {
        for directory in Executables.directories(of: Executables.searchPath) where Executables.isExecutableFile(directory + "/btrfs") {
            return directory + "/btrfs"
        }
        throw .unsupportedCopy("the btrfs backend needs btrfs-progs (apt-get install btrfs-progs)")
    }

    /// Refused unless `directory` is on btrfs, naming what it is on.
    static func requireBtrfs(_ directory: String, for what: String) throws(RuntimeError) {
        guard isBtrfs(directory) else {
            throw .unsupportedCopy("\(what): \(directory) is not on a btrfs filesystem (use -B dir, or a containers directory on btrfs with -P)")
        }
    }
}
