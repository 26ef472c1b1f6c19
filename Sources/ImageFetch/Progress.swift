import Glibc

/// Where a download reports how far it got.
public protocol ProgressReporter: AnyObject {
    func begin(total: UInt64?)
    func update(received: UInt64, total: UInt64?)
    func end()
}

/// On a terminal, one line redrawn at most ten times a second: name, percentage, a bar, sizes,
/// rate and time left; elsewhere (a log, a pipe) a plain line at each quarter.
public final class DownloadProgress: ProgressReporter {
    let label: String
    let fd: Int32
    let terminal: Bool
    var total: UInt64?
    var started = 0.0
    var lastDraw = 0.0
    var lastQuarter = -1
    var lastReceived: UInt64 = 0

    public init(label: String, fd: Int32 = 2) {
        self.label = label
        self.fd = fd
        terminal = isatty(fd) == 1
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public func begin(total: UInt64?) {
        self.total = total
        started = Self.now()
    }

    public func update(received: UInt64, total reported: UInt64?) {
        lastReceived = received
        let total = self.total ?? reported
        let now = Self.now()
        if terminal {
            guard now - lastDraw >= 0.1 else { return }
            lastDraw = now
            emit("\r\u{1B}[K" + Self.line(label: label, received: received, total: total, seconds: now - started))
        } else if let total, total > 0 {
            let quarter = Int(received * 4 / total)
            if quarter > lastQuarter && quarter > 0 {
                lastQuarter = quarter
                emit(Self.line(label: label, received: received, total: total, seconds: now - started) + "\n")
            }
        }
    }

    public func end() {
        if terminal {
            emit("\r\u{1B}[K" + Self.line(label: label, received: lastReceived, total: total ?? lastReceived, seconds: Self.now() - started) + "\n")
        }
    }

    func emit(_ text: String) { _ = text.withCString { write(fd, $0, strlen($0)) } }

    /// `rootfs.tar.xz  45% [=========>           ] 12.3 MiB / 27.0 MiB  3.2 MiB/s  0:05 left`
    static func line(label: String, received: UInt64, total: UInt64?, seconds: Double) -> String {
        let rate = seconds > 0 ? Double(received) / seconds : 0
        var out = label
        if let total, total > 0 {
            let fraction = min(1, Double(received) / Double(total))
            let width = 24, filled = Int(fraction * Double(width))
            let bar = String(repeating: "=", count: filled) + (filled < width ? ">" + String(repeating: " ", count: width - filled - 1) : "")
            out += "  \(Int(fraction * 100))% [\(bar)] \(size(received)) / \(size(total))"
            if rate > 0 && received < total {
                let left = Int(Double(total - received) / rate)
                out += "  \(size(UInt64(rate)))/s  \(left / 60):\(left % 60 < 10 ? "0" : "")\(left % 60) left"
            } else if rate > 0 {
                out += "  \(size(UInt64(rate)))/s"
            }
        } else {
            out += "  \(size(received))" + (rate > 0 ? "  \(size(UInt64(rate)))/s" : "")
        }
        return out
    }

    static func size(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(bytes) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
