import CLinux
import Glibc
public import SystemPackage

/// The names in a directory, without "." and "..", read in one place (readdir says "end" and
/// "error" alike with NULL; only errno tells them apart).
public enum DirectoryEntries {
    public struct Entry: Sendable {
        public let name: String
        /// From d_type: true for a directory, false for anything else, nil when the filesystem
        /// does not say (DT_UNKNOWN: stat it).
        public let isDirectory: Bool?
    }

    /// The entries of an open directory; `directory` stays open and is read from its start.
    public static func read(_ directory: borrowing Descriptor) throws(Errno) -> [Entry] {
        // fdopendir takes ownership of its fd (closedir closes it): give it a copy of ours.
        let copy = try directory.duplicate()
        guard let stream = fdopendir(copy.rawValue) else { throw Errno(rawValue: errno) }
        _ = copy.take()
        defer { closedir(stream) }
        rewinddir(stream)
        return try entries(stream)
    }

    /// The entries of the directory at `path` (symlinks to directories followed, as opendir does).
    public static func read(atPath path: String) throws(Errno) -> [Entry] {
        let directory = try Descriptor.open(path, O_RDONLY | O_DIRECTORY)
        return try read(directory)
    }

    /// Just the names.
    public static func names(atPath path: String) throws(Errno) -> [String] { try read(atPath: path).map { $0.name } }

    private static func entries(_ stream: OpaquePointer) throws(Errno) -> [Entry] {
        var found: [Entry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw Errno(rawValue: errno) }
                return found
            }
            // Read in place, up to its NUL: the bytes after it in readdir's buffer are not the
            // name's (copying the whole d_name array would read them).
            let name = withUnsafePointer(to: &entry.pointee.d_name) { name in
                name.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let type = entry.pointee.d_type
            found.append(Entry(name: name, isDirectory: type == UInt8(DT_UNKNOWN) ? nil : type == UInt8(DT_DIR)))
        }
    }
}
