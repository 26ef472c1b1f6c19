# Assertions for integration tests: each prints one TAP-style line.

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $1"; shift; [ $# -gt 0 ] && printf '#   %s\n' "$@"; return 0; }

# same NAME EXPECTED ACTUAL
same() {
    if [ "$2" == "$3" ]; then ok "$1"; else
        not_ok "$1" "expected:" "$(printf '%s' "$2" | sed 's/^/    /')" "actual:" "$(printf '%s' "$3" | sed 's/^/    /')"
    fi
}

# check NAME COMMAND...: passes when the command succeeds
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }

# run_capture VAR COMMAND...: stdout, stderr and status of a command as one comparable text
run_capture() {
    local out err rc
    out=$("${@:2}" 2>"$WORK/.err"); rc=$?
    err=$(cat "$WORK/.err")
    printf -v "$1" 'stdout:\n%s\nstderr:\n%s\nstatus: %s' "$out" "$err" "$rc"
}

# A throwaway user that exists only in this test's scratch /etc.
new_user() { useradd -M -s /usr/sbin/nologin "$@" >/dev/null; }

put() { printf '%s' "$2" > "$1"; }

# Snapshot and restore the account files, so shadow's tools and ours start from the same state.
save_accounts() {
    mkdir -p "$WORK/saved"
    for f in passwd group shadow gshadow subuid subgid login.defs; do
        if [ -e "/etc/$f" ]; then cp -p "/etc/$f" "$WORK/saved/$f"; else rm -f "$WORK/saved/$f"; fi
    done
}
restore_accounts() {
    for f in passwd group shadow gshadow subuid subgid login.defs; do
        if [ -e "$WORK/saved/$f" ]; then cp -p "$WORK/saved/$f" "/etc/$f"; else rm -f "/etc/$f"; fi
        rm -f "/etc/$f-"
    done
    rm -f /etc/*.lock
}

# new_target USER [GROUP]: a process of USER in a fresh user namespace; prints its pid. setpriv
# itself goes to the background (not a shell function), so $! is the target.
new_target() {
    setpriv --reuid="$1" --regid="${2:-$1}" --init-groups unshare -U sleep 120 >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 50); do [ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break; sleep 0.02; done
    echo "$pid"
}

# mask_pid TEXT PID: TEXT with the pid (as a whole number only, never inside another one) as PID.
# Pids are small in a test's own PID namespace: "600" must not turn 600000 into PID000.
mask_pid() { sed -E "s/(^|[^0-9])$2([^0-9]|\$)/\1PID\2/g" <<<"$1"; }

# A scratch install prefix as `make install` lays it out for userbox: newuidmap/newgidmap setuid
# in bin, lxc-user-nic setuid in libexec/lxc, userbox, userbox-cli and usernsexec in bin,
# userbox-join in libexec/userbox. Prints it.
userbox_prefix() {
    local pfx=$SCRATCH/usr
    mkdir -p "$pfx/bin" "$pfx/libexec/lxc"; chmod 755 "$SCRATCH" "$pfx" "$pfx/bin" "$pfx/libexec" "$pfx/libexec/lxc"
    install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$pfx/bin/"
    install -o root -g root -m 4755 "$BIN/lxc-user-nic" "$pfx/libexec/lxc/"
    install -m 0755 "$BIN/userbox" "$BIN/userbox-cli" "$BIN/usernsexec" "$pfx/bin/"
    install -D -m 0755 "$BIN/userbox-join" "$pfx/libexec/userbox/userbox-join"
    mkdir -p "$pfx/share/userbox/config" && cp "$BIN"/share/userbox/config/*.conf "$pfx/share/userbox/config/"
    chmod -R a+rX "$pfx/share"
    echo "$pfx"
}

# userbox_user USER: a user with a home others may search (the container's root must reach its
# rootfs), subordinate ids 2000000:1000000 for uids and gids, our helpers in a scratch prefix
# ($pfx), and `as CMD...` running CMD as USER in a clean environment, `ub` = `as userbox`, $box
# USER's containers directory.
userbox_user() {
    pfx=$(userbox_prefix)
    useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$1"; chmod 755 "/home/$1"
    printf '%s:2000000:1000000\n' "$1" > /etc/subuid; cp /etc/subuid /etc/subgid
    box=/home/$1/.local/share/userbox
    eval "as() { (cd /home/$1 && setpriv --reuid=$1 --regid=$1 --init-groups env -i HOME=/home/$1 USER=$1 PATH=\"\$pfx/bin:/usr/sbin:/usr/bin:/sbin:/bin\" \"\$@\"); }"
    ub() { as userbox "$@"; }
}

# private_network: the calling test file runs (again, from its top) in a network namespace of its
# own, so bridges, veths and loopback servers never touch the machine's network. Call it first.
private_network() {
    [ -n "${IN_NETNS:-}" ] && return 0
    local file; file=$(readlink -f "${BASH_SOURCE[1]}")
    exec unshare --net env IN_NETNS=1 bash -c "cd '$WORK'; source '$REPO/tests/integration/lib.sh'; source '$file'"
}

# helper_sandbox: inside private_network, a private /run, loopback and a bridge br0, our three
# setuid helpers installed in $SCRATCH/bin (as $ours), users alice (100000:65536) and bob
# (200000:65536) in /etc/subuid and /etc/subgid, and as USER CMD... / container USER.
helper_sandbox() {
    mount -t tmpfs tmpfs /run
    ip link set lo up; ip link add br0 type bridge; ip link set br0 up
    ours=$SCRATCH/bin; mkdir -p "$ours"; chmod 755 "$SCRATCH" "$ours"
    install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$BIN/lxc-user-nic" "$ours/"
    new_user -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 alice; new_user -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 bob
    printf 'alice:100000:65536\nbob:200000:65536\n' > /etc/subuid; cp /etc/subuid /etc/subgid
}
as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }
# container USER: a process of USER in new user and network namespaces; prints its pid.
container() { setpriv --reuid="$1" --regid="$1" --init-groups unshare -U -r -n sleep 120 >/dev/null 2>&1 & local p=$!; sleep 0.2; echo $p; }
