import CContainer
import CLibseccomp
import Glibc
import SystemPackage
import LinuxSys

/// LXC's seccomp policy text (version 1 and 2), compiled with libseccomp into a BPF program the
/// container's init loads for itself.
public enum SeccompPolicy {
    /// One policy line: a syscall, what happens when it is called, and the argument tests that narrow it.
    public struct Rule: Equatable, Sendable {
        /// The syscall's name, as libseccomp resolves it for the native architecture.
        public var syscall: String
        /// libseccomp's action (`SCMP_ACT_ERRNO(n)`, `SCMP_ACT_KILL`, `SCMP_ACT_ALLOW`, ...).
        public var action: UInt32
        /// `[ARG,OP,VALUE(,MASK)]` tests, all of which must hold (none: every call).
        public var comparisons: [Comparison] = []
    }

    /// One argument test of a rule, as LXC writes it: `[1,SCMP_CMP_EQ,0x20000]`.
    public struct Comparison: Equatable, Sendable {
        /// The argument's index, 0-5.
        public var argument: UInt32
        /// libseccomp's comparison (`SCMP_CMP_EQ`, `SCMP_CMP_MASKED_EQ`, ...).
        public var op: UInt32
        /// The value compared with.
        public var value: UInt64
        /// The mask for `SCMP_CMP_MASKED_EQ` (0 otherwise).
        public var mask: UInt64
    }

    /// A parsed policy: the default action and the rules for this architecture, in file order.
    public struct Policy: Equatable, Sendable {
        /// What a syscall no rule names gets: version 1 and an allowlist kill, a denylist allows, unless the header line names another action.
        public var defaultAction: UInt32
        /// The rules, other architectures' sections skipped.
        public var rules: [Rule]
    }

    static let nativeSections: Set<String> = ["all", "x86_64", "x86", "x32"]
    static let knownSections: Set<String> = ["x86", "x32", "x86_64", "all", "arm", "arm64", "ppc64le", "ppc64", "ppc",
                                             "mips64", "mips64n32", "mips", "mipsel64", "mipsel64n32", "mipsel", "s390x", "s390", "loongarch64"]

    /// Parses a version 1 or 2 policy; refuses (with the reason) what LXC would refuse and what
    /// userbox does not implement (`debug`), skipping unknown syscalls as LXC does.
    public static func parse(_ text: String) throws(RuntimeError) -> Policy {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let version = lines.first.flatMap({ Int($0.trimmingBlanks) }), version == 1 || version == 2 else {
            throw RuntimeError.seccompPolicy(reason: "invalid version (the first line must be 1 or 2)")
        }
        guard lines.count > 1 else { throw RuntimeError.seccompPolicy(reason: "no policy line") }
        let header = lines[1].trimmingBlanks
        lines.removeFirst(2)
        if header.includes("debug") { throw RuntimeError.seccompPolicy(reason: "debug is not implemented") }
        if version == 1 {
            guard header.includes("allowlist") else { throw RuntimeError.seccompPolicy(reason: "version 1 supports only allowlist") }
            var rules: [Rule] = []
            for line in lines where !line.trimmingBlanks.isEmpty {
                guard let n = Int32(line.trimmingBlanks) else { throw RuntimeError.seccompPolicy(reason: "\"\(line)\" is not a syscall number") }
                rules.append(Rule(syscall: "#\(n)", action: SCMP_ACT_ALLOW))
            }
            return Policy(defaultAction: SCMP_ACT_KILL, rules: rules)
        }
        let words = header.split(separator: " ", maxSplits: 1).map(String.init)
        guard let style = words.first else { throw RuntimeError.seccompPolicy(reason: "no policy style (denylist or allowlist)") }
        let deny: Bool
        switch style {
        case "denylist", "blacklist": deny = true
        case "allowlist", "whitelist": deny = false
        default: throw RuntimeError.seccompPolicy(reason: "bad policy style \"\(style)\"")
        }
        let defaultAction = words.count > 1 ? try action(words[1]) : (deny ? SCMP_ACT_ALLOW : SCMP_ACT_KILL)
        let ruleDefault = deny ? SCMP_ACT_KILL : SCMP_ACT_ALLOW
        var rules: [Rule] = []
        var native = true
        for raw in lines {
            let line = raw.trimmingBlanks
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let section = line.dropFirst().prefix(while: { $0 != "]" }).lowercased()
                guard knownSections.contains(section) else { throw RuntimeError.seccompPolicy(reason: "unsupported architecture \"\(line)\"") }
                native = nativeSections.contains(section)
                continue
            }
            guard native else { continue }
            var body = line
            if let hash = body.firstIndex(of: "#") { body = String(body[..<hash]).trimmingBlanks }
            let parts = body.split(separator: " ", maxSplits: 1).map(String.init)
            guard !parts.isEmpty else { continue }
            if parts[0] == "reject_force_umount" {
                rules.append(Rule(syscall: "umount2", action: cseccomp_act_errno(UInt16(EACCES)),
                                  comparisons: [Comparison(argument: 1, op: SCMP_CMP_MASKED_EQ.rawValue, value: UInt64(MNT_FORCE), mask: UInt64(MNT_FORCE))]))
                continue
            }
            var rule = Rule(syscall: parts[0], action: ruleDefault)
            if parts.count > 1 {
                var rest = parts[1]
                if let bracket = rest.firstIndex(of: "[") {
                    let args = String(rest[bracket...])
                    rest = String(rest[..<bracket]).trimmingBlanks
                    rule.comparisons = try comparisons(args)
                }
                if !rest.isEmpty { rule.action = try action(rest) }
            }
            rules.append(rule)
        }
        return Policy(defaultAction: defaultAction, rules: rules)
    }

    static func action(_ text: String) throws(RuntimeError) -> UInt32 {
        let words = text.split(separator: " ")
        switch words.first ?? "" {
        case "kill": return SCMP_ACT_KILL
        case "allow": return SCMP_ACT_ALLOW
        case "trap": return SCMP_ACT_TRAP
        case "errno":
            guard words.count > 1, let n = UInt16(words[1]) else { throw RuntimeError.seccompPolicy(reason: "errno needs a number") }
            return cseccomp_act_errno(n)
        default: throw RuntimeError.seccompPolicy(reason: "unrecognised action \"\(text)\"")
        }
    }

    static func comparisons(_ text: String) throws(RuntimeError) -> [Comparison] {
        var result: [Comparison] = []
        for group in text.split(separator: "[").map({ $0.split(separator: "]").first ?? "" }) where !group.isEmpty {
            let f = group.split(separator: ",").map { String($0).trimmingBlanks }
            guard f.count == 3 || f.count == 4, let index = UInt32(f[0]), index < 6, let value = UInt64(f[1]) else {
                throw RuntimeError.seccompPolicy(reason: "bad argument comparison [\(group)]")
            }
            let ops: [String: scmp_compare] = ["!=": SCMP_CMP_NE, "<": SCMP_CMP_LT, "<=": SCMP_CMP_LE, "==": SCMP_CMP_EQ,
                                               ">=": SCMP_CMP_GE, ">": SCMP_CMP_GT, "&=": SCMP_CMP_MASKED_EQ,
                                               "SCMP_CMP_NE": SCMP_CMP_NE, "SCMP_CMP_LT": SCMP_CMP_LT, "SCMP_CMP_LE": SCMP_CMP_LE,
                                               "SCMP_CMP_EQ": SCMP_CMP_EQ, "SCMP_CMP_GE": SCMP_CMP_GE, "SCMP_CMP_GT": SCMP_CMP_GT,
                                               "SCMP_CMP_MASKED_EQ": SCMP_CMP_MASKED_EQ]
            guard let op = ops[f[2]] else { throw RuntimeError.seccompPolicy(reason: "unknown comparison \(f[2])") }
            let second = f.count == 4 ? UInt64(f[3]) ?? 0 : 0
            // For &=, libseccomp takes (mask, value).
            result.append(op == SCMP_CMP_MASKED_EQ ? Comparison(argument: index, op: op.rawValue, value: second, mask: value)
                                                   : Comparison(argument: index, op: op.rawValue, value: value, mask: second))
        }
        return result
    }

    /// The BPF program (struct sock_filter[], 8 bytes each) for the policy in `file`.
    public static func compile(file: String) throws(RuntimeError) -> [UInt8] {
        let text: String
        do { text = String(decoding: try Files.read(file, followSymlinks: true, limit: 1 << 20), as: UTF8.self) } catch {
            throw RuntimeError.system(error)
        }
        return try compile(parse(text))
    }

    /// The BPF program for `policy` (struct sock_filter[], 8 bytes each), built by libseccomp.
    public static func compile(_ policy: Policy) throws(RuntimeError) -> [UInt8] {
        guard let ctx = seccomp_init(policy.defaultAction) else { throw RuntimeError.seccompLibrary(call: "seccomp_init", nil) }
        defer { seccomp_release(ctx) }
        // As LXC: no no_new_privs (root in the container's userns may load filters).
        _ = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)
        for rule in policy.rules where rule.action != policy.defaultAction {
            let number: Int32
            if rule.syscall.hasPrefix("#"), let n = Int32(rule.syscall.dropFirst()) { number = n } else {
                number = seccomp_syscall_resolve_name(rule.syscall)
                if number == __NR_SCMP_ERROR { continue }  // unknown to libseccomp: skipped, as LXC does
            }
            let cmps = rule.comparisons.map { cseccomp_arg($0.argument, scmp_compare(rawValue: $0.op), $0.mask == 0 ? $0.value : $0.mask, $0.mask == 0 ? 0 : $0.value) }
            let rc = cmps.withUnsafeBufferPointer { seccomp_rule_add_array(ctx, rule.action, number, UInt32(cmps.count), $0.baseAddress) }
            guard rc == 0 else { throw RuntimeError.seccompLibrary(call: "seccomp_rule_add for \(rule.syscall)", Errno(rawValue: -rc)) }
        }
        let memory: Descriptor
        do { memory = Descriptor(adopting: try valueOrErrno { ccontainer_memfd("seccomp") }) } catch {
            throw RuntimeError.seccompLibrary(call: "memfd_create", error)
        }
        guard seccomp_export_bpf(ctx, memory.rawValue) == 0 else { throw RuntimeError.seccompLibrary(call: "seccomp_export_bpf", nil) }
        do { return try Files.readAll(memory, path: "seccomp", limit: 1 << 20) } catch { throw RuntimeError.system(error) }
    }
}

extension String {
    /// Blanks off both ends, on bytes (the config parser's trimming; Character-wise cost ~10 us a line).
    var trimmingBlanks: String {
        String(decoding: ConfigParser.trimmed(Array(utf8)[...]), as: UTF8.self)
    }

    /// Whether `text` occurs in this string, byte for byte (as strstr; the stdlib's substring
    /// `contains` lives in _StringProcessing, which the Embedded Swift build does not have).
    func includes(_ text: String) -> Bool {
        let haystack = Array(utf8), needle = Array(text.utf8)
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
