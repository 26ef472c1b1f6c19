import ContainerCgroups
import Glibc
import LinuxSys

extension Container {
    /// The cgroups recorded for this container (running, or left by a monitor that was killed).
    public var cgroups: CgroupSet? { CgroupSet.load(paths.cgroups) }

    /// Before a start: removes what a killed monitor left, makes this start's cgroups and records
    /// them for the monitor (which places init and writes the limits) and for a later clean-up.
    func prepareCgroups(user: UserRecord, starterJoins: Bool) throws(RuntimeError) {
        reapCgroups()
        let set = CgroupSet.create(container: name, user: user.name, layout: CgroupLayout.current(), starterJoins: starterJoins)
        do { try Files.replaceAtomically(paths.cgroups, with: Array(set.serialized.utf8), attributes: .init(owner: nil, mode: 0o644), durable: false) } catch {
            _ = set.reap()
            throw .system(error)
        }
    }

    /// For a container that is not running: removes its leftover cgroups and their record (all
    /// that hold no process). `ls`, `start` and `destroy` call it, so a crash leaves nothing for long.
    public func reapCgroups() {
        guard !isRunning, let set = cgroups else { return }
        if set.reap() { _ = unlink(paths.cgroups) }
    }

    /// Freezes (`frozen`) or thaws a running container's processes.
    public func freeze(_ frozen: Bool) throws(RuntimeError) {
        guard exists else { throw .notFound(container: name, lxcpath: paths.lxcpath) }
        guard isRunning else { throw .notRunning(name) }
        guard let set = cgroups else { throw .cgroup(.notPlaced(action: frozen ? "freeze" : "unfreeze", reason: "\(name) has no cgroups of its own")) }
        do { try set.freeze(frozen) } catch { throw .cgroup(error) }
    }

    /// RUNNING, FROZEN or STOPPED.
    public var status: ContainerStatus {
        guard isRunning else { return .stopped }
        return cgroups?.isFrozen == true ? .frozen : .running
    }
}
