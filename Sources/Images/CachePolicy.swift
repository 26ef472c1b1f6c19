/// What the download cache holds for one image (DIST/RELEASE/ARCH/VARIANT) and when it may be
/// used, as lxc-download decides, plus the checks it lacks: an entry is only an entry once it is
/// complete (lxc/lxc#1889: a directory with `expiry` but no rootfs broke every later create).
public struct CacheEntry: Equatable, Sendable {
    /// The server's build serial of the cached files.
    public var build: String
    /// Unix time after which the server's index is asked again (the image's `expiry`); nil: never.
    public var expiry: Int64?
    /// sha256 of the rootfs tarball as the server published it, checked when it arrived.
    public var rootfsSHA256: String
    /// The cached rootfs file's name in the entry: `rootfs.tar.zst` (the download, decompressed
    /// once and kept in a format that unpacks seven times faster), or `rootfs.tar.xz` as
    /// downloaded when zstd is not installed (and in entries written before the recompression), or
    /// `rootfs.squashfs` from a simplestreams server that publishes only that.
    public var rootfsFile: String
    /// Its size: a cached file of another size is a damaged entry, not used (checked at every
    /// use; the codec's own checks catch damage inside it at extraction).
    public var rootfsSize: UInt64
    /// What the tarball unpacks to, when known (the space check before an unpack).
    public var unpackedSize: UInt64?
    /// sha256 of the cached rootfs file as the entry holds it, checked at every use: a damaged
    /// entry (bit rot, a stray write) is fetched again rather than unpacked (nil in records
    /// written before it was kept).
    public var cachedSHA256: String?

    public init(build: String, expiry: Int64?, rootfsSHA256: String, rootfsFile: String = "rootfs.tar.xz",
                rootfsSize: UInt64, unpackedSize: UInt64? = nil, cachedSHA256: String? = nil) {
        self.build = build
        self.expiry = expiry
        self.rootfsSHA256 = rootfsSHA256
        self.rootfsFile = rootfsFile
        self.rootfsSize = rootfsSize
        self.unpackedSize = unpackedSize
        self.cachedSHA256 = cachedSHA256
    }

    /// The record file's text (`key=value` lines), written last, by rename, when an entry is complete.
    public var serialized: String {
        "build=\(build)\nexpiry=\(expiry.map(String.init) ?? "")\nrootfs_sha256=\(rootfsSHA256)\nrootfs=\(rootfsFile)\n"
            + "rootfs_size=\(rootfsSize)\nunpacked_size=\(unpackedSize.map(String.init) ?? "")\ncached_sha256=\(cachedSHA256 ?? "")\n"
    }

    /// The names a cached rootfs may have: anything else in a record is not an entry.
    public static let rootfsFiles = ["rootfs.tar.zst", "rootfs.tar.xz", "rootfs.squashfs"]

    /// An entry from its record file; nil when anything is missing or malformed (not an entry).
    public init?(parsing text: String) {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { return nil }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard let build = values["build"], !build.isEmpty, let sha = values["rootfs_sha256"], sha.utf8.count == 64,
              let expiryText = values["expiry"], let size = values["rootfs_size"].flatMap({ UInt64($0) }) else { return nil }
        let file = values["rootfs"] ?? "rootfs.tar.xz"
        guard Self.rootfsFiles.contains(file) else { return nil }
        if expiryText.isEmpty {
            expiry = nil
        } else {
            guard let value = Int64(expiryText) else { return nil }
            expiry = value
        }
        self.build = build
        self.rootfsSHA256 = sha
        self.rootfsFile = file
        self.rootfsSize = size
        self.unpackedSize = values["unpacked_size"].flatMap { UInt64($0) }
        let cached = values["cached_sha256"] ?? ""
        guard cached.isEmpty || cached.utf8.count == 64 else { return nil }
        self.cachedSHA256 = cached.isEmpty ? nil : cached
    }
}

/// lxc-download's cache rules: `--flush-cache` drops the entry; `--force-cache` uses any entry;
/// otherwise an entry is used until its expiry without asking the server, and after it the
/// index is asked and the entry kept when the index still names its build.
public enum CachePolicy {
    public enum Decision: Equatable, Sendable {
        /// Use the entry without contacting the server.
        case useCached(reason: String)
        /// Ask the index; then `afterIndex` decides.
        case askIndex
    }

    public static func decide(entry: CacheEntry?, now: Int64, forceCache: Bool) -> Decision {
        guard let entry else { return .askIndex }
        if forceCache { return .useCached(reason: "--force-cache: using the cached build \(entry.build)") }
        if let expiry = entry.expiry, expiry <= now { return .askIndex }
        return .useCached(reason: "using the cached build \(entry.build)")
    }

    public enum AfterIndex: Equatable, Sendable {
        /// The index names the cached build: no download.
        case upToDate
        case download
    }

    public static func afterIndex(entry: CacheEntry?, indexBuild: String) -> AfterIndex {
        entry?.build == indexBuild ? .upToDate : .download
    }
}
