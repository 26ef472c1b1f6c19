/// lxc-autostart's selection and order, as a pure function of the containers' configs.
public enum Autostart {
    /// A container as autostart weighs it: its name and its `lxc.start.*` and `lxc.group` keys.
    public struct Candidate: Sendable {
        /// The container's name.
        public let name: String
        /// Its config.
        public let config: ContainerConfig
        /// A candidate from a container's name and config.
        public init(name: String, config: ContainerConfig) {
            self.name = name
            self.config = config
        }
    }

    /// Which groups to act on: the containers in no group (lxc-autostart without -g; an empty
    /// group name means the same), the named groups in the order given, or every autostart
    /// container (`-a`).
    public enum Selection: Sendable {
        /// The containers in no group (lxc-autostart without `-g`).
        case ungrouped
        /// The containers of these groups, group by group in this order (`-g`, repeatable).
        case groups([String])
        /// Every container with `lxc.start.auto = 1` (`-a`).
        case all
    }

    /// The autostart containers of `selection`, in start order: group by group as named, and in
    /// each lxc.start.order from the highest (as LXC 4+), ties by name. A container in several
    /// named groups comes once, with its first group.
    public static func plan(_ candidates: [Candidate], selection: Selection) -> [Candidate] {
        let auto = candidates.filter { $0.config.startAuto }
        func ordered(_ list: [Candidate]) -> [Candidate] {
            list.sorted { a, b in
                a.config.startOrder != b.config.startOrder ? a.config.startOrder > b.config.startOrder : a.name < b.name
            }
        }
        switch selection {
        case .all:
            return ordered(auto)
        case .ungrouped:
            return ordered(auto.filter { $0.config.groups.isEmpty })
        case .groups(let names):
            var seen: Set<String> = []
            var result: [Candidate] = []
            for group in names {
                let members = group.isEmpty ? auto.filter { $0.config.groups.isEmpty } : auto.filter { $0.config.groups.contains(group) }
                for c in ordered(members) where !seen.contains(c.name) {
                    seen.insert(c.name)
                    result.append(c)
                }
            }
            return result
        }
    }
}
