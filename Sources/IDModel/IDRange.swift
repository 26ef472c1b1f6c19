/// A half-open range of ids `[start, start+count)` in the 32-bit id space.
///
/// The invariant `start + count <= 2^32` holds for every value (the initialisers check it), so
/// no arithmetic on a range can wrap. Id 4294967295 (`(uid_t)-1`) is never a usable id: the
/// kernel rejects it in maps and as a credential; `includesInvalidID` tells when a range reaches it.
public struct IDRange: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let start: UInt32
    public let count: UInt32

    /// One past the last id in 64-bit arithmetic; at most 2^32.
    public var end: UInt64 { UInt64(start) + UInt64(count) }

    /// The last id, inclusive; nil for an empty range.
    public var last: UInt32? { count == 0 ? nil : UInt32(end - 1) }

    public var isEmpty: Bool { count == 0 }

    /// The highest id a range may end at, exclusive: 2^32.
    public static let idSpaceEnd: UInt64 = 1 << 32

    /// `(uid_t)-1`, which no process or map can use.
    public static let invalidID: UInt32 = .max

    public init?(start: UInt64, count: UInt64) {
        guard start <= UInt64(UInt32.max), count <= UInt64(UInt32.max), start + count <= IDRange.idSpaceEnd else {
            return nil
        }
        self.start = UInt32(start)
        self.count = UInt32(count)
    }

    /// The inclusive form `first-last` that usermod -v/-V take.
    public init?(first: UInt64, last: UInt64) {
        guard first <= last else { return nil }
        self.init(start: first, count: last - first + 1)
    }

    public func contains(_ id: UInt32) -> Bool { UInt64(id) >= UInt64(start) && UInt64(id) < end }

    public func overlaps(_ other: IDRange) -> Bool {
        !isEmpty && !other.isEmpty && UInt64(start) < other.end && UInt64(other.start) < end
    }

    public func covers(_ other: IDRange) -> Bool {
        other.isEmpty || (UInt64(start) <= UInt64(other.start) && other.end <= end)
    }

    public var includesInvalidID: Bool { !isEmpty && end == IDRange.idSpaceEnd }

    public static func < (lhs: IDRange, rhs: IDRange) -> Bool {
        (lhs.start, lhs.count) < (rhs.start, rhs.count)
    }

    /// `first-last`, or `start+0` for an empty range.
    public var description: String {
        guard let last else { return "\(start)+0" }
        return "\(start)-\(last)"
    }
}
