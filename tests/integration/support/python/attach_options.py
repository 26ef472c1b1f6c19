#!/usr/bin/python3
# attach's options on a running container NAME, each printed as one line: run against both
# python3-lxc and userbox (only the import line differs), the outputs are compared.
import os
import sys
import tempfile
import userbox as lxc

c = lxc.Container(sys.argv[1])
with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as inp:
    inp.write(b"fed\n")
    inp.flush()
    inp.seek(0)
    status = c.attach_wait(lxc.attach_run_command, ["sh", "-c", 'echo $(pwd) $(id -u) $(id -g) $MARK $(head -1); exit 4'],
                           stdin=inp, stdout=out, initial_cwd="/etc", uid=1000, gid=1000,
                           env_policy=lxc.LXC_ATTACH_CLEAR_ENV, extra_env_vars=["MARK=clear"])
    out.seek(0)
    print(out.read().decode().strip(), os.WEXITSTATUS(status))
os.environ["MARK"] = "kept"
status = c.attach_wait(lxc.attach_run_command, ["sh", "-c", 'test "$MARK" = kept'], env_policy=lxc.LXC_ATTACH_KEEP_ENV)
print("keep env:", os.WEXITSTATUS(status))
status = c.attach_wait(lxc.attach_run_command, ["sh", "-c", 'test "$MARK" = kept'], env_policy=lxc.LXC_ATTACH_CLEAR_ENV)
print("clear env:", os.WEXITSTATUS(status))
status = c.attach_wait(lambda: 0 if os.getcwd() == "/tmp" else 1, initial_cwd="/tmp")
print("function cwd:", os.WEXITSTATUS(status))
status = c.attach_wait(lxc.attach_run_command, ["sh", "-c", "kill -TERM $$"])
print("signal:", os.WTERMSIG(status) if os.WIFSIGNALED(status) else "exit %d" % os.WEXITSTATUS(status))
pid = c.attach(lxc.attach_run_command, ["sleep", "30"])
os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print("kill:", os.WTERMSIG(status) if os.WIFSIGNALED(status) else "exit %d" % os.WEXITSTATUS(status))
c.stop()
c.wait("STOPPED", 5)
try:
    result = c.attach_wait(lxc.attach_run_command, ["true"])
    print("not running: returns %d" % result)
except Exception:
    print("not running: raises")
