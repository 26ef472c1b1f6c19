/// One image a server offers: LXC's DIST/RELEASE/ARCH/VARIANT/BUILD, where its files are, and
/// (simplestreams) what each file must hash to.
public struct ImageRecord: Equatable, Sendable {
    public var dist: String
    public var release: String
    public var arch: String
    public var variant: String
    /// The build serial, `YYYYMMDD_HH:MM` on the LXC image server.
    public var build: String
    /// The image's directory on the server (LXC's index), relative to the server root.
    public var path: String
    /// simplestreams: the files with their sha256 and size; empty for LXC's index (whose files are
    /// `rootfs.tar.xz` and `meta.tar.xz` in `path`, hashes in `SHA256SUMS` there when published).
    public var files: [ImageFile]

    public init(dist: String, release: String, arch: String, variant: String, build: String, path: String, files: [ImageFile] = []) {
        self.dist = dist
        self.release = release
        self.arch = arch
        self.variant = variant
        self.build = build
        self.path = path
        self.files = files
    }

    /// Whether the record matches every filter given (nil: any), as `lxc-download --list` filters.
    public func matches(dist: String?, release: String?, arch: String?, variant: String?) -> Bool {
        (dist.map { $0 == self.dist } ?? true) && (release.map { $0 == self.release } ?? true)
            && (arch.map { $0 == self.arch } ?? true) && (variant.map { $0 == self.variant } ?? true)
    }
}

/// A file of an image and how to check it.
public struct ImageFile: Equatable, Sendable {
    public enum Role: Equatable, Sendable {
        /// The root filesystem as a tarball (LXC `rootfs.tar.xz`, simplestreams `root.tar.xz`).
        case rootfsTarball
        /// The root filesystem as squashfs (simplestreams `root.squashfs`).
        case rootfsSquashfs
        /// LXC's `meta.tar.xz` (config, excludes, templates, expiry).
        case lxcMetadata
        /// Incus's `incus.tar.xz` / LXD's `lxd.tar.xz` (metadata.yaml and templates).
        case incusMetadata
    }

    public var role: Role
    public var path: String
    /// Lower-case hex, when the server publishes one.
    public var sha256: String?
    public var size: UInt64?

    public init(role: Role, path: String, sha256: String? = nil, size: UInt64? = nil) {
        self.role = role
        self.path = path
        self.sha256 = sha256
        self.size = size
    }
}
