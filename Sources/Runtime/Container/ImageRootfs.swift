import Glibc
import LinuxSys

/// A distribution image (the download template's): its rootfs tarball and what its metadata asks
/// of the new container, as lxc-download applies it.
public struct ImageRootfs: Sendable {
    /// The rootfs archive (`rootfs.tar.xz`, or the cache's zstd copy), unpacked as the container's root.
    public var tarball: String
    /// `excludes-user`: members not extracted (device nodes a user namespace cannot make).
    public var excludes: [String]
    /// `config-user` (else `config`), before substitution.
    public var distributionConfig: String
    /// `templates`: files inside the rootfs whose LXC_NAME, LXC_PATH... are replaced.
    public var templates: [String]
    /// For the config's heading, e.g. `debian bookworm amd64 (default), build 20261201_05:24`.
    public var label: String
    /// What the tarball unpacks to, when known beforehand (the download cache records it from
    /// xz's index); without it the space is not checked first (a full disk still fails the
    /// unpack, and create removes what was written).
    public var unpackedBytes: UInt64?

    /// An image from its parts (see each property).
    public init(tarball: String, excludes: [String], distributionConfig: String, templates: [String], label: String,
                unpackedBytes: UInt64? = nil) {
        self.tarball = tarball
        self.unpackedBytes = unpackedBytes
        self.excludes = excludes
        self.distributionConfig = distributionConfig
        self.templates = templates
        self.label = label
    }

    /// Where our equivalents of LXC's common.conf and userns.conf are (LXC_TEMPLATE_CONFIG):
    /// `share/userbox/config` beside the program's directory or above it (`make install` puts it in
    /// PREFIX/share, the build in its stage directory).
    public static var templateConfigDirectory: String {
        for start in SelfExecutable.installationDirectories {
            var dir = start + "/x"
            for _ in 0..<2 {
                dir = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)])
                let candidate = dir + "/share/userbox/config"
                if access(candidate + "/common.conf", R_OK) == 0 { return candidate }
                dir = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)]) + "/x"
            }
        }
        return "/usr/local/share/userbox/config"
    }

    /// lxc-download's substitutions, in its order.
    static func substitute(_ text: String, name: String, path: String, rootfs: String) -> String {
        var out = text
        let configDirectory = templateConfigDirectory
        for (variable, value) in [("LXC_NAME", name), ("LXC_PATH", path), ("LXC_ROOTFS", rootfs),
                                  ("LXC_TEMPLATE_CONFIG", configDirectory), ("LXC_HOOK_DIR", configDirectory + "/hooks")] {
            out = replace(variable, with: value, in: out)
        }
        return out
    }

    /// Every occurrence of `word` replaced (byte-wise; Embedded Swift has no String.replacing).
    static func replace(_ word: String, with value: String, in text: String) -> String {
        let bytes = Array(text.utf8), pattern = Array(word.utf8), replacement = Array(value.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if i + pattern.count <= bytes.count && bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                out += replacement
                i += pattern.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The extractor's arguments. A tarball: lxc-download's tar arguments (`--anchored`, each
    /// exclude, numeric owners, permissions) plus xattrs (LXC 6.0+ keeps them too), the codec
    /// from the name (the cache keeps .zst). A squashfs: unsquashfs into the existing rootfs, the
    /// same excludes (its names have no leading `./`), xattrs kept (its default), ids as stored.
    func extractArguments(rootfs: String) -> [String] {
        if tarball.hasSuffix(".squashfs") {
            let names = excludes.map { $0.hasPrefix("./") ? String($0.dropFirst(2)) : $0 }.filter { !$0.isEmpty }
            return ["/usr/bin/unsquashfs", "-no-progress", "-quiet", "-force", "-dest", rootfs]
                + (names.isEmpty ? [tarball] : ["-excludes", tarball] + names)
        }
        return ["/bin/tar", "--anchored"] + excludes.map { "--exclude=" + $0 }
            + ["--numeric-owner", "--xattrs", "--xattrs-include=*", tarball.hasSuffix(".zst") ? "--zstd" : "--xz", "-xpf", tarball, "-C", rootfs]
    }

    /// Refuses an image larger than the space left where it would land (a tar bomb, or a full
    /// disk) before writing anything; a disk that fills during the unpack still fails it, and
    /// create removes what was written.
    func checkSpace(rootfs: String) throws(RuntimeError) {
        guard let size = unpackedBytes else { return }
        var fs = statvfs()
        guard statvfs(rootfs, &fs) == 0 else { return }
        let available = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
        if size > available { throw .imageTooLarge(image: label, unpacked: size, available: available, directory: rootfs) }
    }

    /// The template paths that stay inside the rootfs (no `..`), as rootfs-relative paths.
    var safeTemplates: [String] {
        templates.map { $0.hasPrefix("/") ? String($0.drop { $0 == "/" }) : $0 }
            .filter { !$0.isEmpty && !$0.split(separator: "/").contains("..") }
    }
}
