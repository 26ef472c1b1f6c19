import HelperSupport

// Placeholder until its issue is done: it must never pretend to have succeeded.
let startup = HelperStartup.begin(program: "newuidmap")
HelperOutput.fail(startup.program, "not implemented yet", status: 1)
