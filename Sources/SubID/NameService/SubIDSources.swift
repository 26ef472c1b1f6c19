import CLinux
import Glibc
public import IDModel
import LinuxSys

/// Where subordinate ids come from: nsswitch.conf's `subid:` line, as shadow reads it (the first
/// non-comment line starting `subid:`, case-insensitive; none, empty or `files` means /etc/subuid
/// and /etc/subgid), except that every word is a source, in order (shadow uses only the first).
public enum SubIDSource: Equatable, Sendable, CustomStringConvertible {
    case files
    /// `libsubid_NAME.so`, shadow's plugin ABI.
    case module(String)

    public var description: String {
        switch self {
        case .files: "files"
        case .module(let name): name
        }
    }
}

/// Why the sources cannot be used; every reader refuses then (fail closed).
public enum SubIDSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// nsswitch.conf or a plugin that someone other than root could have written.
    case insecure(path: String, reason: String)
    case badModuleName(String)
    /// An nsswitch action such as `[NOTFOUND=return]`, which this line does not take.
    case unsupportedWord(String)
    case moduleMissing(name: String, searched: [String])
    case moduleUnusable(path: String, reason: String)
    /// The module answered ERROR or ERROR_CONN.
    case moduleFailed(name: String, status: Int32)

    public var description: String {
        switch self {
        case .insecure(let path, let reason): "\(path) is not trusted (\(reason)): it must be a root-owned file nobody else may write"
        case .badModuleName(let name):
            "subid source \"\(name)\" in \(NameServiceSwitch.path) is not a module name (letters, digits, _ and -, at most 50)"
        case .unsupportedWord(let word): "\"\(word)\" in the subid: line of \(NameServiceSwitch.path) is not supported (list sources only)"
        case .moduleMissing(let name, let searched):
            "subid source \(name): libsubid_\(name).so is not in \(searched.joined(separator: ", "))"
        case .moduleUnusable(let path, let reason): "subid source \(path) cannot be used: \(reason)"
        case .moduleFailed(let name, let status):
            "subid source \(name) failed (\(status == 2 ? "cannot reach its server" : "error \(status)")): refused rather than guessed"
        }
    }
}

public enum NameServiceSwitch {
    public static let path = "/etc/nsswitch.conf"

    /// The `subid:` sources of `text`.
    public static func parse(_ text: String) -> Result<[SubIDSource], SubIDSourceError> {
        for raw in text.split(separator: "\n") {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            guard line.count >= 6, String(line.prefix(6)).lowercased() == "subid:" else { continue }
            let value = line.dropFirst(6).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            var sources: [SubIDSource] = []
            for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
                if word.hasPrefix("[") { return .failure(.unsupportedWord(word)) }
                if word == "files" { sources.append(.files); continue }
                guard isModuleName(word) else { return .failure(.badModuleName(word)) }
                sources.append(.module(word))
            }
            return .success(sources.isEmpty ? [.files] : sources)
        }
        return .success([.files])
    }

    /// Why ranges cannot be written here, or nil: with no `files` among the sources, what we would
    /// write is not where the helpers look (shadow's useradd fails obscurely or writes nothing
    /// there, shadow #1004); say so instead.
    public static func readOnlyReason(_ sources: [SubIDSource]) -> String? {
        guard !sources.contains(.files) else { return nil }
        let names = sources.map { $0.description }.joined(separator: " ")
        return "subordinate ids come from `subid: \(names)` in \(path), a source this tool cannot write: "
            + "grant them there, or add `files` to that line to keep local ranges as well"
    }

    /// Letters, digits, `_` and `-`, 1 to 50 bytes: no `/` or `..` that would make dlopen look
    /// elsewhere (shadow loads `libsubid_../x.so` relative to the caller's directory).
    static func isModuleName(_ word: String) -> Bool {
        let bytes = Array(word.utf8)
        return !bytes.isEmpty && bytes.count <= 50 && bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
        }
    }

    /// The sources this machine's nsswitch.conf names. No file: files. A file that is not
    /// root's alone is refused: whoever could write it could point the helpers at their ranges.
    public static func subidSources(path: String = path) -> Result<[SubIDSource], SubIDSourceError> {
        // Opened once: the file checked is the file read.
        guard let file = try? Descriptor.open(path, O_RDONLY | O_CLOEXEC) else { return .success([.files]) }
        guard let st = try? file.status() else { return .success([.files]) }
        if let reason = untrusted(st) { return .failure(.insecure(path: path, reason: reason)) }
        guard let bytes = try? file.readAll(limit: 1 << 20) else { return .success([.files]) }
        return parse(String(decoding: bytes, as: UTF8.self))
    }

    /// Why a file is not root's alone, or nil.
    static func untrusted(_ st: stat) -> String? {
        if st.st_mode & S_IFMT != S_IFREG { return "not a regular file" }
        if !isRoot(st.st_uid) { return "owned by uid \(st.st_uid)" }
        if st.st_mode & 0o022 != 0 { return "writable by group or others, mode \(String(st.st_mode & 0o7777, radix: 8))" }
        return nil
    }

    /// Whether `uid` is root as this process sees files: 0, or, inside a user namespace (which
    /// the host's root is not mapped into), the kernel's overflow uid, which is how root's files
    /// show there. Why: podman re-executes itself in its user namespace and asks libsubid for
    /// ranges from there. No privilege is lost: a setuid program run inside a user namespace
    /// gains none (the kernel ignores the bit when the file's owner is not mapped).
    static func isRoot(_ uid: uid_t) -> Bool {
        if uid == 0 { return true }
        var ns = stat()
        // 0xEFFFFFFD: the initial user namespace's inode (PROC_USER_INIT_INO).
        guard stat("/proc/self/ns/user", &ns) == 0, ns.st_ino != 0xEFFF_FFFD else { return false }
        guard let text = try? Files.read("/proc/sys/kernel/overflowuid", followSymlinks: false, limit: 32) else { return false }
        let digits = String(decoding: text, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return UInt32(digits) == uid
    }

    /// Where plugins may come from: the system library directories, never a path of the
    /// caller's choosing (LD_LIBRARY_PATH is not consulted: plugins are opened by absolute path).
    public static var pluginDirectories: [String] {
        let triplet = String(cString: clinux_multiarch_triplet())
        return ["/lib/\(triplet)", "/usr/lib/\(triplet)", "/lib64", "/usr/lib64", "/lib", "/usr/lib"]
    }
}

/// A loaded `libsubid_NAME.so`.
public final class SubIDPlugin {
    public let name: String
    public let path: String
    let plugin: OpaquePointer
    /// How long a call may take before the reader gives up (and refuses), by SIGALRM. The
    /// libsubid library sets 0 (no timer): it runs in its caller's process, whose signals are
    /// not ours; set once, before any plugin is called.
    nonisolated(unsafe) public static var timeoutSeconds: UInt32 = 5

    init(name: String, path: String, plugin: OpaquePointer) {
        self.name = name
        self.path = path
        self.plugin = plugin
    }

    /// The first `libsubid_NAME.so` in the system library directories, if it is root's alone.
    public static func load(_ name: String) -> Result<SubIDPlugin, SubIDSourceError> {
        guard NameServiceSwitch.isModuleName(name) else { return .failure(.badModuleName(name)) }
        let directories = NameServiceSwitch.pluginDirectories
        for directory in directories {
            let path = directory + "/libsubid_" + name + ".so"
            var st = stat(), dir = stat()
            guard stat(path, &st) == 0 else { continue }
            if let reason = NameServiceSwitch.untrusted(st) { return .failure(.insecure(path: path, reason: reason)) }
            // Checked, then opened by path: safe only while nobody but root can swap the file, so
            // its directory must be root's alone too.
            if stat(directory, &dir) != 0 || !NameServiceSwitch.isRoot(dir.st_uid) || dir.st_mode & 0o022 != 0 {
                return .failure(.insecure(path: directory, reason: "a plugin directory someone other than root may write"))
            }
            var handle: OpaquePointer?
            if let error = clinux_subid_plugin_open(path, &handle) {
                return .failure(.moduleUnusable(path: path, reason: String(cString: error)))
            }
            guard let handle else { return .failure(.moduleUnusable(path: path, reason: "not loaded")) }
            return .success(SubIDPlugin(name: name, path: path, plugin: handle))
        }
        return .failure(.moduleMissing(name: name, searched: directories))
    }

    var timeoutMessage: String { "subid source \(name) did not answer within \(SubIDPlugin.timeoutSeconds) s: refused" }

    /// shadow_subid_has_range: true or false, nil when the module does not know the owner.
    public func hasRange(owner: String, range: IDRange, kind: IDKind) -> Result<Bool?, SubIDSourceError> {
        var result: Int32 = 0
        let status = clinux_subid_plugin_has_range(plugin, owner, UInt(range.start), UInt(range.count), kind == .uid ? 1 : 2,
                                                   &result, timeoutMessage, SubIDPlugin.timeoutSeconds)
        switch status {
        case 0: return .success(result != 0)
        case 1: return .success(nil)
        default: return .failure(.moduleFailed(name: name, status: status))
        }
    }

    /// shadow_subid_find_subid_owners: the uids of the owners of `id`, nil when the module knows
    /// none (SSSD's module answers ERROR: it does not implement the call).
    public func owners(of id: UInt32, kind: IDKind) -> Result<[UInt32]?, SubIDSourceError> {
        let capacity = 4096
        var uids = [uid_t](repeating: 0, count: capacity)
        var n: Int32 = 0
        let status = clinux_subid_plugin_find_owners(plugin, UInt(id), kind == .uid ? 1 : 2, &uids, Int32(capacity), &n,
                                                     timeoutMessage, SubIDPlugin.timeoutSeconds)
        switch status {
        case 0: return .success(Array(uids[0..<Int(n)]))
        case 1: return .success(nil)
        default: return .failure(.moduleFailed(name: name, status: status))
        }
    }

    /// shadow_subid_list_owner_ranges: the owner's ranges, nil when the module does not know it.
    public func ranges(owner: String, kind: IDKind) -> Result<[IDRange]?, SubIDSourceError> {
        let capacity = 4096
        var starts = [UInt](repeating: 0, count: capacity), counts = [UInt](repeating: 0, count: capacity)
        var n: Int32 = 0
        let status = clinux_subid_plugin_list_ranges(plugin, owner, kind == .uid ? 1 : 2, &starts, &counts, Int32(capacity), &n,
                                                     timeoutMessage, SubIDPlugin.timeoutSeconds)
        switch status {
        case 0: return .success((0..<Int(n)).compactMap { IDRange(start: UInt64(starts[$0]), count: UInt64(counts[$0])) })
        case 1: return .success(nil)
        default: return .failure(.moduleFailed(name: name, status: status))
        }
    }
}
