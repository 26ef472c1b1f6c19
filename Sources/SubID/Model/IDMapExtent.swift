/// One line of /proc/PID/uid_map or gid_map: `inside` ids starting at `inside` in the new
/// namespace map to `count` ids starting at `outside` in the caller's (shadow: upper, lower).
public struct IDMapExtent: Equatable, Sendable, CustomStringConvertible {
    public var inside: UInt32
    public var outside: UInt32
    public var count: UInt32

    public init(inside: UInt32, outside: UInt32, count: UInt32) {
        self.inside = inside
        self.outside = outside
        self.count = count
    }

    public var insideRange: IDRange? { IDRange(start: UInt64(inside), count: UInt64(count)) }
    public var outsideRange: IDRange? { IDRange(start: UInt64(outside), count: UInt64(count)) }

    /// shadow's `[upper-upper+count) -> [lower-lower+count)`.
    public var description: String {
        "[\(inside)-\(UInt64(inside) + UInt64(count))) -> [\(outside)-\(UInt64(outside) + UInt64(count)))"
    }
}
