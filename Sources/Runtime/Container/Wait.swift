import CLinux
import Glibc

/// A container's state as lxc-wait names them.
public enum ContainerStatus: String, CaseIterable, Sendable {
    /// Init runs (and, for a wait, is not frozen).
    case running = "RUNNING"
    /// No init: never started, or ended.
    case stopped = "STOPPED"
    /// Its processes are frozen (`freeze`).
    case frozen = "FROZEN"

    /// `RUNNING|STOPPED`, as lxc-wait takes a set (THAWED, lxc-wait's name for a running
    /// container that is not frozen, is RUNNING); nil when a name is unknown.
    public static func set(parsing text: String) -> Set<ContainerStatus>? {
        var states: Set<ContainerStatus> = []
        for name in text.split(separator: "|") {
            let upper = String(name).uppercased()
            guard let state = upper == "THAWED" ? .running : ContainerStatus(rawValue: upper) else { return nil }
            states.insert(state)
        }
        return states.isEmpty ? nil : states
    }
}

extension Container {
    /// Waits until the container is in one of `states` (lxc-wait): true when it got there, false
    /// when `timeout` seconds passed first (nil: no limit). Polled every 50 ms: the state file is
    /// written by the monitor, which outlives no one we could wait on.
    public func wait(for states: Set<ContainerStatus>, timeout: Double?) -> Bool {
        var waited = 0.0
        while true {
            if states.contains(status) { return true }
            if let timeout, waited >= timeout { return false }
            var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            _ = nanosleep(&pause, nil)
            waited += 0.05
        }
    }
}
