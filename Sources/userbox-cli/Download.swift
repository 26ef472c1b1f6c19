import ArgumentParser
import CLISupport
import Glibc
import ImageFetch
import ImageTemplate
import Images
import LinuxSys
import Runtime

/// `-t download`'s options (after `--`) and the fetcher for them. A missing -d/-r/-a is asked
/// for on a terminal (after the server's list, as lxc-download does) and an error otherwise.
/// lxc-download's progress lines go to stdout, the download's progress bar to stderr.
func downloadOptions(_ arguments: [String]) throws -> (DownloadOptions, HTTPSFetcher) {
    var options = DownloadOptions(cacheBase: ImageCache.defaultBase(home: ContainerPaths.home))
    do { try options.parse(arguments) } catch { throw Failure(error.description) }
    let fetcher = HTTPSFetcher(privateCA: options.privateCA, userAgent: "userbox compat:7")
    if options.dist == nil || options.release == nil || options.arch == nil, isatty(0) == 1, isatty(1) == 1 {
        try ask(&options, fetcher: fetcher)
    }
    return (options, fetcher)
}

/// lxc-download's interactive mode: the server's images (filtered by what was given), then a
/// prompt for each missing name.
func ask(_ options: inout DownloadOptions, fetcher: HTTPSFetcher) throws {
    print("Downloading the image index")
    let catalog: Catalog
    do { catalog = try Catalog.load(options, fetcher: fetcher) } catch { throw Failure(error.description) }
    print("\n" + ImageListing.serverTable(catalog.records, dist: options.dist, release: options.release, arch: options.arch,
                                          variant: options.variant), terminator: "")
    func prompt(_ label: String) throws -> String {
        print("\(label): ", terminator: "")
        fflush(nil)
        let answer = readLine().map { String($0.filter { $0 != " " && $0 != "\t" }) } ?? ""
        guard !answer.isEmpty else { throw Failure("no \(label.lowercased()) given") }
        return answer
    }
    print("")
    if options.dist == nil { options.dist = try prompt("Distribution") }
    if options.release == nil { options.release = try prompt("Release") }
    if options.arch == nil { options.arch = try prompt("Architecture") }
    print("")
}

extension Userbox {
    struct Images: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the images a server offers (as lxc-download --list), list the download cache, or flush it.",
            discussion: """
                Without --cached or --flush: the server's DIST/RELEASE/ARCH/VARIANT/BUILD table, filtered by -d, -r, -a \
                and --variant. --cached: the entries in ~/.cache/userbox/download (build, expiry, rootfs size), filtered \
                alike. --flush: removes the cached images matching the filters (all of them without filters).
                """)
        @Option(name: [.customShort("d"), .long], help: "Only this distribution.") var dist: String?
        @Option(name: [.customShort("r"), .long], help: "Only this release.") var release: String?
        @Option(name: [.customShort("a"), .long], help: "Only this architecture.") var arch: String?
        @Option(help: "Only this variant.") var variant: String?
        @Option(help: ArgumentHelp("Image server: a host or an https:// URL (default images.linuxcontainers.org).", valueName: "HOST"))
        var server: String?
        @Option(help: ArgumentHelp("A CA certificate to trust beside the system's.", valueName: "FILE")) var ca: String?
        @Flag(help: "List the download cache instead of a server.") var cached = false
        @Flag(help: "Remove the cached images matching the filters.") var flush = false

        func validate() throws {
            if cached && flush { throw ValidationError("--cached and --flush exclude each other") }
            if (cached || flush) && (server != nil || ca != nil) { throw ValidationError("--server and --ca are for listing a server") }
        }

        func matches(_ key: ImageCache.Key) -> Bool {
            (dist.map { $0 == key.dist } ?? true) && (release.map { $0 == key.release } ?? true)
                && (arch.map { $0 == key.arch } ?? true) && (variant.map { $0 == key.variant } ?? true)
        }

        func run() throws {
            var options = DownloadOptions(cacheBase: ImageCache.defaultBase(home: ContainerPaths.home))
            let cache = ImageCache(base: options.cacheBase)
            if cached {
                print(ImageListing.cacheTable(cache.entries().filter { matches($0.key) }, now: Int64(time(nil))), terminator: "")
                return
            }
            if flush {
                var flushed = 0
                for key in cache.keys() where matches(key) {
                    let lock: ImageCache.Lock
                    do { lock = try cache.lock(key) } catch { throw Failure(error.description) }
                    cache.flush(key, holding: lock)
                    print("flushed \(key.dist)/\(key.release)/\(key.arch)/\(key.variant)")
                    flushed += 1
                }
                if flushed == 0 { print("nothing cached matches") }
                return
            }
            if let server { options.server = server }
            options.privateCA = ca
            let fetcher = HTTPSFetcher(privateCA: ca, userAgent: "userbox compat:7")
            let catalog: Catalog
            do { catalog = try Catalog.load(options, fetcher: fetcher) } catch { throw Failure(error.description) }
            print(ImageListing.serverTable(catalog.records, dist: dist, release: release, arch: arch, variant: variant), terminator: "")
        }
    }
}
