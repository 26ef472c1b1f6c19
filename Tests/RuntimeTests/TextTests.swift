@testable import Runtime
import Testing

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
