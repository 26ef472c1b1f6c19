import ImageFetch
import Images

/// Why the download template could not provide an image; each says what to do.
public enum DownloadError: Error, Sendable, CustomStringConvertible {
    case missingOption(String)
    case badOption(String)
    case fetch(FetchError)
    case cache(ImageCache.CacheError)
    case noIndex(server: String, reasons: [String])
    case noMatch(wanted: String, server: String, sameDist: [String])
    case badMetadata(String)
    case signature(file: String, reason: String)
    case checksum(file: String, reason: String)
    case tool(String)

    /// The signal that stopped it, when a person stopped it (Ctrl-C).
    public var interruption: Int32? {
        switch self {
        case .fetch(.interrupted(_, let signal)), .cache(.interrupted(let signal)): signal
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .missingOption(let option): "no \(option) given: pass it (userbox images lists what the server offers)"
        case .badOption(let option):
            "unknown download option \(option) (-d DIST -r RELEASE -a ARCH --variant V --server HOST --flush-cache --force-cache --ca FILE --keyring FILE)"
        case .fetch(let error): error.description
        case .cache(let error): "image cache: \(error)"
        case .noIndex(let server, let reasons):
            "\(server) offers neither LXC's image index nor simplestreams: " + reasons.joined(separator: "; ")
        case .noMatch(let wanted, let server, let sameDist):
            "no image \(wanted) on \(server)" + (sameDist.isEmpty ? "" : "; it has: " + sameDist.joined(separator: ", "))
        case .badMetadata(let reason): "the image's metadata (meta.tar.xz) is unusable: \(reason)"
        case .signature(let file, let reason): "\(file): signature check failed: \(reason)"
        case .checksum(let file, let reason): "\(file): \(reason)"
        case .tool(let reason): reason
        }
    }
}
