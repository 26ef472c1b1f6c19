import Netlink
import NamespaceExec
import SubID

// libFuzzer entry point for every byte parser in the toolkit, chosen by the first input byte.
// Built only by `make fuzz` (with -sanitize=fuzzer,address -parse-as-library); each target checks
// a property beyond "does not crash".

public func fuzzParsers(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 7 {
    case 0:
        // /etc/subuid: unchanged files round-trip; parse -> serialise (changed) -> parse keeps entries.
        var file = SubIDFile(parsing: bytes)
        precondition(file.serialized() == bytes, "unchanged file did not round-trip")
        let entries = file.entries
        file.append(SubIDEntry(owner: "fuzz", range: IDRange(start: 1, count: 1)!))
        let again = SubIDFile(parsing: file.serialized())
        precondition(again.entries == entries + [SubIDEntry(owner: "fuzz", range: IDRange(start: 1, count: 1)!)],
                     "entries changed across a rewrite")
        for entry in entries { precondition(entry.range.end <= IDRange.idSpaceEnd) }
    case 1:
        // login.defs: a policy that validates never allocates outside [min, max].
        let defs = LoginDefs(parsing: bytes)
        let policy = defs.allocationPolicy(for: .uid)
        if let range = try? Allocator.firstFit(among: [], policy: policy, kind: .uid) {
            precondition(range.start >= policy.min && range.end <= UInt64(policy.max) + 1)
        }
    case 2:
        // lxc-usernet: quotas are never negative.
        let net = Usernet(parsing: bytes)
        for rule in net.rules {
            let a = net.allowance(user: rule.owner, groups: [], type: rule.type, link: rule.link)
            precondition(a.quotas.allSatisfy { $0.limit >= 0 })
        }
    case 3:
        // /run/lxc/nics: what is written back parses to the same entries.
        let db = NicDatabase(parsing: bytes)
        precondition(NicDatabase(parsing: db.serialized()).entries == db.entries)
    case 4:
        // newuidmap triples: a parsed extent never passes 32 bits; a verified map stays in the allocation.
        let words = String(decoding: bytes, as: UTF8.self).split(separator: " ").map(String.init)
        if case .success(let extents) = IDMapArguments.parse(words[...]) {
            for e in extents { precondition(UInt64(e.outside) + UInt64(e.count) <= UInt64(UInt32.max)) }
            let file = SubIDFile(parsing: "u:100000:65536\n")
            let policy = IDMapPolicy(kind: .uid, caller: OwnerIdentity(name: "u", uid: 1000), ownID: 1000)
            if case .success = policy.verify(extents, against: file) {
                for e in extents where !(e.count == 1 && e.outside == 1000) {
                    precondition(e.outside >= 100000 && UInt64(e.outside) + UInt64(e.count) <= 165536)
                }
            }
        }
    case 5:
        // usernsexec -m specs and options.
        let words = String(decoding: bytes, as: UTF8.self).split(separator: " ").map(String.init)
        if case .run(let options) = UsernsExecOptions.parse(words) {
            for spec in options.maps { precondition(spec.extent.count >= 1) }
        }
    default:
        // Netlink replies: decoding never traps; attributes stay inside their message.
        if let messages = try? NetlinkReader.messages(bytes) {
            for m in messages {
                _ = try? NetlinkReader.acknowledgement(m)
                _ = try? NetlinkReader.link(m)
                for (_, value) in NetlinkReader.attributes(m.payload) { precondition(value.endIndex <= m.payload.endIndex) }
            }
        }
    }
    return 0
}
