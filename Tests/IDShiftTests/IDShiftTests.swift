import Glibc
import TestSupport
import Testing
@testable import IDShift
import IDModel

@Suite struct IDShiftTests {
    let t = IDTranslation(uids: [IDMapExtent(inside: 0, outside: 100000, count: 65536)],
                          gids: [IDMapExtent(inside: 0, outside: 200000, count: 65536)])

    @Test func translation() throws {
        #expect(t.uid(0) == 100000)
        #expect(t.uid(65535) == 165535)
        #expect(t.uid(65536) == 65536)
        #expect(t.gid(5) == 200005)
        #expect(t.inverse.uid(100005) == 5)
        try t.validate()
        let meeting = IDTranslation(uids: [IDMapExtent(inside: 0, outside: 10, count: 20)], gids: [])
        #expect(throws: IDTranslation.Problem.sourceMeetsTarget(IDMapExtent(inside: 0, outside: 10, count: 20))) {
            try meeting.validate()
        }
    }

    @Test func aclEntries() {
        // version 2; USER_OBJ; USER 5; GROUP_OBJ; GROUP 7; MASK; OTHER
        var acl: [UInt8] = [2, 0, 0, 0]
        func entry(_ tag: UInt16, _ perm: UInt16, _ id: UInt32) {
            acl += [UInt8(tag & 0xFF), UInt8(tag >> 8), UInt8(perm & 0xFF), UInt8(perm >> 8)]
            acl += [UInt8(id & 0xFF), UInt8(id >> 8 & 0xFF), UInt8(id >> 16 & 0xFF), UInt8(id >> 24)]
        }
        entry(1, 7, UInt32.max); entry(2, 6, 5); entry(4, 5, UInt32.max); entry(8, 4, 7); entry(0x10, 7, UInt32.max); entry(0x20, 0, UInt32.max)
        let out = SecurityXattrs.translateACL(acl, t)!
        #expect(SecurityXattrs.readLE32(out, 4 + 8 + 4) == 100005)
        #expect(SecurityXattrs.readLE32(out, 4 + 24 + 4) == 200007)
        #expect(SecurityXattrs.readLE32(out, 4 + 4) == UInt32.max)
        #expect(SecurityXattrs.translateACL(SecurityXattrs.translateACL(out, t.inverse)!, t) == out)
        #expect(SecurityXattrs.translateACL([1, 0, 0, 0], t) == nil)
        #expect(SecurityXattrs.translateACL([2, 0, 0, 0, 1], t) == nil)
    }

    @Test func capabilityRootID() {
        let v2: [UInt8] = [0x01, 0, 0, 0x02] + [0, 0x04, 0, 0] + [0, 0, 0, 0] + [0, 0, 0, 0] + [0, 0, 0, 0]
        let v3 = SecurityXattrs.translateCapability(v2, t)!
        #expect(v3.count == 24)
        #expect(SecurityXattrs.readLE32(v3, 0) == 0x0300_0001)
        #expect(SecurityXattrs.readLE32(v3, 20) == 100000)
        #expect(Array(v3[4..<20]) == Array(v2[4..<20]))
        let back = SecurityXattrs.translateCapability(v3, t.inverse)!
        #expect(SecurityXattrs.readLE32(back, 20) == 0)
        let untouched = IDTranslation(uids: [IDMapExtent(inside: 5, outside: 500, count: 1)], gids: [])
        #expect(SecurityXattrs.translateCapability(v2, untouched) == v2)
        #expect(SecurityXattrs.translateCapability([0, 0, 0, 0x02], t) == nil)
    }

    @Test func removalStaysInsideTheTree() throws {
        let scratch = ScratchDirectory("idshift")
        let base = scratch.path
        let outside = base + "/outside", tree = base + "/tree"
        mkdir(outside, 0o755); mkdir(tree, 0o755)
        close(open(outside + "/precious", O_CREAT | O_WRONLY, 0o644))
        mkdir(tree + "/a", 0o755); mkdir(tree + "/a/b", 0o755)
        close(open(tree + "/a/b/file", O_CREAT | O_WRONLY, 0o644))
        symlink(outside, tree + "/a/link-to-outside")
        symlink(outside + "/precious", tree + "/a/b/link-to-file")
        mkdir(tree + "/locked", 0o755); close(open(tree + "/locked/x", O_CREAT | O_WRONLY, 0o644)); chmod(tree + "/locked", 0)
        try TreeRemoval.remove(tree)
        #expect(access(tree, F_OK) != 0)
        #expect(access(outside + "/precious", F_OK) == 0)
        #expect(throws: (any Error).self) { try TreeRemoval.remove(outside + "/precious") }
        symlink(outside, base + "/dirlink")
        #expect(throws: (any Error).self) { try TreeRemoval.remove(base + "/dirlink") }
        #expect(access(outside + "/precious", F_OK) == 0)
    }
}
