import Glibc
import ImageFetch
import LinuxSys

/// The checks a downloaded file passes before it is cached: the sha256 the server publishes
/// (simplestreams: in the index; LXC's server: SHA256SUMS beside the files), and with a keyring
/// a detached signature (`FILE.asc`) checked by gpgv.
enum Verification {
    /// `HASH  NAME` lines (sha256sum's format, `*NAME` for binary mode too).
    static func parseSums(_ text: String) -> [String: String] {
        var sums: [String: String] = [:]
        for line in text.split(whereSeparator: { $0.isNewline }) {
            let fields = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard fields.count == 2, fields[0].utf8.count == 64 else { continue }
            var name = fields[1].drop { $0 == " " }
            if name.hasPrefix("*") { name = name.dropFirst() }
            sums[String(name)] = fields[0].lowercased()
        }
        return sums
    }

    /// gpgv FILE.asc FILE against the keyring; the signer's line on success.
    static func checkSignature(url: String, file: String, keyring: String, fetcher: HTTPSFetcher) throws(DownloadError) -> String {
        let signature = file + ".asc"
        let fd = open(signature, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .signature(file: url, reason: "cannot create \(signature)") }
        defer { close(fd) }
        do { _ = try fetcher.file(url + ".asc", to: fd, path: signature, limit: 64 << 10) } catch {
            if case .httpStatus(_, 404) = error {
                throw .signature(file: url, reason: "the server publishes no signature (\(url).asc), and a keyring (\(keyring)) requires one")
            }
            throw .fetch(error)
        }
        guard let gpgv = Executables.directories(of: Executables.searchPath).map({ $0 + "/gpgv" }).first(where: Executables.isExecutableFile) else { throw .tool("gpgv is not installed (apt install gpgv): needed to check signatures with --keyring") }
        guard let run = CapturedRun.run([gpgv, "--keyring", keyring, signature, file], environment: [Executables.searchPathEnvironment]) else {
            throw .tool("cannot run \(gpgv)")
        }
        let lines = run.output.split(separator: "\n").map(String.init)
        guard run.status == 0 else {
            throw .signature(file: url, reason: lines.filter { $0.contains("BAD") || $0.contains("Can't check") || $0.contains("No public key") }.first
                             ?? lines.last ?? "gpgv exited \(run.status)")
        }
        return lines.first(where: { $0.contains("Good signature") }) ?? "good signature"
    }
}
