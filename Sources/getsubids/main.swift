import HelperSupport
import LinuxSys
import SubIDQuery

// Drop-in for shadow's getsubids: same argument shapes, output, message and exit status.
let startup = HelperStartup.begin(program: "getsubids")
let request: GetSubIDs.Request
switch GetSubIDs.parse(startup.arguments) {
case .usage:
    HelperOutput.standardError(GetSubIDs.usage(program: "getsubids"))
    startup.exit(1)
case .list(let parsed): request = parsed
}
let lines = GetSubIDs.run(request, users: SystemUserDatabase())
guard let lines else {
    HelperOutput.standardError("Error fetching ranges\n")
    startup.exit(1)
}
HelperOutput.standardOutput(lines)
startup.exit(0)
