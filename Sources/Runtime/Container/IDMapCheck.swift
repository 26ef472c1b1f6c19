import LinuxSys
import IDModel
public import SubID

/// lxc.idmap checked before start against the caller's subordinate ranges, with a message that
/// names the range (newuidmap would refuse too, but later and less clearly).
public enum IDMapCheck {
    /// Throws unless each of the config's maps is the user's own id or lies in one of the user's
    /// subordinate ranges (`subuid`/`subgid`: the files, nil when absent); the message names the map
    /// and the ranges the user has.
    public static func verify(_ config: ContainerConfig, user: UserRecord,
                              subuid: SubIDFile?, subgid: SubIDFile?) throws(RuntimeError) {
        let identity = OwnerIdentity(name: user.name, uid: user.uid)
        for kind in IDKind.allCases {
            let maps = config.idmaps.filter { $0.kind == kind }
            guard !maps.isEmpty else {
                throw .noIDMap(kind: kind, user: user.name)
            }
            let file = kind == .uid ? subuid : subgid
            let owned = file?.ranges(of: identity).filter { !$0.isEmpty } ?? []
            if owned.isEmpty {
                throw .noSubordinateIDs(user: user.name, kind: kind)
            }
            let policy = IDMapPolicy(kind: kind, caller: identity, ownID: kind == .uid ? user.uid : user.gid)
            switch policy.verify(maps.map { $0.extent }, against: file, aliasOwns: { _ in false }) {
            case .success: break
            case .failure(.notAllowed(let extent)):
                throw .idmapNotYours(extent, kind: kind, explanation: policy.explainNotAllowed(file: file))
            case .failure(.overlapping(let a, let b)):
                throw .idmapOverlap(a, b)
            case .failure(let other):
                throw .idmapUnwritable(kind: kind, reason: other.description)
            }
            if !maps.contains(where: { $0.inside == 0 }) {
                throw .idmapNoRoot(kind: kind)
            }
        }
    }
}

extension Container {
    /// The caller's subordinate ranges of `kind` from every nsswitch `subid:` source, as a file
    /// (/etc/subuid or /etc/subgid itself when nsswitch names no module).
    static func subordinateFile(_ identity: OwnerIdentity, kind: IDKind) throws(RuntimeError) -> SubIDFile? {
        switch SubIDSources.ownerFile(identity, kind: kind, file: (try? SubIDStore(kind: kind).readIfPresent()) ?? nil) {
        case .success(let file): return file
        case .failure(let error): throw .subidSources(error.description)
        }
    }
}
