import ImageFetch
import Images

/// What a server offers, from whichever protocol it speaks: LXC's index first (what
/// lxc-download reads), then simplestreams.
public struct Catalog: Sendable {
    public enum ServerProtocol: String, Sendable {
        case lxc = "LXC image index"
        case simplestreams = "simplestreams"
    }

    public let serverProtocol: ServerProtocol
    public let records: [ImageRecord]
    /// The index file read (for its signature).
    public let indexURL: String
    /// Index lines that were skipped as malformed.
    public let skipped: Int

    /// Reads the server's index. A 404 moves on to the next candidate; any other failure (a bad
    /// certificate, no connection) is the answer, not a reason to try something else.
    public static func load(_ options: DownloadOptions, fetcher: HTTPSFetcher) throws(DownloadError) -> Catalog {
        let base = options.serverURL
        var reasons: [String] = []
        for path in LXCIndex.paths(user: true) {
            let url = base + "/" + path
            do {
                let bytes = try fetcher.text(url)
                let (records, skipped) = LXCIndex.parse(String(decoding: bytes, as: UTF8.self))
                return Catalog(serverProtocol: .lxc, records: records, indexURL: url, skipped: skipped)
            } catch {
                guard case .httpStatus(_, 404) = error else { throw .fetch(error) }
                reasons.append(error.description)
            }
        }
        let indexURL = base + "/" + SimpleStreams.indexPath
        do {
            let productsPath = try SimpleStreams.productsPath(fromIndex: try fetcher.text(indexURL))
            let productsURL = base + "/" + productsPath
            let records = try SimpleStreams.records(fromProducts: try fetcher.text(productsURL, limit: 256 << 20))
            return Catalog(serverProtocol: .simplestreams, records: records, indexURL: productsURL, skipped: 0)
        } catch let error as FetchError {
            guard case .httpStatus(_, 404) = error else { throw .fetch(error) }
            reasons.append(error.description)
        } catch let error as SimpleStreams.ParseError {
            reasons.append("\(indexURL): \(error)")
        } catch {
            reasons.append("\(error)")
        }
        throw .noIndex(server: base, reasons: reasons)
    }

    /// The record for exactly these names, or an error listing what the server has of the dist.
    public func record(dist: String, release: String, arch: String, variant: String, server: String) throws(DownloadError) -> ImageRecord {
        if let match = records.first(where: { $0.matches(dist: dist, release: release, arch: arch, variant: variant) }) { return match }
        let sameDist = records.filter { $0.dist == dist }.map { "\($0.dist)/\($0.release)/\($0.arch)/\($0.variant)" }
        throw .noMatch(wanted: "\(dist)/\(release)/\(arch)/\(variant)", server: server, sameDist: Array(sameDist.prefix(12)))
    }
}
