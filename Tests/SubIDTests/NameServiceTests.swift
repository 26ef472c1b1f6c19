import Testing
import IDModel
@testable import SubID

/// nsswitch.conf's `subid:` line as shadow reads it, with every word a source (issue 21).
@Suite struct NameServiceTests {
    @Test func noLineOrEmptyMeansFiles() {
        #expect(NameServiceSwitch.parse("passwd: files\ngroup: files\n") == .success([.files]))
        #expect(NameServiceSwitch.parse("subid:\n") == .success([.files]))
        #expect(NameServiceSwitch.parse("subid:   # nothing\n") == .success([.files]))
    }

    @Test func firstLineCaseInsensitiveEveryWordInOrder() {
        #expect(NameServiceSwitch.parse("# subid: sss\nSubID: files sss\nsubid: other\n") == .success([.files, .module("sss")]))
        #expect(NameServiceSwitch.parse("  subid:\tsss files # comment\n") == .success([.module("sss"), .files]))
    }

    @Test func hostileNamesAndActionsAreRefused() {
        #expect(NameServiceSwitch.parse("subid: ../x\n") == .failure(.badModuleName("../x")))
        #expect(NameServiceSwitch.parse("subid: /tmp/x\n") == .failure(.badModuleName("/tmp/x")))
        #expect(NameServiceSwitch.parse("subid: a.b\n") == .failure(.badModuleName("a.b")))
        let long = String(repeating: "a", count: 51)
        #expect(NameServiceSwitch.parse("subid: \(long)\n") == .failure(.badModuleName(long)))
        #expect(NameServiceSwitch.parse("subid: \(String(repeating: "a", count: 50))\n") == .success([.module(String(repeating: "a", count: 50))]))
        #expect(NameServiceSwitch.parse("subid: sss [NOTFOUND=return] files\n") == .failure(.unsupportedWord("[NOTFOUND=return]")))
    }

    @Test func policyAsksSourcesInOrderAndFailsClosed() {
        let policy = IDMapPolicy(kind: .uid, caller: OwnerIdentity(name: "carol", uid: 1001), ownID: 1001)
        let file = SubIDFile(parsing: "carol:700000:65536\n")
        let extent = IDMapExtent(inside: 0, outside: 700000, count: 10)
        let failing: (String, IDRange) -> Result<Bool?, SubIDSourceError> = { name, _ in .failure(.moduleFailed(name: name, status: 2)) }
        // files first grants it before the failing module is asked; the other order refuses.
        #expect((try? policy.verify([extent], against: file, sources: [.files, .module("sss")], module: failing).get()) != nil)
        #expect(policy.verify([extent], against: file, sources: [.module("sss"), .files], module: failing)
            == .failure(.sourceFailed(.moduleFailed(name: "sss", status: 2))))
        // The caller's own id needs no source, even a failing one.
        let own = IDMapExtent(inside: 0, outside: 1001, count: 1)
        #expect((try? policy.verify([own], against: nil, sources: [.module("sss")], module: failing).get()) == IDMapPolicy.Verdict(authorisedBySubordinateFile: false))
        // A module's yes authorises (and counts for newgidmap's setgroups).
        let yes: (String, IDRange) -> Result<Bool?, SubIDSourceError> = { _, _ in .success(true) }
        #expect((try? policy.verify([IDMapExtent(inside: 0, outside: 300000, count: 10)], against: nil, sources: [.module("sss")], module: yes).get())
            == IDMapPolicy.Verdict(authorisedBySubordinateFile: true))
    }
}
