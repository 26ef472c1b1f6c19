import Glibc
import LinuxSys

/// The contents of an image's meta.tar.xz that the template uses, each chosen as lxc-download's
/// `relevant_file` chooses: `NAME-user`, then that name with the compat suffix (`.7`) if present.
public struct ImageMetadata: Sendable {
    public var config: String
    public var excludes: [String]
    public var templates: [String]
    public var createMessage: String?
    public var fstab: String?
    /// Unix time (the image's `expiry`), nil when the image has none.
    public var expiry: Int64?

    /// Reads the unpacked metadata in `directory`.
    public static func read(_ directory: String, compatLevel: Int = 7) throws(DownloadError) -> ImageMetadata {
        func relevant(_ name: String) -> String? {
            var path = directory + "/" + name
            if access(path + "-user", F_OK) == 0 { path += "-user" }
            if access(path + ".\(compatLevel)", F_OK) == 0 { path += ".\(compatLevel)" }
            guard let bytes = try? Files.read(path, followSymlinks: false, limit: 1 << 20) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let config = relevant("config") else { throw .badMetadata("it has no config (nor config-user)") }
        let lines: (String?) -> [String] = { text in
            (text ?? "").split(whereSeparator: { $0.isNewline }).map { String($0) }.filter { !$0.allSatisfy { $0 == " " || $0 == "\t" } }
        }
        var expiry: Int64?
        if let text = relevant("expiry") {
            guard let value = Int64(text.split(whereSeparator: { $0.isNewline || $0 == " " }).first ?? "") else {
                throw .badMetadata("expiry is not a Unix time: \(text.prefix(40))")
            }
            expiry = value
        }
        return ImageMetadata(config: config, excludes: lines(relevant("excludes")), templates: lines(relevant("templates")),
                             createMessage: relevant("create-message"), fstab: relevant("fstab"), expiry: expiry)
    }

    /// Unpacks meta.tar.xz into `directory` as the calling user (tar drops leading `/`, refuses
    /// `..` members, and without root makes every file the caller's).
    public static func unpack(_ tarball: String, into directory: String) throws(DownloadError) {
        guard let run = CapturedRun.run(["/bin/tar", "-xJf", tarball, "-C", directory, "--no-same-owner", "--no-same-permissions"],
                                        environment: [Executables.searchPathEnvironment]) else {
            throw .tool("cannot run /bin/tar (install tar and xz-utils)")
        }
        guard run.status == 0 else { throw .badMetadata("tar: " + run.output.split(separator: "\n").prefix(2).joined(separator: "; ")) }
    }
}
