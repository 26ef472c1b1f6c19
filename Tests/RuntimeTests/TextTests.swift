@testable import Runtime
import Testing
import SystemPackage
import UserNic

@Suite struct TextTests {
    @Test func includesFindsTheBytesAnywhere() {
        #expect("denylist debug".includes("debug"))
        #expect("lxc-user-nic: User anna may not modify netns for pid 4: EACCES".includes("may not modify netns"))
        #expect("aaab".includes("aab"))
        #expect("x".includes(""))
        #expect(!"deb".includes("debug"))
        #expect(!"".includes("x"))
        #expect(!"allow list".includes("allowlist"))
    }

    @Test func trimmingBlanksKeepsInnerBlanks() {
        #expect(" \t allow list \t".trimmingBlanks == "allow list")
    }
}

/// The monitor retries lxc-user-nic on one exit status; the helper must use that same status.
@Suite struct HelperContractTests {
    @Test func userNicRetryStatusIsTheHelpers() {
        #expect(Helpers.userNicRetryStatus == UserNic.retryExitStatus)
        #expect(UserNic.Failure.netnsNotPermitted(user: "u", pid: 1, Errno(rawValue: 13)).exitStatus == UserNic.retryExitStatus)
        #expect(UserNic.Failure.notPrivilegedOverNetns.exitStatus == 1)
    }
}
