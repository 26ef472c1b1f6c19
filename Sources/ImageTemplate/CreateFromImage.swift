import ImageFetch
import Images
import LinuxSys
public import Runtime

/// Why a create from a distribution image failed: getting the image, or making the container
/// from it (which removes what it made).
public enum ImageCreateError: Error, Sendable, CustomStringConvertible {
    case download(DownloadError)
    case runtime(RuntimeError)

    /// The signal that stopped the download, when a person stopped it (Ctrl-C).
    public var interruption: Int32? {
        if case .download(let error) = self { return error.interruption }
        return nil
    }

    public var description: String {
        switch self {
        case .download(let error): error.description
        case .runtime(let error): error.description
        }
    }
}

extension PreparedImage {
    /// The image as Runtime unpacks it: the cached rootfs, the metadata's excludes, config and
    /// templates, and its size when the cache knows it.
    public var rootfs: ImageRootfs {
        ImageRootfs(tarball: rootfsTarball, excludes: metadata.excludes, distributionConfig: metadata.config,
                    templates: metadata.templates,
                    label: "\(key.dist) \(key.release) \(key.arch) (\(key.variant)), build \(build)", unpackedBytes: unpackedSize)
    }
}

extension Container {
    /// Creates the container from a distribution image, as `lxc-create -t download` does: the
    /// image from the server or the cache (``DownloadTemplate/prepare(_:fetcher:now:say:progress:)``),
    /// then the container made from it (``Container/create(from:user:idmaps:configFile:extraConfig:storage:)``)
    /// while the image's cache lock is held. `say` gets lxc-download's progress lines; returns
    /// the image's `create-message`, if it has one.
    public func create(download options: DownloadOptions, fetcher: HTTPSFetcher, user: UserRecord,
                       idmaps: [ContainerConfig.IDMap]? = nil, configFile: String? = nil, extraConfig: String = "",
                       storage: CopyOptions.Backend = .dir, say: (String) -> Void,
                       progress: (String) -> (any ProgressReporter)?) throws(ImageCreateError) -> String? {
        guard !exists else { throw .runtime(.alreadyExists(container: name, lxcpath: paths.lxcpath)) }
        let image: PreparedImage
        do { image = try DownloadTemplate.prepare(options, fetcher: fetcher, say: say, progress: progress) } catch { throw .download(error) }
        say("Unpacking the rootfs")
        do {
            try create(from: .image(image.rootfs), user: user, idmaps: idmaps, configFile: configFile, extraConfig: extraConfig, storage: storage)
        } catch {
            throw .runtime(error)
        }
        return withExtendedLifetime(image) { image.metadata.createMessage }
    }
}
