import CLinux
import Glibc
import LinuxSys
import SystemPackage

/// Entries of a directory fd, without "." and "..". The fd stays open (and owned) by the caller.
func directoryEntries(_ fd: Int32) throws(Errno) -> [String] {
    let copy = try Descriptor.duplicating(fd)
    return try DirectoryEntries.read(copy).map { $0.name }
}

/// Opens a subdirectory without following a symlink; nil when it is not a directory any more.
func openDirectory(_ parent: Int32, _ name: String) throws(Errno) -> Int32 {
    try valueOrErrno { clinux_openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0) }
}

/// The entry itself (a symlink is not followed), with its mount id.
func statusAt(_ parent: Int32, _ name: String) throws(Errno) -> clinux_file_status {
    var st = clinux_file_status()
    _ = try valueOrErrno { clinux_status_at(parent, name, &st) }
    return st
}


func isDirectory(_ st: clinux_file_status) -> Bool { st.mode & S_IFMT == S_IFDIR }
func isRegular(_ st: clinux_file_status) -> Bool { st.mode & S_IFMT == S_IFREG }
func isSymlink(_ st: clinux_file_status) -> Bool { st.mode & S_IFMT == S_IFLNK }
