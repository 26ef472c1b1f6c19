public import IDModel
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

    public enum Denial: Error, Equatable, Sendable, CustomStringConvertible {
        /// shadow: `uid range [a-b) -> [c-d) not allowed`.
        case notAllowed(IDMapExtent)
        case overlapping(IDMapExtent, IDMapExtent)
        case tooManyExtents(Int)
        case mapTooLong(Int)

        public var description: String {
            switch self {
            case .notAllowed(let extent): "range \(extent) not allowed"
            case .overlapping(let a, let b): "ranges \(a) and \(b) overlap"
            case .tooManyExtents(let n): "too many ranges: \(n) (the kernel takes at most \(IDMapExtent.kernelMaximum))"
            case .mapTooLong(let n): "map is \(n) bytes (the kernel takes less than 4096)"
            }
        }
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
        // Why first: the checks below cost extents x file lines and the overlap check extents
        // squared; 20,001 triples took 0.6 s before the kernel's limit was applied (issue 20, 5).
        if extents.count > IDMapExtent.kernelMaximum { return .failure(.tooManyExtents(extents.count)) }
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

    /// What the caller does own, for a refusal a person can act on: the ranges of theirs in the
    /// file, or that they have none and who can fix it.
    public func explainNotAllowed(file: SubIDFile?) -> String {
        let owned = (file?.ranges(of: caller) ?? []).compactMap { r in r.last.map { "\(r.start)-\($0)" } }
        if owned.isEmpty {
            return "\(caller.name) has no subordinate \(kind)s in \(kind.defaultPath): ask an admin to run `subid allocate \(caller.name)`"
        }
        return "\(caller.name) owns \(owned.joined(separator: ", ")) in \(kind.defaultPath)"
    }

    /// Overlaps (inside or outside) and the kernel's size limits.
    public func checkShape(_ extents: [IDMapExtent]) -> Result<Void, Denial> {
        if extents.count > IDMapExtent.kernelMaximum { return .failure(.tooManyExtents(extents.count)) }
        for (i, a) in extents.enumerated() {
            for b in extents[(i + 1)...] {
                if let ai = a.insideRange, let bi = b.insideRange, ai.overlaps(bi) { return .failure(.overlapping(a, b)) }
                if let ao = a.outsideRange, let bo = b.outsideRange, ao.overlaps(bo) { return .failure(.overlapping(a, b)) }
            }
        }
        let length = IDMapExtent.mapBytes(extents).count
        if length >= 4096 { return .failure(.mapTooLong(length)) }
        return .success(())
    }
}
