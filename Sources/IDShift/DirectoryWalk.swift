import CLinux
import Glibc
import SystemPackage

/// Entries of a directory fd, without "." and "..". The fd stays open (and owned) by the caller.
func directoryEntries(_ fd: Int32) throws(Errno) -> [String] {
    let copy = dup(fd)
    guard copy >= 0 else { throw Errno(rawValue: errno) }
    guard let dir = fdopendir(copy) else {
        close(copy)
        throw Errno(rawValue: errno)
    }
    defer { closedir(dir) }
    rewinddir(dir)
    var names: [String] = []
    while true {
        errno = 0
        guard let entry = readdir(dir) else {
            if errno != 0 { throw Errno(rawValue: errno) }
            break
        }
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// Opens a subdirectory without following a symlink; nil when it is not a directory any more.
func openDirectory(_ parent: Int32, _ name: String) throws(Errno) -> Int32 {
    let fd = clinux_openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0)
    guard fd >= 0 else { throw Errno(rawValue: errno) }
    return fd
}

/// The entry itself (a symlink is not followed), with its mount id.
func statusAt(_ parent: Int32, _ name: String) throws(Errno) -> clinux_file_status {
    var st = clinux_file_status()
    guard clinux_status_at(parent, name, &st) == 0 else { throw Errno(rawValue: errno) }
    return st
}


func isDirectory(_ st: clinux_file_status) -> Bool { st.mode & S_IFMT == S_IFDIR }
func isRegular(_ st: clinux_file_status) -> Bool { st.mode & S_IFMT == S_IFREG }
func isSymlink(_ st: clinux_file_status) -> Bool { st.mode & S_IFMT == S_IFLNK }
