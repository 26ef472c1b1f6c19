import Glibc
import SubID
import Testing
@testable import UserNic

@Suite struct UserNicTests {
    @Test func interfaceNames() {
        for good in ["eth0", "veth1000_aB9z", "a", "br-lan.10", String(repeating: "x", count: 15)] { #expect(InterfaceName.isValid(good), "\(good)") }
        for bad in ["", ".", "..", "a/b", "eth0:1", "a b", String(repeating: "x", count: 16), "tab\t", "é"] {
            #expect(!InterfaceName.isValid(bad), "\(bad)")
        }
    }

    struct Fixed: RandomNumberGenerator {
        var value: UInt64
        mutating func next() -> UInt64 { value &+= 0x9E37_79B9_7F4A_7C15; return value }
    }

    @Test func hostVethNamesAsLXC() {
        var g = Fixed(value: 1)
        let small = InterfaceName.hostVeth(uid: 5001, using: &g)
        #expect(small.hasPrefix("veth5001_") && small.count == 13 && InterfaceName.isValid(small))
        let large = InterfaceName.hostVeth(uid: 70000, using: &g)
        #expect(large.hasPrefix("veth") && large.count == 10 && !large.contains("_"))
        #expect(InterfaceName.hostVeth(uid: 65536, using: &g).count == 14)
        #expect(InterfaceName.hostVeth(uid: 0, using: &g).count == 10)
    }

    @Test func storeRewritesWholeUnderLock() throws {
        var template = Array("/tmp/nicstore-XXXXXX".utf8CString)
        let dir = String(cString: mkdtemp(&template)!)
        let store = NicStore(path: dir + "/nics")
        try store.update { db in
            db.append(.init(owner: "a", type: "veth", link: "br0", hostInterface: "gone"))
            db.append(.init(owner: "a", type: "veth", link: "br0", hostInterface: "live"))
        }
        let pruned = try store.update { db in db.prune { $0 == "live" } }
        #expect(pruned == 1)
        let text = try store.update { db in String(decoding: db.serialized(), as: UTF8.self) }
        #expect(text == "a veth br0 live\n")
        var st = stat()
        lstat(dir + "/nics", &st)
        #expect(st.st_mode & 0o777 == 0o600)
    }
}
