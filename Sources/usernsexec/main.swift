import Glibc
import HelperSupport
import LinuxSys
import NamespaceExec
import SystemPackage

// lxc-usernsexec's CLI; the work is in NamespaceExec. Single-threaded on purpose: a process that
// has started Swift concurrency cannot unshare a user namespace.
let arguments = Array(ProcessArguments.all.dropFirst())
switch UsernsExecOptions.parse(arguments) {
case .help:
    HelperOutput.standardOutput(UsernsExecOptions.usage)
case .usageError(let message):
    HelperOutput.standardError("usernsexec: \(message)\n\(UsernsExecOptions.usage)")
    exit(1)
case .run(let options):
    do {
        let resolved = try UsernsExec.resolveMaps(options, users: SystemUserDatabase())
        exit(try UsernsExec.run(resolved))
    } catch {
        // Like a shell: 127 when the command is not found, 126 when it cannot be executed.
        var status: Int32 = 1
        if case .cannotExecute(_, let errno) = error { status = errno == .noSuchFileOrDirectory ? 127 : 126 }
        HelperOutput.fail("usernsexec", error.description, status: status)
    }
}
