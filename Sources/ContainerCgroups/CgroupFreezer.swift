import Glibc
import LinuxSys
import SystemPackage

/// Freezing a container: the v1 freezer where the container has one (as LXC on a v1 or hybrid
/// host), else cgroup2's `cgroup.freeze`; waits until the kernel reports every task frozen.
extension CgroupSet {
    enum Freezer {
        case legacy(String)    // freezer.state
        case unified(String)   // the payload directory

        var path: String {
            switch self {
            case .legacy(let p): p
            case .unified(let p): p + "/cgroup.freeze"
            }
        }
    }

    var freezer: Freezer? {
        if let m = member(forLegacy: "freezer") { return .legacy(m.payload + "/freezer.state") }
        if let m = unified { return .unified(m.payload) }
        return nil
    }

    /// True when the container is frozen (or freezing), false when thawed or without a freezer.
    public var isFrozen: Bool {
        switch freezer {
        case .legacy(let state):
            let value = CgroupFiles.read(state)?.trimmingWhitespace
            return value == "FROZEN" || value == "FREEZING"
        case .unified(let dir): return CgroupFiles.keyed(dir + "/cgroup.events")["frozen"] == 1
        case nil: return false
        }
    }

    public func freeze(_ frozen: Bool, timeout: Double = 10) throws(CgroupError) {
        let action = frozen ? "freeze" : "unfreeze"
        guard let freezer else {
            throw .notPlaced(action: action, reason: "the container has no cgroup with a freezer (the v1 freezer or cgroup2, delegated to you)")
        }
        let value: String
        switch freezer {
        case .legacy: value = frozen ? "FROZEN" : "THAWED"
        case .unified: value = frozen ? "1" : "0"
        }
        do { try CgroupFiles.write(value, to: freezer.path) } catch {
            throw .rejected(key: action, value: value, path: freezer.path, errno: error.rawValue)
        }
        var waited = 0.0
        while true {
            let done: Bool
            switch freezer {
            case .legacy(let state): done = (CgroupFiles.read(state) ?? "").trimmingWhitespace == value
            case .unified(let dir): done = CgroupFiles.keyed(dir + "/cgroup.events")["frozen"] == (frozen ? 1 : 0)
            }
            if done { return }
            if waited >= timeout { throw .timedOut(action: action, path: freezer.path) }
            var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
            _ = nanosleep(&pause, nil)
            waited += 0.01
        }
    }
}
