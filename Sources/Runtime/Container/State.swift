import CContainer
import Glibc
import SystemPackage
import LinuxSys

/// What a running container's monitor records: its own pid, init's pid and start time (so a
/// reused pid is never taken for the container), and the container's state.
public struct ContainerState: Equatable, Sendable {
    /// Where in its life the container is, by LXC's state names.
    public enum Phase: String, Sendable {
        /// The monitor is setting it up; init has not run yet.
        case starting = "STARTING"
        /// Init runs.
        case running = "RUNNING"
        /// A stop was asked for; init is ending.
        case stopping = "STOPPING"
        /// Init has ended (the monitor's clean-up may still run).
        case stopped = "STOPPED"
    }

    /// Its phase, as the monitor last recorded it.
    public var phase: Phase
    /// The monitor's pid (it supervises init and cleans up after it).
    public var monitorPID: Int32
    /// The container's init, as a host pid.
    public var initPID: Int32
    /// Init's start time in clock ticks since boot (/proc/PID/stat field 22): with the pid, it names
    /// that one process, never a later one that reuses the pid.
    public var initStartTime: UInt64
    /// The IPv4 addresses it was given (`ADDRESS/PREFIX`, from `lxc.net.N.ipv4.address`).
    public var addresses: [String] = []
    /// The host ends of its veths (lxc-info's Link lines and byte counts).
    public var hostVeths: [String] = []

    /// A state with every field given.
    public init(phase: Phase, monitorPID: Int32, initPID: Int32, initStartTime: UInt64, addresses: [String] = [], hostVeths: [String] = []) {
        self.phase = phase; self.monitorPID = monitorPID; self.initPID = initPID
        self.initStartTime = initStartTime; self.addresses = addresses; self.hostVeths = hostVeths
    }

    /// The state file's text: one `key value` line per field.
    public var serialized: String {
        "state \(phase.rawValue)\nmonitor \(monitorPID)\ninit \(initPID)\nstarttime \(initStartTime)\naddresses \(addresses.joined(separator: ","))\nveths \(hostVeths.joined(separator: ","))\n"
    }

    /// A state file's text parsed; nil when a required field (state, monitor, init, starttime) is
    /// missing or malformed.
    public init?(parsing text: String) {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) } else if parts.count == 1 { fields[String(parts[0])] = "" }
        }
        guard let phase = fields["state"].flatMap(Phase.init), let monitor = fields["monitor"].flatMap({ Int32($0) }),
              let initPID = fields["init"].flatMap({ Int32($0) }), let start = fields["starttime"].flatMap({ UInt64($0) }) else { return nil }
        self.init(phase: phase, monitorPID: monitor, initPID: initPID, initStartTime: start,
                  addresses: (fields["addresses"] ?? "").split(separator: ",").map(String.init),
                  hostVeths: (fields["veths"] ?? "").split(separator: ",").map(String.init))
    }

    /// The state of `paths`' container as it really is: a state file whose init is gone (or was
    /// replaced by another process with the same pid) means stopped.
    public static func current(_ paths: ContainerPaths) -> ContainerState? {
        guard let bytes = try? Files.read(paths.state, followSymlinks: false, limit: 4096),
              let state = ContainerState(parsing: String(decoding: bytes, as: UTF8.self)) else { return nil }
        guard state.initPID > 0, ccontainer_start_time(state.initPID) == state.initStartTime else { return nil }
        return state
    }

    /// The monitor of a container whose init is gone but whose monitor still runs (its stop hooks
    /// and clean-up), or nil: a new start must wait for it, or the old monitor's clean-up would
    /// remove the new one's state, socket and cgroup record.
    static func lingeringMonitor(_ paths: ContainerPaths) -> Int32? {
        guard let bytes = try? Files.read(paths.state, followSymlinks: false, limit: 4096),
              let state = ContainerState(parsing: String(decoding: bytes, as: UTF8.self)), state.monitorPID > 0,
              ccontainer_start_time(state.monitorPID) != 0,
              let comm = try? Files.read("/proc/\(state.monitorPID)/comm", followSymlinks: true, limit: 64) else { return nil }
        // Only one of ours (a reused pid is someone else's process, not a monitor to wait for).
        return String(decoding: comm, as: UTF8.self).hasPrefix("userbox") ? state.monitorPID : nil
    }

    /// Replaces the container's state file with this one, atomically.
    public func write(to paths: ContainerPaths) throws(RuntimeError) {
        // Readable by others: it holds only pids, and a refusal must come from the kernel's checks.
        do { try Files.replaceAtomically(paths.state, with: Array(serialized.utf8), attributes: .init(owner: nil, mode: 0o644), durable: false) } catch {
            throw .system(error)
        }
    }
}

enum Directories {
    /// mkdir -p, 0700 for what we create (a user's run state is nobody else's business).
    static func make(_ path: String, mode: mode_t = 0o700) throws(RuntimeError) {
        do { try Files.makeDirectories(path, mode: mode) } catch { throw .system(error) }
    }
}
