import Testing
@testable import ImageFetch

@Suite struct FetchPartsTests {
    @Test func sha256OfKnownInput() {
        let hasher = SHA256Hasher()
        Array("abc".utf8).withUnsafeBytes { hasher.update($0) }
        // FIPS 180-2's example.
        #expect(hasher.finish() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func progressLine() {
        let line = DownloadProgress.line(label: "rootfs.tar.xz", received: 50 << 20, total: 100 << 20, seconds: 10)
        #expect(line == "rootfs.tar.xz  50% [============>           ] 50.0 MiB / 100.0 MiB  5.0 MiB/s  0:10 left")
        #expect(DownloadProgress.line(label: "x", received: 1500, total: nil, seconds: 0) == "x  1.5 KiB")
        #expect(DownloadProgress.size(999) == "999 B")
    }
}
