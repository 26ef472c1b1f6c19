import AuditTrail
import Glibc
import HelperSupport
import LinuxSys
import UserNic

// Drop-in for LXC's lxc-user-nic; the work is in UserNic.
let startup = HelperStartup.begin(program: "lxc-user-nic")
let command: UserNicCommand
switch UserNicCommand.parse(startup.arguments) {
case .success(let c): command = c
case .failure(.usage):
    HelperOutput.standardError(UserNicCommand.usage)
    startup.exit(1)
case .failure(.badPID(let text)): HelperOutput.fail("lxc-user-nic", "Could not read pid: \(text)")
case .failure(.badName(let text)): HelperOutput.fail("lxc-user-nic", "invalid name \"\(text)\"")
}
startup.protectFromCaller()
let users = SystemUserDatabase()
guard let me = users.user(id: startup.realUID) else { HelperOutput.fail("lxc-user-nic", "Failed to get username") }
let groups = users.supplementaryGroupNames()
let usernet = Usernet(parsing: (try? Files.read("/etc/lxc/lxc-usernet", followSymlinks: true, limit: 1 << 20)) ?? [])
let store = NicStore()
do throws(UserNic.Failure) {
    switch command {
    case .create(let pid, let type, let link, let nicName):
        let line = try UserNic.create(pid: pid, type: type, link: link, nicName: nicName, callerUID: startup.realUID,
                                      user: me.name, groups: groups, usernet: usernet, store: store)
        HelperOutput.standardOutput(line + "\n")
    case .delete(let path, let type, let link, let host):
        try UserNic.delete(netnsPath: path, type: type, link: link, hostInterface: host, callerUID: startup.realUID,
                           user: me.name, groups: groups, usernet: usernet, store: store)
    }
    startup.exit(0)
} catch {
    let operation: String = switch command { case .create: "create-nic"; case .delete: "delete-nic" }
    Audit.refused(operation: operation, account: me.name, id: startup.realUID, program: "lxc-user-nic", reason: "\(error)")
    HelperOutput.fail("lxc-user-nic", "\(error)", status: error.exitStatus)
}
