import AuditTrail
import Glibc
import PamSubID
import IDModel
import SubID
import TestSupport
import LinuxSys
import Testing

@Suite struct SessionOptionsTests {
    @Test func argumentsOverrideLoginDefs() {
        let options = SessionOptions(parsing: ["count=1000", "min=2000000", "max=3000000", "debug"])
        let defs = LoginDefs(parsing: "SUB_UID_MIN 100000\nSUB_UID_MAX 600100000\nSUB_UID_COUNT 65536\n")
        #expect(options.policy(for: .uid, defaults: defs) == AllocationPolicy(min: 2_000_000, max: 3_000_000, count: 1000))
        #expect(options.debug && !options.requiredRanges && options.ignored.isEmpty)
    }

    @Test func loginDefsApplyWhereNoArgumentIsGiven() {
        let defs = LoginDefs(parsing: "SUB_GID_MIN 500000\nSUB_GID_COUNT 1000\n")
        #expect(SessionOptions(parsing: []).policy(for: .gid, defaults: defs) == AllocationPolicy(min: 500_000, max: 600_100_000, count: 1000))
    }

    @Test(arguments: ["count=0", "count=-5", "min=abc", "max=", "bogus", "debug=1", "required_ranges=yes"])
    func badArgumentsAreIgnoredNotFatal(_ argument: String) {
        let options = SessionOptions(parsing: [argument, "required_ranges"])
        #expect(options.ignored == [argument])
        #expect(options.requiredRanges)
        #expect(options.count == nil && options.min == nil && options.max == nil)
    }

    @Test func systemAccountsFollowUIDMin() {
        let defs = LoginDefs(parsing: "UID_MIN 2000\n")
        let options = SessionOptions()
        #expect(options.skipReason(uid: 0, defaults: defs) != nil)
        #expect(options.skipReason(uid: 1999, defaults: defs) != nil)
        #expect(options.skipReason(uid: 2000, defaults: defs) == nil)
        #expect(options.skipReason(uid: 999, defaults: LoginDefs()) != nil)
        #expect(options.skipReason(uid: 1000, defaults: LoginDefs()) == nil)
    }

    /// Issue 20, finding 5: nobody and every uid above UID_MAX are skipped, as useradd skips them;
    /// uid_max= moves the bound for directory users but never lets nobody in.
    @Test func nobodyAndUIDsAboveUIDMaxGetNoRanges() {
        let options = SessionOptions()
        #expect(options.skipReason(uid: 60000, defaults: LoginDefs()) == nil)
        #expect(options.skipReason(uid: 60001, defaults: LoginDefs()) != nil)
        #expect(options.skipReason(uid: 65534, defaults: LoginDefs()) != nil)
        #expect(options.skipReason(uid: 2000, defaults: LoginDefs(parsing: "UID_MAX 1999\n")) != nil)
        let wide = SessionOptions(parsing: ["uid_max=2000000000"])
        #expect(wide.ignored.isEmpty)
        #expect(wide.skipReason(uid: 1_234_400_000, defaults: LoginDefs()) == nil)
        #expect(wide.skipReason(uid: 65534, defaults: LoginDefs()) != nil)
    }
}

/// Every test that sets the global Audit.recorder, one at a time.
@Suite(.serialized) struct AuditSeamTests {
@Suite struct AuditRecordTests {
    /// Issue 20, finding 5: a caller's path with a newline stays on one syslog line.
    @Test func syslogLineEscapesControlCharacters() {
        let record = AuditRecord(kind: .refusal, program: "lxc-user-nic", operation: "delete-nic", account: "eve\nroot",
                                 id: 1000, success: false, detail: "Failed while opening netns file for \"/x\nforged: ok\"")
        #expect(!record.syslogLine.contains("\n"))
        #expect(record.syslogLine == #"refused delete-nic for eve\x0aroot (uid 1000): Failed while opening netns file for "/x\x0aforged: ok""#)
    }

    @Test func rangeChangeIsAUserManagementRecordLikeUsermods() {
        var records: [AuditRecord] = []
        Audit.recorder = { records.append($0) }
        defer { Audit.recorder = nil }
        Audit.rangeChanged(.uid, IDRange(start: 2_000_000, count: 65536)!, of: OwnerIdentity(name: "elsa", uid: 1001),
                           added: true, program: "subid")
        #expect(records.count == 1)
        let r = records[0]
        #expect(r.auditType == 1102)
        #expect(r.auditMessage == #"op=add-subuid-range acct="elsa" id=1001 detail=2F6574632F73756275696420323030303030302D323036353533352028363535333629"#)
        #expect(r.syslogLine == "add-subuid-range for elsa (uid 1001): /etc/subuid 2000000-2065535 (65536)")
        #expect(r.syslogPriority == (10 << 3 | 6))
    }

    @Test func refusalIsAUserErrorAtWarning() {
        let r = AuditRecord(kind: .refusal, program: "newuidmap", operation: "map-uids", account: "anna", id: 1000,
                            success: false, detail: "uid range [0-10) -> [3000000-3000010) not allowed")
        #expect(r.auditType == 1109)
        #expect(r.syslogLine == "refused map-uids for anna (uid 1000): uid range [0-10) -> [3000000-3000010) not allowed")
        #expect(r.syslogPriority == (10 << 3 | 4))
    }

    @Test func aFailedChangeSaysSo() {
        var records: [AuditRecord] = []
        Audit.recorder = { records.append($0) }
        defer { Audit.recorder = nil }
        Audit.changeFailed(operation: "add-subid-range", account: "olaf", id: 1003, program: "pam_subid", reason: "no free range")
        #expect(records.map(\.syslogLine) == ["failed add-subid-range for olaf (uid 1003): no free range"])
        #expect(records.map(\.auditType) == [1102])
        #expect(records.map(\.syslogPriority) == [10 << 3 | 4])
        #expect(records.map(\.success) == [false])
    }

    @Test func valuesCannotForgeFields() {
        #expect(AuditRecord.encode("elsa") == "\"elsa\"")
        #expect(AuditRecord.encode("a b") == "612062")
        #expect(AuditRecord.encode("x\" res=success") == "7822207265733D73756363657373")
        #expect(AuditRecord.encode("") == "")
        let r = AuditRecord(kind: .refusal, program: "p", operation: "op", account: "ev il", success: false, detail: "d")
        #expect(r.auditMessage == #"op=op acct=657620696C detail="d""#)
    }
}


@Suite struct ExplainRefusalTests {
    @Test func namesTheCallersRangesOrWhoCanFixIt() {
        let file = SubIDFile(parsing: Array("elsa:3000000:1000000\n1001:5000000:10\nanna:2000000:1000000\n".utf8))
        let elsa = IDMapPolicy(kind: .uid, caller: OwnerIdentity(name: "elsa", uid: 1001), ownID: 1001)
        #expect(elsa.explainNotAllowed(file: file) == "elsa owns 3000000-3999999, 5000000-5000009 in /etc/subuid")
        let bob = IDMapPolicy(kind: .gid, caller: OwnerIdentity(name: "bob", uid: 1002), ownID: 1002)
        #expect(bob.explainNotAllowed(file: file) == "bob has no subordinate gids in /etc/subgid: ask an admin to run `subid allocate bob`")
        #expect(bob.explainNotAllowed(file: nil).hasPrefix("bob has no subordinate gids"))
    }
}

@Suite struct RangeProvisioningTests {
    @Test func allocatesWhatIsMissingOnceAndAuditsOnlyThat() throws {
        let scratch = ScratchDirectory("provision")
        let directory = scratch.path
        let uids = "\(directory)/subuid", gids = "\(directory)/subgid"
        let seed = "anna:100000:65536\nelsa:300000:10\n"
        _ = seed.withCString { text in fopen(uids, "w").map { f in fputs(text, f); fclose(f) } }
        let store = { (kind: IDKind) in SubIDStore(kind: kind, path: kind == .uid ? uids : gids) }
        let policy = AllocationPolicy(min: 100_000, max: 600_100_000, count: 65536)
        var records: [AuditRecord] = []
        Audit.recorder = { records.append($0) }
        defer { Audit.recorder = nil }
        let elsa = OwnerIdentity(name: "elsa", uid: 1001)
        let first = try RangeProvisioning.ensure(elsa, policies: [(.uid, policy), (.gid, policy)], store: store, inUse: { _ in .none })
        #expect(first == [
            .init(kind: .uid, range: IDRange(start: 300_000, count: 10)!, allocated: false),
            .init(kind: .gid, range: IDRange(start: 100_000, count: 65536)!, allocated: true),
        ])
        Audit.rangesAllocated(first.filter { $0.allocated }.map { ($0.kind, $0.range) }, to: elsa, program: "test")
        #expect(records.map(\.operation) == ["add-subgid-range"])
        let again = try RangeProvisioning.ensure(elsa, policies: [(.uid, policy), (.gid, policy)], store: store, inUse: { _ in .none })
        #expect(again.allSatisfy { !$0.allocated })
        let bob = try RangeProvisioning.ensure(OwnerIdentity(name: "bob", uid: 1002), policies: [(.uid, policy)], store: store, inUse: { _ in .none })
        #expect(bob == [.init(kind: .uid, range: IDRange(start: 165_536, count: 65536)!, allocated: true)])
    }

    /// The refusal must be the policy's, and come before any file is touched: the store is a real,
    /// writable scratch file that stays byte for byte as it was.
    @Test func aBadPolicyTouchesNoFile() throws {
        let scratch = ScratchDirectory("badpolicy")
        scratch.write("subuid", "anna:100000:65536\n")
        let store = { (kind: IDKind) in SubIDStore(kind: kind, path: scratch.file("sub\(kind)")) }
        let bad = AllocationPolicy(min: 10, max: 5, count: 1)
        do {
            _ = try RangeProvisioning.ensure(OwnerIdentity(name: "x", uid: 5), policies: [(.uid, bad)], store: store, inUse: { _ in .none })
            Issue.record("a policy with min > max was accepted")
        } catch {
            guard case .allocation(.invalidConfiguration(.uid, bad)) = error else {
                Issue.record("refused for the wrong reason: \(error)")
                return
            }
        }
        #expect(try Files.read(scratch.file("subuid")) == Array("anna:100000:65536\n".utf8))
        #expect(!Files.exists(scratch.file("subuid.lock")))
    }
}
}
