import IDModel
import SubID
import UserNic

/// One reason the user could not start an unprivileged container, in plain words, with the
/// command that fixes it.
public struct Finding: Equatable, Sendable, CustomStringConvertible {
    /// A stable key for scripts and tests, e.g. `no-subuid`, `helper-nosuid`.
    public let cause: String
    public let problem: String
    public let fix: String

    public var description: String { "\(problem)\n    fix: \(fix)" }
}

public enum Diagnosis {
    /// A full container map (0-65535 inside) needs this many subordinate ids of each kind.
    public static let fullMap: UInt64 = 65536

    public static func run(_ facts: DoctorFacts) -> [Finding] {
        var findings: [Finding] = []
        let name = facts.user.name
        let identity = OwnerIdentity(name: name, uid: facts.user.uid)

        // Where ranges come from (nsswitch `subid:`): the files, modules, or both.
        if let problem = facts.sourcesProblem {
            findings.append(Finding(cause: "subid-sources-unusable", problem: "the helpers refuse every map: \(problem)",
                                    fix: "fix the subid: line of /etc/nsswitch.conf (root-owned, mode 644, e.g. `subid: files`)"))
        }
        let modules = facts.sources.filter { $0 != .files }.map { $0.description }
        let usesFiles = facts.sources.contains(.files)

        // Subordinate ranges.
        for kind in IDKind.allCases {
            let state = kind == .uid ? facts.subuid : facts.subgid
            let path = kind.defaultPath
            let flag = kind == .uid ? "--uids" : "--gids"
            if let failure = facts.moduleFailures[kind] {
                findings.append(Finding(cause: "subid-source-failed", problem: "subordinate \(kind)s of \(name) cannot be looked up: \(failure)",
                                        fix: "bring the source back (for sss: systemctl status sssd, sssctl domain-status)"))
                continue
            }
            let fromModules = facts.moduleRanges[kind] ?? []
            if !fromModules.isEmpty {
                // The directory grants this kind: the helpers accept it, whatever the files say.
                let total = fromModules.reduce(UInt64(0)) { $0 + UInt64($1.range.count) }
                if total < fullMap {
                    findings.append(Finding(
                        cause: "small-sub\(kind)",
                        problem: "\(name) has only \(total) subordinate \(kind)s (\(describe(fromModules.map { $0.range }))) from \(fromModules[0].source); a full container map needs \(fullMap)",
                        fix: "grant \(name) a range of \(fullMap) \(kind)s in the directory behind the \(fromModules[0].source) source"))
                }
                continue
            }
            if !usesFiles {
                findings.append(Finding(
                    cause: "no-sub\(kind)", problem: "\(name) has no subordinate \(kind)s from \(modules.joined(separator: ", ")) (/etc/nsswitch.conf's subid: line; \(path) is not read)",
                    fix: "grant \(name) a range of \(fullMap) \(kind)s in the directory behind \(modules.joined(separator: ", ")), or add `files` to the subid: line and run subid allocate \(name)"))
                continue
            }
            switch state {
            case .unreadable(let why):
                findings.append(Finding(cause: "sub\(kind)-unreadable", problem: "\(path) cannot be read: \(why)",
                                        fix: "repair \(path) (`subid check` shows what is wrong)"))
            case .missing:
                findings.append(Finding(cause: "no-sub\(kind)", problem: "\(path) does not exist, so \(name) has no subordinate \(kind)s",
                                        fix: "subid allocate \(name)"))
            case .present(let file):
                let owned = file.ranges(of: identity).filter { !$0.isEmpty }
                let total = owned.reduce(UInt64(0)) { $0 + UInt64($1.count) }
                if owned.isEmpty {
                    findings.append(Finding(cause: "no-sub\(kind)", problem: "\(name) has no subordinate \(kind)s in \(path)",
                                            fix: "subid allocate \(name)"))
                } else if total < fullMap {
                    let free = freeRange(in: file, defaults: facts.loginDefs, kind: kind)
                    findings.append(Finding(
                        cause: "small-sub\(kind)",
                        problem: "\(name) owns only \(total) subordinate \(kind)s (\(describe(owned))) in \(path); a full container map needs \(fullMap)",
                        fix: free.map { "subid grant \(name) \(flag) \($0.start)-\($0.end - 1)" }
                            ?? "free \(fullMap) \(kind)s in \(path), then subid grant \(name) \(flag) FIRST-LAST"))
                }
                for mine in owned {
                    for entry in file.entries where !identity.owns(entry.owner) && entry.range.overlaps(mine) {
                        let shared = overlap(mine, entry.range)
                        findings.append(Finding(
                            cause: "sub\(kind)-overlap",
                            problem: "\(name)'s \(kind)s \(describe([mine])) overlap \(entry.owner)'s \(describe([entry.range])) in \(path): each one's containers can reach the other's files",
                            fix: "subid revoke \(name) \(flag) \(shared.start)-\(shared.end - 1)"))
                    }
                    let real = kind == .uid ? facts.realUsers : facts.realGroups
                    for other in real where mine.contains(other.id) && !(kind == .uid && other.id == facts.user.uid) {
                        findings.append(Finding(
                            cause: "sub\(kind)-covers-real-id",
                            problem: "\(kind) \(other.id) of \(kind == .uid ? "user" : "group") \(other.name) lies in \(name)'s subordinate range \(describe([mine])): \(name)'s containers can act as \(other.name)",
                            fix: "subid revoke \(name) \(flag) \(other.id)-\(other.id)"))
                    }
                }
            }
        }

        // The setuid helpers.
        for helper in facts.helpers {
            guard let path = helper.path else {
                findings.append(Finding(
                    cause: "helper-missing", problem: "\(helper.name) is not found on PATH (\(facts.searchPath.joined(separator: ":")))",
                    fix: "apt install uidmap, or make install from this toolkit"))
                continue
            }
            if let mount = helper.nosuidMount {
                findings.append(Finding(
                    cause: "helper-nosuid", problem: "\(path) lies on \(mount), mounted nosuid: its setuid bit and file capabilities are ignored",
                    fix: "install \(helper.name) on a filesystem mounted without nosuid (e.g. /usr/bin)"))
            } else if !helper.setuidRoot && !helper.fileCapabilities {
                let capability = helper.name == "newgidmap" ? "cap_setgid" : "cap_setuid"
                findings.append(Finding(
                    cause: "helper-unprivileged", problem: "\(path) is neither setuid root nor has \(capability): it cannot write maps for others",
                    fix: "chown root:root \(path) && chmod u+s \(path)   (or: setcap \(capability)+ep \(path))"))
            }
        }

        // User namespaces.
        if facts.maxUserNamespaces == 0 {
            findings.append(Finding(cause: "userns-disabled", problem: "user namespaces are disabled: user.max_user_namespaces is 0",
                                    fix: "sysctl -w user.max_user_namespaces=15000   (and set it in /etc/sysctl.d/)"))
        }
        if facts.unprivilegedUsernsClone == 0 {
            findings.append(Finding(cause: "userns-unprivileged-disabled",
                                    problem: "unprivileged user namespaces are disabled: kernel.unprivileged_userns_clone is 0",
                                    fix: "sysctl -w kernel.unprivileged_userns_clone=1   (and set it in /etc/sysctl.d/)"))
        }
        if let restricted = facts.apparmorRestrictsUserns, restricted != 0 {
            findings.append(Finding(cause: "userns-apparmor",
                                    problem: "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns is \(restricted))",
                                    fix: "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile with `userns,` for the runtime"))
        }

        // Networking through lxc-user-nic.
        let rules = (facts.usernet?.rules ?? []).filter { rule in
            rule.count > 0 && (rule.groupName.map { facts.user.groups.contains($0) } ?? (rule.owner == name))
        }
        if rules.isEmpty {
            findings.append(Finding(cause: "no-usernet", problem: "\(name) has no line in \(facts.usernetPath), so containers get no network",
                                    fix: "echo '\(name) veth lxcbr0 2' >> \(facts.usernetPath)   (with a bridge of that name)"))
        } else {
            for rule in rules where rule.link != "none" && !facts.existingLinks.contains(rule.link) {
                findings.append(Finding(cause: "no-bridge", problem: "bridge \(rule.link) named in \(facts.usernetPath) line \(rule.lineNumber) does not exist",
                                        fix: "ip link add \(rule.link) type bridge && ip link set \(rule.link) up"))
            }
            if let nic = facts.userNic, nic.path == nil || nic.nosuidMount != nil || !nic.setuidRoot {
                findings.append(Finding(cause: "usernic-unprivileged",
                                        problem: "lxc-user-nic\(nic.path.map { " at \($0)" } ?? "") is missing or cannot run as root",
                                        fix: "apt install lxc, or make install from this toolkit (see README for liblxc's path)"))
            }
        }

        // Cgroups.
        if facts.delegatedCgroup == nil {
            if facts.cgroupRoot != nil {
                findings.append(Finding(
                    cause: "no-cgroup", problem: "no cgroup is delegated to \(name): containers start without resource limits",
                    fix: "userbox admin delegate \(name)   (as root; or systemd's Delegate=yes for user@.service)"))
            } else {
                findings.append(Finding(
                    cause: "no-cgroup", problem: "no cgroup hierarchy is mounted: containers start without resource limits",
                    fix: "mount -t cgroup2 none /sys/fs/cgroup"))
            }
        }
        return findings
    }

    static func describe(_ ranges: [IDRange]) -> String {
        ranges.map { "\($0.start)-\($0.end - 1)" }.joined(separator: ", ")
    }

    static func overlap(_ a: IDRange, _ b: IDRange) -> IDRange {
        let start = max(UInt64(a.start), UInt64(b.start)), end = min(a.end, b.end)
        return IDRange(start: start, count: end - start) ?? a
    }

    /// Where `subid grant` could put a full map: first fit inside SUB_*_MIN..MAX.
    static func freeRange(in file: SubIDFile, defaults: LoginDefs, kind: IDKind) -> IDRange? {
        var policy = defaults.allocationPolicy(for: kind)
        policy.count = UInt32(fullMap)
        return try? Allocator.firstFit(among: file.entries.map(\.range), policy: policy, kind: kind)
    }
}
