import Glibc
import HelperSupport
import IDShift
import LinuxSys
import NamespaceExec
import IDModel
import SubID
import SystemPackage

// lxc-usernsexec's CLI plus tree operations; the work is in NamespaceExec and IDShift.
// Single-threaded on purpose: a process that has started Swift concurrency cannot unshare a user
// namespace.
let arguments = Array(ProcessArguments.all.dropFirst())

func runTreeOperation(_ operation: UsernsExecOptions.TreeOperation) -> Never {
    do {
        switch operation {
        case .remove(let directory):
            try TreeRemoval.remove(directory)
        case .shift(let directory, let specs):
            let uids = specs.filter { $0.kind != .gid }.map(\.extent)
            let gids = specs.filter { $0.kind != .uid }.map(\.extent)
            let report = try TreeShift(IDTranslation(uids: uids, gids: gids)).shift(directory)
            HelperOutput.standardOutput("shifted \(report.changed) of \(report.visited) entries under \(directory)\n")
            for skipped in report.otherFilesystems {
                HelperOutput.standardError("usernsexec: \(skipped): another filesystem, left as it is\n")
            }
        }
        exit(0)
    } catch {
        HelperOutput.fail("usernsexec", "\(error)")
    }
}

switch UsernsExecOptions.parse(arguments) {
case .help:
    HelperOutput.standardOutput(UsernsExecOptions.usage)
case .usageError(let message):
    HelperOutput.standardError("usernsexec: \(message)\n\(UsernsExecOptions.usage)")
    exit(1)
case .run(var options):
    if let operation = options.treeOperation {
        // Root on the host needs no namespace; `--here` says we are where the ids make sense.
        if options.here || (geteuid() == 0 && options.maps.isEmpty) { runTreeOperation(operation) }
        // Otherwise run ourselves, with --here, as root of the new namespace.
        var inner = ["/proc/self/exe", "--here"]
        switch operation {
        case .remove(let directory): inner += ["--remove", directory]
        case .shift(let directory, let specs):
            inner += ["--shift", directory] + specs.map { "\($0.kind.rawValue):\($0.extent.inside):\($0.extent.outside):\($0.extent.count)" }
        }
        options.command = inner
        options.treeOperation = nil
    }
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
