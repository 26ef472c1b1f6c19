/// /run/lxc/nics: one line per nic lxc-user-nic created, `OWNER TYPE LINK HOSTVETH`, where OWNER
/// is the quota line's owner (a user name or `@group`).
///
/// Read as LXC does (leading blanks and `#` lines skipped, blank-separated words, a host veth name
/// shorter than IFNAMSIZ), but unlike LXC 4.0+ a pruned database is written back whole — LXC
/// truncates its buffer without writing the kept lines, which loses live entries and lets users
/// exceed their quota — and counting is per owner, type and link (LXC counts per owner only).
public struct NicDatabase: Equatable, Sendable {
    public struct Entry: Equatable, Sendable, CustomStringConvertible {
        public var owner: String
        public var type: String
        public var link: String
        public var hostInterface: String

        public init(owner: String, type: String, link: String, hostInterface: String) {
            self.owner = owner
            self.type = type
            self.link = link
            self.hostInterface = hostInterface
        }

        public var description: String { "\(owner) \(type) \(link) \(hostInterface)" }
    }

    /// IFNAMSIZ, with its NUL.
    public static let interfaceNameLimit = 16

    public private(set) var entries: [Entry] = []
    /// Lines that describe no nic (malformed, or glued together by LXC's truncation bug): they
    /// are dropped when the database is written, since a nic they might name cannot be found.
    public private(set) var malformedLines = 0

    public init(entries: [Entry] = []) { self.entries = entries }

    public init(parsing bytes: [UInt8]) {
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let words = raw.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            guard let first = words.first else { continue }
            if first.first == UInt8(ascii: "#") { continue }
            // Why: owners, types, links and interface names are printable ASCII; anything else
            // (found by fuzzing: invalid UTF-8) could not be written back as it was read.
            guard words.count == 4, words[3].count < NicDatabase.interfaceNameLimit,
                words.allSatisfy({ $0.allSatisfy { $0 > 0x20 && $0 < 0x7F } })
            else {
                malformedLines += 1
                continue
            }
            let text = words.map { String(decoding: $0, as: UTF8.self) }
            entries.append(Entry(owner: text[0], type: text[1], link: text[2], hostInterface: text[3]))
        }
    }

    /// How many nics of `type` on `link` are recorded under `owner`.
    public func count(owner: String, type: String, link: String) -> Int {
        entries.filter { $0.owner == owner && $0.type == type && $0.link == link }.count
    }

    /// Drops entries whose host interface no longer exists. Returns how many went.
    @discardableResult
    public mutating func prune(keeping exists: (String) -> Bool) -> Int {
        let before = entries.count
        entries.removeAll { !exists($0.hostInterface) }
        return before - entries.count
    }

    public mutating func append(_ entry: Entry) { entries.append(entry) }

    public mutating func remove(hostInterface: String) {
        entries.removeAll { $0.hostInterface == hostInterface }
    }

    /// Every entry, one line each: the whole file, written at once.
    public func serialized() -> [UInt8] {
        Array(entries.map { $0.description + "\n" }.joined().utf8)
    }

    public enum QuotaRefusal: Error, Equatable, Sendable, CustomStringConvertible {
        case noQuota(user: String, type: String, link: String)
        case quotaReached(user: String, type: String, link: String, limit: Int)

        public var description: String {
            switch self {
            case .noQuota(let user, let type, let link):
                "\(user) may not create \(type) nics on \(link): no line for them in /etc/lxc/lxc-usernet "
                    + "(an admin adds e.g. `\(user) \(type) \(link) 2`)"
            case .quotaReached(let user, let type, let link, let limit):
                "quota reached: \(user) already holds \(limit) \(type) nic(s) on \(link) allowed by /etc/lxc/lxc-usernet"
            }
        }
    }

    /// The quota owner the next nic of `user` is recorded under.
    public func ownerForNextNic(
        user: String, allowance: Usernet.Allowance, type: String, link: String
    ) -> Result<String, QuotaRefusal> {
        guard allowance.total > 0 else { return .failure(.noQuota(user: user, type: type, link: link)) }
        if let owner = allowance.ownerForNextNic(held: { count(owner: $0, type: type, link: link) }) {
            return .success(owner)
        }
        return .failure(.quotaReached(user: user, type: type, link: link, limit: allowance.total))
    }
}
