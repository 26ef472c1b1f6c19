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

    /// The most lines the kernel takes in one map (Linux 4.15+).
    public static let kernelMaximum = 340

    /// The text written, in one write, to uid_map or gid_map.
    public static func mapText(_ extents: [IDMapExtent]) -> String {
        String(decoding: mapBytes(extents), as: UTF8.self)
    }

    /// The same as bytes, built directly: this runs in every newuidmap call.
    public static func mapBytes(_ extents: [IDMapExtent]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(extents.count * 24)
        func append(_ value: UInt32) {
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var n = value, count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                repeat {
                    buffer[count] = UInt8(ascii: "0") + UInt8(n % 10)
                    n /= 10
                    count += 1
                } while n > 0
                for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
            }
        }
        for extent in extents {
            append(extent.inside)
            out.append(0x20)
            append(extent.outside)
            out.append(0x20)
            append(extent.count)
            out.append(0x0A)
        }
        return out
    }
}
