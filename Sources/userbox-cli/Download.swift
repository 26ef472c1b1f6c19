import CLISupport
import Glibc
import ImageFetch
import ImageTemplate
import LinuxSys
import Runtime

/// `-t download`: the image from the server (or the cache), ready to unpack; lxc-download's
/// progress lines on stdout, the download's progress bar on stderr.
func downloadImage(_ arguments: [String]) throws -> PreparedImage {
    var options = DownloadOptions(cacheBase: ImageCache.defaultBase(home: ContainerPaths.home))
    do { try options.parse(arguments) } catch { throw Failure(error.description) }
    let fetcher = HTTPSFetcher(privateCA: options.privateCA, userAgent: "userbox compat:7")
    do {
        return try DownloadTemplate.prepare(options, fetcher: fetcher, say: { print($0); fflush(nil) },
                                            progress: { DownloadProgress(label: $0) })
    } catch {
        throw Failure(error.description)
    }
}
