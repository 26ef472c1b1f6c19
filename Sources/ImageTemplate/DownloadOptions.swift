/// lxc-download's options, as `userbox create NAME -t download -- OPTIONS` and `userbox images`
/// take them.
public struct DownloadOptions: Sendable {
    public var dist: String?
    public var release: String?
    public var arch: String?
    public var variant = "default"
    /// A host (`images.linuxcontainers.org`, lxc-download's default) or an https:// URL with a path.
    public var server = "images.linuxcontainers.org"
    public var flushCache = false
    public var forceCache = false
    /// A CA certificate to trust beside the system store (a private image server).
    public var privateCA: String?
    /// A keyring for gpgv: with one, every file must carry a good detached signature (`.asc`).
    public var keyring: String?
    /// The cache's base directory.
    public var cacheBase: String

    public init(cacheBase: String) { self.cacheBase = cacheBase }

    /// The server's base URL: `https://HOST` for a bare host, the URL as given otherwise (without
    /// a trailing slash). Anything but https:// is refused later, by the fetcher.
    public var serverURL: String {
        var url = server.contains("://") ? server : "https://" + server
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

extension DownloadOptions {
    /// The template's arguments as lxc-download takes them (after `--`): `-d/--dist`, `-r/--release`,
    /// `-a/--arch`, `--variant`, `--server`, `--flush-cache`, `--force-cache`, and ours: `--ca FILE`
    /// (a private CA) and `--keyring FILE` (gpgv). `--opt=value` works too. An unknown option is an
    /// error naming it (lxc-download's getopt refuses them too).
    public mutating func parse(_ arguments: [String]) throws(DownloadError) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            var name = argument, inline: String?
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inline = String(argument[argument.index(after: eq)...])
            }
            func value() throws(DownloadError) -> String {
                if let inline { return inline }
                guard let next = rest.popFirst() else { throw .missingOption("value for \(name)") }
                return next
            }
            switch name {
            case "-d", "--dist": dist = try value()
            case "-r", "--release": release = try value()
            case "-a", "--arch": arch = try value()
            case "--variant": variant = try value()
            case "--server": server = try value()
            case "--ca": privateCA = try value()
            case "--keyring": keyring = try value()
            case "--flush-cache": flushCache = true
            case "--force-cache": forceCache = true
            default: throw .badOption(argument)
            }
        }
    }
}
