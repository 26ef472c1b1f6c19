import LinuxSys
public import IDModel
public import SubID

/// lxc.idmap checked before start against the caller's subordinate ranges, with a message that
/// names the range (newuidmap would refuse too, but later and less clearly).
public enum IDMapCheck {
    public static func verify(_ config: ContainerConfig, user: UserRecord,
                              subuid: SubIDFile?, subgid: SubIDFile?) throws(RuntimeError) {
        let identity = OwnerIdentity(name: user.name, uid: user.uid)
        for kind in IDKind.allCases {
            let maps = config.idmaps.filter { $0.kind == kind }
            guard !maps.isEmpty else {
                throw RuntimeError("no lxc.idmap for \(kind)s: add `lxc.idmap = \(kind == .uid ? "u" : "g") 0 FIRST 65536` with FIRST from your range in \(kind.defaultPath) (`subid list \(user.name)`)")
            }
            let file = kind == .uid ? subuid : subgid
            let owned = file?.ranges(of: identity).filter { !$0.isEmpty } ?? []
            if owned.isEmpty {
                throw RuntimeError("\(user.name) has no subordinate \(kind)s: ask an admin to run `subid allocate \(user.name)`")
            }
            let policy = IDMapPolicy(kind: kind, caller: identity, ownID: kind == .uid ? user.uid : user.gid)
            switch policy.verify(maps.map { $0.extent }, against: file, aliasOwns: { _ in false }) {
            case .success: break
            case .failure(.notAllowed(let extent)):
                throw RuntimeError("lxc.idmap \(kind == .uid ? "u" : "g") \(extent.inside) \(extent.outside) \(extent.count) is not yours: \(policy.explainNotAllowed(file: file))")
            case .failure(.overlapping(let a, let b)):
                throw RuntimeError("lxc.idmap entries \(a) and \(b) overlap")
            case .failure(let other):
                throw RuntimeError("lxc.idmap for \(kind)s cannot be written: \(other)")
            }
            if !maps.contains(where: { $0.inside == 0 }) {
                throw RuntimeError("lxc.idmap maps no \(kind) 0: the container's root would not exist")
            }
        }
    }
}
