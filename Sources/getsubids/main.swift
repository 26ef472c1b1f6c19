import HelperSupport
import LinuxSys
import SubID
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
let result = NameServiceSwitch.subidSources().flatMap { GetSubIDs.lines(request, users: SystemUserDatabase(), sources: $0) }
let lines: String
switch result {
case .success(let found?): lines = found
case .success(nil):
    HelperOutput.standardError("Error fetching ranges\n")
    startup.exit(1)
case .failure(let error):
    HelperOutput.standardError("Error fetching ranges\ngetsubids: \(error)\n")
    startup.exit(1)
}
HelperOutput.standardOutput(lines)
startup.exit(0)
