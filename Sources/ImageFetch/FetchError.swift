import Glibc

/// Why a download was refused or failed; each names the URL.
public enum FetchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Only https:// is fetched: the image server's trust rests on its certificate.
    case notHTTPS(url: String)
    /// curl's error: connection refused, certificate not trusted, timeout... with its text.
    case transfer(url: String, reason: String)
    case httpStatus(url: String, status: Int)
    case tooLarge(url: String, limit: UInt64)
    case sizeMismatch(url: String, expected: UInt64, got: UInt64)
    case checksumMismatch(url: String, expected: String, got: String)
    case io(url: String, path: String, errno: Int32)
    /// Stopped by a signal (Ctrl-C) mid-transfer.
    case interrupted(url: String, signal: Int32)

    public var description: String {
        switch self {
        case .notHTTPS(let url): "\(url): refused, only https:// is fetched (the server's certificate is the trust)"
        case .transfer(let url, let reason): "\(url): \(reason)"
        case .httpStatus(let url, let status): "\(url): the server answered HTTP \(status)"
        case .tooLarge(let url, let limit): "\(url): larger than \(limit) bytes, refused"
        case .sizeMismatch(let url, let expected, let got):
            "\(url): \(got) bytes where the index says \(expected) (truncated or replaced): refused"
        case .checksumMismatch(let url, let expected, let got):
            "\(url): sha256 \(got) where the server publishes \(expected): refused"
        case .io(let url, let path, let errno): "\(url): writing \(path) failed: \(String(cString: strerror(errno)))"
        case .interrupted(let url, let signal): "\(url): interrupted (\(String(cString: strsignal(signal))))"
        }
    }
}
