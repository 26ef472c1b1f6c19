import CLibaudit
import CLinux
import Glibc
public import IDModel

/// Where records go: the kernel's audit log through libaudit, loaded when needed (silently skipped where audit is
/// unavailable: no audit in the kernel, in a container, outside the initial PID namespace) and
/// syslog. Both sinks can be replaced: tests record, and pam_subid logs through pam_syslog.
public enum Audit {
    /// Test seam: when set, records go here and nowhere else.
    nonisolated(unsafe) public static var recorder: ((AuditRecord) -> Void)?
    /// The syslog sink (priority, ident, line); a PAM module must not call openlog in its host.
    nonisolated(unsafe) public static var syslog: (Int32, String, String) -> Void = { priority, ident, line in
        clinux_syslog(ident, priority, line)
    }

    public static func emit(_ record: AuditRecord) {
        if let recorder { recorder(record); return }
        syslog(record.syslogPriority, record.program, record.syslogLine)
        sendToKernel(record)
    }

    typealias AuditOpen = @convention(c) () -> Int32
    typealias AuditClose = @convention(c) (Int32) -> Void
    typealias AuditLogUserMessage = @convention(c) (
        Int32, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32
    ) -> Int32

    /// libaudit is loaded only when a record is sent: linked in, it (and libcap-ng, whose
    /// constructor reads /proc on every start) would run in every setuid helper call, success or
    /// not, though records are only written on refusals.
    static func sendToKernel(_ record: AuditRecord) {
        // Why no error handling: audit is best effort here as in shadow; a missing libaudit,
        // ENOPROTOOPT, EPERM or ECONNREFUSED just mean there is no audit where we run.
        guard let library = dlopen("libaudit.so.1", RTLD_NOW | RTLD_LOCAL) else { return }
        defer { dlclose(library) }
        guard let openSymbol = dlsym(library, "audit_open"), let closeSymbol = dlsym(library, "audit_close"),
              let logSymbol = dlsym(library, "audit_log_user_message") else { return }
        let open = unsafeBitCast(openSymbol, to: AuditOpen.self)
        let close = unsafeBitCast(closeSymbol, to: AuditClose.self)
        let log = unsafeBitCast(logSymbol, to: AuditLogUserMessage.self)
        let fd = open()
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = log(fd, record.auditType, record.auditMessage, nil, nil, nil, record.success ? 1 : 0)
    }

    // MARK: The events

    /// A range given to or taken from a user (subid grant, revoke, allocate; pam_subid).
    public static func rangeChanged(_ kind: IDKind, _ range: IDRange, of identity: OwnerIdentity, added: Bool, program: String) {
        emit(AuditRecord(
            kind: .accountChange, program: program,
            operation: "\(added ? "add" : "del")-sub\(kind)-range", account: identity.name, id: identity.uid,
            success: true, detail: "\(kind.defaultPath) \(range.start)-\(range.end - 1) (\(range.count))"))
    }

    /// Ranges newly given to a user (allocate, pam_subid); kept ranges are not events.
    public static func rangesAllocated(_ ranges: [(kind: IDKind, range: IDRange)], to identity: OwnerIdentity, program: String) {
        for (kind, range) in ranges { rangeChanged(kind, range, of: identity, added: true, program: program) }
    }

    /// A change that could not be made (pam_subid on a broken file, say).
    public static func changeFailed(operation: String, account: String, id: UInt32?, program: String, reason: String) {
        emit(AuditRecord(kind: .accountChange, program: program, operation: operation, account: account, id: id,
                         success: false, detail: reason))
    }

    /// A setuid helper said no to its caller.
    public static func refused(operation: String, account: String, id: UInt32?, program: String, reason: String) {
        emit(AuditRecord(kind: .refusal, program: program, operation: operation, account: account, id: id,
                         success: false, detail: reason))
    }
}
