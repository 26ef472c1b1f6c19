import CFuzz
import Glibc

// libFuzzer's driver, from its no-main runtime (SwiftPM owns `main` for executable targets).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
let status = cfuzz_run(&argc, &argv) { data, size in
    guard let data else { return 0 }
    return fuzzParsers(data, size)
}
if status < 0 {
    let message = Array("fuzz-parsers: not built for fuzzing; use `make fuzz`\n".utf8)
    _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}
exit(status)
