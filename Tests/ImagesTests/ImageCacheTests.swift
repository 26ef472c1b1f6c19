import Glibc
import Testing
import Images
@testable import ImageFetch
import TestSupport

@Suite struct ImageCacheTests {
    let key = ImageCache.Key(dist: "debian", release: "bookworm", arch: "amd64", variant: "default")
    static let sha = String(repeating: "b", count: 64)

    func staged(_ cache: ImageCache, _ lock: ImageCache.Lock, rootfs: String = "ROOTFS") throws -> String {
        let staging = try cache.stage(key, holding: lock)
        for (name, text) in [(ImageCache.rootfsName, rootfs), (ImageCache.metaName, "META")] {
            let fd = open(staging + "/" + name, O_WRONLY | O_CREAT, 0o644)
            _ = text.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        return staging
    }

    @Test func anEntryExistsOnlyOnceCommitted() throws {
        let scratch = ScratchDirectory("imagecache")
        let cache = ImageCache(base: scratch.path + "/download")
        let lock = try cache.lock(key)
        let staging = try staged(cache, lock)
        #expect(cache.entry(key) == nil)
        let entry = CacheEntry(build: "b1", expiry: nil, rootfsSHA256: Self.sha, rootfsSize: 6)
        try cache.commit(staging, as: entry, for: key, holding: lock)
        #expect(cache.entry(key) == entry)
        #expect(access(staging, F_OK) != 0)
        #expect(cache.entries().map { $0.key } == [key])
    }

    @Test func aDamagedEntryIsNone() throws {
        let scratch = ScratchDirectory("imagecache")
        let cache = ImageCache(base: scratch.path + "/download")
        let lock = try cache.lock(key)
        try cache.commit(try staged(cache, lock), as: CacheEntry(build: "b1", expiry: nil, rootfsSHA256: Self.sha, rootfsSize: 6), for: key, holding: lock)
        truncate(cache.directory(key) + "/" + ImageCache.rootfsName, 3)
        #expect(cache.entry(key) == nil)
        // As lxc/lxc#1889 left it: files and an expiry, no record of ours.
        cache.flush(key, holding: lock)
        #expect(cache.entry(key) == nil && access(cache.directory(key), F_OK) != 0)
    }

    @Test func staleStagingIsRemovedLiveIsKept() throws {
        let scratch = ScratchDirectory("imagecache")
        let cache = ImageCache(base: scratch.path + "/download")
        let lock = try cache.lock(key)
        let parent = cache.directory(key) + ".partial"
        try cache.makeParents(of: parent + "/x")
        // pid 2^22+1 is above pid_max's ceiling: never alive.
        mkdir(parent + "/4194305.1", 0o700)
        mkdir(parent + "/1.1", 0o700)
        _ = try cache.stage(key, holding: lock)
        #expect(access(parent + "/4194305.1", F_OK) != 0)
        #expect(access(parent + "/1.1", F_OK) == 0)
    }

    @Test func keysAreSinglePathComponents() {
        #expect(!ImageCache.Key(dist: "..", release: "x", arch: "amd64", variant: "default").isValid)
        #expect(!ImageCache.Key(dist: "a/b", release: "x", arch: "amd64", variant: "default").isValid)
        #expect(throws: ImageCache.CacheError.self) { try ImageCache(base: "/tmp/none").lock(.init(dist: "", release: "x", arch: "y", variant: "z")) }
        #expect(ImageCache.defaultBase(home: "/home/u", environment: { _ in nil }) == "/home/u/.cache/userbox/download")
        #expect(ImageCache.defaultBase(home: "/home/u", environment: { $0 == "XDG_CACHE_HOME" ? "/c" : nil }) == "/c/userbox/download")
    }
}
