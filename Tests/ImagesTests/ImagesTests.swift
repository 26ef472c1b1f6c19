import Testing
@testable import Images

@Suite struct LXCIndexTests {
    @Test func parsesTheServersLines() throws {
        let text = """
            debian;bookworm;amd64;default;20261201_05:24;/images/debian/bookworm/amd64/default/20261201_05:24/
            busybox;1.36;amd64;default;20261130_00:00;/images/busybox/1.36/amd64/default/20261130_00:00/\r
            broken;line
            evil;x;amd64;default;1;/images/../../etc/
            elsewhere;x;amd64;default;1;https://attacker.example/x/

            """
        let (records, skipped) = LXCIndex.parse(text)
        try #require(records.map(\.dist) == ["debian", "busybox"])
        #expect(records[0] == ImageRecord(dist: "debian", release: "bookworm", arch: "amd64", variant: "default",
                                          build: "20261201_05:24", path: "/images/debian/bookworm/amd64/default/20261201_05:24/"))
        #expect(records[1].path.hasSuffix("/"))
        #expect(skipped == 3)
    }

    @Test func compatLevelFirstThenThePlainIndex() {
        #expect(LXCIndex.paths(user: true) == ["meta/1.0/index-user.7", "meta/1.0/index-user"])
        #expect(LXCIndex.paths(user: false, compatLevel: 5) == ["meta/1.0/index-system.5", "meta/1.0/index-system"])
    }

    @Test func filtersAsListDoes() {
        let r = ImageRecord(dist: "debian", release: "bookworm", arch: "amd64", variant: "default", build: "1", path: "/x/")
        #expect(r.matches(dist: "debian", release: nil, arch: "amd64", variant: nil))
        #expect(!r.matches(dist: nil, release: "trixie", arch: nil, variant: nil))
    }
}

@Suite struct SimpleStreamsTests {
    static let index = """
        {"format":"index:1.0","index":{"images":{"datatype":"image-downloads","path":"streams/v1/images.json",
        "format":"products:1.0","products":["debian:bookworm:amd64:default"]}}}
        """
    static let products = """
        {"format":"products:1.0","products":{"debian:bookworm:amd64:default":{"aliases":"debian/bookworm",
        "arch":"amd64","os":"Debian","release":"bookworm","variant":"default","versions":{
          "20261130_05:24":{"items":{"root.tar.xz":{"ftype":"root.tar.xz","path":"images/debian/bookworm/amd64/default/20261130_05:24/rootfs.tar.xz","sha256":"AA","size":10}}},
          "20261201_05:24":{"items":{
            "root.tar.xz":{"ftype":"root.tar.xz","path":"images/debian/bookworm/amd64/default/20261201_05:24/rootfs.tar.xz","sha256":"BB","size":20},
            "incus.tar.xz":{"ftype":"incus.tar.xz","path":"images/debian/bookworm/amd64/default/20261201_05:24/incus.tar.xz","sha256":"cc","size":3},
            "disk.qcow2":{"ftype":"disk-kvm.img","path":"images/debian/bookworm/amd64/default/20261201_05:24/disk.qcow2","sha256":"dd","size":9},
            "bad":{"ftype":"root.tar.xz","path":"../../etc/passwd","sha256":"ee","size":1}}}}}}}
        """

    @Test func theIndexNamesTheProductsFile() throws {
        #expect(try SimpleStreams.productsPath(fromIndex: Array(Self.index.utf8)) == "streams/v1/images.json")
        #expect(throws: SimpleStreams.ParseError.noImagesStream) { try SimpleStreams.productsPath(fromIndex: Array(#"{"index":{}}"#.utf8)) }
    }

    @Test func newestVersionWithItsCheckedFiles() throws {
        let records = try SimpleStreams.records(fromProducts: Array(Self.products.utf8))
        #expect(records.count == 1)
        let r = records[0]
        #expect((r.dist, r.release, r.arch, r.variant, r.build) == ("debian", "bookworm", "amd64", "default", "20261201_05:24"))
        #expect(r.path == "images/debian/bookworm/amd64/default/20261201_05:24")
        #expect(r.files.map(\.role) == [.incusMetadata, .rootfsTarball])
        #expect(r.files[1].sha256 == "bb" && r.files[1].size == 20)
    }

    @Test func notJSONIsAnError() {
        #expect(throws: SimpleStreams.ParseError.self) { try SimpleStreams.records(fromProducts: Array("<html>".utf8)) }
    }
}

@Suite struct CachePolicyTests {
    static let sha = String(repeating: "a", count: 64)

    @Test func recordRoundTripsAndRejectsHalfEntries() {
        let entry = CacheEntry(build: "20261201_05:24", expiry: 1_800_000_000, rootfsSHA256: Self.sha, rootfsSize: 42)
        #expect(CacheEntry(parsing: entry.serialized) == entry)
        #expect(CacheEntry(parsing: "build=1\nexpiry=\n") == nil)
        #expect(CacheEntry(parsing: "build=1\nexpiry=soon\nrootfs_sha256=\(Self.sha)\n") == nil)
        #expect(CacheEntry(parsing: "build=1\nexpiry=\nrootfs_sha256=\(Self.sha)\nrootfs_size=1\n")?.expiry == nil)
        #expect(CacheEntry(parsing: "build=1\nexpiry=\nrootfs_sha256=\(Self.sha)\n") == nil)
    }

    @Test func recordNamesTheCachedFormat() {
        let zst = CacheEntry(build: "b", expiry: nil, rootfsSHA256: Self.sha, rootfsFile: "rootfs.tar.zst", rootfsSize: 60, unpackedSize: 170, cachedSHA256: String(repeating: "b", count: 64))
        #expect(CacheEntry(parsing: zst.serialized) == zst)
        // A record from before the recompression: the .xz as downloaded, size unknown.
        let old = CacheEntry(parsing: "build=1\nexpiry=\nrootfs_sha256=\(Self.sha)\nrootfs_size=1\n")
        #expect(old?.rootfsFile == "rootfs.tar.xz" && old?.unpackedSize == nil)
        // The record names a file in the entry, never a path elsewhere.
        #expect(CacheEntry(parsing: "build=1\nexpiry=\nrootfs_sha256=\(Self.sha)\nrootfs=../../x\nrootfs_size=1\n") == nil)
    }

    @Test func lxcDownloadsRules() {
        let fresh = CacheEntry(build: "b1", expiry: 200, rootfsSHA256: Self.sha, rootfsSize: 1)
        #expect(CachePolicy.decide(entry: nil, now: 100, forceCache: false) == .askIndex)
        #expect(CachePolicy.decide(entry: fresh, now: 100, forceCache: false) == .useCached(reason: "using the cached build b1"))
        #expect(CachePolicy.decide(entry: fresh, now: 200, forceCache: false) == .askIndex)
        if case .useCached = CachePolicy.decide(entry: fresh, now: 999, forceCache: true) {} else { Issue.record("force-cache") }
        #expect(CachePolicy.afterIndex(entry: fresh, indexBuild: "b1") == .upToDate)
        #expect(CachePolicy.afterIndex(entry: fresh, indexBuild: "b2") == .download)
    }
}
