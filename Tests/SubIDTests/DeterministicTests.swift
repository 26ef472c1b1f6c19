import Testing
import IDModel
@testable import SubID

/// shadow 4.20's SUB_UID_DETERMINISTIC, against login.defs(5)'s formula and examples (the
/// expected numbers are the manual's, not computed here).
@Suite struct DeterministicTests {
    func defs(_ text: String) -> LoginDefs { LoginDefs(parsing: text) }

    @Test func theManualsTable() throws {
        let policy = defs("SUB_UID_DETERMINISTIC yes\n").allocationPolicy(for: .uid)
        #expect(policy.placement == .deterministic(uidMin: 1000, wrap: false))
        for (uid, first, last) in [(UInt32(1000), UInt64(100000), UInt64(165535)), (1001, 165536, 231071), (1002, 231072, 296607), (1100, 6653600, 6719135)] {
            #expect(try Allocator.deterministic(uid: uid, policy: policy, kind: .uid) == IDRange(first: first, last: last))
        }
    }

    @Test func gidsUseTheUidAndUidMin() throws {
        let policy = defs("SUB_GID_DETERMINISTIC yes\nUID_MIN 2000\nGID_MIN 5\nSUB_GID_MIN 1000000\nSUB_GID_COUNT 1000\n").allocationPolicy(for: .gid)
        #expect(try Allocator.deterministic(uid: 2003, policy: policy, kind: .gid) == IDRange(start: 1003000, count: 1000))
        #expect(defs("SUB_GID_DETERMINISTIC yes\n").allocationPolicy(for: .uid).placement == .firstFit)
    }

    @Test func theLastSlotThatFitsAndTheNext() throws {
        let policy = defs("SUB_UID_DETERMINISTIC yes\nSUB_UID_COUNT 4096\nSUB_UID_MIN 100000\nSUB_UID_MAX 10000000\n").allocationPolicy(for: .uid)
        #expect(try Allocator.deterministic(uid: 3415, policy: policy, kind: .uid) == IDRange(start: 9991840, count: 4096))
        #expect(throws: AllocationError.beyondMax(.uid, uid: 3416, policy)) { try Allocator.deterministic(uid: 3416, policy: policy, kind: .uid) }
    }

    @Test func wrapTakesTheSlotModuloTheSlots() throws {
        let text = "SUB_UID_DETERMINISTIC yes\nUNSAFE_SUB_UID_DETERMINISTIC_WRAP yes\nSUB_UID_MIN 100000\nSUB_UID_MAX 200000\nSUB_UID_COUNT 65536\n"
        let policy = defs(text).allocationPolicy(for: .uid)
        #expect(try Allocator.deterministic(uid: 1001, policy: policy, kind: .uid) == IDRange(start: 100000, count: 65536))
    }

    @Test func belowUIDMinAndTheInvalidID() throws {
        let policy = defs("SUB_UID_DETERMINISTIC yes\n").allocationPolicy(for: .uid)
        #expect(throws: AllocationError.belowUIDMin(.uid, uid: 999, uidMin: 1000)) { try Allocator.deterministic(uid: 999, policy: policy, kind: .uid) }
        // A space reaching 4294967295 stops before it: (uid_t)-1 is never handed out.
        let top = defs("SUB_UID_DETERMINISTIC yes\nSUB_UID_MIN 4294967286\nSUB_UID_MAX 4294967295\nSUB_UID_COUNT 5\n").allocationPolicy(for: .uid)
        #expect(try Allocator.deterministic(uid: 1000, policy: top, kind: .uid) == IDRange(start: 4294967286, count: 5))
        #expect(throws: AllocationError.self) { try Allocator.deterministic(uid: 1001, policy: top, kind: .uid) }
    }

    @Test func storeByUIDWritesTheUid() throws {
        #expect(defs("SUB_UID_STORE_BY_UID yes\n").allocationPolicy(for: .uid).storeByUID)
        #expect(!defs("SUB_UID_STORE_BY_UID yes\n").allocationPolicy(for: .gid).storeByUID)
    }
}
