"""userbox: unprivileged containers (LXC's config format) from Python, over libuserbox.so.1.

The names are python3-lxc's, so a script ports by `import userbox as lxc`. Where python3-lxc
returns False, these raise `userbox.Error` with the runtime's message (see README: differences).
Pure Python: ctypes over the C ABI (userbox.h); no extension to build.
"""

import ctypes
import ctypes.util
import os
import sys
import time

__all__ = ["Container", "Error", "list_containers", "attach_run_command", "attach_run_shell",
           "LXC_CREATE_QUIET", "LXC_ATTACH_KEEP_ENV", "LXC_ATTACH_CLEAR_ENV", "LXC_ATTACH_DEFAULT"]

LXC_CREATE_QUIET = 1
# attach flags and environment policies, as python3-lxc names them; userbox attaches with all
# of a container's namespaces, cgroups, bounding set and seccomp filter always.
LXC_ATTACH_MOVE_TO_CGROUP = 0x00000001
LXC_ATTACH_DROP_CAPABILITIES = 0x00000002
LXC_ATTACH_SET_PERSONALITY = 0x00000004
LXC_ATTACH_LSM_EXEC = 0x00000008
LXC_ATTACH_REMOUNT_PROC_SYS = 0x00010000
LXC_ATTACH_LSM_NOW = 0x00020000
LXC_ATTACH_DEFAULT = 0x0000FFFF
LXC_ATTACH_KEEP_ENV = 0
LXC_ATTACH_CLEAR_ENV = 1
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
LXC_CLONE_KEEPNAME = 0x0001
LXC_CLONE_KEEPMACADDR = 0x0002
LXC_CLONE_SNAPSHOT = 0x0004
LXC_CLONE_KEEPBDEVTYPE = 0x0008
LXC_CLONE_MAYBE_SNAPSHOT = 0x0010


class Error(Exception):
    """A call that failed, with the runtime's message."""


def _load():
    # USERBOX_LIBRARY names the library for an uninstalled build; else the loader's search
    # (PREFIX/lib after `make install` and ldconfig), else beside this package's installation.
    candidates = [os.environ.get("USERBOX_LIBRARY"), "libuserbox.so.1", ctypes.util.find_library("userbox")]
    for name in candidates:
        if not name:
            continue
        try:
            return ctypes.CDLL(name, use_errno=True)
        except OSError:
            continue
    raise ImportError("libuserbox.so.1 not found: make install, or set USERBOX_LIBRARY")


_lib = _load()
_P = ctypes.c_void_p
_S = ctypes.c_char_p
_SS = ctypes.POINTER(ctypes.c_char_p)


def _sig(name, res, *args):
    f = getattr(_lib, name)
    f.restype = res
    f.argtypes = list(args)
    return f


class _AttachOptions(ctypes.Structure):
    _fields_ = [("uid", ctypes.c_uint), ("gid", ctypes.c_uint), ("extra_env", _SS), ("initial_cwd", _S),
                ("env_policy", ctypes.c_int), ("stdin_fd", ctypes.c_int), ("stdout_fd", ctypes.c_int),
                ("stderr_fd", ctypes.c_int)]


_sig("userbox_abi_version", ctypes.c_int)
_sig("userbox_last_error", _S)
_sig("userbox_container_new", _P, _S, _S)
_sig("userbox_container_free", None, _P)
_sig("userbox_container_lxcpath", _S, _P)
for _name in ("userbox_defined", "userbox_running", "userbox_init_pid", "userbox_start", "userbox_stop",
              "userbox_destroy", "userbox_freeze", "userbox_unfreeze"):
    _sig(_name, ctypes.c_int, _P)
_sig("userbox_state", _S, _P)
_sig("userbox_shutdown", ctypes.c_int, _P, ctypes.c_int)
_sig("userbox_wait", ctypes.c_int, _P, _S, ctypes.c_double)
_sig("userbox_create", ctypes.c_int, _P, _S, ctypes.c_int, _SS)
_sig("userbox_attach", ctypes.c_int, _P, _SS, ctypes.POINTER(_AttachOptions), ctypes.POINTER(ctypes.c_int))
_sig("userbox_attach_run", ctypes.c_int, _P, _SS, ctypes.POINTER(_AttachOptions), ctypes.POINTER(ctypes.c_int))
_sig("userbox_enter", ctypes.c_int, _P, ctypes.POINTER(_AttachOptions), ctypes.POINTER(_SS))
_sig("userbox_get_config_item", ctypes.c_void_p, _P, _S)
_sig("userbox_set_config_item", ctypes.c_int, _P, _S, _S)
_sig("userbox_clear_config_item", ctypes.c_int, _P, _S)
_sig("userbox_save_config", ctypes.c_int, _P)
_sig("userbox_clone", _P, _P, _S, _S, ctypes.c_int, _S)
_sig("userbox_snapshot", ctypes.c_void_p, _P, _S)
_sig("userbox_snapshot_list", ctypes.c_void_p, _P)
_sig("userbox_snapshot_restore", ctypes.c_int, _P, _S, _S)
_sig("userbox_snapshot_destroy", ctypes.c_int, _P, _S)
_sig("userbox_get_ips", ctypes.c_void_p, _P, _S, _S, ctypes.c_int)
_sig("userbox_list", ctypes.c_void_p, _S)
_sig("userbox_free", None, ctypes.c_void_p)
_sig("userbox_free_list", None, ctypes.c_void_p)

if _lib.userbox_abi_version() != 1:
    raise ImportError("libuserbox ABI %d, this package speaks 1" % _lib.userbox_abi_version())


def _error(what):
    message = _lib.userbox_last_error()
    return Error("%s: %s" % (what, message.decode() if message else "failed"))


def _argv(items):
    array = (ctypes.c_char_p * (len(items) + 1))()
    for i, item in enumerate(items):
        array[i] = os.fsencode(item)
    array[len(items)] = None
    return array


def _take_list(pointer):
    """A char ** from the library as a Python list, released."""
    if not pointer:
        return None
    items = []
    array = ctypes.cast(pointer, _SS)
    i = 0
    while array[i] is not None:
        items.append(array[i].decode())
        i += 1
    _lib.userbox_free_list(pointer)
    return items


def _options(uid=None, gid=None, extra_env_vars=None, initial_cwd=None, env_policy=None, stdio=(None, None, None)):
    env = list(extra_env_vars or [])
    fds = [stream.fileno() if stream is not None else k for k, stream in enumerate(stdio)]
    o = _AttachOptions(uid or 0, gid if gid is not None else (uid or 0), _argv(env) if env else None,
                       os.fsencode(initial_cwd) if initial_cwd else None,
                       1 if env_policy == LXC_ATTACH_KEEP_ENV else 0, *fds)
    o._keep = env  # the array must outlive the call
    return o


def _command(payload):
    """attach_run_command's payload as an argv whose first word is the program, or None when the
    program and argv[0] differ (the payload then runs through a fork, as any function does)."""
    if isinstance(payload, tuple):
        program, argv = payload
        argv = list(argv)
        return argv if argv and argv[0] == program else None
    if isinstance(payload, str):
        return [payload]
    argv = list(payload or [])
    return argv or None


def attach_run_command(cmd):
    """The attach payload that runs a command: a str, a list, or (program, argv). Never returns."""
    if isinstance(cmd, tuple):
        program, argv = cmd
    elif isinstance(cmd, str):
        program, argv = cmd, [cmd]
    else:
        program, argv = cmd[0], list(cmd)
    try:
        os.execvp(program, argv)
    except OSError:
        os._exit(127)


def attach_run_shell(_=None):
    """The attach payload that runs /bin/sh."""
    return attach_run_command(["/bin/sh"])


class Container(object):
    """A container by name, in config_path (default: ~/.local/share/userbox)."""

    def __init__(self, name, config_path=None):
        handle = _lib.userbox_container_new(os.fsencode(name), os.fsencode(config_path) if config_path else None)
        if not handle:
            raise _error("Container(%r)" % name)
        self._handle = handle
        self.name = name

    def __del__(self):
        handle = getattr(self, "_handle", None)
        if handle:
            _lib.userbox_container_free(handle)
            self._handle = None

    def __repr__(self):
        return "<userbox.Container %s>" % self.name

    def _check(self, rc, what):
        if rc != 0:
            raise _error("%s %s" % (what, self.name))
        return True

    # --- properties
    @property
    def defined(self):
        return bool(_lib.userbox_defined(self._handle))

    @property
    def running(self):
        return bool(_lib.userbox_running(self._handle))

    @property
    def state(self):
        return _lib.userbox_state(self._handle).decode()

    @property
    def init_pid(self):
        return _lib.userbox_init_pid(self._handle)

    @property
    def config_file_name(self):
        return "%s/%s/config" % (_lib.userbox_container_lxcpath(self._handle).decode(), self.name)

    # --- lifecycle
    def create(self, template=None, flags=0, args=(), bdevtype=None):
        """As python3-lxc's: args a tuple of template arguments, or a dict {k: v} → --k v."""
        if bdevtype not in (None, "dir"):
            raise Error("create: bdevtype %r: create makes dir containers (btrfs through the CLI's -B)" % bdevtype)
        if isinstance(args, dict):
            argv = []
            for key, value in args.items():
                argv += ["--%s" % key, str(value)]
        else:
            argv = [str(a) for a in args]
        rc = _lib.userbox_create(self._handle, os.fsencode(template or "busybox"), flags, _argv(argv))
        return self._check(rc, "create")

    def start(self, useinit=False, daemonize=True, close_fds=False, cmd=None):
        if cmd or useinit or not daemonize:
            raise Error("start: only a detached start of the container's own init is supported")
        return self._check(_lib.userbox_start(self._handle), "start")

    def stop(self):
        return self._check(_lib.userbox_stop(self._handle), "stop")

    def shutdown(self, timeout=-1):
        return self._check(_lib.userbox_shutdown(self._handle, 10 if timeout is None or timeout < 0 else int(timeout)), "shutdown")

    def destroy(self):
        return self._check(_lib.userbox_destroy(self._handle), "destroy")

    def freeze(self):
        return self._check(_lib.userbox_freeze(self._handle), "freeze")

    def unfreeze(self):
        return self._check(_lib.userbox_unfreeze(self._handle), "unfreeze")

    def wait(self, state, timeout=-1):
        """True when the container reached state within timeout seconds (python3-lxc's bool)."""
        return _lib.userbox_wait(self._handle, os.fsencode(state), float(timeout)) == 0

    # --- inside
    def _enter_and_run(self, run, payload, env_policy, uid, gid, extra_env_vars, initial_cwd):
        environment = _SS()
        options = _options(uid, gid, extra_env_vars, initial_cwd, env_policy)
        if _lib.userbox_enter(self._handle, ctypes.byref(options), ctypes.byref(environment)) != 0:
            message = _lib.userbox_last_error()
            os.write(2, b"userbox: attach: " + (message or b"failed") + b"\n")
            os._exit(255)
        inside = _take_list(ctypes.cast(environment, ctypes.c_void_p)) or []
        if env_policy == LXC_ATTACH_CLEAR_ENV:
            os.environ.clear()
            for item in inside:
                key, _, value = item.partition("=")
                os.environ[key] = value
        try:
            code = run(payload) if payload is not None else run()
        except SystemExit as exit:
            code = exit.code
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 255
        os._exit(code if isinstance(code, int) else 0)

    def attach(self, run, payload=None, attach_flags=LXC_ATTACH_DEFAULT, namespaces=-1, personality=-1,
               initial_cwd=None, uid=None, gid=None, env_policy=LXC_ATTACH_KEEP_ENV, extra_env_vars=None,
               extra_keep_env=None, stdin=None, stdout=None, stderr=None):
        """Runs run(payload) inside the container in a new process; returns its pid.

        attach_run_command's command is started without copying this process (libuserbox's
        userbox_attach); any other function runs in a fork of it that enters the container."""
        for stream in (stdout, stderr):
            if stream is not None:
                stream.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        command = _command(payload) if run is attach_run_command else None
        if command is not None:
            pid = ctypes.c_int(-1)
            options = _options(uid, gid, extra_env_vars, initial_cwd, env_policy, (stdin, stdout, stderr))
            if _lib.userbox_attach(self._handle, _argv(command), ctypes.byref(options), ctypes.byref(pid)) != 0:
                raise _error("attach %s" % self.name)
            return pid.value
        pid = os.fork()
        if pid == 0:
            try:
                for fd, stream in ((0, stdin), (1, stdout), (2, stderr)):
                    if stream is not None:
                        os.dup2(stream.fileno(), fd)
                self._enter_and_run(run, payload, env_policy, uid, gid, extra_env_vars, initial_cwd)
            finally:
                os._exit(255)
        return pid

    def attach_wait(self, run, payload=None, **options):
        """As attach, then waits: returns the process's wait status, as python3-lxc does (the
        function's return value is the exit code: os.WEXITSTATUS of this)."""
        pid = self.attach(run, payload, **options)
        _, status = os.waitpid(pid, 0)
        return status

    def get_ips(self, interface=None, family=None, scope=None, timeout=0):
        """The addresses the container's interfaces have (a tuple; loopback and, by default,
        IPv6 link-local left out, as python3-lxc's), polled every 0.1 s up to timeout seconds."""
        deadline = time.time() + (timeout or 0)
        while True:
            found = tuple(_take_list(_lib.userbox_get_ips(
                self._handle, os.fsencode(interface) if interface else None,
                os.fsencode(family) if family else None, int(scope or 0))) or [])
            if found or time.time() >= deadline:
                return found
            time.sleep(0.1)

    def get_config_item(self, key):
        pointer = _lib.userbox_get_config_item(self._handle, os.fsencode(key))
        if not pointer:
            if _lib.userbox_last_error():
                raise _error("get_config_item %s" % key)
            return ""
        value = ctypes.cast(pointer, ctypes.c_char_p).value.decode()
        _lib.userbox_free(pointer)
        return value

    # --- storage
    def clone(self, newname, config_path=None, flags=0, bdevtype=None, bdevdata=None, newsize=0, hookargs=()):
        """A copy as newname (lxc-copy's work); returns the new Container. LXC_CLONE_SNAPSHOT
        makes an overlay clone."""
        if bdevdata or newsize or hookargs:
            raise Error("clone: bdevdata, newsize and hookargs are not supported")
        handle = _lib.userbox_clone(self._handle, os.fsencode(newname), os.fsencode(config_path) if config_path else None,
                                    flags & 7, os.fsencode(bdevtype) if bdevtype else None)
        if not handle:
            raise _error("clone %s as %s" % (self.name, newname))
        clone = Container.__new__(Container)
        clone._handle = handle
        clone.name = newname
        return clone

    def snapshot(self, comment_path=None):
        """Snapshots the stopped container; returns the snapshot's name ("snap0"...)."""
        pointer = _lib.userbox_snapshot(self._handle, os.fsencode(comment_path) if comment_path else None)
        if not pointer:
            raise _error("snapshot")
        name = ctypes.cast(pointer, ctypes.c_char_p).value.decode()
        _lib.userbox_free(pointer)
        return name

    def snapshot_list(self):
        """(name, comment_path, timestamp, lxcpath) per snapshot, oldest first."""
        items = _take_list(_lib.userbox_snapshot_list(self._handle))
        if items is None:
            raise _error("snapshot_list")
        return tuple(tuple(item.split("\t")) for item in items)

    def snapshot_restore(self, name, newname=None):
        rc = _lib.userbox_snapshot_restore(self._handle, os.fsencode(name), os.fsencode(newname) if newname else None)
        return self._check(rc, "snapshot_restore %s of" % name)

    def snapshot_destroy(self, name):
        return self._check(_lib.userbox_snapshot_destroy(self._handle, os.fsencode(name)), "snapshot_destroy %s of" % name)

    def set_config_item(self, key, value):
        """Sets key (every line of it) to value, or to each of a list's values in turn as
        python3-lxc does (the last one stays); checked now, written by save_config."""
        for item in (value if isinstance(value, list) else [value]):
            self._check(_lib.userbox_set_config_item(self._handle, os.fsencode(key), os.fsencode(str(item))), "set_config_item %s on" % key)
        return True

    def clear_config_item(self, key):
        return self._check(_lib.userbox_clear_config_item(self._handle, os.fsencode(key)), "clear_config_item %s on" % key)

    def save_config(self, path=None):
        if path not in (None, self.config_file_name):
            raise Error("save_config: only to the container's own config file")
        return self._check(_lib.userbox_save_config(self._handle), "save_config")


def list_containers(active=True, defined=True, as_object=False, config_path=None):
    """The containers' names (or Container objects), as python3-lxc's list_containers."""
    names = _take_list(_lib.userbox_list(os.fsencode(config_path) if config_path else None)) or []
    chosen = []
    for name in names:
        c = Container(name, config_path)
        if (defined and c.defined) or (active and c.running):
            chosen.append(c if as_object else name)
    return tuple(chosen)
