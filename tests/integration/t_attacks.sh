# Issue 20's findings replayed as the unprivileged user they came from; each attack passed on
# 1aea0d1 and must fail now. README's Security section maps each one to its block here.
private_network
helper_sandbox

# --- Finding 1: newgidmap fd:N wrote "deny" as root through a bind mount in the caller's own
# mount namespace. The caller needs no subordinate ids: its own gid, count 1, is always allowed.
victim=$SCRATCH/victim; printf 'precious\n' > "$victim"; chmod 644 "$victim"
# bind_over FILE: a process of alice in new user+mount namespaces with $victim bound over its own
# /proc/PID/FILE; prints its pid once the mount is there.
bind_over() {
    # setpriv itself in the background (not the `as` function), so $! is the target
    setpriv --reuid=alice --regid=alice --init-groups unshare -Urm --propagation private \
        sh -c "mount --bind '$victim' /proc/\$\$/$1 && exec sleep 60" >/dev/null 2>&1 &
    local p=$! i
    for i in $(seq 100); do grep -q "/proc/$p/$1" /proc/$p/mountinfo 2>/dev/null && break; sleep 0.02; done
    echo "$p"
}
c=$(bind_over setgroups)
check "the bind mount is in place in alice's namespace" grep -q "/proc/$c/setgroups" /proc/$c/mountinfo
out=$(as alice bash -c "exec 9</proc/$c/root/proc/$c || exit 99; exec '$ours/newgidmap' fd:9 0 \$(id -g) 1" 2>&1); rc=$?
same "finding 1: newgidmap fd:N through a bind mount over setgroups leaves the root-owned file as it was" \
    "precious" "$(cat "$victim")"
check "and fails, saying it could not open setgroups (rc $rc: $out)" test "$rc" = 1 -a -n "$(grep -F 'setgroups' <<<"$out")"
kill "$c" 2>/dev/null
# The same trick over uid_map and gid_map: never opened through the mount.
for f in uid_map gid_map; do
    printf 'precious\n' > "$victim"
    c=$(bind_over $f)
    tool=newuidmap; [ $f = gid_map ] && tool=newgidmap
    out=$(as alice bash -c "exec 9</proc/$c/root/proc/$c || exit 99; exec '$ours/$tool' fd:9 0 100000 10" 2>&1); rc=$?
    same "finding 1: $tool fd:N through a bind mount over $f: refused, victim intact" "1 precious" "$rc $(cat "$victim")"
    kill "$c" 2>/dev/null
done
# A symlink planted in a procfs view is not followed either; the plain PID form still works.
t=$(new_target alice)
out=$(as alice "$ours/newgidmap" "$t" 0 "$(id -g alice)" 1 2>&1); rc=$?
same "newgidmap by PID still writes setgroups deny and the map as the caller" "0 deny" "$rc $(cat /proc/$t/setgroups)"
kill "$t"
t=$(new_target alice)
out=$(as alice bash -c "exec 9</proc/$t; exec '$ours/newgidmap' fd:9 0 100000 10" 2>&1); rc=$?
same "newgidmap fd:N on a plain /proc/PID directory still maps" "0 0 100000 10" "$rc $(tr -s ' ' </proc/$t/gid_map | sed 's/^ //')"
kill "$t"

# --- Finding 2: the lxc-user-nic quota. Quota 2; every way the caller can make the database write
# fail or cut the helper short must leave at most 2 veths, each recorded.
mkdir -p /etc/lxc; printf 'alice veth br0 2\nbob veth br0 5\n' > /etc/lxc/lxc-usernet
ca=$(container alice)
on_bridge() { ip -o link show master br0 2>/dev/null | grep -c veth; }
# every veth on the bridge has a line in the database (no veth the quota does not count)
unrecorded() {
    local n=0 v
    for v in $(ip -o link show master br0 | awk -F': ' '{print $2}' | cut -d@ -f1); do
        grep -q " $v\$" /run/lxc/nics 2>/dev/null || n=$((n + 1))
    done
    echo $n
}
reset_nics() { for v in $(ip -o link show master br0 | awk -F': ' '{print $2}' | cut -d@ -f1); do ip link del "$v"; done; rm -f /run/lxc/nics; }
# Hard and soft RLIMIT_FSIZE 0: the helper raises it where it holds CAP_SYS_RESOURCE (not in
# every sandbox: then its write fails); either way no veth may exist that the database lacks.
for i in 1 2 3 4 5; do
    # stderr through a pipe: RLIMIT_FSIZE stops writes to regular files only
    err=$(as alice bash -c "ulimit -f 0; trap '' XFSZ; exec '$ours/lxc-user-nic' create /x c $ca veth br0 e$i" 2>&1 >/dev/null)
done
echo "$err" > "$WORK/nic.err"
same "finding 2: five creates with RLIMIT_FSIZE 0 and SIGXFSZ ignored: no veth the database does not record" 0 "$(unrecorded)"
check "and no more than the quota of 2 ($(on_bridge) veths; $(head -c 200 "$WORK/nic.err"))" test "$(on_bridge)" -le 2
[ "$(on_bridge)" = 0 ] && check "a refusal names the cause" grep -q 'File too large' "$WORK/nic.err"
reset_nics
for i in 1 2 3 4 5; do
    as alice bash -c "ulimit -f 0; exec '$ours/lxc-user-nic' create /x c $ca veth br0 f$i" >/dev/null 2>&1
done
same "finding 2: the same with SIGXFSZ at its default: nothing unrecorded, at most 2" "0 yes" \
    "$(unrecorded) $([ "$(on_bridge)" -le 2 ] && echo yes)"
check "and no temporary nics.cio* file is left in /run/lxc ($(ls /run/lxc | tr '\n' ' '))" \
    sh -c '! ls /run/lxc | grep -q cio'
reset_nics
# Only the soft limit at 0: the helper raises it to the hard one, so the quota is what stops it.
for i in 1 2 3 4 5; do
    as alice bash -c "ulimit -S -f 0; exec '$ours/lxc-user-nic' create /x c $ca veth br0 g$i" >/dev/null 2>&1
done
same "finding 2: five creates with a soft RLIMIT_FSIZE of 0: exactly the quota of 2 veths, all recorded" \
    "2 0" "$(on_bridge) $(unrecorded)"
reset_nics
# Killed at random moments (the OOM killer, a root kill): whatever is on the bridge is recorded,
# so the quota still holds afterwards.
for i in $(seq 60); do
    # setpriv itself in the background (not the `as` function), so $! is the helper
    setpriv --reuid=alice --regid=alice --init-groups "$ours/lxc-user-nic" create /x c "$ca" veth br0 k$i >/dev/null 2>&1 &
    p=$!; sleep "$(printf '0.%04d' $((RANDOM % 60)))"; kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
    [ "$(unrecorded)" = 0 ] || break
    reset_nics   # every round from an empty bridge, so the quota never closes the window
done
same "finding 2: 60 kills -9 at random moments of create: no veth without a record" 0 "$(unrecorded)"
for i in 1 2 3; do as alice "$ours/lxc-user-nic" create /x c "$ca" veth br0 m$i >/dev/null 2>&1; done
check "and creates after the kills stop at the quota ($(on_bridge) veths)" test "$(on_bridge)" -le 2
reset_nics
# Parallel creates with commits mid-change (recorded before created): the database is replaced by
# rename at each commit, so a lock on it alone would let a late arrival in early; five rounds of 20.
bad_rounds=0
for round in 1 2 3 4 5; do
    pids=(); for i in $(seq 20); do
        setpriv --reuid=alice --regid=alice --init-groups "$ours/lxc-user-nic" create /x c "$ca" veth br0 "r$round$i" >/dev/null 2>&1 & pids+=($!)
        sleep 0.002   # staggered, so some arrive after an earlier one's first commit
    done
    okc=0; for p in "${pids[@]}"; do wait "$p" && okc=$((okc + 1)); done
    [ "$okc $(on_bridge) $(unrecorded)" = "2 2 0" ] || bad_rounds=$((bad_rounds + 1))
    reset_nics
done
same "finding 2: 5 rounds of 20 parallel creates against a quota of 2: exactly 2 each time, all recorded" 0 "$bad_rounds"
# The caller cannot stop its helper any more: all three uids are root while it works. A helper
# waiting for the lock (held here by root) has long passed that point, so alice's SIGSTOP must fail.
hold_lock() {  # hold_lock SECONDS: root holds the nic database lock in the background
    python3 -c 'import fcntl, sys, time; f = open("/run/lxc/nics", "a"); fcntl.lockf(f, fcntl.LOCK_EX); print("held", flush=True); time.sleep(float(sys.argv[1]))' "$1" >"$WORK/held" &
    local i; for i in $(seq 100); do grep -q held "$WORK/held" 2>/dev/null && break; sleep 0.02; done
}
hold_lock 2; holder=$!
stop_rc=$(as alice bash -c "'$ours/lxc-user-nic' create /x c $ca veth br0 s1 >/dev/null 2>&1 & p=\$!; sleep 0.5; kill -STOP \$p 2>/dev/null; echo \$?; kill -CONT \$p 2>/dev/null; wait \$p")
wait "$holder"
check "finding 2: the caller cannot SIGSTOP its helper while it waits for or holds the lock (kill rc $stop_rc)" test "$stop_rc" != 0
reset_nics
# A process that keeps the lock (a helper stuck for whatever reason): create gives up after 10 s.
cb=$(container bob)
hold_lock 13; holder=$!
out=$(as bob timeout 60 "$ours/lxc-user-nic" create /x c "$cb" veth br0 eth0 2>&1); rc=$?
same "finding 2: with the database lock held by a stuck process, create gives up instead of hanging" 1 "$rc"
check "and says the file stayed locked ($out)" grep -q 'stayed locked' <<<"$out"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
# The database is replaced by rename at every commit, so our helpers serialise on nics.lock, a file
# that is never replaced: held by another process, it keeps a create out as well.
python3 -c 'import fcntl, sys, time; f = open("/run/lxc/nics.lock", "a"); fcntl.lockf(f, fcntl.LOCK_EX); print("held", flush=True); time.sleep(13)' >"$WORK/held2" &
holder=$!; for i in $(seq 100); do grep -q held "$WORK/held2" 2>/dev/null && break; sleep 0.02; done
out=$(as bob timeout 60 "$ours/lxc-user-nic" create /x c "$cb" veth br0 eth1 2>&1); rc=$?
same "finding 2: with nics.lock held, create waits and gives up, naming it" "1 yes" "$rc $(grep -q 'nics.lock stayed locked' <<<"$out" && echo yes)"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
kill "$ca" "$cb" 2>/dev/null

# --- Findings 3, 4 and 5: pam_subid and subid allocate with directory accounts. A test name
# service (libnss_subidtest, tests/integration/support) serves users from /etc/subidtest-users.
nssdir=$SCRATCH/nss; mkdir -p "$nssdir"
gcc -shared -fPIC -O2 -o "$nssdir/libnss_subidtest.so.2" "$REPO/tests/integration/support/nss_subidtest.c"
sed -i -E 's/^(passwd|group):.*/& subidtest/' /etc/nsswitch.conf
module=$SCRATCH/pam_subid.so; install -o root -g root -m 0644 "$BIN/pam_subid.so" "$module"
printf 'auth required pam_permit.so\naccount required pam_permit.so\nsession required %s debug\n' "$module" > /etc/pam.d/subid-test
session() { LD_LIBRARY_PATH=$nssdir pamtester subid-test "$1" open_session close_session >/dev/null 2>"$WORK/pam.err"; }
subid() { LD_LIBRARY_PATH=$nssdir "$BIN/subid" "$@"; }
printf 'dirattack\t5000\t5000\n' > /etc/subidtest-users
# The name reads back as "bob's uid owns every id": bob is the one who would profit.
evil="$(id -u bob):0:4294967295"
printf '%s\t5001\t5001\n+nis\t5002\t5002\n#hash\t5003\t5003\n' "$evil" >> /etc/subidtest-users
same "the test name service answers for a colon name" 5001 "$(LD_LIBRARY_PATH=$nssdir id -u "$evil")"
cp /etc/subuid "$WORK/subuid.before"; cp /etc/subgid "$WORK/subgid.before"
session "$evil"; rc=$?
same "finding 3: pam_subid writes nothing for an account named $evil (the session still opens)" \
    "0 same same" "$rc $(cmp -s /etc/subuid "$WORK/subuid.before" && echo same) $(cmp -s /etc/subgid "$WORK/subgid.before" && echo same)"
t=$(new_target bob)
out=$(as bob "$ours/newuidmap" "$t" 0 0 1 2>&1); rc=$?
same "and bob cannot map host root" "1 " "$rc $(tr -s ' ' </proc/$t/uid_map | sed 's/^ //')"
kill "$t"
for name in '+nis' '#hash'; do
    session "$name"
    same "finding 3: pam_subid writes nothing for an account named $name" same "$(cmp -s /etc/subuid "$WORK/subuid.before" && echo same)"
done
out=$(subid grant "$evil" --uids 300000-300009 2>&1); rc=$?
same "finding 3: subid grant refuses the colon name, file untouched" "1 same" "$rc $(cmp -s /etc/subuid "$WORK/subuid.before" && echo same)"
check "and says why ($out)" grep -q "contains ':'" <<<"$out"
out=$(subid allocate "$evil" 2>&1); rc=$?
same "finding 3: subid allocate refuses it too" "1 same" "$rc $(cmp -s /etc/subuid "$WORK/subuid.before" && echo same)"

# Finding 4: a directory user whose uid sits where the next range would go (files as before
# finding 3, so this block stands on its own).
cp "$WORK/subuid.before" /etc/subuid; cp "$WORK/subgid.before" /etc/subgid
printf 'SUB_UID_MIN 100000\nSUB_UID_MAX 600100000\nSUB_UID_COUNT 65536\nSUB_GID_MIN 100000\nSUB_GID_MAX 600100000\nSUB_GID_COUNT 65536\n' >> /etc/login.defs
printf 'dirinside\t265600\t265600\n' >> /etc/subidtest-users
session dirattack
r=$(grep '^dirattack:' /etc/subuid | head -1); g=$(grep '^dirattack:' /etc/subgid | head -1)
# outside LINE ID: the owner:start:count LINE exists and does not contain ID
outside() { local s=${1#*:}; s=${s%%:*}; local n=${1##*:}; [ -n "$1" ] && { [ "$2" -lt "$s" ] || [ "$2" -ge $((s + n)) ]; }; }
check "finding 4: pam_subid gives dirattack a uid range without directory user dirinside's uid 265600 ($r)" outside "$r" 265600
check "and a gid range without its gid ($g)" outside "$g" 265600
check "and neither holds dirattack's own uid 5000" outside "$r" 5000
check "and subid check finds nothing wrong" env LD_LIBRARY_PATH=$nssdir "$BIN/subid" check
# Without enumeration (SSSD's default) the boundaries are still looked up one by one.
touch /etc/subidtest-noenum
# The first fit among the file's ranges alone: where the next range would start.
next_start=$(python3 - <<'PY'
starts = []
for f in ("/etc/subuid",):
    for line in open(f):
        p = line.strip().split(":")
        if len(p) >= 3 and p[1].isdigit(): starts.append((int(p[1]), int(p[2])))
low = 100000
for s, n in sorted(starts):
    if s - low >= 65536: break
    low = max(low, s + n)
print(low)
PY
)
printf 'dirboundary\t%s\t%s\n' "$next_start" "$next_start" >> /etc/subidtest-users
useradd -M -s /usr/sbin/nologin -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 fresh
out=$(subid allocate fresh 2>&1); rc=$?
r=$(grep '^fresh:' /etc/subuid | head -1)
same "finding 4: without enumeration, subid allocate succeeds" 0 "$rc"
check "and still steps over a directory uid at the range's start ($next_start; got $r)" outside "$r" "$next_start"
rm -f /etc/subidtest-noenum

# Finding 5: nobody and uids above UID_MAX get nothing; uid_max= moves the bound.
printf 'dirhigh\t1234400000\t1234400000\n' >> /etc/subidtest-users
session nobody; session dirhigh
same "finding 5: pam_subid gives nobody and a uid above UID_MAX no range" "0 0" \
    "$(grep -c '^nobody:' /etc/subuid) $(grep -c '^dirhigh:' /etc/subuid)"
printf 'auth required pam_permit.so\naccount required pam_permit.so\nsession required %s uid_max=2000000000\n' "$module" > /etc/pam.d/subid-test
session dirhigh; session nobody
same "and with uid_max=2000000000 the directory user gets one, nobody still none" "1 0" \
    "$(grep -c '^dirhigh:' /etc/subuid) $(grep -c '^nobody:' /etc/subuid)"

# Finding 5: a newline in lxc-user-nic's netns path does not start a second syslog line. /dev is
# replaced in this test's mount namespace only (tmpfs with the host's nodes bound in), so a
# listener can be /dev/log without creating anything in the machine's /dev.
dev=$SCRATCH/dev; mkdir -p "$dev"; mount -t tmpfs -o mode=0755 tmpfs "$dev"
for n in null zero full random urandom tty; do touch "$dev/$n"; mount --bind "/dev/$n" "$dev/$n"; done
mkdir "$dev/pts" "$dev/shm"; mount --bind /dev/pts "$dev/pts"; mount -t tmpfs tmpfs "$dev/shm"
mount --move "$dev" /dev
python3 - >"$WORK/syslog" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind("/dev/log"); s.settimeout(5)
print("ready", flush=True)
try:
    while True:
        sys.stdout.write(repr(s.recv(65536).decode(errors="replace")) + "\n"); sys.stdout.flush()
except Exception: pass
PY
lp=$!
for i in $(seq 100); do grep -q ready "$WORK/syslog" && break; sleep 0.02; done
chmod 666 /dev/log
as alice "$ours/lxc-user-nic" delete /x c "$(printf '/nonexistent\nforged: root logged in')" veth br0 veth0 >/dev/null 2>&1
wait "$lp"
check "finding 5: the syslog record of a refused delete holds the path escaped, on one line ($(grep -v ready "$WORK/syslog" | head -c 300))" \
    sh -c "grep -qF 'nonexistent\\\\x0aforged' '$WORK/syslog' && ! grep -qF 'nonexistent\\nforged' '$WORK/syslog'"

# Finding 5: 20,001 triples are refused on their count before any range is examined.
# The first triple is not alice's: only a count checked first says "too many".
t=$(new_target alice)
args="0 300000 1 $(for i in $(seq 1 20000); do printf '%d %d 1 ' $i $((100000 + i)); done)"
out=$(as alice "$ours/newuidmap" "$t" $args 2>&1); rc=$?
same "finding 5: newuidmap with 20,001 triples: refused on the count before any range is examined" \
    "1 newuidmap: too many ranges: 20001 (the kernel takes at most 340)" "$rc $out"
kill "$t"
true
