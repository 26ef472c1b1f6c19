import AuditTrail
import CLibpam
import Glibc
import LinuxSys
import IDModel
import SubID

/// What one session open does, with the PAM handle kept at the edges (log and user name; the
/// entry points are in PamModule, which only the pam_subid.so product links).
public enum Session {
    public static let program = "pam_subid"

    public static func open(user: String, options: SessionOptions, log: (Int32, String) -> Void) -> Int32 {
        let defs = LoginDefs(parsing: (try? Files.read("/etc/login.defs", followSymlinks: true, limit: 1 << 20)) ?? [])
        func failed(_ reason: String, uid: UInt32?) -> Int32 {
            log(LOG_ERR, "no subordinate ranges for \(user): \(reason)")
            Audit.changeFailed(operation: "add-subid-range", account: user, id: uid, program: program, reason: reason)
            return options.requiredRanges ? PAM_SESSION_ERR : PAM_SUCCESS
        }
        guard let account = SystemUserDatabase().user(named: user) else { return failed("unknown user", uid: nil) }
        if let reason = options.skipReason(uid: account.uid, defaults: defs) {
            if options.debug { log(LOG_DEBUG, "\(user) (uid \(account.uid)) is \(reason): skipped") }
            return PAM_SUCCESS
        }
        let identity = OwnerIdentity(name: account.name, uid: account.uid)
        var policies = [IDKind.uid, .gid].map { ($0, options.policy(for: $0, defaults: defs)) }.filter { $0.1.count > 0 }
        // nsswitch's `subid:` sources: ranges a module already grants are the user's (nothing to
        // add); with no `files` source nothing can be written, which is said, not silently skipped.
        let sources: [SubIDSource]
        switch NameServiceSwitch.subidSources() {
        case .success(let s): sources = s
        case .failure(let error): return failed(error.description, uid: account.uid)
        }
        if sources != [.files] {
            var missing: [IDKind] = []
            for (kind, _) in policies {
                switch SubIDSources.ranges(of: identity, kind: kind, sources: sources.filter { $0 != .files }, file: nil) {
                case .success(let found): if found.isEmpty { missing.append(kind) }
                case .failure(let error): return failed(error.description, uid: account.uid)
                }
            }
            if missing.isEmpty {
                if options.debug { log(LOG_DEBUG, "\(user) holds ranges from \(sources.map { $0.description }.joined(separator: " ")): nothing to add") }
                return PAM_SUCCESS
            }
            if let reason = NameServiceSwitch.readOnlyReason(sources) { return failed(reason, uid: account.uid) }
            // Only the kinds no module grants go to the files.
            policies = policies.filter { missing.contains($0.0) }
        }
        do {
            let outcomes = try RangeProvisioning.ensure(
                identity, policies: policies, store: { SubIDStore(kind: $0) },
                inUse: { IDsInUse.nameService($0, extra: [$0 == .uid ? account.uid : account.gid]) })
            Audit.rangesAllocated(outcomes.filter { $0.allocated }.map { ($0.kind, $0.range) }, to: identity, program: program)
            if options.debug {
                for o in outcomes where !o.allocated { log(LOG_DEBUG, "\(user) already holds sub\(o.kind)s \(o.range.start)-\(o.range.end - 1)") }
            }
            return PAM_SUCCESS
        } catch {
            return failed(error.description, uid: account.uid)
        }
    }
}
