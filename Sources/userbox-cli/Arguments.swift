import ArgumentParser
import Runtime

/// `--template`: as `RootfsSource(templateName:)` reads it.
extension RootfsSource: ExpressibleByArgument {
    public init?(argument: String) { self.init(templateName: argument) }

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
