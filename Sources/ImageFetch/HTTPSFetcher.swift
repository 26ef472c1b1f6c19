import CLibcurl
import Glibc
import LinuxSys

/// Downloads over HTTPS with libcurl: the system CA store, plus a private CA when given; the
/// proxy from `https_proxy`/`no_proxy` (libcurl reads them); redirects followed only to https;
/// a stalled transfer (under 1 byte/s for 30 s) or a connect over 30 s fails.
public final class HTTPSFetcher {
    public let privateCA: String?
    public let userAgent: String

    public init(privateCA: String? = nil, userAgent: String = "userbox") {
        self.privateCA = privateCA
        self.userAgent = userAgent
        _ = HTTPSFetcher.globalInit
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// What a file download gave.
    public struct Fetched: Equatable, Sendable {
        public let bytes: UInt64
        public let sha256: String
    }

    /// A small file (an index) into memory, at most `limit` bytes.
    public func text(_ url: String, limit: UInt64 = 32 << 20) throws(FetchError) -> [UInt8] {
        let sink = Sink(url: url, limit: limit, fd: -1, path: "")
        try perform(url, sink: sink, progress: nil)
        return sink.memory
    }

    /// A file into `fd` (written from its current offset), hashed as it arrives; refused past
    /// `limit` bytes or, with `expectedSize`, as soon as it grows past it and when it ends short.
    public func file(_ url: String, to fd: Int32, path: String, expectedSize: UInt64? = nil, limit: UInt64 = 16 << 30,
                     progress: (any ProgressReporter)? = nil) throws(FetchError) -> Fetched {
        let sink = Sink(url: url, limit: min(limit, expectedSize ?? limit), fd: fd, path: path)
        progress?.begin(total: expectedSize)
        defer { progress?.end() }
        try perform(url, sink: sink, progress: progress)
        if let expectedSize, sink.received != expectedSize {
            throw .sizeMismatch(url: url, expected: expectedSize, got: sink.received)
        }
        return Fetched(bytes: sink.received, sha256: sink.hasher.finish())
    }

    /// The transfer's state, reached from libcurl's callbacks through `userdata`.
    final class Sink {
        let url: String
        let limit: UInt64
        let fd: Int32
        let path: String
        var memory: [UInt8] = []
        var received: UInt64 = 0
        var failure: FetchError?
        let hasher = SHA256Hasher()
        var progress: (any ProgressReporter)?

        init(url: String, limit: UInt64, fd: Int32, path: String) {
            self.url = url
            self.limit = limit
            self.fd = fd
            self.path = path
        }
    }

    private func perform(_ url: String, sink: Sink, progress: (any ProgressReporter)?) throws(FetchError) {
        guard url.lowercased().hasPrefix("https://") else { throw .notHTTPS(url: url) }
        guard let curl = curl_easy_init() else { throw .transfer(url: url, reason: "libcurl could not start a transfer") }
        defer { curl_easy_cleanup(curl) }
        sink.progress = progress
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let unmanaged = Unmanaged.passUnretained(sink).toOpaque()
        _ = ccurl_set_string(curl, CURLOPT_URL, url)
        _ = ccurl_set_string(curl, CURLOPT_PROTOCOLS_STR, "https")
        _ = ccurl_set_string(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https")
        _ = ccurl_set_long(curl, CURLOPT_FOLLOWLOCATION, 1)
        _ = ccurl_set_long(curl, CURLOPT_MAXREDIRS, 5)
        _ = ccurl_set_long(curl, CURLOPT_CONNECTTIMEOUT, 30)
        _ = ccurl_set_long(curl, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = ccurl_set_long(curl, CURLOPT_LOW_SPEED_TIME, 30)
        _ = ccurl_set_long(curl, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_set_string(curl, CURLOPT_USERAGENT, userAgent)
        if let privateCA { _ = ccurl_set_string(curl, CURLOPT_CAINFO, privateCA) }
        _ = ccurl_set_long(curl, CURLOPT_SSL_VERIFYPEER, 1)
        _ = ccurl_set_long(curl, CURLOPT_SSL_VERIFYHOST, 2)
        _ = ccurl_set_pointer(curl, CURLOPT_WRITEDATA, unmanaged)
        _ = ccurl_set_write(curl) { data, size, count, userdata in
            let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
            let n = size * count
            guard let data else { return 0 }
            if sink.received + UInt64(n) > sink.limit {
                sink.failure = .tooLarge(url: sink.url, limit: sink.limit)
                return 0
            }
            let bytes = UnsafeRawBufferPointer(start: data, count: n)
            if sink.fd < 0 {
                sink.memory.append(contentsOf: bytes)
            } else {
                var offset = 0
                while offset < n {
                    let w = write(sink.fd, data + offset, n - offset)
                    if w < 0 {
                        if errno == EINTR { continue }
                        sink.failure = .io(url: sink.url, path: sink.path, errno: errno)
                        return 0
                    }
                    offset += w
                }
                sink.hasher.update(bytes)
            }
            sink.received += UInt64(n)
            return n
        }
        // Always on: besides the progress bar it is where an interrupt (Ctrl-C) stops the
        // transfer, so the caller can remove the partial file.
        _ = ccurl_set_long(curl, CURLOPT_NOPROGRESS, 0)
        _ = ccurl_set_pointer(curl, CURLOPT_XFERINFODATA, unmanaged)
        _ = ccurl_set_progress(curl) { userdata, total, now, _, _ in
            let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
            if let signal = Interrupts.caught {
                sink.failure = .interrupted(url: sink.url, signal: signal)
                return 1
            }
            sink.progress?.update(received: UInt64(max(now, 0)), total: total > 0 ? UInt64(total) : nil)
            return 0
        }
        let code = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            _ = ccurl_set_pointer(curl, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            return curl_easy_perform(curl)
        }
        if let failure = sink.failure { throw failure }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .transfer(url: url, reason: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
        var status = 0
        _ = ccurl_get_long(curl, CURLINFO_RESPONSE_CODE, &status)
        guard status == 200 else { throw .httpStatus(url: url, status: status) }
    }
}
