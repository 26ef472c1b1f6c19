import CLinux
import AuditTrail
import Glibc
import HelperSupport
import LinuxSys
import IDModel
import SubID

/// newuidmap and newgidmap: shadow 4.13's checks in shadow's order, with its messages and exit
/// statuses, and the fixes later shadow made (see README). Each step's failure ends the process.
public enum MapHelper {
    public static func run(_ kind: IDKind) -> Never {
        let program = kind == .uid ? "newuidmap" : "newgidmap"
        let startup = HelperStartup.begin(program: program)
        let word = kind == .uid ? "uid" : "gid"
        func usage() -> Never {
            HelperOutput.standardError(
                "usage: \(program) <pid|fd:N> <\(word)> <lower\(word)> <count> [ <\(word)> <lower\(word)> <count> ] ... \n")
            startup.exit(1)
        }
        func fail(_ message: String) -> Never { HelperOutput.fail(program, message) }

        // 1. Arguments and target.
        guard let first = startup.arguments.first, let target = MapTarget.parse(first) else { usage() }
        let directory: Descriptor
        do { directory = try target.openDirectory() } catch {
            switch error {
            case .cannotOpen(let pid): fail("Could not open proc directory for target \(pid)")
            case .badDescriptor: usage()
            }
        }
        let targetLabel: String = switch target {
        case .pid(let pid): "\(pid)"
        case .descriptor(let fd): "fd:\(fd)"
        }

        // 2. Who is calling.
        let users = SystemUserDatabase()
        guard let caller = Caller.identify(users: users) else {
            clinux_syslog(program, LOG_AUTHPRIV | LOG_WARNING, "Cannot determine the user name of the caller (UID \(getuid()))")
            fail("Cannot determine your user name.")
        }

        // 3. The target must be the caller's: its /proc directory is owned by its euid and egid.
        let st: stat
        do { st = try directory.status() } catch { fail("Could not stat directory for target \(targetLabel)") }
        let account = caller.account
        // A refusal of an identified caller goes to the audit log and syslog as well as stderr.
        func refuse(_ message: String) -> Never {
            Audit.refused(operation: "map-\(word)s", account: account.name, id: caller.realUID, program: program, reason: message)
            fail(message)
        }
        // GRANT_AUX_GROUP_SUBIDS only matters when the real gid is not the account's primary one;
        // reading login.defs only then spares most calls the work (same outcome as shadow).
        func auxGroupsGranted() -> Bool {
            let defs = LoginDefs(parsing: (try? Files.read("/etc/login.defs", followSymlinks: true, limit: 1 << 20)) ?? [])
            return defs.flag("GRANT_AUX_GROUP_SUBIDS")
        }
        if caller.realUID != account.uid || (caller.realGID != account.gid && !auxGroupsGranted())
            || account.uid != st.st_uid || caller.realGID != st.st_gid {
            let what = kind == .uid ? "Target process" : "Target"
            refuse("\(what) \(targetLabel) is owned by a different user: uid:\(caller.realUID) pw_uid:\(account.uid) "
                 + "st_uid:\(st.st_uid), gid:\(caller.realGID) pw_gid:\(account.gid) st_gid:\(st.st_gid)")
        }

        // 4. The sources (nsswitch's `subid:`; refused when nsswitch.conf or a module is not root's
        //    alone) and the subordinate file (shadow 4.13 fails silently here; 4.18+ says why).
        let sources: [SubIDSource]
        switch NameServiceSwitch.subidSources() {
        case .success(let s): sources = s
        case .failure(let error): refuse(error.description)
        }
        var plugins: [SubIDPlugin] = []
        for case .module(let name) in sources {
            switch SubIDPlugin.load(name) {
            case .success(let plugin): plugins.append(plugin)
            case .failure(let error): refuse(error.description)
            }
        }
        let store = SubIDStore(kind: kind)
        var file: SubIDFile?
        if sources.contains(.files) {
            do { file = try store.read() } catch {
                // Beside other sources a missing file is just no ranges; alone it is shadow's error.
                if sources.count == 1 {
                    switch error {
                    case .missing: fail("cannot open \(store.path): No such file or directory")
                    case .symlink: fail("cannot open \(store.path): Too many levels of symbolic links")
                    default: fail("cannot open \(store.path): \(error)")
                    }
                }
            }
        }

        // 5. The triples.
        let extents: [IDMapExtent]
        switch IDMapArguments.parse(startup.arguments.dropFirst()) {
        case .success(let parsed): extents = parsed
        case .failure(.usage): usage()
        case .failure(.overflow): fail("subuid overflow detected.")
        case .failure(.notEnoughArguments(let ranges, let count)):
            HelperOutput.standardError("ranges: \(ranges) argc: \(count)\n")
            HelperOutput.standardError("\(program): Not enough arguments to form \(ranges) mappings\n")
            usage()
        }

        // 6. Authorisation, then the shape checks the kernel would otherwise fail obscurely.
        let identity = OwnerIdentity(name: account.name, uid: account.uid)
        let policy = IDMapPolicy(kind: kind, caller: identity, ownID: kind == .uid ? account.uid : caller.realGID)
        let verdict: IDMapPolicy.Verdict
        let asked = policy.verify(extents, against: file, aliasOwns: { users.user(named: $0)?.uid == account.uid }, sources: sources) { name, range in
            for plugin in plugins where plugin.name == name { return plugin.hasRange(owner: account.name, range: range, kind: kind) }
            return .success(nil)
        }
        switch asked {
        case .success(let v): verdict = v
        case .failure(.notAllowed(let extent)) where sources != [.files]:
            refuse("\(word) range \(extent) not allowed: no subid source (\(sources.map { $0.description }.joined(separator: ", "))) grants it to \(account.name)")
        case .failure(.notAllowed(let extent)): refuse("\(word) range \(extent) not allowed: \(policy.explainNotAllowed(file: file))")
        case .failure(.sourceFailed(let error)): refuse(error.description)
        case .failure(.overlapping(let a, let b)): refuse("\(word) ranges \(a) and \(b) overlap")
        case .failure(.tooManyExtents(let n)): refuse("too many ranges: \(n) (the kernel takes at most \(IDMapExtent.kernelMaximum))")
        case .failure(.mapTooLong(let n)): refuse("map is \(n) bytes (the kernel takes less than 4096)")
        }
        if extents.isEmpty {
            // shadow 4.13 writes nothing and the kernel answers EINVAL; say so the same way.
            fail("write to \(word)_map failed: Invalid argument")
        }

        // 7. Only the capability the write needs, and (setuid root) the caller's uid, before any
        //    write into /proc/PID: the kernel then checks each write against the namespace's owner,
        //    so even a file that is not the target's can only be written with the caller's rights.
        do {
            try CapabilityDrop.apply(
                kind: kind == .uid ? .uid : .gid,
                mapsHostRoot: kind == .uid && extents.contains { $0.outside == 0 }, realUID: caller.realUID)
        } catch {
            switch error {
            case .keepCaps: fail("Could not prctl(PR_SET_KEEPCAPS)")
            case .setEffectiveUID(let uid): fail("Could not seteuid to \(uid)")
            case .setCaps: fail("Could not set caps")
            }
        }
        // 8. newgidmap: setgroups before gid_map (as the caller, see 7).
        if kind == .gid && !verdict.authorisedBySubordinateFile {
            do {
                if try !MapWriter.denySetgroups(in: directory) {
                    HelperOutput.standardError("\(program): kernel doesn't support setgroups restrictions\n")
                }
            } catch {
                switch error {
                case .open(let e): fail("couldn't open process setgroups: \(e)")
                case .read(let e): fail("failed to read setgroups: \(e)")
                case .seek(let e): fail("failed to seek setgroups: \(e)")
                case .write(let e): fail("failed to setgroups deny\n policy: \(e)")
                }
            }
        }

        // 9. The one write of the map.
        let mapFile = "\(word)_map"
        do { try MapWriter.write(IDMapExtent.mapBytes(extents), to: mapFile, in: directory) } catch {
            switch error {
            case .open(let e): fail("open of \(mapFile) failed: \(e)")
            case .write(let e): fail("write to \(mapFile) failed: \(e)")
            }
        }
        startup.exit(0)
    }
}
