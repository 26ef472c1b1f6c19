public import IDModel
/// usermod's -v/-V (-w/-W) on the file model.
extension SubIDFile {
    /// Whether `range` is wholly authorised for `identity`, following chains of adjacent or
    /// overlapping entries as shadow's have_range does (`foo:100:10` + `foo:110:10` cover 100-119).
    public func covers(
        _ range: IDRange, for identity: OwnerIdentity, aliasOwns: (String) -> Bool = { _ in false }
    ) -> Bool {
        guard !range.isEmpty else { return false }
        var owned: [IDRange] = []
        for line in lines {
            guard let entry = line.entry, !entry.range.isEmpty, entry.range.overlaps(range) else { continue }
            if identity.owns(entry.owner) || aliasOwns(entry.owner) { owned.append(entry.range) }
        }
        var next = UInt64(range.start)
        while next < range.end {
            guard let holder = owned.first(where: { UInt64($0.start) <= next && next < $0.end }) else { return false }
            next = holder.end
        }
        return true
    }

    /// Adds `range` for the user unless their entries already cover it (usermod -v): appended at
    /// the end, never merged, never sorted. Returns whether the file changed.
    ///
    /// Unlike usermod, a range that overlaps another owner's entry is refused: two users who can
    /// map the same ids can act as each other on shared files.
    @discardableResult
    public mutating func grant(_ range: IDRange, to identity: OwnerIdentity) throws(RangeEditError) -> Bool {
        guard !range.isEmpty, !covers(range, for: identity) else { return false }
        for (index, line) in lines.enumerated() {
            guard let entry = line.entry, !identity.owns(entry.owner), entry.range.overlaps(range) else { continue }
            throw .overlapsOtherOwner(range, entry, line: index + 1)
        }
        do { try append(SubIDEntry(owner: identity.name, range: range)) } catch { throw .invalidOwner(error) }
        return true
    }

    /// Removes `range` from every entry of the user (usermod -V): entries inside it go, entries
    /// overlapping one end are cut, an entry that contains it keeps its head in place and gets
    /// its tail appended at the end of the file. Entries owned by the user's numeric uid are cut
    /// too (shadow 4.13 matches the name only, so `1000:…` survived a revoke of that user).
    @discardableResult
    public mutating func revoke(_ range: IDRange, from identity: OwnerIdentity) -> Bool {
        guard !range.isEmpty else { return false }
        let first = UInt64(range.start), end = range.end
        var doomed: [Int] = []
        var tails: [SubIDEntry] = []
        var changed = false
        for (index, line) in lines.enumerated() {
            guard let entry = line.entry, identity.owns(entry.owner), !entry.range.isEmpty else { continue }
            let entryStart = UInt64(entry.range.start), entryEnd = entry.range.end
            guard entryStart < end && first < entryEnd else { continue }
            changed = true
            if first <= entryStart {
                if end >= entryEnd {
                    doomed.append(index)
                } else {
                    replaceEntry(at: index, with: SubIDEntry(owner: entry.owner, range: IDRange(start: end, count: entryEnd - end)!))
                }
            } else {
                replaceEntry(at: index, with: SubIDEntry(owner: entry.owner, range: IDRange(start: entryStart, count: first - entryStart)!))
                if end < entryEnd {
                    tails.append(SubIDEntry(owner: entry.owner, range: IDRange(start: end, count: entryEnd - end)!))
                }
            }
        }
        removeLines(at: doomed)
        for tail in tails { appendUnchecked(tail) }
        return changed
    }
}

public enum RangeEditError: Error, Equatable, Sendable, CustomStringConvertible {
    case overlapsOtherOwner(IDRange, SubIDEntry, line: Int)
    case invalidOwner(SubIDEntry.InvalidOwner)
    /// A caller gave up on the edit (another file of the same change failed).
    case abandoned

    public var description: String {
        switch self {
        case .overlapsOtherOwner(let range, let entry, let line):
            "\(range) overlaps \(entry.owner)'s \(entry.range) (line \(line)): choose a free range "
                + "(`subid allocate` finds one) or revoke it from \(entry.owner) first"
        case .invalidOwner(let error): error.description
        case .abandoned: "change abandoned"
        }
    }
}
