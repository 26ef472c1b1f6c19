/// What the download cache holds for one image (DIST/RELEASE/ARCH/VARIANT) and when it may be
/// used, as lxc-download decides, plus the checks it lacks: an entry is only an entry once it is
/// complete (lxc/lxc#1889: a directory with `expiry` but no rootfs broke every later create).
public struct CacheEntry: Equatable, Sendable {
    /// The server's build serial of the cached files.
    public var build: String
    /// Unix time after which the server's index is asked again (the image's `expiry`); nil: never.
    public var expiry: Int64?
    /// sha256 of the cached rootfs tarball, recorded when the entry was completed: a file that no
    /// longer hashes to it is a corrupt entry, refetched.
    public var rootfsSHA256: String
    /// Its size: a cached file of another size is a damaged entry (checked at every use; the
    /// hash is checked when the file arrives, and xz's own checks catch damage at extraction).
    public var rootfsSize: UInt64

    public init(build: String, expiry: Int64?, rootfsSHA256: String, rootfsSize: UInt64) {
        self.build = build
        self.expiry = expiry
        self.rootfsSHA256 = rootfsSHA256
        self.rootfsSize = rootfsSize
    }

    /// The record file's text (`key=value` lines), written last, by rename, when an entry is complete.
    public var serialized: String {
        "build=\(build)\nexpiry=\(expiry.map(String.init) ?? "")\nrootfs_sha256=\(rootfsSHA256)\nrootfs_size=\(rootfsSize)\n"
    }

    /// An entry from its record file; nil when anything is missing or malformed (not an entry).
    public init?(parsing text: String) {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { return nil }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard let build = values["build"], !build.isEmpty, let sha = values["rootfs_sha256"], sha.utf8.count == 64,
              let expiryText = values["expiry"], let size = values["rootfs_size"].flatMap({ UInt64($0) }) else { return nil }
        if expiryText.isEmpty {
            expiry = nil
        } else {
            guard let value = Int64(expiryText) else { return nil }
            expiry = value
        }
        self.build = build
        self.rootfsSHA256 = sha
        self.rootfsSize = size
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
