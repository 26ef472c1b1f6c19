import CLibaudit
import LinuxSys

/// One security-relevant event, rendered two ways: an audit record as shadow's tools send them
/// (user-space message types, `op=... acct=... res=...`) and an authpriv syslog line.
public struct AuditRecord: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// A change to an account's attributes (AUDIT_USER_MGMT, as usermod logs subid ranges).
        case accountChange
        /// A setuid helper refused a caller (AUDIT_USER_ERR).
        case refusal
    }

    public let kind: Kind
    /// The program or module the record is about (syslog's ident).
    public let program: String
    /// A single word, e.g. `add-subuid-range`, `map-ids`, `create-nic`.
    public let operation: String
    public let account: String
    public let id: UInt32?
    public let success: Bool
    /// What a person reading the log needs: the range, or why the caller was refused.
    public let detail: String

    public init(kind: Kind, program: String, operation: String, account: String, id: UInt32? = nil, success: Bool, detail: String) {
        self.kind = kind
        self.program = program
        self.operation = operation
        self.account = account
        self.id = id
        self.success = success
        self.detail = detail
    }

    /// AUDIT_USER_MGMT or AUDIT_USER_ERR from <libaudit.h>.
    public var auditType: Int32 { kind == .accountChange ? Int32(AUDIT_USER_MGMT) : Int32(AUDIT_USER_ERR) }

    /// The message libaudit sends; it appends exe=, hostname=, addr=, terminal= and res= itself.
    public var auditMessage: String {
        var fields = ["op=\(operation)", "acct=\(Self.encode(account))"]
        if let id { fields.append("id=\(id)") }
        fields.append("detail=\(Self.encode(detail))")
        return fields.joined(separator: " ")
    }

    /// One line whatever the account and detail hold: control characters are escaped (a newline
    /// in lxc-user-nic's netns path reached syslog as a second line, issue 20, finding 5).
    public var syslogLine: String {
        let account = escapingControlCharacters(self.account), detail = escapingControlCharacters(self.detail)
        let who = id.map { "\(account) (uid \($0))" } ?? account
        switch kind {
        case .accountChange where success: return "\(operation) for \(who): \(detail)"
        case .accountChange: return "failed \(operation) for \(who): \(detail)"
        case .refusal: return "refused \(operation) for \(who): \(detail)"
        }
    }

    /// LOG_AUTHPRIV with LOG_INFO for changes, LOG_WARNING for refusals and failures.
    public var syslogPriority: Int32 { (10 << 3) | (kind == .accountChange && success ? 6 : 4) }

    /// The audit convention for a field value: quoted when plain printable ASCII without quotes,
    /// else the bytes in upper-case hex (what `audit_encode_nv_string` does), so no value can
    /// forge another field.
    public static func encode(_ value: String) -> String {
        let bytes = Array(value.utf8)
        if !bytes.isEmpty && bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") }) {
            return "\"\(value)\""
        }
        let digits = Array("0123456789ABCDEF".utf8)
        var hex: [UInt8] = []
        for b in bytes { hex += [digits[Int(b >> 4)], digits[Int(b & 0x0F)]] }
        return String(decoding: hex, as: UTF8.self)
    }
}
