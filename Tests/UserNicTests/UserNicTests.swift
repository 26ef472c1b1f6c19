import Glibc
import IDModel
import LinuxSys
import TestSupport
import Testing
@testable import UserNic

@Suite struct UserNicTests {
    @Test func interfaceNames() {
        for good in ["eth0", "veth1000_aB9z", "a", "br-lan.10", String(repeating: "x", count: 15)] { #expect(NetworkInterfaceName.isValid(good), "\(good)") }
        for bad in ["", ".", "..", "a/b", "eth0:1", "a b", String(repeating: "x", count: 16), "tab\t", "é"] {
            #expect(!NetworkInterfaceName.isValid(bad), "\(bad)")
        }
    }

    struct Fixed: RandomNumberGenerator {
        var value: UInt64
        mutating func next() -> UInt64 { value &+= 0x9E37_79B9_7F4A_7C15; return value }
    }

    @Test func hostVethNamesAsLXC() {
        var g = Fixed(value: 1)
        let small = InterfaceName.hostVeth(uid: 5001, using: &g)
        #expect(small.hasPrefix("veth5001_") && small.count == 13 && NetworkInterfaceName.isValid(small))
        let large = InterfaceName.hostVeth(uid: 70000, using: &g)
        #expect(large.hasPrefix("veth") && large.count == 10 && !large.contains("_"))
        #expect(InterfaceName.hostVeth(uid: 65536, using: &g).count == 14)
        #expect(InterfaceName.hostVeth(uid: 0, using: &g).count == 10)
    }

    @Test func storeRewritesWholeUnderLock() throws {
        let scratch = ScratchDirectory("nicstore")
        let dir = scratch.path
        let store = NicStore(path: dir + "/nics")
        try store.update { tx in
            tx.database.append(.init(owner: "a", type: "veth", link: "br0", hostInterface: "gone"))
            tx.database.append(.init(owner: "a", type: "veth", link: "br0", hostInterface: "live"))
        }
        let pruned = try store.update { tx in tx.database.prune { $0 == "live" } }
        #expect(pruned == 1)
        let text = try store.update { tx in String(decoding: tx.database.serialized(), as: UTF8.self) }
        #expect(text == "a veth br0 live\n")
        var st = stat()
        lstat(dir + "/nics", &st)
        #expect(st.st_mode & 0o777 == 0o600)
    }

    /// Issue 20, finding 2: a commit inside the change is on disk before the change goes on (a
    /// nic is recorded before it exists), and a writer's leftover temporary file is removed.
    @Test func commitWritesBeforeTheChangeEndsAndStaleTemporariesGo() throws {
        let scratch = ScratchDirectory("nicstore")
        let dir = scratch.path
        let store = NicStore(path: dir + "/nics")
        let stale = dir + "/nics.cioAbC123"
        _ = stale.withCString { fopen($0, "w").map { fclose($0) } }
        let seen: String = try store.update { (tx: inout NicStore.Transaction) throws(UserNic.Failure) -> String in
            tx.database.append(.init(owner: "a", type: "veth", link: "br0", hostInterface: "veth1_abcd"))
            try tx.commit()
            let file = (try? Files.read(dir + "/nics")) ?? []
            return String(decoding: file, as: UTF8.self)
        }
        #expect(seen == "a veth br0 veth1_abcd\n")
        #expect(access(stale, F_OK) != 0)
    }
}
