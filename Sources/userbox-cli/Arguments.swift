import ArgumentParser
import Runtime

/// `--template`: `busybox`, a tarball (by its name: .tar, .tar.gz, .tgz, .tar.xz, .tar.bz2,
/// .tar.zst) or else a rootfs directory.
extension RootfsSource: ExpressibleByArgument {
    public init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        if argument == "busybox" {
            self = .busybox
        } else if argument == "download" {
            self = .download
        } else if [".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tar.zst"].contains(where: { argument.hasSuffix($0) }) {
            self = .tarball(argument)
        } else {
            self = .directory(argument)
        }
    }

    public var defaultValueDescription: String {
        switch self {
        case .busybox: "busybox"
        case .directory(let path), .tarball(let path): path
        case .download: "download"
        case .image(let image): image.tarball
        }
    }
}

/// `--idmap`: one lxc.idmap value, `u|g NSID HOSTID RANGE`, read by the config parser's grammar.
extension ContainerConfig.IDMap: ExpressibleByArgument {
    public init?(argument: String) {
        guard let map = try? ConfigParser.idmap(argument) else { return nil }
        self = map
    }
}
