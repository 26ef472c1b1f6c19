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
        /// A `subid:` module failed while an extent was being checked (fail closed).
        case sourceFailed(SubIDSourceError)

        public var description: String {
            switch self {
            case .notAllowed(let extent): "range \(extent) not allowed"
            case .overlapping(let a, let b): "ranges \(a) and \(b) overlap"
            case .tooManyExtents(let n): "too many ranges: \(n) (the kernel takes at most \(IDMapExtent.kernelMaximum))"
            case .mapTooLong(let n): "map is \(n) bytes (the kernel takes less than 4096)"
            case .sourceFailed(let error): error.description
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
    /// - Parameters:
    ///   - sources: nsswitch's `subid:` sources in order; an extent is authorised by the first
    ///     that grants all of it (`files` is `file`; a module is asked through `module`).
    ///   - module: a module's answer for a range: true, false, nil (owner unknown to it), or its
    ///     failure, which refuses the map (fail closed) unless the extent is the caller's own id.
    public func verify(
        _ extents: [IDMapExtent], against file: SubIDFile?, aliasOwns: (String) -> Bool = { _ in false },
        sources: [SubIDSource] = [.files], module: (String, IDRange) -> Result<Bool?, SubIDSourceError> = { _, _ in .success(nil) }
    ) -> Result<Verdict, Denial> {
        // Why first: the checks below cost extents x file lines and the overlap check extents
        // squared; 20,001 triples took 0.6 s before the kernel's limit was applied (issue 20, 5).
        if extents.count > IDMapExtent.kernelMaximum { return .failure(.tooManyExtents(extents.count)) }
        var bySubordinateFile = false
        for extent in extents {
            guard extent.count > 0, let wanted = extent.outsideRange else { return .failure(.notAllowed(extent)) }
            let isOwnID = extent.count == 1 && extent.outside == ownID
            var granted = false
            for source in sources where !granted {
                switch source {
                case .files:
                    if let file, file.covers(wanted, for: caller, aliasOwns: aliasOwns) { granted = true }
                case .module(let name):
                    switch module(name, wanted) {
                    case .success(let answer): granted = answer == true
                    case .failure(let error): if !isOwnID { return .failure(.sourceFailed(error)) }
                    }
                }
            }
            if granted {
                bySubordinateFile = true
                continue
            }
            if isOwnID { continue }
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
