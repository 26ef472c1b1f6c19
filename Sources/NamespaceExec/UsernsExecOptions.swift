public import IDModel
public import SubID

/// One `-m` argument: `u|g|b:NSID:HOSTID:RANGE`.
public struct MapSpec: Equatable, Sendable {
    public enum Kind: Character, Sendable { case uid = "u", gid = "g", both = "b" }
    public var kind: Kind
    public var extent: IDMapExtent

    public init(kind: Kind, inside: UInt32, outside: UInt32, count: UInt32) {
        self.kind = kind
        self.extent = IDMapExtent(inside: inside, outside: outside, count: count)
    }

    /// Stricter than lxc-usernsexec's `sscanf("%c:%ld:%ld:%ld")`, which takes signs, trailing
    /// junk and ranges past 32 bits: decimal numbers only, a range of at least 1, nothing past 2^32.
    public static func parse(_ text: String) -> MapSpec? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].count == 1, let kind = parts[0].first.flatMap(Kind.init(rawValue:)) else {
            return nil
        }
        func number(_ s: Substring) -> UInt64? {
            guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), s.count <= 10 else { return nil }
            return UInt64(s)
        }
        guard let inside = number(parts[1]), let outside = number(parts[2]), let count = number(parts[3]), count >= 1,
            inside + count <= UInt64(UInt32.max), outside + count <= UInt64(UInt32.max)
        else { return nil }
        return MapSpec(kind: kind, inside: UInt32(inside), outside: UInt32(outside), count: UInt32(count))
    }
}

/// `usernsexec [-m MAP]... [-s] [--] [COMMAND [ARG]...]`, `-h`.
public struct UsernsExecOptions: Equatable, Sendable {
    public var maps: [MapSpec] = []
    public var mapSelf = false
    public var command: [String] = []
    /// Instead of a command: shift or remove a tree, inside the new namespace (or, with --here,
    /// in the current one).
    public var treeOperation: TreeOperation?
    public var here = false

    public enum TreeOperation: Equatable, Sendable {
        /// Ids as seen where the operation runs: `kind:FROM:TO:COUNT`.
        case shift(directory: String, specs: [MapSpec])
        case remove(directory: String)
    }

    public enum Parsed: Equatable, Sendable {
        case help
        case run(UsernsExecOptions)
        case usageError(String)
    }

    public static let usage = """
        usage: usernsexec [-h] [-m <uid-maps>] [-s] -- [command [arg ..]]

          -h              this message
          -m <uid-maps>   u|g|b:NSID:HOSTID:RANGE, repeatable: map RANGE ids from NSID inside to HOSTID
                          outside (u: uids, g: gids, b: both). Without -m, your first /etc/subuid and
                          /etc/subgid ranges are mapped to 0 (entries owned by your name or your uid).
          -s              also map your own uid and gid, after the other maps
          command         what to run as root of the new namespace (default /bin/sh)

        usage: usernsexec [-m <uid-maps>]... [-s] [--here] --shift DIR u|g|b:FROM:TO:COUNT...
               usernsexec [-m <uid-maps>]... [-s] [--here] --remove DIR

          --shift DIR     change the owners of every file under DIR: ids FROM..FROM+COUNT-1 (as seen
                          in the namespace) become TO..; ACLs, file capabilities and setuid bits
                          follow; symlinks and other filesystems are not followed; rerun to finish
                          an interrupted shift
          --remove DIR    remove DIR and everything under it, never leaving it
          --here          do it in the current namespace (root on the host, or already inside one)

        """

    /// Options end at `--` or at the first word that is not an option (unlike getopt's
    /// permutation, so `usernsexec id -u` runs `id -u`). `-mMAP` and `-m MAP` both work.
    public static func parse(_ arguments: [String]) -> Parsed {
        var options = UsernsExecOptions()
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" { index += 1; break }
            if word == "--here" { options.here = true; index += 1; continue }
            if word == "--shift" || word == "--remove" {
                guard index + 1 < arguments.count else { return .usageError("\(word) needs a directory") }
                let directory = arguments[index + 1]
                if word == "--remove" {
                    guard index + 2 == arguments.count else { return .usageError("--remove takes one directory") }
                    options.treeOperation = .remove(directory: directory)
                    return .run(options)
                }
                var specs: [MapSpec] = []
                for text in arguments[(index + 2)...] {
                    guard let spec = MapSpec.parse(text) else {
                        return .usageError("bad shift '\(text)': expected u|g|b:FROM:TO:COUNT")
                    }
                    specs.append(spec)
                }
                guard !specs.isEmpty else { return .usageError("--shift needs at least one u|g|b:FROM:TO:COUNT") }
                options.treeOperation = .shift(directory: directory, specs: specs)
                return .run(options)
            }
            guard word.hasPrefix("-"), word.count > 1 else { break }
            var flags = Substring(word.dropFirst())
            while let flag = flags.first {
                flags = flags.dropFirst()
                switch flag {
                case "h": return .help
                case "s": options.mapSelf = true
                case "m":
                    var value = String(flags)
                    flags = ""
                    if value.isEmpty {
                        index += 1
                        guard index < arguments.count else { return .usageError("option -m needs a map") }
                        value = arguments[index]
                    }
                    guard let spec = MapSpec.parse(value) else {
                        return .usageError("bad map '\(value)': expected u|g|b:NSID:HOSTID:RANGE")
                    }
                    options.maps.append(spec)
                default: return .usageError("invalid option -- '\(flag)'")
                }
            }
            index += 1
        }
        options.command = Array(arguments[index...])
        return .run(options)
    }

    /// The uid and gid extents, each in command-line order (`b` gives one of each).
    public var uidExtents: [IDMapExtent] { maps.filter { $0.kind != .gid }.map { $0.extent } }
    public var gidExtents: [IDMapExtent] { maps.filter { $0.kind != .uid }.map { $0.extent } }

    /// `-s`, as lxc-usernsexec: one pass over the maps in order, moving a candidate id past each
    /// map whose inside range holds it, then the caller's gid and uid at the candidates.
    public mutating func appendSelfMaps(uid: UInt32, gid: UInt32) {
        var nsuid: UInt64 = 0, nsgid: UInt64 = 0
        for spec in maps {
            let start = UInt64(spec.extent.inside), end = start + UInt64(spec.extent.count)
            if spec.kind != .gid && nsuid >= start && nsuid < end { nsuid += UInt64(spec.extent.count) }
            if spec.kind != .uid && nsgid >= start && nsgid < end { nsgid += UInt64(spec.extent.count) }
        }
        maps.append(MapSpec(kind: .gid, inside: UInt32(truncatingIfNeeded: nsgid), outside: gid, count: 1))
        maps.append(MapSpec(kind: .uid, inside: UInt32(truncatingIfNeeded: nsuid), outside: uid, count: 1))
    }

    /// Without -m: the user's first non-empty range in each file, mapped to 0.
    public static func defaultMaps(uidFile: SubIDFile?, gidFile: SubIDFile?, user: OwnerIdentity) -> [MapSpec]? {
        guard let u = uidFile?.ranges(of: user).first(where: { !$0.isEmpty }),
            let g = gidFile?.ranges(of: user).first(where: { !$0.isEmpty })
        else { return nil }
        return [MapSpec(kind: .uid, inside: 0, outside: u.start, count: u.count),
                MapSpec(kind: .gid, inside: 0, outside: g.start, count: g.count)]
    }
}
