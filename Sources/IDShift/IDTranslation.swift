public import IDModel

/// Which ids become which: for uids and for gids, extents `[from, from+count) -> [to, to+count)`,
/// in the ids this process sees. Ids outside every extent stay as they are.
public struct IDTranslation: Equatable, Sendable {
    public var uids: [IDMapExtent]
    public var gids: [IDMapExtent]

    public init(uids: [IDMapExtent], gids: [IDMapExtent]) {
        self.uids = uids
        self.gids = gids
    }

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case overlapping(IDMapExtent, IDMapExtent)
        case sourceMeetsTarget(IDMapExtent)

        public var description: String {
            switch self {
            case .overlapping(let a, let b): "shift ranges \(a) and \(b) overlap"
            case .sourceMeetsTarget(let e):
                "shift \(e) moves ids onto ids it also moves: use separate source and target ranges, "
                    + "so an interrupted shift can simply be run again"
            }
        }
    }

    /// Restartable means: once shifted, an id is never shifted again. That holds when no
    /// target id is also a source id.
    public func validate() throws(Problem) {
        for extents in [uids, gids] {
            for (i, a) in extents.enumerated() {
                for b in extents[(i + 1)...] {
                    if let ai = a.insideRange, let bi = b.insideRange, ai.overlaps(bi) { throw .overlapping(a, b) }
                }
            }
            for target in extents {
                guard let to = target.outsideRange else { continue }
                for source in extents {
                    if let from = source.insideRange, from.overlaps(to) { throw .sourceMeetsTarget(target) }
                }
            }
        }
    }

    public func uid(_ id: UInt32) -> UInt32 { Self.translate(id, uids) }
    public func gid(_ id: UInt32) -> UInt32 { Self.translate(id, gids) }

    static func translate(_ id: UInt32, _ extents: [IDMapExtent]) -> UInt32 {
        for e in extents where id >= e.inside && UInt64(id) < UInt64(e.inside) + UInt64(e.count) {
            return e.outside + (id - e.inside)
        }
        return id
    }

    /// The reverse: what shifts the tree back.
    public var inverse: IDTranslation {
        let flip = { (e: IDMapExtent) in IDMapExtent(inside: e.outside, outside: e.inside, count: e.count) }
        return IDTranslation(uids: uids.map(flip), gids: gids.map(flip))
    }
}
