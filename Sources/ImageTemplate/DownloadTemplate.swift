import Glibc
import IDShift
import ImageFetch
import Images
import LinuxSys
import SystemPackage

/// An image ready to become a container's rootfs: the cached tarball and what its metadata says.
/// The cache lock is held until the value goes away, so the entry cannot change under the
/// extraction.
public struct PreparedImage {
    public let key: ImageCache.Key
    public let build: String
    public let rootfsTarball: String
    /// What it unpacks to, when the cache knows.
    public let unpackedSize: UInt64?
    public let metadata: ImageMetadata
    let lock: ImageCache.Lock
}

/// lxc-download's job for `userbox create -t download`: find the image in the server's index,
/// use the cache or fetch (checked: sha256, and signatures with a keyring), and unpack the
/// metadata. `say` gets the progress lines lxc-download prints.
public enum DownloadTemplate {
    public static func prepare(_ options: DownloadOptions, fetcher: HTTPSFetcher, now: Int64 = Int64(time(nil)),
                               say: (String) -> Void, progress: (String) -> (any ProgressReporter)?) throws(DownloadError) -> PreparedImage {
        guard let dist = options.dist else { throw .missingOption("distribution (-d)") }
        guard let release = options.release else { throw .missingOption("release (-r)") }
        guard let arch = options.arch else { throw .missingOption("architecture (-a)") }
        let key = ImageCache.Key(dist: dist, release: release, arch: arch, variant: options.variant)
        let cache = ImageCache(base: options.cacheBase)
        let lock: ImageCache.Lock
        do { lock = try cache.lock(key, waiting: { say("Waiting for another download of \(dist)/\(release)/\(arch)/\(options.variant)...") }) } catch {
            throw .cache(error)
        }
        if options.flushCache {
            say("Flushing the cache...")
            cache.flush(key, holding: lock)
        }
        var entry = cache.entry(key)
        if let cached = entry, let actual = cache.damage(cached, key) {
            say("The cached rootfs is damaged (sha256 \(actual), recorded \(cached.cachedSHA256 ?? "")): downloading it again")
            cache.flush(key, holding: lock)
            entry = nil
        }
        // Unpacked once: by the download (which needs its expiry) or from the cached entry.
        var metadata: ImageMetadata?
        switch CachePolicy.decide(entry: entry, now: now, forceCache: options.forceCache) {
        case .useCached(let reason):
            say("Using image from local cache (\(reason))")
        case .askIndex:
            if entry != nil { say("The cached copy has expired, checking the server...") }
            say("Downloading the image index")
            let catalog = try Catalog.load(options, fetcher: fetcher)
            let record = try catalog.record(dist: dist, release: release, arch: arch, variant: options.variant, server: options.serverURL)
            if CachePolicy.afterIndex(entry: entry, indexBuild: record.build) == .upToDate {
                say("The cache is already up to date")
            } else {
                (entry, metadata) = try download(record, catalog: catalog, key: key, cache: cache, lock: lock, options: options,
                                                 fetcher: fetcher, say: say, progress: progress)
                say("The image cache is now ready")
            }
        }
        guard let entry else { throw .cache(.system(SystemError("read", cache.directory(key), .noSuchFileOrDirectory))) }
        let unpacked: ImageMetadata
        if let metadata { unpacked = metadata } else { unpacked = try unpackMetadata(cache.directory(key) + "/" + ImageCache.metaName) }
        return PreparedImage(key: key, build: entry.build, rootfsTarball: cache.directory(key) + "/" + entry.rootfsFile,
                             unpackedSize: entry.unpackedSize,
                             metadata: unpacked, lock: lock)
    }

    static func unpackMetadata(_ tarball: String) throws(DownloadError) -> ImageMetadata {
        var template = Array("/tmp/userbox-meta-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw .tool("cannot create a temporary directory in /tmp") }
        let directory = String(cString: made)
        defer { try? TreeRemoval.remove(directory) }
        try ImageMetadata.unpack(tarball, into: directory)
        return try ImageMetadata.read(directory)
    }

    /// Fetches the record's rootfs and metadata into staging, checks them, and commits them.
    static func download(_ record: ImageRecord, catalog: Catalog, key: ImageCache.Key, cache: ImageCache, lock: ImageCache.Lock,
                         options: DownloadOptions, fetcher: HTTPSFetcher, say: (String) -> Void,
                         progress: (String) -> (any ProgressReporter)?) throws(DownloadError) -> (CacheEntry, ImageMetadata) {
        let staging: String
        do { staging = try cache.stage(key, holding: lock) } catch { throw .cache(error) }
        var committed = false
        defer { if !committed { cache.removeTree(staging) } }
        let base = options.serverURL
        // (url, where it goes, expected sha256, expected size)
        var wanted: [(label: String, url: String, name: String, sha256: String?, size: UInt64?)] = []
        switch catalog.serverProtocol {
        case .lxc:
            let directory = base + "/" + record.path.drop { $0 == "/" }.split(separator: "/").joined(separator: "/")
            // SHA256SUMS beside the files, when the server publishes it (the LXC image server does).
            var sums: [String: String] = [:]
            do { sums = Verification.parseSums(String(decoding: try fetcher.text(directory + "/SHA256SUMS", limit: 1 << 20), as: UTF8.self)) } catch {
                guard case .httpStatus(_, 404) = error else { throw .fetch(error) }
            }
            wanted = [("rootfs", directory + "/rootfs.tar.xz", ImageCache.rootfsName, sums["rootfs.tar.xz"], nil),
                      ("metadata", directory + "/meta.tar.xz", ImageCache.metaName, sums["meta.tar.xz"], nil)]
        case .simplestreams:
            // The tarball where there is one (what lxc-download takes); else the squashfs.
            guard let rootfs = record.files.first(where: { $0.role == .rootfsTarball }) ?? record.files.first(where: { $0.role == .rootfsSquashfs }) else {
                throw .noMatch(wanted: "a root.tar.xz or squashfs for \(record.dist)/\(record.release)", server: base, sameDist: [])
            }
            let meta = record.files.first(where: { $0.role == .lxcMetadata })
            let name = rootfs.role == .rootfsSquashfs ? ImageCache.squashfsName : ImageCache.rootfsName
            wanted = [("rootfs", base + "/" + rootfs.path, name, rootfs.sha256, rootfs.size),
                      ("metadata", base + "/" + (meta?.path ?? record.path + "/meta.tar.xz"), ImageCache.metaName, meta?.sha256, meta?.size)]
        }
        var rootfsSHA = "", rootfsSize: UInt64 = 0
        for file in wanted {
            say("Downloading the \(file.label)")
            let path = staging + "/" + file.name
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .cache(.system(SystemError("create", path, Errno(rawValue: errno)))) }
            let fetched: HTTPSFetcher.Fetched
            do throws(FetchError) {
                fetched = try fetcher.file(file.url, to: fd, path: path, expectedSize: file.size, progress: progress(file.name))
                // On disk before the entry names it.
                guard fsync(fd) == 0 else { throw .io(url: file.url, path: path, errno: errno) }
                close(fd)
            } catch {
                close(fd)
                throw .fetch(error)
            }
            if let expected = file.sha256 {
                guard expected == fetched.sha256 else {
                    throw .checksum(file: file.url, reason: "sha256 \(fetched.sha256) where the server publishes \(expected): refused")
                }
                say("  \(file.name): sha256 \(fetched.sha256) matches the server's")
            } else {
                say("  \(file.name): sha256 \(fetched.sha256) (the server publishes no checksum for it)")
            }
            if let keyring = options.keyring {
                let signer = try Verification.checkSignature(url: file.url, file: path, keyring: keyring, fetcher: fetcher)
                say("  \(file.name): \(signer)")
            }
            if file.label == "rootfs" { (rootfsSHA, rootfsSize) = (fetched.sha256, fetched.bytes) }
        }
        if options.keyring == nil { say("  signatures not checked (no keyring: --keyring FILE)") }
        // The metadata must be usable before the entry exists.
        let metadata = try unpackMetadata(staging + "/" + ImageCache.metaName)
        var entry = CacheEntry(build: record.build, expiry: metadata.expiry, rootfsSHA256: rootfsSHA, rootfsSize: rootfsSize)
        if wanted[0].name == ImageCache.squashfsName {
            // Kept as it is: unsquashfs reads it in parallel, nothing to gain by recompressing.
            entry.rootfsFile = ImageCache.squashfsName
            entry.cachedSHA256 = rootfsSHA
        } else {
            let kept: (file: String, size: UInt64, unpacked: UInt64)
            do { kept = try cache.recompress(staging, holding: lock) } catch { throw .cache(error) }
            (entry.rootfsFile, entry.rootfsSize, entry.unpackedSize) = kept
            entry.cachedSHA256 = kept.file == ImageCache.rootfsName ? rootfsSHA : SHA256Hasher.file(staging + "/" + kept.file)
            say(kept.file == ImageCache.rootfsName ? "  cached as downloaded (install zstd for faster creates)" : "  cached as \(kept.file) (unpacks faster than .xz)")
        }
        do { try cache.commit(staging, as: entry, for: key, holding: lock) } catch { throw .cache(error) }
        committed = true
        return (entry, metadata)
    }
}
