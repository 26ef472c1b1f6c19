import Glibc
import Netlink
import NamespaceExec
import PamSubID
import MapHelper
import Runtime
import UserNic
import IDModel
import SubID

// libFuzzer entry point for every byte parser in the toolkit, chosen by the first input byte
// (or pinned with FUZZ_TARGET).
// Built only by `make fuzz` (with -sanitize=fuzzer,address -parse-as-library); each target checks
// a property beyond "does not crash".

public let parserCount: UInt8 = 11

/// FUZZ_TARGET=N pins every input to parser N (`make fuzz` runs each parser on its own).
let pinnedTarget: UInt8? = getenv("FUZZ_TARGET").flatMap { UInt8(String(cString: $0)) }.map { $0 % parserCount }

public func fuzzParsers(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch pinnedTarget ?? data[0] % parserCount {
    case 0:
        // /etc/subuid: unchanged files round-trip; parse -> serialise (changed) -> parse keeps entries.
        var file = SubIDFile(parsing: bytes)
        precondition(file.serialized() == bytes, "unchanged file did not round-trip")
        let entries = file.entries
        do { try file.append(SubIDEntry(owner: "fuzz", range: IDRange(start: 1, count: 1)!)) } catch {
            preconditionFailure("a plain owner name was refused: \(error)")
        }
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
    case 7:
        // LXC config (userbox): what parses is within bounds: maps inside the 32-bit id space,
        // one nic per index in order, hostnames the kernel takes, capability names known.
        if let config = try? ConfigParser.parse(String(decoding: bytes, as: UTF8.self)) {
            for m in config.idmaps {
                precondition(UInt64(m.inside) + UInt64(m.count) <= 1 << 32 && UInt64(m.outside) + UInt64(m.count) <= 1 << 32)
            }
            let indices = config.networks.map(\.index)
            precondition(indices == indices.sorted() && Set(indices).count == indices.count)
            precondition((config.hostname?.utf8.count ?? 0) <= 64)
            switch config.capabilities {
            case .drop(let names), .keep(let names): precondition(names.allSatisfy { Capabilities.number(of: $0) != nil })
            case .none: break
            }
            precondition(!config.initCommand.isEmpty)
        }
    case 8:
        // Seccomp policy: whatever parses compiles (or is refused) without trapping, into whole
        // BPF instructions; comparisons name arguments 0-5.
        if let policy = try? SeccompPolicy.parse(String(decoding: bytes, as: UTF8.self)) {
            for rule in policy.rules { precondition(rule.comparisons.allSatisfy { $0.argument < 6 }) }
            if policy.rules.count < 64, let bpf = try? SeccompPolicy.compile(policy) { precondition(bpf.count % 8 == 0) }
        }
    case 9:
        // userbox's fast path: a command it takes has a name that is not an option and a command to run.
        let words = String(decoding: bytes, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        switch QuickCommand.parse(words) {
        case .attach(let name, _, _, _, let command): precondition(!name.hasPrefix("-") && !command.isEmpty)
        case .start(let name, _), .stop(let name, _, _, _), .monitor(let name, _): precondition(!name.hasPrefix("-"))
        case nil: break
        }
    case 10:
        // pam_subid's arguments: a count it accepts is never 0; everything else is reported.
        let words = String(decoding: bytes, as: UTF8.self).split(separator: " ").map(String.init)
        let options = SessionOptions(parsing: words)
        precondition(options.count != 0)
        precondition(options.ignored.count <= words.count)
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
