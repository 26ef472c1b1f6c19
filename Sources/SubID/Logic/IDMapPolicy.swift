/// Whether a caller may install a map: every extent must lie in the caller's subordinate ranges,
/// or be the caller's own id with count 1 (shadow's verify_range), and, beyond shadow, extents
/// must not overlap each other and must fit the kernel's limits (shadow leaves both to the kernel,
/// whose EINVAL says nothing useful).
public struct IDMapPolicy: Sendable {
    public let kind: IDKind
    /// Who the caller is, as the password database says (name and uid).
    public let caller: OwnerIdentity
    /// The id a caller may map to itself: its uid for uid maps, its *real gid* for gid maps.
    public let ownID: UInt32

    public init(kind: IDKind, caller: OwnerIdentity, ownID: UInt32) {
        self.kind = kind
        self.caller = caller
        self.ownID = ownID
    }

    public enum Denial: Error, Equatable, Sendable {
        /// shadow: `uid range [a-b) -> [c-d) not allowed`.
        case notAllowed(IDMapExtent)
        case overlapping(IDMapExtent, IDMapExtent)
        case tooManyExtents(Int)
        case mapTooLong(Int)
    }

    public struct Verdict: Equatable, Sendable {
        /// newgidmap: some extent was authorised by /etc/subgid, so setgroups may stay allowed
        /// (otherwise "deny" is written first; CVE-2018-7169).
        public var authorisedBySubordinateFile: Bool
    }

    /// - Parameter aliasOwns: whether an entry's owner names another account with the caller's
    ///   uid (shadow 4.13 accepts those); asked only for entries that contain the ids in question.
    public func verify(
        _ extents: [IDMapExtent], against file: SubIDFile?, aliasOwns: (String) -> Bool = { _ in false }
    ) -> Result<Verdict, Denial> {
        var bySubordinateFile = false
        for extent in extents {
            guard extent.count > 0, let wanted = extent.outsideRange else { return .failure(.notAllowed(extent)) }
            if let file, file.covers(wanted, for: caller, aliasOwns: aliasOwns) {
                bySubordinateFile = true
                continue
            }
            if extent.count == 1 && extent.outside == ownID { continue }
            return .failure(.notAllowed(extent))
        }
        return checkShape(extents).map { Verdict(authorisedBySubordinateFile: bySubordinateFile) }
    }

    /// Overlaps (inside or outside) and the kernel's size limits.
    public func checkShape(_ extents: [IDMapExtent]) -> Result<Void, Denial> {
        for (i, a) in extents.enumerated() {
            for b in extents[(i + 1)...] {
                if let ai = a.insideRange, let bi = b.insideRange, ai.overlaps(bi) { return .failure(.overlapping(a, b)) }
                if let ao = a.outsideRange, let bo = b.outsideRange, ao.overlaps(bo) { return .failure(.overlapping(a, b)) }
            }
        }
        if extents.count > IDMapArguments.maximumExtents { return .failure(.tooManyExtents(extents.count)) }
        let length = IDMapPolicy.render(extents).utf8.count
        if length >= 4096 { return .failure(.mapTooLong(length)) }
        return .success(())
    }

    /// The text written, in one write, to uid_map or gid_map.
    public static func render(_ extents: [IDMapExtent]) -> String {
        extents.map(\.mapLine).joined()
    }
}
