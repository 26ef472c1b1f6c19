import AuditTrail
import CLibpam
import Glibc
import PamSubID

// PAM's entry points. This target exists apart from PamSubID because its linker settings (static
// Swift runtime, version script) would otherwise reach every binary that links the logic.

@_cdecl("pam_sm_open_session")
public func pam_sm_open_session(
    _ handle: OpaquePointer?, _ flags: Int32, _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafePointer<CChar>?>?
) -> Int32 {
    guard let handle else { return PAM_SESSION_ERR }
    let arguments = (0..<Int(max(argc, 0))).compactMap { argv?[$0].map { String(cString: $0) } }
    let options = SessionOptions(parsing: arguments)
    let log: (Int32, String) -> Void = { priority, message in cpam_syslog(handle, priority, message) }
    for bad in options.ignored { log(LOG_ERR, "unknown or malformed option ignored: \(bad)") }
    // Why: records must go through pam_syslog; openlog() would rename the host program's log ident.
    Audit.syslog = { priority, _, line in cpam_syslog(handle, priority, line) }
    var name: UnsafePointer<CChar>?
    guard pam_get_user(handle, &name, nil) == PAM_SUCCESS, let name, name.pointee != 0 else {
        log(LOG_ERR, "cannot determine the user name")
        return options.requiredRanges ? PAM_SESSION_ERR : PAM_SUCCESS
    }
    return Session.open(user: String(cString: name), options: options, log: log)
}

@_cdecl("pam_sm_close_session")
public func pam_sm_close_session(
    _ handle: OpaquePointer?, _ flags: Int32, _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafePointer<CChar>?>?
) -> Int32 {
    PAM_SUCCESS
}
